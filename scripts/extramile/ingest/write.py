"""Writing drafts: rendered with python-frontmatter, written atomically, never over an existing file.

Each draft goes to a temp file in the stories folder, is flushed to disk, then hard-linked to its name (a rename
that refuses to replace) and the temp name removed: a reader, a crash or SIGKILL sees the whole draft or none of
it, and an editor's file of the same name is never touched.
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import frontmatter

from extramile.ingest.dedupe import Index
from extramile.ingest.prepare import Draft
from extramile.slug import slug_key, unique_slug

TEMP_SUFFIX = ".ingest-tmp"
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


def render(draft: Draft) -> str:
    """The draft file's text: front matter by python-frontmatter's YAML dumper (no folded lines), then the body."""
    post = frontmatter.Post(draft.body)
    post.metadata.update(draft.metadata)
    return frontmatter.dumps(post, sort_keys=False, width=1_000_000) + "\n"


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

    Each draft is written to its own temp file in the stories folder as it comes; at the end of a batch the temp
    files are flushed to disk together (one `syncfs` of the folder's file system on Linux, an fsync per file
    elsewhere), `before_flush` runs (the pipeline keeps the batch's private details in the intake store), then each
    temp file is linked to its draft's name and removed, and the folder is fsynced. A draft is therefore visible
    only once it is whole and on disk, whenever the process dies. `dry_run` only names the files.
    """

    def __init__(self, folder: Path, index: Index, *, batch: int = 256, dry_run: bool = False,
                 before_flush: Callable[[list[Draft]], None] | None = None):
        self.folder, self.index, self.dry_run = folder, index, dry_run
        self.batch_size, self.before_flush = max(1, min(batch, _descriptor_budget())), before_flush
        self._batch: list[tuple[Draft, Path, str, int]] = []  # draft, reserved path, temp path, open fd
        self._done: deque[tuple[Draft, Path | OSError]] = deque()
        self._count = 0
        self._folder_fd: int | None = None  # kept open: a flush must work even when no descriptor is left
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
            _durable(self._folder_fd, [fd for *_, fd in batch])
        finally:
            for *_, fd in batch:
                os.close(fd)
        if self.before_flush is not None:
            self.before_flush([draft for draft, *_ in batch])
        for draft, path, temp, _ in batch:
            try:
                self._done.append((draft, self._link(draft, path, temp)))
            except OSError as error:
                self._done.append((draft, error))
            finally:
                _unlink(temp)
        if self._folder_fd is not None:
            _fsync_quietly(self._folder_fd)

    def _link(self, draft: Draft, path: Path, temp: str) -> Path:
        while True:
            try:
                os.link(temp, path)
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

    def _reserve(self, base: str) -> Path:
        slug = unique_slug(base, self.index.slug_keys)
        self.index.slug_keys.add(slug_key(slug))
        return self.folder / f"{slug}.md"


def _durable(folder_fd: int | None, fds: list[int]) -> None:
    """Every byte of these open files on disk: one syncfs for all of them where Linux offers it, else fsync each."""
    function = _libc_syncfs()
    if fds and folder_fd is not None and function is not None and function(folder_fd) == 0:
        return
    for fd in fds:
        os.fsync(fd)


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


@lru_cache(maxsize=1)
def _libc_syncfs():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int]
    function.restype = ctypes.c_int
    return function


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
