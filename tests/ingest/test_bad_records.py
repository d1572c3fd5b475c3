"""One bad record never stops an ingest: whatever goes wrong while preparing it (a lone surrogate, a bug) becomes a
rejection of that record, located, and every other record goes in; nothing is half-written."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from extramile.ingest import parallel
from extramile.ingest.pipeline import Options, run
from extramile.ingest.write import TEMP_SUFFIX
from extramile.schema import validate_story
from tests.ingest.conftest import FIXTURES, POSTS, make_project, submission, write_jsonl

SURROGATES = FIXTURES / "jsonl_lone_surrogates_in_lines_2_and_3.jsonl"


def whole_valid_drafts(root, vocabulary) -> dict[str, frontmatter.Post]:
    """Every story file, each whole and valid (a draft is never half-written), by submission id; no temp file."""
    posts = {}
    for path in (root / POSTS).glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert text.endswith("\n") and text.startswith("---\n"), path.name
        post = frontmatter.loads(text)
        story, problems = validate_story(post.metadata, vocabulary)
        assert story is not None, (path.name, problems)
        posts[post["source"]["id"]] = post
    assert not list((root / POSTS).glob(f".*{TEMP_SUFFIX}")), "a temp file was left behind"
    return posts


def test_lone_surrogates_reject_their_lines_only(project, ingest, vocabulary):
    result = ingest(project, "--json", SURROGATES)
    assert result.code == 1
    report = result.report
    rejected = {(item["location"].rsplit(":", 1)[1], item["field"]): item["reason"] for item in report["rejected"]}
    assert set(rejected) == {("line 2", "story"), ("line 3", "n\\udfffote")}
    assert rejected[("line 2", "story")].startswith("holds \\ud800 at character 6: half of a UTF-16 pair")
    assert report["summary"] == {"new": 2, "duplicate": 0, "spam": 0, "rejected": 2, "dry_run": False}
    assert sorted(whole_valid_drafts(project, vocabulary)) == ["jsonl:test_00001", "jsonl:test_00004"]

    text = ingest(project, SURROGATES)  # the table prints too; the run is repeatable
    assert text.code == 1
    assert text.out.startswith("extramile ingest: 0 new, 2 duplicate, 0 spam, 2 rejected")
    assert "line 3  n\\udfffote  holds \\udfff at character 2" in text.out


def test_a_lone_surrogate_in_a_json_document_rejects_that_submission(project, ingest, tmp_path, vocabulary):
    export = tmp_path / "json_document_with_a_lone_surrogate_in_record_2_title.json"
    document = json.dumps({"submissions": [submission(1), submission(2, title="A coat ZZZ"), submission(3)]})
    export.write_text(document.replace("ZZZ", "\\udbff"), encoding="ascii")
    result = ingest(project, "--json", export)
    assert result.code == 1
    [problem] = result.report["rejected"]
    assert problem["location"].endswith(":record 2") and problem["field"] == "title"
    assert sorted(whole_valid_drafts(project, vocabulary)) == ["json:test_00001", "json:test_00003"]


def test_a_lone_surrogate_in_the_receivers_store_rejects_that_submission(project, ingest, vocabulary):
    import sqlite3

    from extramile.intake.store import IntakeStore, SubmissionRecord

    received = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.timezone.utc)
    fields = {key: value for key, value in submission(1).items() if key not in {"id", "submitted_at", "email"}}
    path = project / "var/intake/submissions.sqlite3"
    with IntakeStore(path) as store:
        store.add(SubmissionRecord("sub_good", received, "accepted", fields, {"consent": True}))
    # A row as another tool may have written it: JSON with the \udc80 escape (the store's own API cannot).
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO submissions (id, fingerprint, received, status, fields, private) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   ("sub_bad", "0" * 64, "2024-05-01T09:31:00+00:00", "accepted",
                    json.dumps({**fields, "business": "Caf\udc80"}), json.dumps({"consent": True})))
    db.close()
    result = ingest(project, "--json")
    assert [(item["location"], item["field"]) for item in result.report["rejected"]] == [
        ("intake store:sub_bad", "business")]
    assert sorted(whole_valid_drafts(project, vocabulary)) == ["sub_good"]


def _broken_prepare(real):
    def prepare(record, *args, **kwargs):
        if "boom" in str(record.fields.get("title")):
            raise RuntimeError("a bug met a strange submission")
        return real(record, *args, **kwargs)
    return prepare


def _any_error_scenario(processes: int, folder: str) -> None:
    """The scenario, in a process of its own: only a process without other threads forks its workers (which is
    how they inherit the broken `prepare`); a test session's servers and browser threads would make it spawn."""
    from extramile.vocabulary import load_vocabulary
    from tests.conftest import REPO

    tmp_path = Path(folder)
    vocabulary = load_vocabulary(REPO / "content/vocabulary.yml")
    parallel.prepare = _broken_prepare(parallel.prepare)
    count = parallel.SERIAL_FIRST + 3 * parallel.CHUNK
    records = [submission(i, title=f"A coat, story {i}{' boom' if i in (5, count - 20) else ''}") for i in range(count)]
    export = write_jsonl(tmp_path / "jsonl_with_two_records_a_bug_fails_on.jsonl", records)
    root = make_project(tmp_path / "site")
    report = run(Options(root=root, sources=[export], processes=processes, batch=50))
    assert [(item["location"].rsplit(":", 1)[1], item["field"]) for item in report.rejected] == [
        ("line 6", "record"), (f"line {count - 19}", "record")]
    assert report.rejected[0]["reason"] == ("could not be prepared (RuntimeError: a bug met a strange submission); "
                                            "nothing from it was written")
    assert len(report.new) == count - 2
    assert len(whole_valid_drafts(root, vocabulary)) == count - 2
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("processes", [1, 2])
def test_any_error_preparing_a_record_rejects_that_record_alone(processes, tmp_path):
    """Also in the worker processes: the record far into a long source is prepared by one (fork: it has the patch)."""
    from tests.conftest import REPO

    script = (f"from tests.ingest.test_bad_records import _any_error_scenario; "
              f"_any_error_scenario({processes}, {str(tmp_path)!r})")
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_lone_surrogates_in_a_long_source_are_rejected_in_the_workers(tmp_path, vocabulary):
    count = parallel.SERIAL_FIRST + 2 * parallel.CHUNK
    lines = [json.dumps(submission(i)) for i in range(count)]
    lines[-10] = lines[-10].replace('"told_by": "Alex"', '"told_by": "Al\\ud83dex"')
    export = tmp_path / "long_jsonl_with_a_lone_surrogate_near_the_end.jsonl"
    export.write_text("\n".join(lines) + "\n", encoding="ascii")
    root = make_project(tmp_path / "site")
    report = run(Options(root=root, sources=[export], processes=2))
    assert [(item["location"].rsplit(":", 1)[1], item["field"]) for item in report.rejected] == [
        (f"line {count - 9}", "told_by")]
    assert len(whole_valid_drafts(root, vocabulary)) == count - 1


def test_a_tags_field_that_is_a_set_of_fields_is_a_rejection(project, ingest, tmp_path):
    export = write_jsonl(tmp_path / "jsonl_tags_as_an_object.jsonl",
                         [submission(1, tags={"a": 1}), submission(2, tags=[{"a": 1}]), submission(3)])
    result = ingest(project, "--json", export)
    assert [(item["location"].rsplit(":", 1)[1], item["field"]) for item in result.report["rejected"]] == [
        ("line 1", "tags"), ("line 2", "tags")]
    assert result.report["summary"]["new"] == 1


def test_too_many_tags_are_refused_before_any_is_looked_up(project, ingest, tmp_path):
    export = write_jsonl(tmp_path / "jsonl_with_100000_tags.jsonl",
                         [submission(1, tags=",".join(["loyalty"] * 100_000)), submission(2, tags=["x"] * 21),
                          submission(3, tags=["loyalty"] * 20)])
    result = ingest(project, "--json", export)
    assert [(item["location"].rsplit(":", 1)[1], item["field"]) for item in result.report["rejected"]] == [
        ("line 1", "tags"), ("line 2", "tags")]
    assert "at most 5 are kept" in result.report["rejected"][0]["reason"]
    assert result.report["summary"]["new"] == 1
