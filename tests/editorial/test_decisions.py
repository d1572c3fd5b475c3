"""`extramile submissions publish|reject|withdraw` on a real git repository: each decision is one commit of
exactly the story file and the ledger; wrong ids, wrong states and a dirty tree are refused and change nothing;
a run killed half-way is finished by running it again."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from extramile.ledger import LEDGER_FILE, load
from tests.pelican.conftest import story_text

POSTS = Path("content/stories/posts")


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def extramile(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EXTRAMILE_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "extramile", "submissions", *args], cwd=root, env=env,
                          capture_output=True, text=True)


@pytest.fixture
def repository(tmp_path) -> Path:
    root = tmp_path / "site"
    (root / POSTS).mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: test\n", encoding="utf-8")
    (root / POSTS / "a-draft.md").write_text(story_text(
        "A draft's text.\n", title="A draft", draft=True, source={"kind": "form", "id": "sub_draft"}),
        encoding="utf-8")
    (root / POSTS / "a-published-story.md").write_text(story_text(
        "A published story's text.\n", title="A published story", source={"kind": "form", "id": "sub_pub"}),
        encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "editor@example.org")
    git(root, "config", "user.name", "Editor")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "stories")
    return root


def last_commit_files(root: Path) -> set[str]:
    return set(git(root, "show", "--name-only", "--format=", "HEAD").split())


def commits(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


def test_publish_flips_the_draft_records_the_date_and_commits_exactly_two_files(repository):
    result = extramile(repository, "publish", "sub_draft")
    assert result.returncode == 0, result.stderr
    post = frontmatter.load(repository / POSTS / "a-draft.md")
    assert post["draft"] is False
    assert post["published"] == dt.date.today()
    assert list(post.metadata).index("published") == list(post.metadata).index("date") + 1
    assert load(repository).get("sub_draft").state == "published"
    assert last_commit_files(repository) == {f"{POSTS}/a-draft.md", LEDGER_FILE}
    assert git(repository, "status", "--porcelain") == ""
    before = commits(repository)
    again = extramile(repository, "publish", "a-draft")
    assert again.returncode == 0 and "already published" in again.stdout
    assert commits(repository) == before


def test_reject_deletes_the_draft_in_the_same_commit_and_keeps_the_reason(repository):
    result = extramile(repository, "reject", "sub_draft", "--reason", "Not a story of service")
    assert result.returncode == 0, result.stderr
    assert not (repository / POSTS / "a-draft.md").exists()
    decision = load(repository).get("sub_draft")
    assert (decision.state, decision.reason) == ("rejected", "Not a story of service")
    assert decision.fingerprint and len(decision.fingerprint) == 64
    assert last_commit_files(repository) == {f"{POSTS}/a-draft.md", LEDGER_FILE}
    assert "Reject submission sub_draft" in git(repository, "log", "-1", "--format=%B")


def test_withdraw_deletes_the_published_story_and_records_its_path(repository):
    result = extramile(repository, "withdraw", f"{POSTS}/a-published-story.md")
    assert result.returncode == 0, result.stderr
    assert not (repository / POSTS / "a-published-story.md").exists()
    decision = load(repository).get("sub_pub")
    assert (decision.state, decision.path) == ("withdrawn", f"{POSTS}/a-published-story.md")
    assert json.loads((repository / LEDGER_FILE).read_text(encoding="utf-8"))["id"] == "sub_pub"


@pytest.mark.parametrize(("args", "code", "message"), [
    (("publish", "sub_nobody"), 2, "sub_nobody: no submission with this id"),
    (("reject", "sub_pub", "--reason", "x"), 1, "(it is published: withdraw it instead)"),
    (("withdraw", "sub_draft"), 1, "(it is a draft: reject it instead)"),
    (("reject", "sub_draft", "--reason", " "), 2, "a rejection needs a reason"),
])
def test_wrong_ids_and_states_are_refused_and_change_nothing(repository, args, code, message):
    head = git(repository, "rev-parse", "HEAD")
    result = extramile(repository, *args)
    assert result.returncode == code
    assert message in result.stderr
    assert git(repository, "rev-parse", "HEAD") == head
    assert git(repository, "status", "--porcelain") == ""


def test_a_rejected_submission_cannot_then_be_published(repository):
    assert extramile(repository, "reject", "sub_draft", "--reason", "duplicate").returncode == 0
    result = extramile(repository, "publish", "sub_draft")
    assert result.returncode == 1 and "has no story file to publish" in result.stderr


def test_a_dirty_tree_is_refused_naming_the_file(repository):
    (repository / POSTS / "a-published-story.md").write_text("edited\n", encoding="utf-8")
    result = extramile(repository, "publish", "sub_draft")
    assert result.returncode == 1
    assert "uncommitted changes (content/stories/posts/a-published-story.md)" in result.stderr
    assert frontmatter.load(repository / POSTS / "a-draft.md")["draft"] is True
    assert not (repository / LEDGER_FILE).exists()


def test_a_run_killed_after_writing_is_finished_by_running_it_again(repository, monkeypatch):
    from extramile.editorial import apply as applying
    from extramile.editorial import decisions
    from extramile import ledger as ledgers

    ledger = ledgers.load(repository)
    change = decisions.publish(repository, ledger, "sub_draft")

    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ledgers, "save", killed)
    with pytest.raises(KeyboardInterrupt):
        applying.apply(repository, ledger, change)
    monkeypatch.undo()
    assert git(repository, "status", "--porcelain").strip() == f"M {POSTS}/a-draft.md"
    result = extramile(repository, "publish", "sub_draft")
    assert result.returncode == 0, result.stderr
    assert last_commit_files(repository) == {f"{POSTS}/a-draft.md", LEDGER_FILE}
    assert git(repository, "status", "--porcelain") == ""
