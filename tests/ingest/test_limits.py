"""Records of any length: detection reads a whole first record, and reading never holds more than MAX_RECORD
characters of one (a longer CSV row, JSON Lines line or JSON submission is rejected alone, the rest goes in)."""

from __future__ import annotations

import json
import subprocess
import sys

import frontmatter
import pytest

from extramile.ingest.sources import detect
from extramile.ingest.sources.textio import MAX_RECORD, TOO_LONG
from tests.ingest.conftest import FIXTURES, POSTS, REPO, STORY_TEXT, submission, subprocess_env, write_jsonl

LONG_FIRST = FIXTURES / "jsonl_first_record_longer_than_64k.jsonl"
CSV_HEADER = "title,story,perspective,business,industry,channel,tags,month,told_by,anonymous,consent\n"


def csv_row(title: str, story: str = STORY_TEXT) -> str:
    cells = [title, story, "customer", "Northwind", "retail", "in-person", "loyalty", "2023-11", "Alex", "", "yes"]
    return ",".join('"' + cell.replace('"', '""') + '"' for cell in cells) + "\n"


def where(report: dict) -> list[tuple[str, str]]:
    return [(item["location"].rsplit(":", 1)[1], item["field"]) for item in report["rejected"]]


# -- detection --------------------------------------------------------------------------------------------------

def test_a_first_json_line_longer_than_the_sniffed_64k_is_json_lines(project, ingest):
    assert LONG_FIRST.stat().st_size > 75_000 and len(LONG_FIRST.read_text().split("\n", 1)[0]) > 1 << 16
    assert detect(LONG_FIRST) == "jsonl"
    result = ingest(project, "--json", LONG_FIRST)
    assert result.code == 0 and result.report["summary"]["new"] == 3, result.out
    post = frontmatter.load(project / result.report["new"][0]["path"])
    assert len(post.content) == 12_500 and post["business"] == "北風アウトフィッターズ"
    assert post["description"] == ("店員さんは在庫のない商品を三つの支店に電話して探し、"
                                   "翌朝には自宅まで届けてくれました。")


def test_blank_lines_before_a_long_first_json_line(tmp_path):
    export = tmp_path / "jsonl_blank_lines_then_a_long_record.jsonl"
    export.write_bytes(b"\n\r\n  \n" + LONG_FIRST.read_bytes())
    assert detect(export) == "jsonl"


@pytest.mark.parametrize("name,document,expected", [
    ("json_array_pretty_printed_long_first_record.json", lambda items: json.dumps(items, indent=2), "json"),
    ("json_array_on_one_line.json", lambda items: json.dumps(items), "json"),
    ("json_object_pretty_printed_long_first_record.json", lambda items: json.dumps({"submissions": items}, indent=2),
     "json"),
    ("json_object_on_one_line.json", lambda items: json.dumps({"submissions": items}) + "\n", "json"),
    ("formspree_export_pretty_printed.json",
     lambda items: json.dumps({"form": "x", "submissions": [{"_date": "2024-05-01", **item} for item in items]},
                              indent=4), "formspree-json"),
    ("json_lines_long_first_record.jsonl", lambda items: "".join(json.dumps(item) + "\n" for item in items), "jsonl"),
])
def test_documents_and_lines_across_any_line_lengths(name, document, expected, tmp_path, project, ingest):
    long_story = ("Ünïcödé " * 2400)[:19_000]  # 19,000 characters, ~40 KB as JSON escapes: past the 64 KiB sniff
    items = [submission(1, story=long_story + " one"), submission(2), submission(3)]
    export = tmp_path / name
    export.write_text(document(items), encoding="utf-8")
    assert len(export.read_text().split("\n", 1)[0]) > 1 << 16 or "pretty" in name
    assert detect(export) == expected
    result = ingest(project, "--json", export)
    assert result.code == 0 and result.report["summary"]["new"] == 3, result.out


def test_a_json_line_longer_than_any_record_is_still_json_lines(project, ingest, tmp_path):
    export = write_jsonl(tmp_path / "jsonl_first_line_over_the_record_limit.jsonl",
                         [submission(1, story="x" * (MAX_RECORD + 10)), submission(2), submission(3)])
    assert detect(export) == "jsonl"
    result = ingest(project, "--json", export)
    assert where(result.report) == [("line 1", "line")] and result.report["rejected"][0]["reason"] == TOO_LONG
    assert result.report["summary"]["new"] == 2


def test_a_one_line_document_longer_than_any_record_is_json(project, ingest, tmp_path):
    export = tmp_path / "json_object_on_one_line_over_the_record_limit.json"
    items = [submission(i, story=f"{STORY_TEXT} {'padding ' * 400}{i}") for i in range(400)]
    export.write_text(json.dumps({"submissions": items}), encoding="utf-8")
    assert export.stat().st_size > MAX_RECORD and detect(export) == "json"
    result = ingest(project, "--json", export)
    assert result.code == 0 and result.report["summary"]["new"] == 400


# -- records too long to hold ------------------------------------------------------------------------------------

# The child's own high-water mark: Linux carries ru_maxrss over from the parent across fork and exec, so pytest's
# size would be measured too; VmHWM belongs to the new program alone.
PEAK = """
import json, resource, sys
from pathlib import Path
from extramile.ingest.pipeline import Options, run
report = run(Options(root=Path(sys.argv[1]), sources=[Path(sys.argv[2])], processes=1))
try:
    with open("/proc/self/status") as status:
        peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_mb": peak_kb / 1024, "report": report.to_json()}))
"""


def ingest_measured(root, export) -> tuple[float, dict]:
    """An ingest in a fresh process: its peak memory (MB) and report."""
    done = subprocess.run([sys.executable, "-c", PEAK, str(root), str(export)], env=subprocess_env(), cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(done.stdout)
    return result["peak_mb"], result["report"]


BIG = 50 << 20  # the oversized cell, line or submission: 50 MB
# About 40 MB is the interpreter and the modules; reading the 50 MB cell or line whole took 138-148 MB.
PEAK_MB = 80


def write_repeated(handle, piece: str, size: int) -> None:
    """`piece` again and again, `size` characters in all, written a megabyte at a time (this process stays small)."""
    block = piece * ((1 << 20) // len(piece))
    for _ in range(size // len(block)):
        handle.write(block)
    handle.write(piece * ((size % len(block)) // len(piece)))


def test_a_50_mb_csv_cell_is_rejected_unread(project, tmp_path):
    export = tmp_path / "csv_with_a_50mb_cell_in_row_3_and_a_20mb_quoted_cell_over_many_lines_in_row_5.csv"
    with open(export, "w", encoding="utf-8", newline="") as handle:
        handle.write(CSV_HEADER + csv_row("Row two"))
        handle.write('"Row three","')
        write_repeated(handle, "x", BIG)
        handle.write('",customer\n')
        handle.write(csv_row("Row four"))
        # Commas, doubled quotes and line ends inside quotes: the reader must find the row's real end to go on.
        handle.write('"Row five","')
        write_repeated(handle, 'a, ""b"",\n', 20 << 20)
        handle.write('",customer\n')
        handle.write(csv_row("Row six"))
    peak, report = ingest_measured(project, export)
    assert where(report) == [("row 3", "row"), ("row 5", "row")] and report["rejected"][0]["reason"] == TOO_LONG
    assert sorted(item["location"].rsplit(":", 1)[1] for item in report["new"]) == ["row 2", "row 4", "row 6"]
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB: the cell was held"


def test_a_50_mb_json_line_is_rejected_unread(project, tmp_path):
    export = tmp_path / "jsonl_with_a_50mb_line_2.jsonl"
    with open(export, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(submission(1)) + "\n")
        handle.write(json.dumps(submission(2))[:-1] + ', "note": "')
        write_repeated(handle, "y", BIG)
        handle.write('"}\n')
        handle.write(json.dumps(submission(3)) + "\n")
    peak, report = ingest_measured(project, export)
    assert where(report) == [("line 2", "line")]
    assert report["summary"]["new"] == 2
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB: the line was held"


def test_a_50_mb_submission_in_a_json_document_is_rejected_alone(project, tmp_path):
    export = tmp_path / "json_document_with_a_50mb_submission_2.json"
    with open(export, "w", encoding="utf-8") as handle:
        handle.write('{"submissions": [' + json.dumps(submission(1)) + ",\n")
        handle.write(json.dumps(submission(2))[:-1] + ', "note": ["')
        write_repeated(handle, 'z\\"[{', BIG)  # escapes and brackets inside a string: nothing to follow
        handle.write('", {"a": [1, 2e5]}]},')
        handle.write(json.dumps(submission(3)) + "], \"total\": 3}")
    peak, report = ingest_measured(project, export)
    assert where(report) == [("record 2", "record")]
    assert report["summary"]["new"] == 2
    assert peak < PEAK_MB, f"peak memory {peak:.0f} MB: the submission was held"


def test_a_value_too_long_outside_the_submissions_or_a_broken_one_still_refuses_the_file(project, ingest, tmp_path):
    export = tmp_path / "json_document_whose_long_submission_never_ends.json"
    export.write_text('[{"title": "x", "story": "' + "a" * (MAX_RECORD + 5), encoding="utf-8")
    result = ingest(project, "--json", export)
    [problem] = result.report["rejected"]
    assert problem["field"] == "JSON" and "ends inside a value" in problem["reason"]
    assert not list((project / POSTS).glob("*.md"))
