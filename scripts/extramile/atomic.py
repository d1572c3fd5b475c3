"""Atomic file writes: a reader or a crash never sees half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _temp_with(path: Path, data: bytes) -> Path:
    # The temp file sits in the target's folder so that the final rename or link never crosses file systems.
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def write_new(path: Path, text: str) -> None:
    """Create `path` with `text`; FileExistsError if it exists (never overwrites, even in a race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_with(path, text.encode("utf-8"))
    try:
        os.link(temp, path)
    finally:
        os.unlink(temp)


def write_if_changed(path: Path, text: str) -> bool:
    """Replace `path` with `text` unless it already holds exactly that; True when written."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    replace_bytes(path, data)
    return True


def replace_bytes(path: Path, data: bytes) -> None:
    """Replace (or create) `path` with `data`, whole: a reader, or a second writer of the same bytes, never
    sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_with(path, data)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
