"""One fixture export per backend, shaped like the real service's export (BOM, CRLF inside quoted fields,
non-Latin text, the backend's own metadata and spam flags), and the drafts expected from it, byte for byte.

Set EXTRAMILE_UPDATE_GOLDEN=1 to rewrite the golden drafts after a deliberate change, then review the diff.
"""

from __future__ import annotations

import os
import shutil

import frontmatter
import pytest

from extramile.check import check_collection
from extramile.schema import validate_story
from tests.ingest.conftest import FIXTURES, GOLDEN, POSTS, STORY_KEYS

# fixture -> (extra arguments, expected summary, rejected (location suffix, field) pairs)
CASES = {
    "netlify_export_with_bom.csv": (
        [], {"new": 2, "duplicate": 0, "spam": 1, "rejected": 1},
        {("row 5", "title"), ("row 5", "story")},
    ),
    "netlify_api_submissions_with_bom.json": (
        [], {"new": 3, "duplicate": 0, "spam": 0, "rejected": 0}, set(),
    ),
    "formspree_export_with_bom.json": (
        [], {"new": 2, "duplicate": 0, "spam": 1, "rejected": 0}, set(),
    ),
    "google_forms_responses_with_bom.csv": (
        ["--mapping", FIXTURES / "google_forms_mapping.yml"], {"new": 2, "duplicate": 0, "spam": 0, "rejected": 1},
        {("row 4", "consent")},
    ),
    "webhook_submissions_with_bom.jsonl": (
        [], {"new": 2, "duplicate": 0, "spam": 0, "rejected": 3},
        {("line 2", "JSON"), ("line 4", "title"), ("line 5", "month")},
    ),
}


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_fixture_gives_the_golden_drafts(fixture, project, ingest, vocabulary):
    extra, summary, rejected = CASES[fixture]
    result = ingest(project, "--json", FIXTURES / fixture, *extra)
    report = result.report
    assert {key: report["summary"][key] for key in summary} == summary, result.out
    assert {(item["location"].rsplit(":", 1)[1], item["field"]) for item in report["rejected"]} == rejected
    assert result.code == (1 if rejected else 0)

    written = {path.name: path.read_bytes() for path in sorted((project / POSTS).glob("*.md"))}
    golden_dir = GOLDEN / fixture.rsplit(".", 1)[0]
    if os.environ.get("EXTRAMILE_UPDATE_GOLDEN"):
        shutil.rmtree(golden_dir, ignore_errors=True)
        golden_dir.mkdir(parents=True)
        for name, data in written.items():
            (golden_dir / name).write_bytes(data)
    expected = {path.name: path.read_bytes() for path in sorted(golden_dir.glob("*.md"))}
    assert sorted(written) == sorted(expected)
    for name, data in written.items():
        assert data.decode("utf-8") == expected[name].decode("utf-8"), name
    assert sorted(item["path"] for item in report["new"]) == sorted(f"{POSTS.as_posix()}/{name}" for name in written)


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_golden_drafts_are_valid_drafts(fixture, vocabulary):
    files = sorted((GOLDEN / fixture.rsplit(".", 1)[0]).glob("*.md"))
    assert files, f"no golden drafts for {fixture}"
    for path in files:
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\n") and b"\r" not in raw
        post = frontmatter.loads(raw.decode("utf-8"))
        assert list(post.metadata) == STORY_KEYS, path.name
        assert post["draft"] is True and post["source"]["kind"] == "form" and post["source"]["id"]
        story, problems = validate_story(post.metadata, vocabulary)
        assert story is not None, problems
        assert post.content.strip()
    findings, count = check_collection(files, vocabulary)
    assert (findings, count) == ([], len(files)), "`extramile check` accepts every draft"
