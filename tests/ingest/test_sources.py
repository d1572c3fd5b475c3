"""Reading sources: format detection, bad files refused whole, bad rows rejected alone, JSON streamed."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from extramile.ingest.mapping import BASE, load_mapping, parse_mapping
from extramile.ingest.normalise import timestamp
from extramile.ingest.records import Problem, RawRecord, SourceError, UsageError
from extramile.ingest.sources import detect, open_source
from extramile.ingest.sources.jsonstream import JsonStream
from tests.ingest.conftest import FIXTURES, POSTS, STORY_TEXT, submission, write_jsonl

HEADER = "title,story,perspective,business,industry,channel,tags,month,told_by,anonymous,consent\n"


def row(title: str = "A coat found across town", **overrides) -> str:
    values = {"title": title, "story": STORY_TEXT, "perspective": "customer", "business": "Northwind",
              "industry": "retail", "channel": "in-person", "tags": "out-of-stock", "month": "2023-11",
              "told_by": "Alex", "anonymous": "", "consent": "yes", **overrides}
    return ",".join('"' + str(value).replace('"', '""') + '"' for value in values.values()) + "\n"


@pytest.mark.parametrize("fixture,expected", [
    ("netlify_export_with_bom.csv", "netlify-csv"),
    ("netlify_api_submissions_with_bom.json", "netlify-json"),
    ("formspree_export_with_bom.json", "formspree-json"),
    ("google_forms_responses_with_bom.csv", "google-forms-csv"),
    ("webhook_submissions_with_bom.jsonl", "jsonl"),
])
def test_format_is_detected_from_content(fixture, expected, tmp_path):
    renamed = tmp_path / "export.txt"  # the name says nothing
    renamed.write_bytes((FIXTURES / fixture).read_bytes())
    assert detect(renamed) == expected


def test_plain_csv_and_json_list_are_detected(tmp_path):
    (tmp_path / "a").write_text(HEADER + row(), encoding="utf-8")
    (tmp_path / "b").write_text(json.dumps([submission(1)]), encoding="utf-8")
    (tmp_path / "c").write_text(json.dumps({"submissions": [submission(1)]}), encoding="utf-8")
    assert [detect(tmp_path / name) for name in "abc"] == ["csv", "json", "json"]


def test_bom_and_crlf_inside_quoted_fields(project, ingest, tmp_path):
    export = tmp_path / "export.csv"
    story = STORY_TEXT.replace(". ", ".\r\n\r\n", 1)
    export.write_bytes(b"\xef\xbb\xbf" + (HEADER + row(story=story)).replace("\n", "\r\n").encode("utf-8"))
    result = ingest(project, "--json", export)
    assert result.code == 0, result.out
    [new] = result.report["new"]
    text = (project / new["path"]).read_text(encoding="utf-8")
    assert "\r" not in text and "\ufeff" not in text
    assert ".\n\nShe even" not in text and "next morning" in text
    assert text.startswith("---\ntitle: A coat found across town\n")


def test_not_utf8_is_refused_with_byte_offset_and_row(project, ingest, tmp_path):
    export = tmp_path / "latin1.csv"
    good = (HEADER + row("First") + row("Second")).encode("utf-8")
    bad = row("Caf\u00e9 third").encode("latin-1")
    export.write_bytes(good + bad + row("Fourth").encode("utf-8"))
    result = ingest(project, "--json", export)
    assert result.code == 1
    [problem] = result.report["rejected"]
    offset = len(good) + len('"Caf')
    assert f"byte {offset} (row 4, line 4)" in problem["reason"] and problem["field"] == "file"
    assert result.report["summary"]["new"] == 0
    assert not list((project / POSTS).glob("*.md")), "nothing from a refused file may be written"


def test_not_utf8_json_is_refused_whole(project, ingest, tmp_path):
    export = tmp_path / "export.json"
    export.write_bytes(json.dumps([submission(1), submission(2)]).encode() + b"\n" + b"\xff\xfe")
    result = ingest(project, "--json", "--format", "json", export)
    assert result.code == 1 and "is not UTF-8: byte" in result.report["rejected"][0]["reason"]
    assert not list((project / POSTS).glob("*.md"))


def test_duplicate_headers_refuse_the_file(project, ingest, tmp_path):
    export = tmp_path / "dup.csv"
    export.write_text("title,story,Title\n" + '"x","y","z"\n', encoding="utf-8")
    result = ingest(project, "--json", export)
    assert result.code == 1
    [problem] = result.report["rejected"]
    assert problem["field"] == "header" and "appears twice (columns 1 and 3)" in problem["reason"]


def test_ragged_row_missing_field_and_oversized_field_reject_only_their_rows(project, ingest, tmp_path):
    export = tmp_path / "rows.csv"
    ragged = row("Ragged").rstrip("\n") + ',"extra"\n'
    export.write_text(HEADER + row("Good one") + ragged + row("No business", business="") +
                      row("Huge", story="x" * 100_000) + row("Good two"), encoding="utf-8")
    result = ingest(project, "--json", export)
    assert result.code == 1
    assert {(item["location"].rsplit(":", 1)[1], item["field"]) for item in result.report["rejected"]} == {
        ("row 3", "row"), ("row 4", "business"), ("row 5", "story")}
    assert sorted(item["location"].rsplit(":", 1)[1] for item in result.report["new"]) == ["row 2", "row 6"]


def test_malformed_json_gets_a_clear_error_and_nothing_is_written(project, ingest, tmp_path):
    export = tmp_path / "broken.json"
    export.write_text(json.dumps([submission(1), submission(2)])[:-30] + "}}", encoding="utf-8")
    result = ingest(project, "--json", export)
    assert result.code == 1
    [problem] = result.report["rejected"]
    assert problem["field"] == "JSON" and "is malformed at line 1, column" in problem["reason"]
    assert not list((project / POSTS).glob("*.md"))


def test_malformed_json_line_rejects_only_that_line(project, ingest, tmp_path):
    export = tmp_path / "lines.jsonl"
    write_jsonl(export, [submission(1)])
    with open(export, "a", encoding="utf-8") as handle:
        handle.write('{"title": "unfinished\n')
        handle.write(json.dumps(submission(3)) + "\n")
    result = ingest(project, "--json", export)
    assert result.code == 1
    assert [item["location"].rsplit(":", 1)[1] for item in result.report["rejected"]] == ["line 2"]
    assert result.report["summary"]["new"] == 2


@pytest.mark.parametrize("chunk", [1, 7, 64, 4096])
def test_json_stream_reads_across_any_chunk_boundary(chunk):
    items = [submission(i, story="ünïcödé " * 40 + str(i)) for i in range(5)]
    for document in (json.dumps(items, ensure_ascii=False), json.dumps({"form": {"x": [1, 2]}, "count": 12345,
                                                                         "submissions": items, "fields": ["a"]})):
        read = [value for _, value in JsonStream(io.StringIO(document), "x", chunk=chunk).submissions()]
        assert read == items


@pytest.mark.parametrize("document,message", [
    ("", "is empty"), ('{"form": 1}', "has no list of submissions"), ("[1, 2", "expects ',' or ']'"),
    ('[{"a": 1}] [', "more data after the end"), ('"text"', "must hold a list"), ('[{"a": tru}]', "Expecting value"),
])
def test_json_stream_errors(document, message):
    with pytest.raises(SourceError) as caught:
        list(JsonStream(io.StringIO(document), "x.json", chunk=3).submissions())
    assert message in str(caught.value)


def test_netlify_json_keeps_private_fields_out_of_story_fields(tmp_path):
    source = open_source(FIXTURES / "netlify_api_submissions_with_bom.json", "netlify.json", BASE)
    source.check()
    [first, *_] = [item for item in source.records() if isinstance(item, RawRecord)]
    assert first.id == "netlify:6643a6d1f2e1a40008b7c001"
    assert first.received == dt.datetime(2024, 5, 17, 21, 48, 3, tzinfo=dt.timezone.utc)
    assert set(first.private) == {"email", "ip", "user_agent", "referrer"}
    assert not set(first.fields) & {"email", "ip", "user_agent", "referrer"}


def test_google_forms_without_mapping_is_refused_with_a_hint(project, ingest):
    result = ingest(project, "--json", FIXTURES / "google_forms_responses_with_bom.csv")
    assert result.code == 1
    [problem] = result.report["rejected"]
    assert problem["field"] == "header" and "--mapping" in problem["reason"]


@pytest.mark.parametrize("value,expected", [
    ("2024/05/14 10:32:11 AM GMT+2", dt.datetime(2024, 5, 14, 8, 32, 11)),
    ("2024/05/14 4:05:59 PM GMT+5:30", dt.datetime(2024, 5, 14, 10, 35, 59)),
    ("2024/05/14 10:32:11 AM GMT", dt.datetime(2024, 5, 14, 10, 32, 11)),
    ("5/14/2024 10:32:11", dt.datetime(2024, 5, 14, 10, 32, 11)),
    ("2020-10-13T14:02:06.088Z", dt.datetime(2020, 10, 13, 14, 2, 6)),
    ("2024-04-02T18:21:07.529000", dt.datetime(2024, 4, 2, 18, 21, 7)),
    (1715682731, dt.datetime(2024, 5, 14, 10, 32, 11)),
    ("1715682731000", dt.datetime(2024, 5, 14, 10, 32, 11)),
    ("last Tuesday", None),
])
def test_timestamps(value, expected):
    got = timestamp(value)
    assert got == (expected.replace(tzinfo=dt.timezone.utc) if expected else None)


def test_mapping_file_errors_are_usage_errors(tmp_path):
    bad = tmp_path / "m.yml"
    for text, message in [("fields: {titel: Title}", "not a story field"), ("colour: red", "unknown key"),
                          ("fields: [a]", "must be a mapping"), ("timezone: Mars/Olympus", "not a known time zone"),
                          ("fields: {title: }", "must name a column"), ("a: [", "not valid YAML")]:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(UsageError, match=message):
            load_mapping(bad)


def test_mapping_maps_any_form(project, ingest, tmp_path):
    export = tmp_path / "typeform.csv"
    export.write_text("Submitted At,Headline,Your experience,Company,Sector,Where,Labels,Month,Name,OK to publish,Mail,"
                      "Role\n"
                      f'14/05/2024 10:00:00,A coat,"{STORY_TEXT}",Northwind,Retail,In person,"Loyalty|Out of stock",'
                      "Nov 2023,Alex,yes,alex@example.com,Shopper\n", encoding="utf-8")
    mapping = tmp_path / "typeform.yml"
    mapping.write_text("fields: {title: Headline, story: Your experience, business: Company, industry: Sector,\n"
                       "         channel: Where, tags: Labels, month: Month, told_by: Name, consent: OK to publish,\n"
                       "         perspective: Role}\n"
                       "private: {email: Mail}\nreceived: Submitted At\nreceived_format: '%d/%m/%Y %H:%M:%S'\n"
                       "timezone: Europe/Paris\n", encoding="utf-8")
    result = ingest(project, "--json", export, "--mapping", mapping)
    assert result.code == 0, result.out
    [new] = result.report["new"]
    text = (project / new["path"]).read_text(encoding="utf-8")
    assert "received: 2024-05-14 08:00:00+00:00" in text and "alex@example.com" not in text
    assert "- loyalty\n- out-of-stock\n" in text
    assert "perspective: customer\n" in text and "date: 2023-11-01\n" in text


def test_store_source_reads_the_receivers_records(project, ingest):
    from extramile.intake.store import IntakeStore, SubmissionRecord

    store_path = project / "var/intake/submissions.sqlite3"
    fields = {"title": "A coat", "story": STORY_TEXT, "perspective": "customer", "business": "Northwind",
              "industry": "retail", "channel": "in-person", "tags": ["out-of-stock"], "month": "2023-11",
              "told_by": "Alex", "anonymous": False}
    received = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.timezone.utc)
    with IntakeStore(store_path) as store:
        store.add(SubmissionRecord("sub_0001", received, "accepted", fields,
                                   {"email": "alex@example.com", "ip": "203.0.113.1", "user_agent": "UA", "consent": True}))
        store.add(SubmissionRecord("sub_0002", received, "spam", {**fields, "title": "Spam"}, {"consent": True}))
    result = ingest(project, "--json")
    assert result.code == 0, result.out
    assert [item["id"] for item in result.report["new"]] == ["sub_0001"]
    assert [item["id"] for item in result.report["spam"]] == ["sub_0002"]
    text = (project / result.report["new"][0]["path"]).read_text(encoding="utf-8")
    assert "id: sub_0001" in text and "received: 2024-05-01 09:30:00+00:00" in text


def test_no_store_yet_is_reported_not_an_error(project, ingest):
    result = ingest(project, "--json")
    assert result.code == 0
    assert result.report["messages"] == ["no store yet at var/intake/submissions.sqlite3: nothing submitted through the receiver"]
    assert not (project / "var/intake").exists()


def test_problem_and_record_types_from_a_reader(tmp_path):
    export = write_jsonl(tmp_path / "x.jsonl", [submission(1)])
    with open(export, "a", encoding="utf-8") as handle:
        handle.write("[1, 2]\n")
    items = list(open_source(export, "x.jsonl", parse_mapping({})).records())
    assert isinstance(items[0], RawRecord) and isinstance(items[1], Problem)
    assert str(items[1].location) == "x.jsonl:line 2"
