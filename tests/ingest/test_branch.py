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
    assert sorted(files) == sorted([*(item["path"] for item in report["new"]), "content/ledger.jsonl"])
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


# -- always back where the editor started --------------------------------------------------------------------

def assert_as_before(repo, branch="ingest/x"):
    """On main, no branch left, content/ as it was: the run was taken back whole."""
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert git(repo, "branch", "--list", branch) == ""
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert not list((repo / POSTS).glob("*.md")) and not list((repo / POSTS).glob(".*"))


def failing_on_third_draft(monkeypatch, error: BaseException):
    from extramile.ingest import pipeline

    real, seen = pipeline._Ingest._draft, []

    def draft(self, *args):
        seen.append(1)
        if len(seen) == 3:
            raise error
        return real(self, *args)

    monkeypatch.setattr(pipeline._Ingest, "_draft", draft)


def test_an_error_mid_run_takes_the_run_back(repo, tmp_path, monkeypatch):
    from extramile.ingest.pipeline import Options, run

    export = write_jsonl(tmp_path / "x.jsonl", [submission(i) for i in range(5)])
    failing_on_third_draft(monkeypatch, RuntimeError("disk on fire"))
    with pytest.raises(RuntimeError) as caught:
        run(Options(root=repo, sources=[export], branch="ingest/x", batch=1))  # two drafts written before
    assert caught.value.__notes__ == ["nothing was committed: the 2 drafts it wrote removed, branch 'ingest/x' not "
                                      "kept; you are back on 'main'"]
    assert_as_before(repo)
    monkeypatch.undo()
    report = run(Options(root=repo, sources=[export], branch="ingest/x"))  # the same command again: all of it
    assert report.committed and len(report.new) == 5
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert len(git(repo, "show", "--name-only", "--format=", "ingest/x").split()) == 5 + 1  # and the ledger


def test_ctrl_c_mid_run_takes_the_run_back(repo, ingest, tmp_path, monkeypatch):
    from extramile.ingest.pipeline import Options, run

    export = write_jsonl(tmp_path / "x.jsonl", [submission(i) for i in range(5)])
    failing_on_third_draft(monkeypatch, KeyboardInterrupt())
    result = ingest(repo, "--branch", "ingest/x", export)  # the first batch not yet written
    assert result.code == 130 and result.out == ""
    assert result.err.splitlines() == ["extramile ingest: interrupted", "extramile ingest: nothing was committed: "
                                       "branch 'ingest/x' not kept; you are back on 'main'"]
    assert_as_before(repo)
    failing_on_third_draft(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt) as caught:
        run(Options(root=repo, sources=[export], branch="ingest/x", batch=1))  # two drafts written
    assert caught.value.__notes__ == ["nothing was committed: the 2 drafts it wrote removed, branch 'ingest/x' not "
                                      "kept; you are back on 'main'"]
    assert_as_before(repo)


def test_a_refused_commit_takes_the_run_back(repo, ingest, tmp_path):
    hook = repo / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'no drafts today' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    result = ingest(repo, "--branch", "ingest/x", write_jsonl(tmp_path / "x.jsonl", [submission(1), submission(2)]))
    assert result.code == 2
    assert "git commit failed: no drafts today" in result.err
    assert "nothing was committed: the 2 drafts it wrote removed" in result.err
    assert_as_before(repo)


def test_an_error_on_a_detached_head_comes_back_detached(repo, tmp_path, monkeypatch):
    from extramile.ingest.pipeline import Options, run

    head = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "--quiet", "--detach", head)
    failing_on_third_draft(monkeypatch, RuntimeError("boom"))
    with pytest.raises(RuntimeError):
        run(Options(root=repo, sources=[write_jsonl(tmp_path / "x.jsonl", [submission(i) for i in range(4)])],
                    branch="ingest/x", batch=1))
    assert git(repo, "rev-parse", "HEAD").strip() == head and git(repo, "branch", "--show-current").strip() == ""
    assert git(repo, "branch", "--list", "ingest/x") == ""
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


@pytest.mark.parametrize("whole_group", [False, True])
def test_sigint_to_a_running_ingest_takes_it_back(whole_group, repo, tmp_path):
    """Ctrl+C in a terminal signals the whole process group (the worker processes too); `kill -INT` one process."""
    import multiprocessing
    import os
    import signal
    import time

    from tests.ingest.conftest import ingest_command, subprocess_env

    export = write_jsonl(tmp_path / "many.jsonl", [submission(i) for i in range(3000)])
    run = subprocess.Popen(ingest_command(repo, "--branch", "ingest/x", export), env=subprocess_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, process_group=0)
    deadline = time.monotonic() + 60
    while len(list((repo / POSTS).glob("*.md"))) < 300 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    if whole_group:
        os.killpg(run.pid, signal.SIGINT)
    else:
        run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 130, (out, err)
    assert err.splitlines()[0] == "extramile ingest: interrupted"
    assert "drafts it wrote removed, branch 'ingest/x' not kept; you are back on 'main'" in err
    assert_as_before(repo)
    with pytest.raises(ProcessLookupError):
        os.killpg(run.pid, 0)  # no worker process outlived it
    assert multiprocessing.active_children() == []


# -- branch names as git reads them, refused before anything is written -------------------------------------

@pytest.mark.parametrize("name", ["@", "HEAD", "-x", "--force", "", "a..b", "x.lock", "x y", "x~1", "@{-1}x", "/x"])
def test_names_git_would_not_take_are_refused_first(name, repo, ingest, tmp_path):
    result = ingest(repo, f"--branch={name}", write_jsonl(tmp_path / "x.jsonl", [submission(1)]))
    assert result.code == 2
    assert result.err == (f"extramile ingest: {name!r} is not a valid branch name "
                          "(see `git check-ref-format --branch`)\n")
    assert not (repo / "var").exists(), "not even the lock file was made"
    assert git(repo, "branch", "--format=%(refname:short)").split() == ["main"]
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_at_minus_one_is_the_branch_before(repo, ingest, tmp_path):
    git(repo, "branch", "earlier")
    git(repo, "checkout", "--quiet", "earlier")
    git(repo, "checkout", "--quiet", "main")
    result = ingest(repo, "--branch", "@{-1}", write_jsonl(tmp_path / "x.jsonl", [submission(1)]))
    assert result.code == 2 and result.err == "extramile ingest: branch 'earlier' already exists: choose another name\n"
