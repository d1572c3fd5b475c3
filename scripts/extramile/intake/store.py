"""The intake store: one SQLite database, outside content/, that keeps every submission.

Private details (e-mail, IP address, user agent, consent) live only here, keyed by submission id; the ingest
copies the public fields into draft stories and never the private ones. So only its owner may read it: its
folder is created 0700 and the database 0600 whatever the umask (SQLite gives its -wal and -shm files the
database's mode), and an existing store that is looser is tightened when it is opened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_STORE = Path("var/intake/submissions.sqlite3")  # relative to the project root; gitignored
SIDE_FILES = ("-wal", "-shm", "-journal")  # what SQLite keeps beside the database, holding the same rows
log = logging.getLogger("extramile.intake")
STATUSES = ("accepted", "spam")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id          TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL UNIQUE,
    received    TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('accepted', 'spam')),
    fields      TEXT NOT NULL,
    private     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_received ON submissions (received);
-- What is left of an erased submission: its id and its (one-way) fingerprint, so it is never stored again.
CREATE TABLE IF NOT EXISTS erased (
    id          TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    erased      TEXT NOT NULL
);
"""
_COLUMNS = "SELECT id, received, status, fields, private, fingerprint FROM submissions"


def _record(row: tuple) -> SubmissionRecord:
    return SubmissionRecord(
        id=row[0], received=dt.datetime.fromisoformat(row[1]), status=row[2],
        fields=json.loads(row[3]), private=json.loads(row[4]), fingerprint=row[5],
    )


def new_submission_id() -> str:
    return "sub_" + secrets.token_hex(10)


def fingerprint(fields: dict, email: str = "") -> str:
    """Equal for the same story sent twice (double click, replay), whatever the order of keys."""
    canonical = json.dumps({"fields": fields, "email": email.strip().lower()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SubmissionRecord:
    id: str
    received: dt.datetime  # aware, UTC
    status: str  # "accepted" | "spam"
    fields: dict  # FormSubmission.public_fields()
    private: dict = field(default_factory=dict)  # {"email", "ip", "user_agent", "consent"}
    fingerprint: str = ""


_INSERT = ("INSERT OR IGNORE INTO submissions (id, fingerprint, received, status, fields, private)"
           " VALUES (?, ?, ?, ?, ?, ?)")


def _row(record: SubmissionRecord) -> tuple:
    if record.status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}, not {record.status!r}")
    return (
        record.id,
        record.fingerprint or fingerprint(record.fields, record.private.get("email", "")),
        record.received.astimezone(dt.timezone.utc).isoformat(timespec="seconds"),
        record.status,
        json.dumps(record.fields, ensure_ascii=False, sort_keys=True),
        json.dumps(record.private, ensure_ascii=False, sort_keys=True),
    )


def make_private(path: Path) -> None:
    """Create the store's folder (0700) and an empty database (0600) unless they exist; tighten looser ones.

    An existing folder is tightened only when it holds nothing but this store: --store may point into a
    folder shared with other things (the project, /tmp), where the files' own modes are what protects them.
    """
    folder = path.parent
    if os.name != "posix":  # no such modes; the folder is made as before
        folder.mkdir(parents=True, exist_ok=True)
        return
    folder.parent.mkdir(parents=True, exist_ok=True)  # folders above hold nothing private: left to the umask
    try:
        folder.mkdir(mode=0o700)
        os.chmod(folder, 0o700)  # mkdir's mode passes through the umask, which may remove the owner's bits
    except FileExistsError:
        names = {path.name + suffix for suffix in ("", *SIDE_FILES)}
        if set(os.listdir(folder)) <= names:
            _tighten(folder)
    try:  # created before SQLite opens it, so it is never readable by others, not even for a moment
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
        os.chmod(path, 0o600)
    except FileExistsError:
        for file in (path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)):
            _tighten(file)


def _tighten(path: Path) -> None:
    """Take away every permission of group and others, and say so."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
            log.warning("the intake store's %s was open to other users (mode %03o): now %03o", path.name, mode,
                        mode & 0o700)
    except FileNotFoundError:  # a -wal or -shm that is not there, or went between the two calls
        pass
    except PermissionError as error:  # another user's file: it opens anyway, and the owner is told how it is
        log.warning("the intake store's %s is open to other users and could not be tightened: %s", path.name,
                    error.strerror)


class IntakeStore:
    def __init__(self, path: Path, *, timeout: float = 10.0):
        self.path = Path(path)
        make_private(self.path)
        self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=10000")
        self._db.executescript(_SCHEMA)

    def add(self, record: SubmissionRecord) -> bool:
        """Store one submission in one transaction; False when the same submission is already stored."""
        cursor = self._db.execute(_INSERT, _row(record))
        return cursor.rowcount == 1

    def add_many(self, records: Iterable[SubmissionRecord]) -> int:
        """Store many submissions in one transaction (an ingested export); returns how many were new."""
        rows = [_row(record) for record in records]
        before = self._db.total_changes
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(_INSERT, rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return self._db.total_changes - before

    def records(self, status: str | None = None) -> Iterator[SubmissionRecord]:
        """Every stored submission, oldest first, read a row at a time."""
        query = _COLUMNS
        args: tuple = ()
        if status:
            query += " WHERE status = ?"
            args = (status,)
        for row in self._db.execute(query + " ORDER BY received, id", args):
            yield _record(row)

    def get(self, submission_id: str) -> SubmissionRecord | None:
        row = self._db.execute(_COLUMNS + " WHERE id = ?", (submission_id,)).fetchone()
        return _record(row) if row else None

    def by_email(self, email: str) -> list[SubmissionRecord]:
        """Every submission sent from this address (case-insensitive), oldest first: an access request."""
        rows = self._db.execute(_COLUMNS + " WHERE lower(json_extract(private, '$.email')) = lower(?)"
                                " ORDER BY received, id", (email.strip(),))
        return [_record(row) for row in rows]

    def add_private(self, details: dict[str, dict]) -> None:
        """Merge more private details into stored submissions (the originals of contact details a draft lost)."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany("UPDATE submissions SET private = json_patch(private, ?) WHERE id = ?",
                                 [(json.dumps(extra, ensure_ascii=False, sort_keys=True), submission_id)
                                  for submission_id, extra in details.items()])
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def is_erased(self, submission_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM erased WHERE id = ?", (submission_id,)).fetchone() is not None

    def erase(self, ids: Iterable[str]) -> int:
        """Delete these submissions, keeping a marker (id, fingerprint) each; compact the file so the bytes go.

        Returns how many stored submissions were deleted."""
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        ids = list(ids)
        self._db.execute("PRAGMA secure_delete = ON")  # freed pages are overwritten with zeros
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for submission_id in ids:
                self._db.execute("INSERT OR IGNORE INTO erased (id, fingerprint, erased) SELECT id, fingerprint, ?"
                                 " FROM submissions WHERE id = ?", (now, submission_id))
                self._db.execute("INSERT OR IGNORE INTO erased (id, fingerprint, erased) VALUES (?, '', ?)",
                                 (submission_id, now))
            changes = self._db.total_changes
            for submission_id in ids:
                self._db.execute("DELETE FROM submissions WHERE id = ?", (submission_id,))
            deleted = self._db.total_changes - changes
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        self._compact()
        return deleted

    def forget_private(self, ids: Iterable[str]) -> int:
        """Drop the private details of these submissions (the retention rule); the story fields stay."""
        self._db.execute("PRAGMA secure_delete = ON")
        before = self._db.total_changes
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany("UPDATE submissions SET private = '{}' WHERE id = ? AND private != '{}'",
                                 [(submission_id,) for submission_id in ids])
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        forgotten = self._db.total_changes - before
        if forgotten:
            self._compact()
        return forgotten

    def _compact(self) -> None:
        # Deleted rows stay in the write-ahead log and in free pages until both are rewritten.
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.execute("VACUUM")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def count(self, status: str | None = None) -> int:
        if status:
            return self._db.execute("SELECT count(*) FROM submissions WHERE status = ?", (status,)).fetchone()[0]
        return self._db.execute("SELECT count(*) FROM submissions").fetchone()[0]

    def id_for(self, digest: str) -> str | None:
        """The id under which a submission with this fingerprint is stored, if it is."""
        row = self._db.execute("SELECT id FROM submissions WHERE fingerprint = ?", (digest,)).fetchone()
        return row[0] if row else None

    def ping(self) -> bool:
        """True when the database answers a query (the receiver's health check)."""
        return self._db.execute("SELECT count(*) FROM sqlite_master").fetchone() is not None

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "IntakeStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
