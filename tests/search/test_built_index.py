"""Both engines' normal builds write the same search index; every page has the search box; Browse works bare."""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

import pytest
from bs4 import BeautifulSoup

from extramile.search.index import read_documents, read_index


def index_of(site):
    folder = site / "search"
    assert (folder / "search.js").is_file(), "no search index in the build"
    return read_index(folder), read_documents(folder)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_each_engine_builds_an_index_of_the_published_stories(engine, request, published, drafts, vocabulary):
    site = request.getfixturevalue("built_site" if engine == "material" else "pelican_site")
    index, documents = index_of(site)
    assert index["count"] == len(published)
    assert sorted(d["url"] for d in documents) == sorted(f"stories/{slug}/" for slug in published)
    assert drafts and not {f"stories/{slug}/" for slug in drafts} & {d["url"] for d in documents}
    dates = [d["meta"]["date"] for d in documents]
    assert dates == sorted(dates, reverse=True)  # numbered newest first: "newest first" needs no data
    by_url = {d["url"]: d for d in documents}
    for slug, post in published.items():
        record = by_url[f"stories/{slug}/"]
        assert record["meta"]["title"] == post["title"]
        assert record["meta"]["date"] == post["date"].isoformat()
        assert record["meta"]["industry"] == vocabulary.label("industries", post["industry"])
        assert sorted(record["filters"]["tag"]) == sorted(post["tags"])
        assert record["filters"]["year"] == [str(post["date"].year)]
        assert record["filters"]["perspective"] == [post["perspective"]]
        # The story itself, not the page around it: no navigation, footer or related stories.
        assert "Submit a story" not in record["content"]
        assert "Related stories" not in record["content"]
        assert "¶" not in record["content"]


@pytest.mark.slow
def test_both_engines_index_the_same_records(built_site, pelican_site):
    def comparable(site):
        return [(d["url"], d["meta"], d["filters"], len(d["content"].split())) for d in index_of(site)[1]]

    assert comparable(built_site) == comparable(pelican_site)


def pages(site):
    return [p for p in sorted(site.rglob("*.html")) if "search" not in p.parts and p.name != "404.html"]


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_every_page_has_a_search_box_that_goes_to_browse(engine, request):
    site = request.getfixturevalue("built_site" if engine == "material" else "pelican_site")
    checked = 0
    for path in pages(site):
        page_path = path.relative_to(site).as_posix()
        form = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("header form.em-search")
        assert form is not None, f"{page_path}: no search box in the header"
        assert form["method"] == "get" and form.select_one("input[type=search][name=q]") is not None
        target = urlparse(urljoin(f"http://site/{page_path}", form["action"])).path
        assert target == "/browse/", f"{page_path}: the search box goes to {target}"
        checked += 1
    assert checked > 20


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_browse_page_without_javascript_lists_tag_teller_and_year_pages(engine, request, published, vocabulary):
    site = request.getfixturevalue("built_site" if engine == "material" else "pelican_site")
    browse = BeautifulSoup((site / "browse" / "index.html").read_text(encoding="utf-8"), "html.parser")
    app = browse.select_one("[data-em-browse-form]")
    assert app is not None and app.has_attr("hidden")  # the search form waits for the script
    links = {urlparse(urljoin("http://site/browse/", a["href"])).path for a in browse.select("[data-em-pages] a")}
    tags = {tag for post in published.values() for tag in post["tags"]}
    years = {post["date"].year for post in published.values()}
    expected = ({f"/tags/{tag}/" for tag in tags} | {f"/stories/archive/{year}/" for year in years}
                | {"/stories/told-by/told-by-the-customer/", "/stories/told-by/told-by-the-business/", "/stories/"})
    assert links == expected
    for link in links:  # each listed page exists in this build
        assert (site / link.strip("/") / "index.html").is_file(), link
    facets = [fieldset["data-facet"] for fieldset in browse.select("fieldset.em-facet")]
    assert facets == ["tag", "perspective", "industry", "channel", "year"]
    assert [box["value"] for box in browse.select("fieldset[data-facet=tag] input")] == \
        [term.slug for term in vocabulary.tags]
