"""What our forked workers share: a fork with a pipe back to the parent, and the warnings a child logs, which
its parent logs again (so MkDocs' --strict and Pelican's --fatal warnings count them, and each shows once)."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager


WORKERS_ENV = "EXTRAMILE_WORKERS"


def workers() -> int:
    """How many processes a build may use: EXTRAMILE_WORKERS, else 2 when the machine has two cores or more.
    1 keeps every build in one process. Raises ValueError for a value that is not a whole number."""
    value = os.environ.get(WORKERS_ENV, "")
    if value.strip():
        try:
            return max(1, int(value))
        except ValueError:
            raise ValueError(f"{WORKERS_ENV} must be a whole number, not {value!r}") from None
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def may_fork() -> bool:
    """Whether a second process may be forked here: fork exists, more than one worker is allowed, and no other
    thread runs (a fork copies only the calling thread: locks another one holds would stay held forever)."""
    return hasattr(os, "fork") and workers() > 1 and threading.active_count() == 1


def fork_with_pipe() -> tuple[int, int]:
    """Fork. The child gets (0, the pipe's write end); the parent gets (the child's pid, the read end)."""
    reader, writer = os.pipe()
    sys.stdout.flush()  # or what is buffered would be printed twice
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        return 0, writer
    os.close(writer)
    return pid, reader


class WarningCapture(logging.Handler):
    """Collects (logger name, level, message) of every record at WARNING and above."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record):
        self.records.append((record.name, record.levelno, record.getMessage()))


@contextmanager
def captured_warnings(own_handlers: tuple[str, ...] = ()) -> Iterator[WarningCapture]:
    """Within, what is logged at WARNING and above is collected, not printed: the root logger's handlers and
    those of `own_handlers` (loggers that do not propagate, as MkDocs' "mkdocs") are set aside till the end."""
    capture = WarningCapture()
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in own_handlers)]
    saved = [(logger, logger.handlers[:], logger.propagate) for logger in loggers]
    for logger in loggers[1:]:
        logger.handlers, logger.propagate = [], True
    loggers[0].handlers = [capture]
    try:
        yield capture
    finally:
        for logger, handlers, propagate in saved:
            logger.handlers, logger.propagate = handlers, propagate


def replay(records: list[tuple[str, int, str]]) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, message)
