"""The reader's search module (search/search.js) in headless Chromium, over an index written by index.py."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from extramile.search.index import CLIENT, client, write_index
from extramile.search.records import Record
from tests.conftest import serve_directory

pytestmark = pytest.mark.browser


def record(slug, date, title, text, tags=("loyalty",), perspective="customer", year=None):
    return Record(
        url=f"stories/{slug}/", title=title, paragraphs=tuple(text.split("\n")),
        meta={"title": title, "date": date, "description": f"About {slug}.", "perspective": perspective},
        filters={"tag": tuple(tags), "perspective": (perspective,), "year": (year or date[:4],)},
        sort={"date": date},
    )


RECORDS = [
    record("parcel-in-snow", "2021-01-05", "A parcel in the snow",
           "The driver carried the parcel through deep snow.\nShe was grateful.", tags=("empathy", "loyalty")),
    record("late-delivery", "2022-03-01", "Late, then early",
           "The delivery was late, so they delivered a second one free.", perspective="business"),
    record("chocolate-title", "2019-07-07", "Chocolate for everyone",
           "A shop gave away sweets to every child in the queue while the tills were down for an hour.",
           tags=("empathy",)),
    record("chocolate-text", "2023-02-02", "A long wait at the counter",
           "Somebody left a bar of chocolate by the till while the tills were down for an hour or so.",
           perspective="business", tags=("family",)),
    record("escaping", "2020-05-05", "Markup in a story",
           "He typed <b>bold</b> & \"quoted\" words into the snow report.", tags=("family", "loyalty")),
]


@pytest.fixture(scope="module")
def search_url(tmp_path_factory):
    site = tmp_path_factory.mktemp("search-site")
    write_index(RECORDS, site / "sub")
    (site / "sub" / "index.html").write_text("<!DOCTYPE html><title>t</title>", encoding="utf-8")
    with serve_directory(site) as url:
        yield f"{url}sub/"


def run(page, search_url, script, *args):
    page.goto(f"{search_url}index.html")
    return page.evaluate(f"""async (args) => {{
        const search = await import("./search/search.js");
        await search.options({{baseUrl: "/sub/", excerptLength: 12}});
        const urls = async (result) => Promise.all(result.results.map(async (r) => (await r.data()).url));
        return ({script})(...args);
    }}""", list(args))


def urls(page, search_url, term, options=None):
    return run(page, search_url, "async (term, options) => urls(await search.search(term, options))",
               term, options or {})


def test_without_words_every_story_newest_first(page, search_url):
    assert urls(page, search_url, None) == [f"/sub/stories/{slug}/" for slug in (
        "chocolate-text", "late-delivery", "parcel-in-snow", "escaping", "chocolate-title")]


def test_every_word_must_match_and_the_last_also_as_a_prefix(page, search_url):
    assert urls(page, search_url, "parcel snow") == ["/sub/stories/parcel-in-snow/"]
    assert urls(page, search_url, "parcel quillwort") == []
    assert urls(page, search_url, "DELIV") == ["/sub/stories/late-delivery/"]  # typing "deliv" finds it
    assert urls(page, search_url, "deliveries") == ["/sub/stories/late-delivery/"]  # stemmed
    assert urls(page, search_url, "late deliv") == ["/sub/stories/late-delivery/"]
    assert urls(page, search_url, "deliv snow") == []  # only the last word is a prefix
    assert urls(page, search_url, "gr") == []  # too short to stand for every word it starts
    assert urls(page, search_url, "") == [] and urls(page, search_url, "!!") == []


def test_a_title_word_ranks_above_the_same_word_in_the_text(page, search_url):
    assert urls(page, search_url, "chocolate") == ["/sub/stories/chocolate-title/", "/sub/stories/chocolate-text/"]
    # Sorted by date instead, on request: newest first.
    assert urls(page, search_url, "chocolate", {"sort": {"date": "desc"}}) == \
        ["/sub/stories/chocolate-text/", "/sub/stories/chocolate-title/"]


def test_the_excerpt_marks_the_matched_words_and_escapes_the_text(page, search_url):
    data = run(page, search_url, """async (term) => {
        const result = await search.search(term);
        return Promise.all(result.results.map((r) => r.data()));
    }""", "snow bold")
    assert len(data) == 1
    excerpt = data[0]["excerpt"]
    # A whole word between spaces is marked, as Pagefind does.
    assert excerpt == ("He typed <mark>&#60;b&#62;bold&#60;/b&#62;</mark> &#38; &#34;quoted&#34; words into the "
                       "<mark>snow</mark> report.")
    assert data[0]["meta"]["title"] == "Markup in a story"
    assert data[0]["filters"]["tag"] == ["family", "loyalty"]
    # Without words, the start of the text, excerptLength words long.
    first = run(page, search_url, "async () => (await (await search.search(null)).results[0].data()).excerpt")
    assert first == "Somebody left a bar of chocolate by the till while the tills"


def test_filters_narrow_and_count_like_pagefind(page, search_url):
    assert urls(page, search_url, None, {"filters": {"tag": {"all": ["empathy", "loyalty"]}}}) == \
        ["/sub/stories/parcel-in-snow/"]
    assert urls(page, search_url, None, {"filters": {"perspective": {"any": ["business"]}, "year": {"any": [
        "2022", "2019"]}}}) == ["/sub/stories/late-delivery/"]
    assert urls(page, search_url, "snow", {"filters": {"tag": "family"}}) == ["/sub/stories/escaping/"]
    totals, counts = run(page, search_url, """async () => {
        const totals = await search.filters();
        const result = await search.search("the", {filters: {tag: {any: ["empathy"]}}});
        return [totals, result.filters];
    }""")
    assert totals["tag"] == {"empathy": 2, "family": 2, "loyalty": 3}
    assert totals["year"] == {"2019": 1, "2020": 1, "2021": 1, "2022": 1, "2023": 1}
    # Within the results (the two empathy stories): each value's stories among them.
    assert counts["tag"] == {"empathy": 2, "family": 0, "loyalty": 1}
    assert counts["perspective"] == {"business": 0, "customer": 2}


def test_the_header_box_never_downloads_the_facets(page, search_url):
    fetched = []
    page.on("request", lambda request: fetched.append(request.url.rsplit("/", 2)[-2:]))
    assert urls(page, search_url, "snow")
    names = [name for _, name in fetched]
    assert "index.json" in names and any(name.startswith("t.") for name in names)
    assert not any(name.startswith("f.") for name in names)


def test_the_shipped_module_is_client_js_without_its_comments(tmp_path):
    """search.js drops client.js's whole-line comments (bytes every reader downloads), and nothing else."""
    shipped = client()
    source = CLIENT.read_text(encoding="utf-8")
    assert len(shipped) < 0.9 * len(source.encode("utf-8"))
    code = [line for line in source.splitlines() if line.strip() and not line.strip().startswith(("//", "/*", "*"))]
    assert [line for line in shipped.decode("utf-8").splitlines()[1:] if line.strip()] == code
    node = shutil.which("node")
    if not node:
        return  # the other tests here load it in Chromium
    (tmp_path / "shipped.mjs").write_bytes(shipped)
    shutil.copyfile(CLIENT, tmp_path / "source.mjs")
    script = ("const a = await import(process.argv[1]), b = await import(process.argv[2]);"
              "console.log(JSON.stringify([Object.keys(a), Object.keys(b)]));")
    result = subprocess.run([node, "--input-type=module", "-e", script, (tmp_path / "shipped.mjs").as_uri(),
                             (tmp_path / "source.mjs").as_uri()], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    shipped_names, source_names = json.loads(result.stdout)
    assert shipped_names == source_names and "search" in shipped_names
