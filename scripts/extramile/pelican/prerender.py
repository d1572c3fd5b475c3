"""Read, check and render the stories in two worker processes, ahead of Pelican, which reads one after another.

Converting a story's Markdown (and sanitising it) is a third of a Pelican build, and no story needs another to
be converted. When Pelican asks the reader for its first story, the reader starts a pool on every story file
of that folder; Pelican's own calls then take the results as they come, in its order. What a worker logs at
WARNING and above is logged again by the reader, so `--fatal warnings` sees it; a worker's error is raised for
the story it came from. Without two cores, where fork is missing or threads run (tests drive Pelican beside a
browser), stories are read in-process as before.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from pathlib import Path

from extramile.forking import captured_warnings, may_fork, replay

CHUNK = 8

_work: Callable[[str], object] | None = None  # set before the pool forks: the workers inherit it


def _run(path: str):
    with captured_warnings() as capture:
        try:
            return path, _work(path), None, capture.records
        except Exception as error:
            return path, None, "".join(traceback.format_exception_only(type(error), error)).strip(), capture.records


class Prerendered:
    """Results of `work` for every path, computed by a pool, handed out by `take` in any order."""

    def __init__(self, work: Callable[[str], object], paths: list[str], processes: int = 2):
        global _work
        _work = work
        self.waiting = set(paths)
        self.results: dict[str, tuple] = {}
        self.pool = multiprocessing.get_context("fork").Pool(processes)
        self.incoming = self.pool.imap_unordered(_run, paths, chunksize=CHUNK)

    def take(self, path: str):
        """`work(path)` as a worker computed it, or None when the pool was not given that path."""
        if path not in self.waiting:
            return None
        while path not in self.results:
            done, value, error, records = next(self.incoming)
            self.results[done] = (value, error, records)
        self.waiting.discard(path)
        value, error, records = self.results.pop(path)
        if not self.waiting:
            self.close()  # its threads gone, the build may fork again (search/background.py)
        replay(records)
        if error is not None:
            raise RuntimeError(f"{path}: {error}")
        return value

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


def usable() -> bool:
    """Two cores, fork, no other thread (tests drive Pelican beside a browser); not with EXTRAMILE_WORKERS=1."""
    return may_fork()


def story_files(folder: Path) -> list[str]:
    return sorted(str(path) for path in folder.glob("*.md"))
