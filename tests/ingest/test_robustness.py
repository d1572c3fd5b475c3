"""Safe to repeat, safe to interrupt: concurrent runs, a lock held elsewhere, SIGKILL in the middle."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import frontmatter
import pytest

from extramile.ingest.lock import LOCK_FILE, IngestLock
from extramile.ingest.write import TEMP_SUFFIX, write_new
from extramile.schema import validate_story
from tests.ingest.conftest import POSTS, ingest_command, run_subprocess, submission, subprocess_env, write_jsonl


def assert_only_whole_valid_drafts(root, vocabulary) -> set[str]:
    """Every story file is complete and valid; returns the submission ids found (each once)."""
    ids: list[str] = []
    for path in (root / POSTS).glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert text.endswith(".)\n"), f"{path.name} is not whole"
        post = frontmatter.loads(text)
        story, problems = validate_story(post.metadata, vocabulary)
        assert story is not None, (path.name, problems)
        number = int(post["source"]["id"].rsplit("_", 1)[1])
        assert post.content.endswith(f"(Story number {number}.)")
        ids.append(post["source"]["id"])
    assert len(ids) == len(set(ids)), "a submission was written twice"
    return set(ids)


def test_two_concurrent_runs_do_not_double_write(project, tmp_path, vocabulary):
    export = write_jsonl(tmp_path / "many.jsonl", [submission(i) for i in range(400)])
    env = subprocess_env()
    runs = [subprocess.Popen(ingest_command(project, "--json", export), env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    reports = []
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        reports.append(json.loads(out)["summary"])
    assert sorted((r["new"], r["duplicate"]) for r in reports) == [(0, 400), (400, 0)]
    assert len(assert_only_whole_valid_drafts(project, vocabulary)) == 400


def test_a_held_lock_makes_the_run_wait_then_give_up(project, tmp_path):
    export = write_jsonl(tmp_path / "one.jsonl", [submission(1)])
    with IngestLock(project / LOCK_FILE):
        result = run_subprocess(project, "--lock-timeout", "0.3", export)
    assert result.returncode == 2
    assert f"(pid {os.getpid()}) still holds" in result.stderr
    assert not list((project / POSTS).glob("*.md"))
    assert run_subprocess(project, export).returncode == 0  # released: the next run goes ahead


@pytest.mark.parametrize("kill_after", [1, 150, 600])
def test_sigkill_mid_ingest_leaves_no_partial_file(kill_after, project, tmp_path, vocabulary):
    total = 1500
    export = write_jsonl(tmp_path / "many.jsonl", [submission(i) for i in range(total)])
    run = subprocess.Popen(ingest_command(project, export), env=subprocess_env(), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    posts = project / POSTS
    deadline = time.monotonic() + 60
    while len(list(posts.glob("*.md"))) < kill_after and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    assert run.returncode == -signal.SIGKILL, "the run finished before it could be killed: raise `total`"
    written = assert_only_whole_valid_drafts(project, vocabulary)
    assert 0 < len(written) < total

    again = run_subprocess(project, "--json", export)
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)["summary"]
    assert (summary["new"], summary["duplicate"]) == (total - len(written), len(written))
    assert len(assert_only_whole_valid_drafts(project, vocabulary)) == total
    assert not list(posts.glob(f".*{TEMP_SUFFIX}")), "the next run clears what the killed one left"


def test_write_new_never_replaces_a_file(tmp_path):
    target = tmp_path / "story.md"
    assert write_new(target, "first\n") is True
    assert write_new(target, "second\n") is False
    assert target.read_text() == "first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["story.md"], "no temp file is left behind"


def test_parallel_preparation_gives_the_same_drafts_and_report(tmp_path):
    import multiprocessing

    from extramile.ingest.pipeline import Options, run
    from tests.ingest.conftest import make_project

    records = [submission(i) for i in range(700)] + [submission(900, title="")] + [submission(3)]
    export = write_jsonl(tmp_path / "many.jsonl", records)
    results = []
    for processes in (1, 2):
        root = make_project(tmp_path / f"p{processes}")
        report = run(Options(root=root, sources=[export], processes=processes, batch=100))
        files = {path.name: path.read_bytes() for path in (root / POSTS).glob("*.md")}
        results.append((report.to_json()["summary"], report.rejected, [item["path"] for item in report.new], files))
    assert results[0][0] == results[1][0] == {"new": 700, "duplicate": 1, "spam": 0, "rejected": 1, "dry_run": False}
    assert results[0][1:] == results[1][1:]
    assert multiprocessing.active_children() == []


def test_a_low_open_file_limit_only_makes_batches_smaller(project, tmp_path, vocabulary):
    import resource

    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (96, 96))

    export = write_jsonl(tmp_path / "many.jsonl", [submission(i) for i in range(300)])
    result = subprocess.run(ingest_command(project, "--json", export), env=subprocess_env(), capture_output=True,
                            text=True, timeout=120, preexec_fn=low_limit)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["new"] == 300
    assert len(assert_only_whole_valid_drafts(project, vocabulary)) == 300


def test_without_worker_processes_everything_is_prepared_here(monkeypatch, vocabulary):
    from extramile.ingest import parallel
    from extramile.ingest.records import Location, RawRecord

    class NoProcesses:
        def __init__(self, *args, **kwargs):
            self.shut = False

        def submit(self, *args):
            raise OSError(24, "Too many open files")

        def shutdown(self, **kwargs):
            self.shut = True

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", NoProcesses)
    records = [RawRecord(Location("x", "line", i), {k: v for k, v in submission(i).items() if k not in {"id", "email"}},
                         id=f"jsonl:{i}") for i in range(parallel.SERIAL_FIRST + 100)]
    results = list(parallel.prepared(iter(records), vocabulary, {}, processes=2))
    assert [item.id for item, _, _ in results] == [record.id for record in records]
    assert all(text is not None for _, _, text in results)
