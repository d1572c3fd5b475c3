"""A submission's whole life on real git repositories: every decision is remembered on every branch and every
clone, contact details never reach a draft or a commit, and an editor can reconsider."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import frontmatter
import pytest

from extramile.intake.store import DEFAULT_STORE, IntakeStore
from extramile.ledger import load
from tests.ingest.conftest import POSTS, make_project, run_ingest, submission, write_jsonl

PHONE, EMAIL, STREET = "+44 20 7946 0958", "jo.teller@example.org", "221B Baker Street"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


def submissions(root: Path) -> Callable[..., subprocess.CompletedProcess]:
    """`extramile submissions ARGS` on `root`, as an editor runs it."""
    env = {**os.environ, "EXTRAMILE_ROOT": str(root)}
    return lambda *args: subprocess.run([sys.executable, "-m", "extramile", "submissions", *args], cwd=root,
                                        env=env, capture_output=True, text=True)


@pytest.fixture
def repository(tmp_path) -> Path:
    root = make_project(tmp_path / "site")
    (root / POSTS / ".gitkeep").write_text("", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "editor@example.org")
    git(root, "config", "user.name", "Editor")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "an empty collection")
    return root


@pytest.fixture
def export(tmp_path) -> Path:
    contact = f"Ring me on {PHONE} or write to {EMAIL}; I live at {STREET}."
    return write_jsonl(tmp_path / "netlify.jsonl", [
        submission(1), submission(2), submission(3, story=f"{submission(3)['story']} {contact}")])


def new_count(root: Path, export: Path, *args: str) -> int:
    result = run_ingest(root, "--json", export, *args)
    assert result.code == 0, result.out + result.err
    return result.report["summary"]["new"]


def test_a_batch_on_an_unmerged_branch_is_not_drafted_again_on_main_nor_after_the_merge(repository, export):
    assert new_count(repository, export, "--branch", "ingest/first") == 3
    assert git(repository, "branch", "--show-current").strip() == "main"
    assert not list((repository / POSTS).glob("*.md")), "main has no drafts before the merge"
    assert new_count(repository, export, "--dry-run") == 0
    assert new_count(repository, export) == 0
    git(repository, "merge", "-q", "ingest/first")
    assert new_count(repository, export) == 0
    assert {d.state for d in load(repository)} == {"drafted"}


def test_a_rejected_story_stays_rejected_on_a_fresh_clone_until_reconsidered(repository, export, tmp_path):
    assert new_count(repository, export) == 3
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "drafts")
    result = submissions(repository)("reject", "jsonl:test_00002", "--reason", "A duplicate of a published story")
    assert result.returncode == 0, result.stderr
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repository), str(clone))
    assert new_count(clone, export) == 0
    assert new_count(clone, export, "--reconsider", "jsonl:test_00002") == 1
    assert load(clone).get("jsonl:test_00002").state == "drafted"
    refused = run_ingest(clone, export, "--reconsider", "jsonl:test_09999")
    assert refused.code == 2 and "holds no decision" in refused.err


def test_a_withdrawn_story_is_not_brought_back(repository, export):
    assert new_count(repository, export) == 3
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "drafts")
    decided = submissions(repository)
    assert decided("publish", "jsonl:test_00001").returncode == 0
    result = decided("withdraw", "jsonl:test_00001")
    assert result.returncode == 0, result.stderr
    assert new_count(repository, export) == 0
    assert load(repository).get("jsonl:test_00001").state == "withdrawn"


def test_contact_details_never_reach_a_draft_or_any_commit_and_the_store_keeps_them(repository, export):
    assert new_count(repository, export, "--branch", "ingest/contacts") == 3
    history = git(repository, "log", "-p", "--all")
    for private in (PHONE, EMAIL, STREET, "alex3@example.com"):
        assert private not in history
    draft = next(post for post in (frontmatter.loads(git(repository, "show", f"ingest/contacts:{path}"))
                                   for path in git(repository, "ls-tree", "-r", "--name-only", "ingest/contacts",
                                                   str(POSTS)).split() if path.endswith(".md"))
                 if post["source"]["id"] == "jsonl:test_00003")
    assert "[phone number removed]" in draft.content and "[e-mail removed]" in draft.content
    assert "[street address removed]" in draft.content
    with IntakeStore(repository / DEFAULT_STORE) as store:
        kept = store.get("jsonl:test_00003").private
    assert kept["email"] == "alex3@example.com"
    assert {item["text"] for item in kept["removed"]} == {PHONE, EMAIL, STREET}
