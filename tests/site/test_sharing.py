"""The Material site, as it is shared: every page's canonical address, Open Graph and Twitter tags and feeds;
each story's JSON-LD, preview image, share links and two dates; robots.txt and the sitemap's dates."""

from __future__ import annotations

import pytest

from tests.sharing_checks import (SITE_URL, check_dates, check_page, check_robots, check_story_page, meta,
                                  page_url, png_size, published_day, sitemap_dates)

from .conftest import soup, story_slug

pytestmark = pytest.mark.slow


def test_every_story_page_is_ready_to_share(built_site, published):
    for slug, post in published.items():
        page = soup(built_site / "stories" / slug / "index.html")
        check_story_page(built_site, page, f"{SITE_URL}stories/{slug}/", post)
        check_dates(page, post)


def test_every_other_page_has_one_canonical_address_and_the_site_card(built_site, published):
    pages = [path for path in sorted(built_site.rglob("index.html"))
             if path.parent.parent.name != "stories" or path.parent.name not in published]
    assert len(pages) > 20
    for path in pages:
        page = soup(path)
        url = page_url(built_site, path)
        check_page(page, url)
        assert meta(page, "og:type") == "website", path
        assert meta(page, "og:image") == f"{SITE_URL}assets/images/share.png"
        assert not page.select('script[type="application/ld+json"]'), path
    assert png_size(built_site / "assets/images/share.png") == (1200, 630)


def test_the_story_page_loads_the_share_script_from_the_site(built_site):
    page = soup(built_site / "stories/free-chocolates-after-a-checkout-bug/index.html")
    assert page.select_one('script[src$="assets/javascripts/share.js"]') is not None
    assert (built_site / "assets/javascripts/share.js").is_file()


def test_robots_txt_allows_all_and_names_the_sitemap(built_site):
    check_robots(built_site)


def test_the_sitemap_dates_each_story_by_its_publication(built_site, published):
    dates = sitemap_dates(built_site)
    for slug, post in published.items():
        assert dates[f"{SITE_URL}stories/{slug}/"] == published_day(post).isoformat(), slug


def test_every_page_links_the_feeds_and_a_tag_page_its_own(built_site, published):
    home = soup(built_site / "index.html")
    footer = home.select_one(".md-footer .em-subscribe")
    assert {a.get_text(strip=True) for a in footer.select("a")} == {"RSS", "Atom", "JSON Feed"}
    tag = published["free-chocolates-after-a-checkout-bug"]["tags"][0]
    page = soup(built_site / "tags" / tag / "index.html")
    own = [link["href"] for link in page.select('link[rel="alternate"][type="application/atom+xml"]')]
    assert f"../../feeds/tags/{tag}.atom.xml" in own
    visible = page.select_one("a.em-listing__feed")
    assert visible["href"] == f"../../feeds/tags/{tag}.atom.xml" and "Subscribe" in visible.get_text()
    assert (built_site / "feeds/tags" / f"{tag}.atom.xml").is_file()


def test_home_latest_stories_are_the_most_recently_published(built_site, published):
    home = soup(built_site / "index.html")
    latest = [story_slug(a["href"]) for a in home.select("#latest-stories ~ .em-cards .em-card__title a")]
    days = [(published_day(published[slug]), published[slug]["date"]) for slug in latest]
    assert latest and days == sorted(days, reverse=True)
