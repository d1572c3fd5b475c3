"""Tag, teller, industry, archive and index pages list exactly the right stories; every link resolves."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urljoin, urlsplit

from extramile.schema import PERSPECTIVES
from extramile.slug import slugify

from .conftest import listed_stories, soup


def test_each_tag_page_lists_exactly_the_stories_carrying_it(pelican_site, published, vocabulary):
    for term in vocabulary.tags:
        page = soup(pelican_site / "tags" / term.slug / "index.html")
        assert page.h1.get_text(strip=True) == term.label
        assert term.description in page.get_text()
        expected = sorted(slug for slug, post in published.items() if term.slug in post["tags"])
        assert sorted(listed_stories(pelican_site, f"tags/{term.slug}")) == expected, term.slug


def test_tags_index_links_every_used_tag_with_its_count(pelican_site, published):
    counts = Counter(tag for post in published.values() for tag in post["tags"])
    items = soup(pelican_site / "tags" / "index.html").select(".em-tag-index__item")
    found = {item.a["href"].strip("/").split("/")[-1]: item.select_one(".em-tag-index__count").get_text(strip=True)
             for item in items}
    assert found == {slug: f"{n} {'story' if n == 1 else 'stories'}" for slug, n in counts.items()}


def test_a_page_per_teller_lists_exactly_its_stories(pelican_site, published):
    for perspective, label in PERSPECTIVES.items():
        expected = sorted(slug for slug, post in published.items() if post["perspective"] == perspective)
        assert sorted(listed_stories(pelican_site, f"stories/told-by/{slugify(label)}")) == expected


def test_a_page_per_industry_lists_exactly_its_stories(pelican_site, published, vocabulary):
    used = {post["industry"] for post in published.values()}
    for term in vocabulary.industries:
        folder = pelican_site / "industries" / term.slug
        assert folder.exists() == (term.slug in used), term.slug
        if term.slug in used:
            expected = sorted(slug for slug, post in published.items() if post["industry"] == term.slug)
            assert sorted(listed_stories(pelican_site, f"industries/{term.slug}")) == expected
    index = [a["href"] for a in soup(pelican_site / "industries/index.html").select(".em-tag-index__link")]
    assert sorted(index) == sorted(f"../industries/{slug}/" for slug in used)


def test_stories_index_and_year_archives_list_every_story_once(pelican_site, published):
    listed = listed_stories(pelican_site, "stories")
    assert sorted(listed) == sorted(published)
    assert listed == sorted(published, key=lambda s: (published[s]["date"], s), reverse=True)[: len(listed)]
    assert (pelican_site / "stories/page/2/index.html").exists() == (len(published) > 10)
    archived = []
    for year in {post["date"].year for post in published.values()}:
        in_year = listed_stories(pelican_site, f"stories/archive/{year}")
        assert in_year and all(published[slug]["date"].year == year for slug in in_year)
        archived += in_year
    assert sorted(archived) == sorted(published)
    archive = soup(pelican_site / "stories/archive/index.html")
    assert sorted(a["href"].split("/")[-2] for a in archive.select(".em-archive__list a")) == sorted(published)


def test_about_thanks_and_404_pages_show_the_shared_texts(pelican_site, repo):
    about = soup(pelican_site / "about" / "index.html")
    assert about.h1.get_text(strip=True) == "About Extra Mile"
    assert "Where the stories come from" in about.select_one("main").get_text()
    assert about.select_one("main a[href='../submit/']"), "about.md's link to submit.md points at the Submit page"
    thanks = soup(pelican_site / "submit" / "thanks" / "index.html")
    assert thanks.h1.get_text(strip=True)
    missing = soup(pelican_site / "404.html")
    assert missing.h1.get_text(strip=True) == "Page not found"
    assert all(a["href"].startswith(("http://", "https://", "#")) for a in missing.select("a[href]")), "absolute links on 404"


def test_every_link_and_asset_on_every_page_resolves(pelican_site):
    checked = 0
    for path in pelican_site.rglob("*.html"):
        if path.name == "404.html":
            continue
        base = "http://site/" + path.relative_to(pelican_site).as_posix()
        page = soup(path)
        for element, attribute in [*((a, "href") for a in page.select("a[href], link[href]")),
                                   *((e, "src") for e in page.select("[src]"))]:
            url = urljoin(base, element[attribute])
            parts = urlsplit(url)
            if parts.netloc != "site":
                continue
            target = pelican_site / parts.path.lstrip("/")
            if parts.path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{path.relative_to(pelican_site)}: {element[attribute]} is broken"
            checked += 1
    assert checked > 1000


def test_only_the_site_is_published(pelican_site):
    assert not (pelican_site / "vocabulary.yml").exists()
    assert not (pelican_site / "drafts").exists()
    assert not list(pelican_site.rglob("*.md"))
    for folder in ("author", "category", "tag", "pages"):  # Pelican's default addresses are not used
        assert not (pelican_site / folder).exists(), folder
