"""`extramile submissions list|show|erase|export|purge` against a real private store and a real git repository:
erasing leaves no byte of the private details in the SQLite files, the retention rule touches only decided
submissions older than the limit, and the export holds everything kept about one sender."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from extramile.intake.store import DEFAULT_STORE, IntakeStore, SubmissionRecord
from extramile.ledger import Decision, Ledger, load, save
from tests.editorial.test_decisions import POSTS, extramile, git, repository  # noqa: F401 (fixture)

EMAIL = "rosa.teller@example.org"
IP = "198.51.100.23"


def _record(submission_id: str, email: str, days_ago: int = 1, title: str = "The baker's early morning"):
    ip = IP if email == EMAIL else "203.0.113.9"
    return SubmissionRecord(
        id=submission_id, received=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago),
        status="accepted", fields={"title": title, "story": "The baker opened at five for us."},
        private={"email": email, "ip": ip, "user_agent": "Mozilla/5.0 (X11) Firefox/140.0",
                 "consent": "2026-11-01T10:00:00+00:00"},
    )


@pytest.fixture
def store_repository(repository) -> Path:  # noqa: F811 (the fixture imported above)
    with IntakeStore(repository / DEFAULT_STORE) as store:
        store.add(_record("sub_draft", EMAIL, days_ago=400))
        store.add(_record("sub_pub", "other@example.org", days_ago=400, title="A published story"))
        store.add(_record("sub_waiting", EMAIL, days_ago=2, title="Waiting for an editor"))
        store.add(_record("sub_fresh_decided", "third@example.org", days_ago=2))
    ledger = Ledger([
        Decision("sub_draft", "drafted", "2025-10-01T00:00:00Z", path=f"{POSTS}/a-draft.md"),
        Decision("sub_pub", "published", "2025-10-01T00:00:00Z", path=f"{POSTS}/a-published-story.md"),
        Decision("sub_fresh_decided", "rejected", dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 reason="off topic"),
    ])
    save(repository, ledger)
    git(repository, "add", "-A", "content")
    git(repository, "commit", "-q", "-m", "ledger")
    return repository


def _store_bytes(root: Path) -> bytes:
    folder = (root / DEFAULT_STORE).parent
    return b"".join(path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file())


def test_list_shows_every_submission_with_its_state(store_repository):
    result = extramile(store_repository, "list")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[:-1]}
    assert lines == {"sub_draft": "drafted", "sub_pub": "published", "sub_waiting": "received",
                     "sub_fresh_decided": "rejected"}
    assert result.stdout.splitlines()[-1] == "4 submissions: 1 drafted, 1 published, 1 received, 1 rejected"
    waiting = extramile(store_repository, "list", "--state", "received")
    assert waiting.stdout.splitlines()[0].startswith("sub_waiting") and "Waiting for an editor" in waiting.stdout


def test_show_marks_the_private_details_as_private(store_repository):
    result = extramile(store_repository, "show", "sub_waiting")
    assert result.returncode == 0, result.stderr
    public, private = result.stdout.split("PRIVATE", 1)
    assert EMAIL not in public and EMAIL in private and IP in private
    assert "The baker opened at five for us." in public
    assert extramile(store_repository, "show", "sub_nobody").returncode == 2


def test_erase_by_email_removes_every_byte_and_blocks_the_submission(store_repository):
    assert EMAIL.encode() in _store_bytes(store_repository)
    result = extramile(store_repository, "erase", "--email", EMAIL)
    assert result.returncode == 0, result.stderr
    data = _store_bytes(store_repository)
    assert EMAIL.encode() not in data and IP.encode() not in data
    assert b"Waiting for an editor" not in data
    ledger = load(store_repository)
    assert ledger.get("sub_draft").state == "erased" and ledger.get("sub_waiting").state == "erased"
    assert not (store_repository / POSTS / "a-draft.md").exists(), "the sender's unpublished draft goes too"
    assert git(store_repository, "status", "--porcelain", "content") == ""
    with IntakeStore(store_repository / DEFAULT_STORE) as store:
        assert store.is_erased("sub_waiting") and store.get("sub_waiting") is None
        assert store.get("sub_pub") is not None, "another sender's submission stays"
    export = json.loads(extramile(store_repository, "export", "--email", EMAIL).stdout)
    assert export["submissions"] == []


def test_export_holds_everything_kept_about_one_sender(store_repository):
    result = extramile(store_repository, "export", "--email", EMAIL.upper())
    assert result.returncode == 0, result.stderr
    export = json.loads(result.stdout)
    assert [s["id"] for s in export["submissions"]] == ["sub_draft", "sub_waiting"]
    first = export["submissions"][0]
    assert first["private"]["email"] == EMAIL and first["private"]["ip"] == IP
    assert first["decision"]["state"] == "drafted" and first["fields"]["title"] == "The baker's early morning"


def test_retention_forgets_only_decided_submissions_older_than_the_limit(store_repository):
    dry = extramile(store_repository, "purge", "--days", "180", "--dry-run")
    assert "1 decided submission older than 180 days would lose" in dry.stdout
    result = extramile(store_repository, "purge", "--days", "180")
    assert result.returncode == 0, result.stderr
    with IntakeStore(store_repository / DEFAULT_STORE) as store:
        assert store.get("sub_pub").private == {} and store.get("sub_pub").fields["title"] == "A published story"
        assert store.get("sub_draft").private["email"] == EMAIL, "drafted: not decided yet"
        assert store.get("sub_waiting").private["email"] == EMAIL, "received: not decided yet"
        assert store.get("sub_fresh_decided").private, "decided, but within the limit"
    assert b"other@example.org" not in _store_bytes(store_repository)
    again = extramile(store_repository, "purge", "--days", "180")
    assert "0 decided submissions" in again.stdout
