"""Tag pages, the tags index, categories per teller, the archive, the feed and the sitemap list the right stories."""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from collections import Counter

from extramile.schema import PERSPECTIVES
from extramile.slug import slugify

from .conftest import listed_stories, soup, story_slug


def test_each_tag_page_lists_exactly_the_stories_carrying_it(built_site, published, vocabulary):
    for term in vocabulary.tags:
        page = soup(built_site / "tags" / term.slug / "index.html").select_one("article.md-content__inner")
        assert page.h1.get_text(strip=True).rstrip("¶") == term.label
        listed = [story_slug(a["href"], f"tags/{term.slug}/") for a in page.select(".em-card .em-card__title a")]
        carrying = [slug for slug, post in published.items() if term.slug in post["tags"]]
        newest_first = sorted(carrying, key=lambda s: (-published[s]["date"].toordinal(), published[s]["title"]))
        assert listed == newest_first, term.slug
        count = len(carrying)
        assert page.select_one(".em-listing__count").get_text(strip=True) == f"{count} {'story' if count == 1 else 'stories'}"


def test_tags_index_links_every_used_tag_with_its_count(built_site, published, vocabulary):
    counts = Counter(tag for post in published.values() for tag in post["tags"])
    items = soup(built_site / "tags" / "index.html").select(".em-tag-index__item")
    found = {item.a["href"].strip("/").split("/")[-1]: item.select_one(".em-tag-index__count").get_text(strip=True)
             for item in items}
    assert found == {slug: f"{n} {'story' if n == 1 else 'stories'}" for slug, n in counts.items()}


def test_a_category_per_teller_lists_exactly_its_stories(built_site, published):
    for perspective, label in PERSPECTIVES.items():
        listed = listed_stories(built_site, f"stories/told-by/{slugify(label)}")
        expected = {slug for slug, post in published.items() if post["perspective"] == perspective}
        assert sorted(listed) == sorted(expected), perspective


def test_blog_index_and_archive_list_every_story_once(built_site, published):
    assert sorted(listed_stories(built_site, "stories")) == sorted(published)
    years = {post["date"].year for post in published.values()}
    archived = []
    for year in years:
        in_year = listed_stories(built_site, f"stories/archive/{year}")
        assert all(published[slug]["date"].year == year for slug in in_year)
        archived += in_year
    assert sorted(archived) == sorted(published)


def test_feed_lists_the_newest_published_stories(built_site, published):
    channel = ET.parse(built_site / "feed_rss_created.xml").getroot().find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles and len(titles) == min(len(published), 20)
    assert set(titles) <= {post["title"] for post in published.values()}
    newest = max(published.values(), key=lambda p: p["date"])
    assert newest["title"] in titles


def test_sitemap_lists_every_story_page(built_site, published):
    urls = [loc.text for loc in ET.parse(built_site / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    for slug in published:
        assert any(url.endswith(f"/stories/{slug}/") for url in urls), slug
    assert gzip.decompress((built_site / "sitemap.xml.gz").read_bytes()).decode() == (built_site / "sitemap.xml").read_text()
