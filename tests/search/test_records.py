"""Search records: built only from published stories, from their text alone; written as a Pagefind index."""

from __future__ import annotations

import datetime as dt

import pytest

from extramile.collection import Entry
from extramile.schema import validate_story
from extramile.search.index import SearchIndexError, read_fragments, record_html, write_index
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


def test_record_html_escapes_every_value(vocabulary):
    record = build_records([entry("x", vocabulary, title="Tom & Jerry, at last")],
                           {"x": "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"}, vocabulary)[0]
    page = record_html(record)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'data-pagefind-meta="title[data-value]" data-value="Tom &amp; Jerry, at last"' in page


def test_written_index_holds_exactly_the_records(tmp_path, vocabulary):
    entries = [entry("chocolate", vocabulary, title="Chocolates, free", channel="email"),
               entry("draft", vocabulary, draft=True), entry("snow", vocabulary, date=dt.date(2019, 1, 1))]
    html = {"chocolate": "<p>The zanzibarian truffles arrived.</p>", "draft": "<p>Never indexed quillwort.</p>",
            "snow": "<p>Insulin through the snow.</p>"}
    (tmp_path / "pagefind" / "stale").mkdir(parents=True)  # an earlier build's leftovers are replaced
    folder = write_index(build_records(entries, html, vocabulary), tmp_path)
    assert folder == tmp_path / "pagefind"
    assert not (folder / "stale").exists()
    assert (folder / "pagefind.js").is_file() and (folder / "wasm.en.pagefind").is_file()
    fragments = read_fragments(folder)
    assert [f["url"] for f in fragments] == ["/stories/chocolate/", "/stories/snow/"]
    chocolate = fragments[0]
    assert "zanzibarian truffles" in chocolate["content"]
    assert chocolate["meta"]["title"] == "Chocolates, free"
    assert chocolate["filters"]["channel"] == ["email"]
    assert sorted(chocolate["filters"]["tag"]) == ["empathy", "loyalty"]
    assert all("quillwort" not in f["content"] for f in fragments)


def test_two_records_for_one_address_are_refused(tmp_path, vocabulary):
    records = build_records([entry("a", vocabulary)], {"a": "<p>x</p>"}, vocabulary) * 2
    with pytest.raises(SearchIndexError, match="same URL"):
        write_index(records, tmp_path)
    assert not (tmp_path / "pagefind").exists()
