"""Writing drafts: rendered as python-frontmatter would, written atomically, never over an existing file.

Each draft goes to a temp file in the stories folder (written here, or by a worker process), is flushed to disk,
then renamed to its name by a rename that refuses to replace (renameat2 RENAME_NOREPLACE on Linux; elsewhere a
hard link and the temp name removed): a reader, a crash or SIGKILL sees the whole draft or none of it, and an
editor's file of the same name is never touched.
"""

from __future__ import annotations

import ctypes
import errno
import itertools
import os
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from extramile.ingest import interrupts
from extramile.ingest.dedupe import Index
from extramile.ingest.prepare import Draft
from extramile.ingest.render import render
from extramile.slug import slug_key, unique_slug

TEMP_SUFFIX = ".ingest-tmp"
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


_temp_numbers = itertools.count(1)


def write_temp(folder: str, slug: str, text: str) -> str:
    """A new temp file in `folder` holding `text` (closed, not yet flushed to disk): its path. Never a draft."""
    data = text.encode("utf-8")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = f"{folder}{os.sep}.{slug}.{os.getpid()}-{next(_temp_numbers)}{TEMP_SUFFIX}"
        try:
            fd = os.open(temp, flags, 0o644)
        except FileExistsError:  # left by a killed run of a process that had this pid: take the next number
            continue
        break
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        _unlink(temp)
        raise
    os.close(fd)
    return temp


def discard_temp(temp: str) -> None:
    _unlink(temp)


def write_new(path: Path, text: str) -> bool:
    """Create `path` holding `text`, whole or not at all; False (and nothing written) when it exists."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        except OSError as error:
            if error.errno not in _NO_LINKS:
                raise
            # No hard links on this file system: we hold the ingest lock, so only an editor could race us here.
            if path.exists():
                return False
            os.replace(temp, path)
        return True
    finally:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass


def remove_stale_temps(folder: Path) -> list[Path]:
    """Temp files a killed run left behind (never a draft: those only appear whole). Call holding the lock."""
    removed = []
    if folder.is_dir():
        for path in folder.glob(f".*{TEMP_SUFFIX}"):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


class DraftWriter:
    """Writes drafts in batches, in submission order.

    Each draft is written to its own temp file in the stories folder as it comes (here by `submit`, or by a worker
    process before `adopt`); at the end of a batch the temp files are flushed to disk together (one `syncfs` of
    the folder's file system on Linux, an fsync per file elsewhere), `before_flush` runs (the pipeline keeps the
    batch's private details in the intake store), then each temp file is linked to its draft's name and removed,
    and the folder is fsynced. A draft is therefore visible only once it is whole and on disk, whenever the process
    dies. `dry_run` only names the files.
    """

    def __init__(self, folder: Path, index: Index, *, batch: int = 256, dry_run: bool = False,
                 before_flush: Callable[[list[Draft]], None] | None = None):
        self.folder, self.index, self.dry_run = folder, index, dry_run
        self.batch_size, self.before_flush = max(1, min(batch, _descriptor_budget())), before_flush
        self._batch: list[tuple[Draft, Path, str, int | None]] = []  # draft, reserved path, temp, open fd or None
        self._done: deque[tuple[Draft, Path | OSError]] = deque()
        self.made: list[str] = []  # the file name of every draft made here, for a run that is taken back
        self._count = 0
        self._folder_fd: int | None = None  # kept open: a flush must work even when no descriptor is left
        self._renames = True  # renameat2(RENAME_NOREPLACE) works here, until it says otherwise
        if not dry_run:
            folder.mkdir(parents=True, exist_ok=True)
            try:
                self._folder_fd = os.open(folder, os.O_RDONLY)
            except OSError:  # a platform that cannot open folders: no syncfs, no folder fsync
                self._folder_fd = None

    def submit(self, draft: Draft, text: str | None = None) -> Path:
        """Reserve the draft's file name now (later drafts see it taken) and write its temp file (`text`: the
        draft already rendered)."""
        path = self._reserve(draft.slug)
        self.index.add(draft, path)
        if self.dry_run:
            self._done.append((draft, path))
            return path
        self._count += 1
        temp = str(self.folder / f".{path.name}.{os.getpid()}-{self._count}{TEMP_SUFFIX}")
        try:
            fd = self._open(temp)
        except OSError as error:
            self._done.append((draft, error))
            return path
        try:
            data = (text if text is not None else render(draft)).encode("utf-8")
            while data:
                data = data[os.write(fd, data):]
        except OSError as error:
            os.close(fd)
            _unlink(temp)
            self._done.append((draft, error))
            return path
        self._batch.append((draft, path, temp, fd))
        if len(self._batch) >= self.batch_size:
            self._flush()
        return path

    def adopt(self, draft: Draft, temp: str | OSError | None) -> Path:
        """Reserve the draft's file name now, for a draft whose whole text a worker already wrote to the temp file
        `temp` in this folder (closed, not yet on disk): it becomes the draft at the end of the batch. An OSError
        (the worker could not write it) is reported in order, as `submit` would; None (nothing written) in a dry
        run only names the file."""
        if temp is None and not self.dry_run:
            return self.submit(draft)
        path = self._reserve(draft.slug)
        self.index.add(draft, path)
        if self.dry_run or isinstance(temp, OSError):
            if isinstance(temp, str):
                _unlink(temp)
            self._done.append((draft, temp if isinstance(temp, OSError) else path))
            return path
        self._batch.append((draft, path, temp, None))
        if len(self._batch) >= self.batch_size:
            self._flush()
        return path

    def discard(self, temp: str | OSError | None) -> None:
        """A temp file written for a draft that will not be one (a duplicate): removed."""
        if isinstance(temp, str):
            _unlink(temp)

    def _open(self, temp: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            return os.open(temp, flags, 0o644)
        except OSError as error:
            if error.errno != errno.EMFILE or not self._batch:
                raise
            self._flush()  # out of file descriptors (a low ulimit): flush what is open, then go on
            return os.open(temp, flags, 0o644)

    def ready(self) -> Iterator[tuple[Draft, Path | OSError]]:
        """Drafts written (or failed) so far, in order."""
        while self._done:
            yield self._done.popleft()

    def finish(self) -> Iterator[tuple[Draft, Path | OSError]]:
        self._flush()
        yield from self.ready()

    def close(self) -> None:
        """Give up the batch not yet flushed (after an error): its temp files go, no draft appears."""
        for _, _, temp, fd in self._batch:
            if fd is not None:
                os.close(fd)
            _unlink(temp)
        self._batch.clear()
        if self._folder_fd is not None:
            os.close(self._folder_fd)
            self._folder_fd = None

    def _flush(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        try:
            try:
                _durable(self._folder_fd, [fd for *_, fd in batch if fd is not None],
                         [temp for _, _, temp, fd in batch if fd is None])
            finally:
                for *_, fd in batch:
                    if fd is not None:
                        os.close(fd)
            if self.before_flush is not None:
                self.before_flush([draft for draft, *_ in batch])
        except BaseException:  # no draft of this batch will appear: its temp files go
            for _, _, temp, _ in batch:
                _unlink(temp)
            raise
        with interrupts.deferred():  # a draft made is a draft recorded, so that a run taken back finds them all
            for draft, path, temp, _ in batch:
                try:
                    made = self._link(draft, path, temp)
                except OSError as error:
                    self._done.append((draft, error))
                    _unlink(temp)
                else:
                    self.made.append(made.name)
                    self._done.append((draft, made))
        if self._folder_fd is not None:
            _fsync_quietly(self._folder_fd)

    def _link(self, draft: Draft, path: Path, temp: str) -> Path:
        """Give the temp file the draft's name, never replacing a file: one rename that refuses to replace where
        Linux offers it, else a hard link and the temp name removed. The temp name is gone afterwards."""
        while True:
            try:
                if self._rename_noreplace(temp, path):
                    return path
                os.link(temp, path)
                _unlink(temp)
                return path
            except FileExistsError:  # someone made a file of that name since we looked: take the next one
                path = self._reserve(draft.slug)
            except OSError as error:
                if error.errno not in _NO_LINKS:
                    raise
                # No hard links on this file system: we hold the ingest lock, so only an editor could race us.
                if path.exists():
                    path = self._reserve(draft.slug)
                    continue
                os.replace(temp, path)
                return path

    def _rename_noreplace(self, temp: str, path: Path) -> bool:
        """True when renamed; False when this file system or system cannot (then nothing changed); FileExistsError
        when `path` exists."""
        function = _libc_renameat2() if self._renames else None
        if function is None:
            return False
        if function(_AT_FDCWD, os.fsencode(temp), _AT_FDCWD, os.fsencode(path), _RENAME_NOREPLACE) == 0:
            return True
        number = ctypes.get_errno()
        if number == errno.EEXIST:
            raise FileExistsError(number, os.strerror(number), str(path))
        if number in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
            self._renames = False  # not on this file system: hard links from now on
            return False
        raise OSError(number, os.strerror(number), str(path))

    def _reserve(self, base: str) -> Path:
        slug = unique_slug(base, self.index.slug_keys)
        self.index.slug_keys.add(slug_key(slug))
        return self.folder / f"{slug}.md"


def _durable(folder_fd: int | None, fds: list[int], closed: list[str] = ()) -> None:
    """Every byte of these files (open ones, and closed ones by path) on disk: one syncfs for all of them where
    Linux offers it, else fsync each."""
    function = _libc_syncfs()
    if (fds or closed) and folder_fd is not None and function is not None and function(folder_fd) == 0:
        return
    for fd in fds:
        os.fsync(fd)
    for path in closed:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _descriptor_budget() -> int:
    """A quarter of the open-file limit: a batch keeps its temp files open until they are flushed."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 128
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return max(8, soft // 4) if soft != resource.RLIM_INFINITY else 1 << 16


def _fsync_quietly(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError:
        pass


_AT_FDCWD = -100
_RENAME_NOREPLACE = 1


@lru_cache(maxsize=None)
def _libc(name: str, argtypes: tuple):
    """The C library's function `name` on Linux (glibc 2.28+ for renameat2), or None where it is missing."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):  # an older glibc, or another libc
        return None
    function.argtypes = list(argtypes)
    function.restype = ctypes.c_int
    return function


def _libc_renameat2():
    return _libc("renameat2", (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint))


def _libc_syncfs():
    return _libc("syncfs", (ctypes.c_int,))


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
