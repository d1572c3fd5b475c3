"""`mkdocs serve` watching by the operating system's notifications (inotify) instead of polling every file.

MkDocs' LiveReloadServer polls every watched path twice a second (a quarter of a core at rest with the
theme watched, growing with the number of stories). An inotify observer sleeps until something changes.
Events that do not change a file (opened, closed without writing) are dropped: the build itself opens every
file, and would otherwise trigger the next build. Where notifications are unavailable (another OS, the
watch limit reached), MkDocs' own polling stays.
"""

from __future__ import annotations

import logging
import tempfile

from extramile.speedups import Patch, register, usable

log = logging.getLogger("mkdocs.extramile.speedups")  # under mkdocs: its log shows it, as a serve prints

PATCH = register(Patch(
    name="serve-notifications",
    why="MkDocs' serve polls every watched file every 0.5 s; inotify costs nothing at rest",
    replaces=("mkdocs.livereload:LiveReloadServer.__init__", "mkdocs.livereload:LiveReloadServer.watch",
              "watchdog.observers:Observer", "watchdog.events:FileSystemEventHandler"),
    tested_with={"mkdocs": ">=1.6,<2", "watchdog": ">=4"},
))
# What changes a file; everything else (opened, closed_no_write) is a read.
CHANGES = frozenset({"modified", "created", "deleted", "moved", "closed"})


def notifications_work() -> bool:
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    observer = Observer()
    try:
        with tempfile.TemporaryDirectory() as folder:
            observer.schedule(FileSystemEventHandler(), folder, recursive=True)
        return True
    except OSError as error:
        log.info("extramile: file notifications unavailable (%s): mkdocs serve polls", error)
        return False


def install() -> bool:
    """Patch LiveReloadServer so that each new server watches with notifications; False when it stays as is."""
    if not usable(PATCH.name) or not notifications_work():
        return False
    from mkdocs import livereload
    from watchdog.observers import Observer

    server_class = livereload.LiveReloadServer
    if getattr(server_class, "_extramile_notifications", False):
        return True
    original_init = server_class.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        self.observer = _ChangesOnly(Observer())
        log.info("extramile: watching files by notifications")  # here, once MkDocs shows its log

    server_class.__init__ = __init__
    server_class._extramile_notifications = True
    return True


class _ChangesOnly:
    """An observer whose handlers hear only about changed files."""

    def __init__(self, observer):
        self._observer = observer

    def schedule(self, handler, path, recursive=False):
        from watchdog.events import FileSystemEventHandler

        inner = handler.on_any_event

        def on_any_event(event):
            if event.event_type in CHANGES:
                inner(event)

        filtered = FileSystemEventHandler()
        filtered.on_any_event = on_any_event
        return self._observer.schedule(filtered, path, recursive=recursive)

    def __getattr__(self, name):
        return getattr(self._observer, name)
