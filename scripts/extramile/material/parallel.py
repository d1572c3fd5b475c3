"""Write the story pages from two processes: MkDocs renders one page after another, on one core.

At 10,000 stories, turning pages into HTML files (`_build_page`: the page context, the theme's templates, the
write) is about half of a build, and nine in ten of those pages are stories. Every page is already read and
converted (MkDocs does that for all pages first), so a story page needs nothing from another's rendering:
once the first page is about to be written, the process forks; the child and the parent take the story pages
in chunks from a shared counter, and the parent writes every other page (the blog's listings rewrite the
navigation as they go, so they stay in one process, in MkDocs' order) before it joins in.

Nothing of a page changes (tests/site/test_parallel_pages.py compares every byte with a one-process build).
The child sends back what it logged at WARNING and above, so `--strict` counts it, and any error, which fails
the build as it would have in one process. `mkdocs serve` builds in one process (it runs threads, and a fork
copies only the one that asks).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Sequence

from mkdocs.commands import build as mkdocs_build
from mkdocs.exceptions import PluginError

from extramile import forking
from extramile.forking import captured_warnings, fork_with_pipe, replay

CHUNK = 32  # story pages taken at a time: small enough to end together, large enough to rarely meet at the lock


def workers() -> int:
    """How many processes write pages (forking.workers), as a build error when EXTRAMILE_WORKERS is bad."""
    try:
        return forking.workers()
    except ValueError as error:
        raise PluginError(str(error)) from None


class _Run:
    """One build's split of the story pages between this process and a forked child."""

    def __init__(self, build_page: Callable, doc_files: Sequence, shared: Callable[[object], bool]):
        self.build_page = build_page
        self.last = doc_files[-1].page if doc_files else None
        self.pages = [file.page for file in doc_files if shared(file.page)]
        self.ids = {id(page) for page in self.pages}
        self.counter = multiprocessing.get_context("fork").Value("q", 0)
        self.child = 0
        self.reader = -1

    def claim(self) -> list:
        with self.counter.get_lock():
            start = self.counter.value
            self.counter.value = start + CHUNK
        return self.pages[start:start + CHUNK]

    def render_shared(self, args: tuple) -> None:
        while chunk := self.claim():
            for page in chunk:
                self.build_page(page, *args, excluded=page.file.inclusion.is_excluded())

    def start(self, args: tuple) -> None:
        pid, end = fork_with_pipe()
        if pid == 0:  # the child: never returns
            _child(self, args, end)
        self.child, self.reader = pid, end

    def finish(self) -> None:
        """Wait for the child; replay what it logged; raise its error, if it had one."""
        with os.fdopen(self.reader, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.child, 0)
        self.child = 0
        try:
            outcome, records, error = pickle.loads(data)
        except Exception:
            raise PluginError(f"extramile: the process writing story pages stopped (status {status})") from None
        replay(records)
        if outcome != "ok":
            raise PluginError(f"extramile: {error}")

    def abandon(self) -> None:
        if self.child:
            os.kill(self.child, signal.SIGKILL)
            os.waitpid(self.child, 0)
            os.close(self.reader)
            self.child = 0


def _child(run: _Run, args: tuple, writer: int) -> None:
    outcome, error = "ok", ""
    # The parent prints and counts what the child logs: here it is only collected, so nothing shows twice.
    with captured_warnings(own_handlers=("mkdocs",)) as capture:
        try:
            run.render_shared(args)
        except BaseException as exc:
            outcome = "error"
            error = "".join(traceback.format_exception_only(type(exc), exc)).strip() or type(exc).__name__
    try:
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(pickle.dumps((outcome, capture.records, error)))
    finally:
        os._exit(0 if outcome == "ok" else 1)


class PageWriters:
    """Stands in for MkDocs' `_build_page` (`build_page`); each build opts in with `enable` (the plugin's on_env)."""

    def __init__(self, original: Callable):
        self.shared: Callable[[object], bool] | None = None
        self.skip: Callable[[object], bool] | None = None  # pages a quick preview leaves as they are
        self.run: _Run | None = None
        self.original = original

    def enable(self, shared: Callable[[object], bool]) -> None:
        """Split this build's pages for which `shared(page)` is true; the next build starts unsplit."""
        self.shared, self.run = shared, None

    def build_page(self, page, config, doc_files, nav, env, dirty=False, excluded=False):
        if self.skip is not None and self.skip(page):
            return None
        if self.shared is None:
            return self.original(page, config, doc_files, nav, env, dirty, excluded=excluded)
        args = (config, doc_files, nav, env, dirty)
        if self.run is None:
            self.run = _Run(self.original, doc_files, self.shared)
            if self.run.pages:
                self.run.start(args)
        run = self.run
        try:
            if id(page) not in run.ids:
                self.original(page, *args, excluded=excluded)
            if page is run.last:
                self.shared = self.run = None  # whatever happens next, the next build starts afresh
                run.render_shared(args)
                if run.child:
                    run.finish()
        except BaseException:
            run.abandon()
            self.shared = self.run = None
            raise


_writers: PageWriters | None = None


def page_writers() -> PageWriters:
    global _writers
    if _writers is None:
        _writers = PageWriters(mkdocs_build._build_page)
        mkdocs_build._build_page = _writers.build_page  # build() looks the name up for every page
    return _writers
