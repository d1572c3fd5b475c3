"""The ledger of editorial decisions: one line per submission, merged line by line, remembered on every branch."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from extramile.ledger import LEDGER_FILE, Decision, Ledger, LedgerError, load, load_everywhere, parse, save


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repository(tmp_path) -> Path:
    root = tmp_path / "repo"
    (root / "content").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "editor@example.org")
    git(root, "config", "user.name", "Editor")
    (root / ".gitattributes").write_text(f"{LEDGER_FILE} merge=union\n", encoding="utf-8")
    save(root, Ledger([Decision("sub_a", "drafted", "2026-11-01T10:00:00Z", path="content/stories/posts/a.md")]))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    return root


def test_the_file_is_sorted_one_line_per_id_and_rewritten_only_when_it_changes(tmp_path):
    ledger = Ledger([
        Decision("sub_b", "rejected", "2026-11-02T00:00:00Z", reason="not a true story"),
        Decision("sub_a", "drafted", "2026-11-01T00:00:00Z", path="content/stories/posts/a.md", branch="ingest/x"),
    ])
    assert save(tmp_path, ledger) is True
    text = (tmp_path / LEDGER_FILE).read_text(encoding="utf-8")
    assert text.splitlines() == [
        '{"id": "sub_a", "state": "drafted", "at": "2026-11-01T00:00:00Z", "path": "content/stories/posts/a.md", '
        '"branch": "ingest/x"}',
        '{"id": "sub_b", "state": "rejected", "at": "2026-11-02T00:00:00Z", "reason": "not a true story"}',
    ]
    assert save(tmp_path, load(tmp_path)) is False


def test_two_lines_for_one_id_keep_the_later_decision_and_a_final_one_wins_a_tie():
    ledger = parse(
        '{"id": "s", "state": "drafted", "at": "2026-11-01T00:00:00Z"}\n'
        '{"id": "s", "state": "published", "at": "2026-11-03T00:00:00Z"}\n'
        '{"id": "s", "state": "rejected", "at": "2026-11-02T00:00:00Z"}\n'
        '{"id": "t", "state": "withdrawn", "at": "2026-11-05T00:00:00Z"}\n'
        '{"id": "t", "state": "published", "at": "2026-11-05T00:00:00Z"}\n'
    )
    assert ledger.get("s").state == "published"
    assert ledger.get("t").state == "withdrawn"
    assert len(ledger) == 2


@pytest.mark.parametrize(("text", "message"), [
    ("not json\n", "content/ledger.jsonl:1: is not a JSON object"),
    ('{"id": "s", "state": "maybe", "at": "x"}\n', "content/ledger.jsonl:1: state must be one of"),
    ('\n{"id": "s", "at": "x"}\n', "content/ledger.jsonl:2: state must be a non-empty text"),
    ('{"id": "s", "state": "drafted", "at": "x", "email": "a@b.org"}\n', "unknown field(s) email"),
])
def test_a_bad_line_is_named_with_its_line(text, message):
    with pytest.raises(LedgerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(text)


def test_a_decision_made_on_an_unmerged_branch_is_known_on_main(repository):
    git(repository, "checkout", "-q", "-b", "ingest/batch")
    ledger = load(repository)
    ledger.record(Decision("sub_b", "drafted", "2026-11-02T00:00:00Z", branch="ingest/batch"))
    save(repository, ledger)
    git(repository, "commit", "-q", "-am", "draft b")
    git(repository, "checkout", "-q", "main")
    assert "sub_b" not in load(repository)
    assert load_everywhere(repository).get("sub_b").state == "drafted"


def test_two_editors_ledgers_merge_without_conflict(repository):
    git(repository, "checkout", "-q", "-b", "editor-1")
    ledger = load(repository)
    ledger.record(Decision("sub_b", "rejected", "2026-11-02T00:00:00Z", reason="duplicate"))
    save(repository, ledger)
    git(repository, "commit", "-q", "-am", "reject b")
    git(repository, "checkout", "-q", "main")
    ledger = load(repository)
    ledger.record(Decision("sub_c", "drafted", "2026-11-03T00:00:00Z"))
    ledger.record(Decision("sub_a", "published", "2026-11-03T00:00:00Z", path="content/stories/posts/a.md"))
    save(repository, ledger)
    git(repository, "commit", "-q", "-am", "draft c, publish a")
    git(repository, "merge", "-q", "--no-edit", "editor-1")
    merged = load(repository)
    assert {d.id: d.state for d in merged} == {"sub_a": "published", "sub_b": "rejected", "sub_c": "drafted"}
