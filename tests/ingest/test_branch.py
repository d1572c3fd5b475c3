"""`--branch NAME`: one commit of the new drafts on a new branch, then back; refused over uncommitted content."""

from __future__ import annotations

import subprocess

import pytest

from tests.ingest.conftest import POSTS, submission, write_jsonl


def git(root, *args) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(project):
    git(project, "init", "--quiet", "--initial-branch=main")
    git(project, "config", "user.name", "Test Editor")
    git(project, "config", "user.email", "editor@example.org")
    git(project, "config", "commit.gpgsign", "false")
    (project / ".gitignore").write_text("var/\n", encoding="utf-8")
    git(project, "add", ".")
    git(project, "commit", "--quiet", "-m", "Start")
    return project


def test_branch_gets_one_commit_listing_the_drafts(repo, ingest, tmp_path):
    export = write_jsonl(tmp_path / "x.jsonl", [submission(1), submission(2), submission(3, title="")])
    (repo / "notes.txt").write_text("work in progress outside content/\n", encoding="utf-8")
    result = ingest(repo, "--json", "--branch", "ingest/2024-05", export)
    assert result.code == 1  # the third submission has no title
    report = result.report
    assert report["branch"] == {"name": "ingest/2024-05", "committed": True}
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert not list((repo / POSTS).glob("*.md")), "the drafts live on the branch, not on main"
    assert (repo / "notes.txt").exists(), "unrelated work is left alone"
    log = git(repo, "log", "--format=%s%n%b", "main..ingest/2024-05")
    assert log.startswith("Ingest 2 draft stories from form submissions")
    for item in report["new"]:
        assert f"- {item['path']} ({item['id']})" in log
    files = git(repo, "show", "--name-only", "--format=", "ingest/2024-05").split()
    assert sorted(files) == sorted(item["path"] for item in report["new"])
    assert git(repo, "rev-list", "--count", "main..ingest/2024-05").strip() == "1"
    assert git(repo, "rev-parse", "ingest/2024-05~1") == git(repo, "rev-parse", "main")


def test_branch_is_refused_when_content_has_uncommitted_changes(repo, ingest, tmp_path):
    (repo / POSTS / "hand-written.md").write_text("---\ntitle: x\n---\nnot committed\n", encoding="utf-8")
    result = ingest(repo, "--branch", "ingest/x", write_jsonl(tmp_path / "x.jsonl", [submission(1)]))
    assert result.code == 2
    assert "content/ has uncommitted changes (content/stories/posts/hand-written.md)" in result.err
    assert git(repo, "branch", "--list", "ingest/x") == ""
    assert sorted(p.name for p in (repo / POSTS).glob("*.md")) == ["hand-written.md"]


def test_modified_tracked_content_also_refuses(repo, ingest, tmp_path):
    (repo / "content/vocabulary.yml").write_text((repo / "content/vocabulary.yml").read_text() + "\n")
    result = ingest(repo, "--branch", "ingest/y", write_jsonl(tmp_path / "x.jsonl", [submission(1)]))
    assert result.code == 2 and "uncommitted changes (content/vocabulary.yml)" in result.err


def test_nothing_new_means_no_branch(repo, ingest, tmp_path):
    export = write_jsonl(tmp_path / "x.jsonl", [submission(1)])
    ingest(repo, export)
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "Drafts")
    result = ingest(repo, "--json", "--branch", "ingest/again", export)
    assert result.code == 0 and result.report["summary"]["duplicate"] == 1
    assert result.report["branch"] == {"name": "ingest/again", "committed": False}
    assert git(repo, "branch", "--list", "ingest/again") == ""
    assert git(repo, "branch", "--show-current").strip() == "main"


@pytest.mark.parametrize("name,message", [("bad..name", "not a valid branch name"), ("main", "already exists")])
def test_bad_branch_names_are_refused(name, message, repo, ingest, tmp_path):
    result = ingest(repo, "--branch", name, write_jsonl(tmp_path / "x.jsonl", [submission(1)]))
    assert result.code == 2 and message in result.err
    assert not list((repo / POSTS).glob("*.md"))


def test_branch_outside_a_repository_is_refused(project, ingest, tmp_path):
    result = ingest(project, "--branch", "ingest/z", write_jsonl(tmp_path / "x.jsonl", [submission(1)]))
    assert result.code == 2 and "not a git work tree" in result.err


def test_detached_head_comes_back_detached(repo, ingest, tmp_path):
    head = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "--quiet", "--detach", head)
    result = ingest(repo, "--json", "--branch", "ingest/detached", write_jsonl(tmp_path / "x.jsonl", [submission(1)]))
    assert result.code == 0 and result.report["branch"]["committed"] is True
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert git(repo, "branch", "--show-current").strip() == ""


def test_temp_files_of_a_killed_run_do_not_block_the_branch(repo, ingest, tmp_path):
    leftover = repo / POSTS / ".a-coat.md.4242-1.ingest-tmp"
    leftover.write_text("half a dra", encoding="utf-8")
    result = ingest(repo, "--json", "--branch", "ingest/after-kill", write_jsonl(tmp_path / "x.jsonl", [submission(1)]))
    assert result.code == 0, result.err
    assert not leftover.exists()
    assert result.report["branch"]["committed"] is True
