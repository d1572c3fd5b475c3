"""What a benchmark measures about one build: wall seconds, peak memory, output size, bytes per search query."""

from __future__ import annotations

import gzip
import importlib.util
import json
import os
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class BuildFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float  # the largest resident set of the build process or any process it waited for


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """One run of `command` in a fresh process: wall time and peak resident memory.

    wait4() reports the child's maximum RSS, which on Linux also covers the descendants it waited for (an
    indexer it ran, say): the figure is the largest single process, not a sum.
    """
    env = {**os.environ, "COLUMNS": "200", "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    env.pop("SITE_URL", None)
    # stderr goes to a file, not a pipe: a build that logged more than a pipe holds would block.
    with open(os.devnull, "w") as sink, tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=sink, stderr=log)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        log.seek(0)
        errors = log.read()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise BuildFailed(f"{' '.join(command)} failed ({process.returncode}):\n{errors[-4000:]}")
    return Run(seconds, usage.ru_maxrss / 1024)  # Linux reports kilobytes


def tree_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


@dataclass(frozen=True)
class SearchBytes:
    raw: int  # bytes fetched for one query, uncompressed where the server would compress
    gzipped: int  # the same, gzip-compressed as a web server would send it
    how: str  # which search, and what was counted


def search_bytes(site: Path, root: Path | None = None) -> SearchBytes | None:
    """The bytes a reader downloads to run one search query on the built site, or None without search."""
    ours = site / "search"
    if (ours / "index.json").is_file() and (ours / "search.js").is_file():
        return _index_bytes(ours, root)
    index = site / "search" / "search_index.json"
    if index.is_file():
        data = index.read_bytes()
        return SearchBytes(len(data), len(gzip.compress(data, 6)), "lunr: search_index.json, all of it")
    return None


def _index_bytes(folder: Path, root: Path | None) -> SearchBytes:
    estimate = _index_estimate(folder)
    # The search helper's benchmark runs a real query in Chromium and counts what is fetched, compressed as
    # sent: the better wire figure when it works here (it needs Debian's chromium).
    estimator = (root / "benchmarks" / "search_bytes.py") if root else None
    if estimator and estimator.is_file():
        spec = importlib.util.spec_from_file_location("extramile_search_bytes", estimator)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            value = module.query_bytes(folder.parent)
            if isinstance(value, int) and value > 0:
                return SearchBytes(estimate.raw, value, "ours: one query in Chromium (benchmarks/search_bytes.py)")
        except Exception:  # no browser here, or an estimator under construction: keep ours
            pass
    return estimate


def _index_estimate(folder: Path) -> SearchBytes:
    """search.js and index.json, one term chunk and five stories (median sizes: a typical query). The term
    chunks and stories are stored gzipped (as sent); the JavaScript and JSON are served gzipped."""
    raw = gz = 0
    for path in (folder / "search.js", folder / "index.json"):
        data = path.read_bytes()
        raw += len(data)
        gz += len(gzip.compress(data, 6))
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    chunks = [(folder / name).read_bytes() for _, _, name in index["chunks"]]
    stories = [path.read_bytes() for path in sorted((folder / index["documents"]).glob("*.gz"))]

    def median(files: list[bytes], packed: bool) -> int:
        return int(statistics.median(len(gzip.decompress(f)) if not packed else len(f) for f in files)) if files else 0

    raw += median(chunks, False) + 5 * median(stories, False)
    gz += median(chunks, True) + 5 * median(stories, True)
    return SearchBytes(raw, gz, "ours: search.js+index.json, median term chunk, 5 median stories")
