"""What our forked workers share: a fork with a pipe back to the parent, and the warnings a child logs, which
its parent logs again (so MkDocs' --strict and Pelican's --fatal warnings count them, and each shows once)."""

from __future__ import annotations

import logging
import os
import sys


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


def replay(records: list[tuple[str, int, str]]) -> None:
    for name, level, message in records:
        logging.getLogger(name).log(level, message)
