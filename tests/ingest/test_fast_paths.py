"""The ingest's quick ways of doing things give exactly what the slow ways give: the front matter writer, the
regexes with a quick first look, the cached slug sets; and the workers that write temp files leave none behind."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extramile.ingest import parallel, write
from extramile.ingest.dedupe import Index
from extramile.ingest.mapping import BASE
from extramile.contacts import find as find_contacts
from extramile.ingest.normalise import match_term
from extramile.ingest.parallel import Known, drafted
from extramile.ingest.pipeline import Options, run
from extramile.ingest.prepare import Draft, prepare
from extramile.ingest.records import Location, Problem
from extramile.ingest.sources import open_source
from extramile.ingest.spam import _URL, link_farm
from extramile.ingest import render as rendering
from extramile.ingest.render import render, render_with_dumper
from extramile.ingest.write import TEMP_SUFFIX, DraftWriter
from tests.ingest.conftest import POSTS, make_project, submission, write_jsonl
from tests.ingest.test_properties import FRAGMENTS, PROPERTY, hostile_line

UTC = dt.timezone.utc
TRICKY = ["yes", "No", "on", "OFF", "null", "~", "", " ", "1", "1.5", "-1", "0x1F", "1e3", ".5", ".inf", "2023-11-01",
          "2023-11-01 10:00:00", "12:30", "<<", "=", "a: b", "a:b", "a:", "a #b", "a#b", "#a", "-a", "- a", "?a", "? a",
          ":a", "[a", "a]", "{a}", "a,b", "&a", "*a", "!a", "|a", ">a", "'a", '"a', "%a", "@a", "`a", "a ", " a",
          "a  b", "a\tb", "a\nb", "a\u2028b", "a\u0085b", "\u00a0a", "a\u00a0", "é", "日本", "🎂", "a\ufeffb", "\ufffe",
          "\ue000", "\u200b", "\u202e", "---", "...", "--- a", "a ---", "Ångström", "“Quoted”", "it’s", "x" * 5000,
          "jsonl:b1", "netlify:0000000000000000000001", "Tom & Jerry", "50% off", "a|b", "a>b", "1,000", "+1"]
scalar_text = st.one_of(st.sampled_from(TRICKY), hostile_line, st.text(max_size=40))
scalars = st.one_of(scalar_text, st.booleans(), st.integers(-10**6, 10**6), st.dates(),
                    st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.replace(microsecond=0)),
                    st.datetimes().map(lambda moment: moment.replace(tzinfo=UTC)), st.none(), st.floats(allow_nan=False))
metadata = st.dictionaries(
    st.one_of(st.sampled_from(["title", "date", "description", "tags", "source", "draft"]), scalar_text),
    st.one_of(scalars, st.lists(scalars, max_size=4), st.dictionaries(scalar_text, scalars, max_size=4)),
    max_size=12)


def draft_with(data: dict, body: str = "The story.") -> Draft:
    return Draft(location=Location("x", "line", 1), id="jsonl:1", slug="story", metadata=data, body=body,
                 fingerprint="00" * 32)


@PROPERTY
@given(data=metadata, body=st.one_of(st.sampled_from(["", " ", "The story.\n\n", "\u00a0x\u00a0", "---"]), st.text()))
def test_front_matter_is_written_exactly_as_the_dumper_writes_it(data, body):
    assert render(draft_with(data, body)) == render_with_dumper(draft_with(data, body))


@pytest.mark.parametrize("text", TRICKY + FRAGMENTS)
def test_each_tricky_value_is_written_as_the_dumper_writes_it(text):
    for data in ({"title": text}, {"tags": [text, "loyalty"]}, {"source": {"id": text}}, {text: "x"}):
        assert render(draft_with(data)) == render_with_dumper(draft_with(data))


def test_an_ordinary_draft_takes_the_quick_way(vocabulary):
    from extramile.ingest.sources.resolve import resolve

    record = resolve(submission(7), BASE, Location("x.jsonl", "line", 1), "jsonl")
    draft = prepare(record, vocabulary)
    assert isinstance(draft, Draft)
    assert rendering._plain_front_matter(draft.metadata) is not None
    assert render(draft) == render_with_dumper(draft)


def test_the_url_pattern_finds_what_the_case_blind_one_finds():
    case_blind = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\[\]\"']+")
    pieces = ["http://", "HTTPS://", "hTtPs://", "www.", "WwW.", "httpſ://", "xhttp://", "_www.", "éwww.", "1http://",
              "(http://a)", "<www.x>", "a", "b.c", " ", "\n", "/", "'", "K", "ß", "h", "w", "é"]
    for text in ["".join(pieces[(i * 7 + j * 3) % len(pieces)] for j in range(i % 9)) for i in range(400)] + pieces:
        assert _URL.findall(text) == case_blind.findall(text), text


@given(text=st.lists(st.one_of(st.sampled_from(["http://", "www.", "HTTPS://", "ſ", "x.y", " ", "]", "("]),
                               st.text(max_size=6)), max_size=12).map("".join))
def test_the_url_pattern_property(text):
    case_blind = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>()\[\]\"']+")
    assert _URL.findall(text) == case_blind.findall(text)


# The phone pattern as first written: the reference. Quadratic on a long run of digits and separators (it retries
# from every start in the run), so normalise finds each run once and matches it from its one possible start.
FULL_PHONE = re.compile(r"(?<![\w/.-])(?:\+|00)?\(?\d[\d \t().\-/]{6,}\d(?![\w/])")


@given(text=st.lists(st.one_of(st.sampled_from(["+44 20 7946 0958", "(555) 123-4567", "2023-11-01", "0", "12", " ",
                                                "-", ".", "/", "(", ")", "\t", "a", "+", "00", "12/", "x", "_",
                                                "2024/05/2024", "1234567890123456"]), st.text(max_size=4)),
                     max_size=14).map("".join))
def test_the_phone_look_finds_what_the_full_pattern_finds(text):
    from extramile import contacts

    slow = [m for m in FULL_PHONE.finditer(text)
            if 9 <= len(re.sub(r"\D", "", m[0])) <= 15 and not contacts._DATE_LIKE.match(m[0].strip())]
    assert any(c.kind == "phone" for c in find_contacts(text)) == bool(slow)


def test_link_farm_verdicts_are_unchanged():
    assert link_farm("Visit WWW.spam.example", "x") == "link farm: a web address in the title"
    assert link_farm("t", " ".join(f"https://x{i}.example" for i in range(9))) == "link farm: 9 links"
    assert link_farm("t", "A story with one [link](https://example.com/1).") is None


def test_a_vocabulary_makes_each_slug_set_once(vocabulary):
    for kind in ("tags", "industries", "channels"):
        assert vocabulary.slugs(kind) == {term.slug for term in vocabulary.terms(kind)}
        assert vocabulary.slugs(kind) is vocabulary.slugs(kind)
    again = pickle.loads(pickle.dumps(vocabulary))  # spawned ingest workers get a copy
    assert again == vocabulary and again.slugs("tags") == vocabulary.slugs("tags")
    assert match_term("Personal touch", again, "tags") == match_term("Personal touch", vocabulary, "tags")
    record_data = submission(3)
    from extramile.ingest.sources.resolve import resolve

    record = resolve(record_data, BASE, Location("x.jsonl", "line", 1), "jsonl")
    assert render(prepare(record, again)) == render(prepare(record, vocabulary))


def temps(folder) -> list:
    return sorted(folder.glob(f".*{TEMP_SUFFIX}"))


def test_workers_write_the_drafts_and_leave_no_temp_file(tmp_path):
    records = [submission(i) for i in range(parallel.SERIAL_FIRST + 300)]
    records.insert(400, {**submission(99_999), "story": records[350]["story"], "title": records[350]["title"]})
    export = write_jsonl(tmp_path / "many.jsonl", records)
    root = make_project(tmp_path / "site")
    report = run(Options(root=root, sources=[export], processes=2, batch=50))
    assert len(report.new) == len(records) - 1
    assert [item["by"] for item in report.duplicate] == ["content"]  # found in a worker's chunk, after the fork
    assert temps(root / POSTS) == []
    assert len(list((root / POSTS).glob("*.md"))) == len(records) - 1
    again = run(Options(root=root, sources=[export], processes=2))
    assert (len(again.new), len(again.duplicate)) == (0, len(records))
    assert temps(root / POSTS) == []


def test_stopping_early_removes_the_temp_files_no_one_will_read(tmp_path, vocabulary):
    folder = tmp_path / "posts"
    folder.mkdir()
    export = write_jsonl(tmp_path / "many.jsonl", [submission(i) for i in range(parallel.SERIAL_FIRST + 400)])
    source = open_source(export, "many.jsonl", BASE)
    outcomes = drafted(source.items(), vocabulary, {}, Index(), str(folder), processes=2)
    seen = [next(outcomes) for _ in range(parallel.SERIAL_FIRST + 10)]
    assert all(isinstance(temp, str) for _, _, temp in seen)
    outcomes.close()
    left = {str(path) for path in temps(folder)}
    assert left == {temp for _, _, temp in seen}  # only those handed out; whoever took them removes them
    assert parallel.multiprocessing.active_children() == []


def test_known_ids_are_not_prepared_again(tmp_path, vocabulary):
    index = Index()
    index.by_id["jsonl:test_00001"] = "content/stories/posts/x.md"
    export = write_jsonl(tmp_path / "x.jsonl", [submission(1), {"title": "x"}, "not an object"])
    items = list(open_source(export, "x.jsonl", BASE).items())
    out = list(drafted(items, vocabulary, {}, index, None))
    assert isinstance(out[0][0], Known) and out[0][0].path == "content/stories/posts/x.md"
    assert out[1][0] is None and out[1][1].__class__.__name__ == "Rejected"
    assert isinstance(out[2][0], Problem)


def test_a_temp_file_that_could_not_be_written_is_reported(tmp_path, vocabulary):
    from extramile.ingest.sources.resolve import resolve

    folder = tmp_path / "posts"
    writer = DraftWriter(folder, Index(), batch=10)
    first, second = (prepare(resolve(submission(i), BASE, Location("x", "line", i), "jsonl"), vocabulary)
                     for i in (1, 2))
    temp = write.write_temp(str(folder), first.slug, render(first))
    writer.adopt(first, temp)
    writer.adopt(second, OSError(28, "No space left on device"))
    done = dict((draft.id, result) for draft, result in writer.finish())  # a failure is known at once, as with submit
    assert done[first.id].read_text(encoding="utf-8") == render(first)
    assert isinstance(done[second.id], OSError)
    assert temps(folder) == []
    writer.close()


def test_without_syncfs_each_temp_file_written_elsewhere_is_fsynced(tmp_path, monkeypatch, vocabulary):
    synced = []
    real_fsync = write.os.fsync
    monkeypatch.setattr(write, "_libc_syncfs", lambda: None)
    monkeypatch.setattr(write.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    export = write_jsonl(tmp_path / "x.jsonl", [submission(i) for i in range(parallel.SERIAL_FIRST + 20)])
    root = make_project(tmp_path / "site")
    report = run(Options(root=root, sources=[export], processes=2, batch=500))
    assert len(report.new) == parallel.SERIAL_FIRST + 20
    assert len(synced) >= parallel.SERIAL_FIRST + 20  # every draft's file, then the folder
    assert temps(root / POSTS) == []


def test_report_is_the_same_whoever_writes_the_files(tmp_path):
    records = [submission(i) for i in range(parallel.SERIAL_FIRST + 100)] + [submission(5), submission(900, title="")]
    export = write_jsonl(tmp_path / "many.jsonl", records)
    reports, files = [], []
    for processes in (1, 2):
        root = make_project(tmp_path / f"p{processes}")
        report = run(Options(root=root, sources=[export], processes=processes, batch=64))
        reports.append(json.dumps({key: value for key, value in report.to_json().items()}, sort_keys=True))
        files.append({path.name: path.read_bytes() for path in (root / POSTS).glob("*.md")})
    assert reports[0] == reports[1]
    assert files[0] == files[1]


def one_draft(vocabulary, number: int) -> Draft:
    from extramile.ingest.sources.resolve import resolve

    return prepare(resolve(submission(number), BASE, Location("x", "line", number), "jsonl"), vocabulary)


@pytest.mark.parametrize("renames", ["renameat2", "unsupported", "absent"])
def test_a_name_taken_meanwhile_is_never_replaced(renames, tmp_path, monkeypatch, vocabulary):
    if renames == "absent":
        monkeypatch.setattr(write, "_libc_renameat2", lambda: None)
    elif renames == "unsupported":
        import errno

        def refuses(*args):
            write.ctypes.set_errno(errno.EINVAL)
            return -1

        monkeypatch.setattr(write, "_libc_renameat2", lambda: refuses)
    folder = tmp_path / "posts"
    writer = DraftWriter(folder, Index(), batch=10)
    first, second = one_draft(vocabulary, 1), one_draft(vocabulary, 2)
    taken = writer.adopt(first, write.write_temp(str(folder), first.slug, render(first)))
    taken.write_text("an editor's file\n", encoding="utf-8")  # made after the name was reserved
    other = writer.submit(second)
    done = dict((draft.id, result) for draft, result in writer.finish())
    writer.close()
    assert taken.read_text(encoding="utf-8") == "an editor's file\n"
    assert done[first.id] != taken and done[first.id].read_text(encoding="utf-8") == render(first)
    assert done[second.id] == other and other.read_text(encoding="utf-8") == render(second)
    assert temps(folder) == []
    assert writer._renames is (renames != "unsupported")  # once refused, hard links from then on


def test_spawned_workers_write_the_same_drafts(tmp_path, monkeypatch):
    """Where fork is not safe (another thread runs) the workers are spawned: they get the run's index by copy."""
    export = write_jsonl(tmp_path / "x.jsonl", [submission(i) for i in range(parallel.SERIAL_FIRST + 70)]
                         + [submission(3, id="other-id")])  # a duplicate by content, known before the workers start
    monkeypatch.setattr(parallel, "_context", lambda: parallel.multiprocessing.get_context("spawn"))
    root = make_project(tmp_path / "site")
    report = run(Options(root=root, sources=[export], processes=2))
    assert (len(report.new), [item["by"] for item in report.duplicate]) == (parallel.SERIAL_FIRST + 70, ["content"])
    assert temps(root / POSTS) == []


def test_a_batch_that_cannot_be_kept_leaves_neither_draft_nor_temp_file(tmp_path, vocabulary):
    folder = tmp_path / "posts"

    def store_fails(drafts):
        raise RuntimeError("the intake store is locked")

    writer = DraftWriter(folder, Index(), batch=2, before_flush=store_fails)
    first, second = one_draft(vocabulary, 1), one_draft(vocabulary, 2)
    writer.adopt(first, write.write_temp(str(folder), first.slug, render(first)))
    with pytest.raises(RuntimeError):
        writer.submit(second)
    writer.close()
    assert list(folder.iterdir()) == []


def test_a_long_dry_run_writes_nothing_either(tmp_path):
    export = write_jsonl(tmp_path / "x.jsonl", [submission(i) for i in range(parallel.SERIAL_FIRST + 150)])
    root = make_project(tmp_path / "site")
    report = run(Options(root=root, sources=[export], processes=2, dry_run=True))
    assert len(report.new) == parallel.SERIAL_FIRST + 150
    assert list((root / POSTS).iterdir()) == []
    assert not (root / "var").exists()
