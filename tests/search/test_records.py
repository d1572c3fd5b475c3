"""Search records: built only from published stories, from their text alone; written as our static index."""

from __future__ import annotations

import datetime as dt

import pytest

from extramile.collection import Entry
from extramile.schema import validate_story
from extramile.search.index import (SearchIndexError, read_documents, read_facets, read_index, read_terms,
                                    write_index)
from extramile.search.records import build_records, html_text, markdown_text

STORY = {
    "title": "A test story",
    "date": dt.date(2020, 2, 2),
    "description": "A story written by the tests.",
    "perspective": "customer",
    "business": "Test Shop",
    "industry": "retail",
    "channel": "in-person",
    "tags": ["loyalty", "empathy"],
    "told_by": "Tester",
    "source": {"kind": "interview"},
}


def entry(key: str, vocabulary, **changes) -> Entry:
    story, problems = validate_story({**STORY, **changes}, vocabulary)
    assert not problems, problems
    return Entry(key=key, url=f"stories/{key}/", story=story)


def test_records_hold_published_stories_only_newest_first(vocabulary):
    entries = [
        entry("older", vocabulary, date=dt.date(2011, 1, 5)),
        entry("secret", vocabulary, draft=True, title="A draft nobody may find"),
        entry("newer", vocabulary, date=dt.date(2023, 7, 1), perspective="business", tags=["family"]),
    ]
    html = {key: f"<p>Body of {key}.</p>" for key in ("older", "secret", "newer")}
    records = build_records(entries, html, vocabulary)
    assert [record.url for record in records] == ["stories/newer/", "stories/older/"]
    newer = records[0]
    assert newer.filters == {"tag": ("family",), "perspective": ("business",), "industry": ("retail",),
                             "channel": ("in-person",), "year": ("2023",)}
    assert newer.meta["told"] == "Told by the business"
    assert newer.meta["industry"] == vocabulary.label("industries", "retail")
    assert newer.sort == {"date": "2023-07-01"}
    assert newer.paragraphs == ("Body of newer.",)


def test_story_text_leaves_out_markup_permalinks_and_scripts():
    html = ('<h2 id="next">What came next<a class="headerlink" href="#next">¶</a></h2>'
            '<p>She drove <em>forty</em> miles &amp; back.<sup id="fnref:1"><a href="#fn:1">1</a></sup></p>'
            '<script>alert("x")</script><ul><li>One</li><li>Two</li></ul>'
            '<div class="footnote"><ol><li><p>A note. <a class="footnote-backref" href="#fnref:1">↩</a></p></li></ol></div>')
    assert html_text(html) == ("What came next", "She drove forty miles & back.1", "One", "Two", "A note.")


def test_markdown_fallback_keeps_words_not_syntax():
    text = markdown_text("Intro with a [link](https://example.org).\n\n<!-- more -->\n\n## Then\n\n- **bold** item\n")
    assert text == ("Intro with a link.", "Then", "bold item")


def test_a_story_without_any_text_is_an_error(vocabulary):
    with pytest.raises(KeyError, match="lost"):
        build_records([entry("lost", vocabulary)], {}, vocabulary)


def test_written_index_holds_exactly_the_records(tmp_path, vocabulary):
    entries = [entry("chocolate", vocabulary, title="Chocolates, free", channel="email"),
               entry("draft", vocabulary, draft=True), entry("snow", vocabulary, date=dt.date(2019, 1, 1))]
    html = {"chocolate": "<p>The zanzibarian truffles arrived.</p>", "draft": "<p>Never indexed quillwort.</p>",
            "snow": "<p>Insulin through the snow.</p>"}
    (tmp_path / "search" / "stale").mkdir(parents=True)  # an earlier build's leftovers are replaced
    folder = write_index(build_records(entries, html, vocabulary), tmp_path)
    assert folder == tmp_path / "search"
    assert not (folder / "stale").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search"]  # no staging folder left behind
    assert (folder / "search.js").read_bytes().startswith(b"/* Extra Mile search")
    index = read_index(folder)
    assert index["count"] == 2
    documents = read_documents(folder)
    # Numbered newest first: the 2020 story is 0, the 2019 one is 1.
    assert [d["url"] for d in documents] == ["stories/chocolate/", "stories/snow/"]
    chocolate = documents[0]
    assert chocolate["text"] == ["The zanzibarian truffles arrived."]
    assert chocolate["meta"]["title"] == "Chocolates, free"
    assert chocolate["filters"]["channel"] == ["email"]
    assert sorted(chocolate["filters"]["tag"]) == ["empathy", "loyalty"]
    assert all("quillwort" not in d["content"] for d in documents)
    terms = read_terms(folder)
    assert [number for number, _ in terms["zanzibarian"]] == [0]
    assert [number for number, _ in terms["truffl"]] == [0]  # stemmed: truffles -> truffl
    assert [number for number, _ in terms["insulin"]] == [1]
    assert "quillwort" not in terms
    # A title word weighs more than the same word once in the text (same story lengths aside).
    assert terms["chocolat"][0][1] > terms["insulin"][0][1]
    assert read_facets(folder)["year"] == {"2020": [0], "2019": [1]}
    assert index["totals"]["channel"]["email"] == 1


def test_the_same_records_give_the_same_bytes(tmp_path, vocabulary):
    entries = [entry(f"story-{n}", vocabulary, date=dt.date(2010 + n % 7, 1 + n % 12, 1 + n % 27),
                     tags=[["loyalty"], ["family", "empathy"]][n % 2]) for n in range(40)]
    html = {f"story-{n}": f"<p>Story {n} about a parcel, a café and {'rain' * (n % 3 + 1)}.</p>" for n in range(40)}
    records = build_records(entries, html, vocabulary)

    def contents(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    first = contents(write_index(records, tmp_path / "one"))
    second = contents(write_index(list(reversed(records)), tmp_path / "two"))  # order given does not matter
    assert first == second
    assert len(first) == 2 + 1 + 1 + 40  # index.json, search.js, one term chunk, the facets, 40 stories
    # Data files are named after their content: a changed story changes the names index.json points to.
    changed = build_records(entries, {**html, "story-3": "<p>Another text.</p>"}, vocabulary)
    third = contents(write_index(changed, tmp_path / "three"))
    assert set(third) - {"index.json", "search.js"} != set(first) - {"index.json", "search.js"}


def test_two_records_for_one_address_are_refused(tmp_path, vocabulary):
    records = build_records([entry("a", vocabulary)], {"a": "<p>x</p>"}, vocabulary) * 2
    with pytest.raises(SearchIndexError, match="same URL"):
        write_index(records, tmp_path)
    assert not (tmp_path / "search").exists()


def test_an_index_built_again_from_remembered_records_is_the_same(tmp_path, vocabulary):
    # `mkdocs serve` passes a memo from one rebuild to the next: what it reuses must change no byte.
    from extramile.search.index import build_files

    entries = [entry(f"story-{n}", vocabulary, date=dt.date(2010 + n % 7, 1 + n % 12, 1 + n % 27)) for n in range(30)]
    html = {f"story-{n}": f"<p>Story {n} about a parcel and {'rain ' * (n % 4 + 1)}.</p>" for n in range(30)}
    records = build_records(entries, html, vocabulary)
    memo: dict = {}
    first = build_files(records, memo)
    assert len(memo) == 30
    changed = build_records(entries, {**html, "story-5": "<p>A new zebracrossing paragraph.</p>"}, vocabulary)
    assert build_files(changed, memo) == build_files(changed)
    assert build_files(records, memo) == first
    assert len(memo) == 30  # only what the last index held


def test_a_remembered_index_links_the_story_files_it_already_wrote(tmp_path, vocabulary):
    entries = [entry(f"story-{n}", vocabulary, date=dt.date(2012, 1 + n % 12, 1 + n)) for n in range(20)]
    html = {f"story-{n}": f"<p>Story {n} and a parcel.</p>" for n in range(20)}
    memo: dict = {}
    folder = write_index(build_records(entries, html, vocabulary), tmp_path / "site", memo)
    inodes = {p.read_bytes(): p.stat().st_ino for p in folder.glob("d.*/*.gz")}
    changed = {**html, "story-4": "<p>Story four, rewritten.</p>"}
    folder = write_index(build_records(entries, changed, vocabulary), tmp_path / "site", memo)
    again = {p.read_bytes(): p.stat().st_ino for p in folder.glob("d.*/*.gz")}
    assert len(again) == 20 and len(set(again) & set(inodes)) == 19  # one story file is new
    assert all(again[data] == inodes[data] for data in set(again) & set(inodes))  # the others: the same files
    fresh = write_index(build_records(entries, changed, vocabulary), tmp_path / "fresh")

    def contents(root):
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    assert contents(folder) == contents(fresh)
    assert not list((tmp_path / "site").glob(".search-*"))  # no staging or retired folder left
