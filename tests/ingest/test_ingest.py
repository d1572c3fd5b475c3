"""The ingest end to end: safe drafts, private data kept out, duplicates recognised, the report and exit codes."""

from __future__ import annotations

import json

import frontmatter
import pytest
import yaml

from extramile.intake.store import DEFAULT_STORE, IntakeStore
from extramile.schema import validate_story
from extramile.slug import is_valid_slug
from extramile.ingest.normalise import plain_line
from tests.ingest.conftest import FIXTURES, POSTS, STORY_KEYS, STORY_TEXT, drafts, submission, write_jsonl

ALL_EXPORTS = ["netlify_export_with_bom.csv", "netlify_api_submissions_with_bom.json", "formspree_export_with_bom.json",
               "webhook_submissions_with_bom.jsonl"]
PRIVATE_VALUES = ["claire@example.org", "203.0.113.7", "Firefox/126.0", "nikos@example.gr", "198.51.100.23",
                  "priya@example.in", "203.0.113.44", "Safari/605.1.15", "anna@example.ru", "marta@example.es",
                  "+34 612 345 678", "extramile.example/submit"]


def test_private_details_never_reach_content_and_stay_in_the_store(project, ingest):
    result = ingest(project, "--json", *(FIXTURES / name for name in ALL_EXPORTS))
    assert result.report["summary"]["new"] == 8
    for path in (project / "content").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for value in PRIVATE_VALUES:
                assert value not in text, f"{value} leaked into {path}"
    for value in PRIVATE_VALUES:
        assert value not in result.out, f"{value} leaked into the report"
    with IntakeStore(project / "var/intake/submissions.sqlite3") as store:
        kept = {record.id: record.private for record in store.records()}
    assert kept["netlify:6643a6d1f2e1a40008b7c001"]["email"] == "priya@example.in"
    assert kept["netlify:6643a6d1f2e1a40008b7c001"]["ip"] == "203.0.113.44"
    assert kept["jsonl:wh_001"]["phone"] == "+34 612 345 678"
    # Every new draft whose export carried contact details has them in the store (wh_003 had none).
    assert set(kept) == {item["id"] for item in result.report["new"]} - {"jsonl:wh_003"}


def test_contact_details_inside_a_story_are_replaced_and_kept_in_the_store(project, ingest):
    result = ingest(project, "--json", FIXTURES / "formspree_export_with_bom.json")
    notes = {(note["path"], note["field"], note["message"]) for note in result.report["notes"]}
    path = "content/stories/posts/brakes-before-the-long-drive.md"
    kept = "the original is in the private store (extramile submissions show)"
    assert (path, "story", f"an e-mail address was replaced by '[e-mail removed]': {kept}") in notes
    assert (path, "story", f"a phone number was replaced by '[phone number removed]': {kept}") in notes
    draft = (project / path).read_text(encoding="utf-8")
    assert "[e-mail removed]" in draft and "[phone number removed]" in draft
    submission_id = frontmatter.loads(draft)["source"]["id"]
    with IntakeStore(project / DEFAULT_STORE) as store:
        removed = store.get(submission_id).private["removed"]
    assert {item["kind"] for item in removed} == {"e-mail", "phone"}
    for item in removed:
        assert item["text"] not in draft and item["field"] == "story"


def test_setting_fields_are_dropped_and_reported(project, ingest):
    result = ingest(project, "--json", FIXTURES / "formspree_export_with_bom.json", FIXTURES / "webhook_submissions_with_bom.jsonl")
    dropped = {note["field"] for note in result.report["notes"] if note["message"].startswith("dropped")}
    assert {"template", "hide", "url", "status", "save_as", "draft", "featured"} <= dropped
    for post in drafts(project).values():
        assert list(post.metadata) == STORY_KEYS
        assert post["draft"] is True and "featured" not in post.metadata


def test_vocabulary_labels_and_near_misses_become_slugs(project, ingest, tmp_path):
    export = write_jsonl(tmp_path / "x.jsonl", [submission(
        1, tags=["Mistake recovery", "free_of_charge", "Out-of-Stok", "Brilliant"], industry="Food & drink",
        channel="Social Media", perspective="Told by the business")])
    result = ingest(project, "--json", export)
    assert result.code == 0, result.out
    [post] = drafts(project).values()
    assert post["tags"] == ["mistake-recovery", "free-of-charge", "out-of-stock"]
    assert (post["industry"], post["channel"], post["perspective"]) == ("food-and-drink", "social-media", "business")
    messages = {note["message"] for note in result.report["notes"]}
    assert "'Out-of-Stok' read as 'out-of-stock'" in messages
    assert "left out, not in the vocabulary: 'Brilliant'" in messages


def test_unknown_industry_is_rejected_with_the_choices(project, ingest, tmp_path):
    result = ingest(project, "--json", write_jsonl(tmp_path / "x.jsonl", [submission(1, industry="Space tourism")]))
    assert result.code == 1
    [problem] = result.report["rejected"]
    assert problem["field"] == "industry" and "'Space tourism' is not in the vocabulary (one of: automotive" in problem["reason"]


YAML_ATTACKS = [
    "Title\n---\ndraft: false", "!!python/object/apply:os.system ['echo pwned']", "&anchor title", "*anchor",
    "key: value", "- list item", "{flow: mapping}", "'quoted' and \"double\"", "title # comment", "%YAML 1.1",
    "@at the start", "`backtick`", "yes", "null", "2024-01-01", "? complex key", "|\n  block", "> folded",
    "title\r\n---\r\ntemplate: evil.html",
]


@pytest.mark.parametrize("attack", YAML_ATTACKS)
def test_yaml_injection_is_neutralised(attack, project, ingest, tmp_path, vocabulary):
    record = submission(1, title=attack, business=attack.replace("\n", " ")[:90] or "x", told_by="Me " + attack[:40],
                        story=STORY_TEXT + "\n---\ntitle: injected\ndraft: false\n---\n" + attack)
    result = ingest(project, "--json", write_jsonl(tmp_path / "x.jsonl", [record]))
    assert result.code == 0, result.out
    [path] = (project / POSTS).glob("*.md")
    text = path.read_text(encoding="utf-8")
    head = text.split("\n---\n", 1)[0]
    data = yaml.safe_load(head.removeprefix("---\n"))
    assert list(data) == STORY_KEYS
    assert data["draft"] is True and "template" not in data
    assert isinstance(data["title"], str) and "\n" not in data["title"]
    assert data["title"] == plain_line(attack)  # what went in comes back exactly: no tag, anchor or type
    story, problems = validate_story(frontmatter.loads(text).metadata, vocabulary)
    assert story is not None, problems
    assert is_valid_slug(path.stem)


@pytest.mark.parametrize("title,slug", [
    ("../../mkdocs.yml", "mkdocs-yml"), ("/etc/passwd", "etc-passwd"), ("CON", "con-story"), ("nul", "nul-story"),
    ("Tab\x00le for two", "table-for-two"), ("🎂🎉🙏", "story"), ("Archive", "archive-story"),
    ("Ça\u202e\u200bfé crème", "cafe-creme"), ("ＣＡＰＳ ｗｉｄｅ", "caps-wide"),
])
def test_hostile_titles_give_safe_slugs(title, slug, project, ingest, tmp_path):
    result = ingest(project, "--json", write_jsonl(tmp_path / "x.jsonl", [submission(1, title=title)]))
    assert result.code == 0, result.out
    [path] = (project / POSTS).glob("*.md")
    assert path.name == f"{slug}.md" and path.parent == project / POSTS
    post = frontmatter.load(path)
    assert "\x00" not in post["title"] and "\u202e" not in post["title"] and "\u200b" not in post["title"]


def test_ten_thousand_character_title_is_rejected_as_oversized(project, ingest, tmp_path):
    result = ingest(project, "--json", write_jsonl(tmp_path / "x.jsonl", [submission(1, title="word " * 2000),
                                                                          submission(2)]))
    assert result.code == 1
    [problem] = result.report["rejected"]
    assert problem["field"] == "title" and problem["location"].endswith("line 1")
    assert result.report["summary"]["new"] == 1


def test_slugs_are_unique_against_existing_files_in_any_case(project, ingest, tmp_path):
    (project / POSTS / "A-Coat.md").write_text("---\ntitle: hand made\n---\nbody\n", encoding="utf-8")
    (project / POSTS / "2023").mkdir()
    (project / POSTS / "2023" / "a-coat-2.md").write_text("---\ntitle: nested\n---\nbody\n", encoding="utf-8")
    records = [submission(i, title="A coat", story=f"{STORY_TEXT} Number {i}.") for i in range(3)]
    result = ingest(project, "--json", write_jsonl(tmp_path / "x.jsonl", records))
    names = {item["path"].rsplit("/", 1)[1] for item in result.report["new"]}
    assert names == {"a-coat-3.md", "a-coat-4.md", "a-coat-5.md"}


def test_repeat_run_writes_nothing_and_says_so(project, ingest):
    sources = [FIXTURES / name for name in ALL_EXPORTS]
    first = ingest(project, *sources)
    assert first.out.startswith("extramile ingest: 8 new, 1 duplicate, 2 spam, 4 rejected")
    before = {path: path.stat().st_mtime_ns for path in (project / POSTS).glob("*.md")}
    second = ingest(project, *sources)
    assert second.out.startswith("extramile ingest: 0 new, 9 duplicate, 2 spam, 4 rejected")
    assert {path: path.stat().st_mtime_ns for path in (project / POSTS).glob("*.md")} == before


def test_the_same_story_through_two_backends_is_one_draft(project, ingest):
    result = ingest(project, "--json", FIXTURES / "netlify_export_with_bom.csv",
                    FIXTURES / "netlify_api_submissions_with_bom.json")
    [duplicate] = result.report["duplicate"]
    assert duplicate["id"] == "netlify:6643a6d1f2e1a40008b7c003" and duplicate["by"] == "content"
    assert duplicate["of"] == "content/stories/posts/a-cake-three-refunds-and-a-box-of-chocolates.md"


def test_an_edited_draft_is_never_overwritten(project, ingest, tmp_path):
    export = write_jsonl(tmp_path / "x.jsonl", [submission(1)])
    ingest(project, export)
    [path] = (project / POSTS).glob("*.md")
    post = frontmatter.load(path)
    post["title"] = "Edited by the editor"
    post.content = "Rewritten completely by the editor."
    edited = frontmatter.dumps(post) + "\n"
    path.write_text(edited, encoding="utf-8")
    result = ingest(project, "--json", export)
    assert result.report["summary"] == {"new": 0, "duplicate": 1, "spam": 0, "rejected": 0, "dry_run": False}
    assert result.report["duplicate"][0]["by"] == "id"
    assert path.read_text(encoding="utf-8") == edited
    assert len(list((project / POSTS).glob("*.md"))) == 1


def test_dry_run_writes_nothing(project, ingest):
    result = ingest(project, "--dry-run", "--json", *(FIXTURES / name for name in ALL_EXPORTS))
    assert result.report["summary"]["new"] == 8 and result.report["summary"]["dry_run"] is True
    assert result.code == 1
    assert not list((project / POSTS).glob("*")) and not (project / "var").exists()
    text = ingest(project, "--dry-run", FIXTURES / "netlify_export_with_bom.csv").out
    assert "(dry run: nothing written)" in text.splitlines()[0]


def test_text_report_lists_every_section(project, ingest):
    out = ingest(project, *(FIXTURES / name for name in ALL_EXPORTS)).out
    for heading in ("New drafts:", "Duplicates (nothing written):", "Spam (nothing written):",
                    "Rejected (fix the source and run again):", "Notes for the editor:"):
        assert heading in out
    assert "content/stories/posts/ten-minutes-on-a-sunday-night.md" in out
    assert "webhook_submissions_with_bom.jsonl:line 5  month" in out


@pytest.mark.parametrize("args,message", [
    (["missing.csv"], "missing.csv: no such file"),
    (["--mapping", "nope.yml", str(FIXTURES / "netlify_export_with_bom.csv")], "cannot read the mapping"),
    (["--format", "xml"], "invalid choice"),
])
def test_usage_errors_exit_2(args, message, project, ingest):
    result = ingest(project, *args)
    assert result.code == 2 and message in result.err
    assert not list((project / POSTS).glob("*"))


def test_no_project_is_a_usage_error(tmp_path, monkeypatch):
    from tests.ingest.conftest import run_subprocess

    monkeypatch.delenv("EXTRAMILE_ROOT", raising=False)
    result = run_subprocess(tmp_path / "nowhere")
    assert result.returncode == 2 and "vocabulary" in result.stderr


def test_json_report_is_the_same_data_as_the_table(project, ingest):
    data = ingest(project, "--json", FIXTURES / "netlify_export_with_bom.csv").report
    assert data["summary"] == {"new": 2, "duplicate": 0, "spam": 1, "rejected": 1, "dry_run": False}
    assert data["spam"][0] == {"id": data["spam"][0]["id"], "location": data["spam"][0]["location"],
                               "reason": "honeypot field filled in"}
    assert data["exit_code"] == 1
    json.dumps(data)
