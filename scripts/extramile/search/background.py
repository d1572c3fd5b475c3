"""Write the search index in a second process while the engine writes its pages.

Pelican has every story's HTML once it has read the articles, long before it has written the pages; the index
needs nothing else. So the build forks there: the child builds the records and writes `search/`, the parent
goes on writing pages, and waits for the child at the end, failing the build if the child failed. Where a fork
is not safe (no fork on this system, or other threads running), or with EXTRAMILE_WORKERS=1, the index is
written at the end, in-process.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path

from extramile.forking import fork_with_pipe, may_fork
from extramile.search.index import SearchIndexError, write_index
from extramile.search.records import Record


class IndexJob:
    def __init__(self, records: Callable[[], list[Record]], site_dir: Path | str):
        self.records = records
        self.site_dir = Path(site_dir)
        self.child = 0
        self.reader = -1
        self.done = False

    def start(self) -> None:
        """Fork the child that writes the index, when that is safe; otherwise `finish` writes it."""
        if not may_fork():
            return
        pid, end = fork_with_pipe()
        if pid == 0:  # the child: never returns
            message = b""
            try:
                write_index(self.records(), self.site_dir)
            except BaseException as error:
                message = ("".join(traceback.format_exception_only(type(error), error)).strip()
                           or type(error).__name__).encode("utf-8", "replace")
            finally:
                os.write(end, message)
                os.close(end)
                os._exit(1 if message else 0)
        self.child, self.reader = pid, end

    def finish(self) -> None:
        """The index is written once this returns; raises SearchIndexError if it could not be."""
        if self.done:
            return
        self.done = True
        if not self.child:
            write_index(self.records(), self.site_dir)
            return
        with os.fdopen(self.reader, "rb") as pipe:
            message = pipe.read().decode("utf-8", "replace")
        _, status = os.waitpid(self.child, 0)
        self.child = 0
        if message or os.waitstatus_to_exitcode(status) != 0:
            raise SearchIndexError(message or f"the process writing the search index stopped (status {status})")
