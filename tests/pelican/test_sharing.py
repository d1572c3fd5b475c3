"""The Pelican site, as it is shared: the same checks as the Material site's (tests/sharing_checks.py), and
the same preview images, byte for byte, from the one generator both engines call."""

from __future__ import annotations

import pytest

from tests.sharing_checks import (SITE_URL, check_dates, check_page, check_robots, check_story_page, meta,
                                  page_url, png_size, published_day, sitemap_dates)

from .conftest import soup, story_slug

pytestmark = pytest.mark.slow


def test_every_story_page_is_ready_to_share(pelican_site, published):
    for slug, post in published.items():
        page = soup(pelican_site / "stories" / slug / "index.html")
        check_story_page(pelican_site, page, f"{SITE_URL}stories/{slug}/", post)
        check_dates(page, post)


def test_every_other_page_has_one_canonical_address_and_the_site_card(pelican_site, published):
    pages = [path for path in sorted(pelican_site.rglob("index.html"))
             if path.parent.parent.name != "stories" or path.parent.name not in published]
    assert len(pages) > 20
    for path in pages:
        page = soup(path)
        check_page(page, page_url(pelican_site, path))
        assert meta(page, "og:type") == "website", path
        assert meta(page, "og:image") == f"{SITE_URL}theme/images/share.png"
        assert not page.select('script[type="application/ld+json"]'), path
    assert png_size(pelican_site / "theme/images/share.png") == (1200, 630)
    # The page for missing addresses is shown at any address: it claims none.
    assert not soup(pelican_site / "404.html").select('link[rel="canonical"], meta[property="og:url"]')


def test_both_engines_draw_the_same_preview_images(pelican_site, built_site, published):
    for slug in published:
        rel = f"stories/{slug}/preview.png"
        assert (pelican_site / rel).read_bytes() == (built_site / rel).read_bytes(), slug
    assert (pelican_site / "theme/images/share.png").read_bytes() == \
        (built_site / "assets/images/share.png").read_bytes()


def test_the_story_page_loads_the_share_script_from_the_site(pelican_site):
    page = soup(pelican_site / "stories/free-chocolates-after-a-checkout-bug/index.html")
    assert page.select_one('script[src$="theme/js/share.js"]') is not None
    assert (pelican_site / "theme/js/share.js").is_file() and (pelican_site / "theme/css/share.css").is_file()


def test_robots_txt_allows_all_and_names_the_sitemap(pelican_site):
    check_robots(pelican_site)


def test_the_sitemap_dates_each_story_by_its_publication(pelican_site, published):
    dates = sitemap_dates(pelican_site)
    for slug, post in published.items():
        assert dates[f"{SITE_URL}stories/{slug}/"] == published_day(post).isoformat(), slug


def test_every_page_links_the_feeds_and_a_tag_page_its_own(pelican_site, published):
    home = soup(pelican_site / "index.html")
    footer = [a.get_text(strip=True) for a in home.select(".em-footer a[type]")]
    assert footer == ["Subscribe: RSS", "Atom", "JSON Feed"]
    tag = published["free-chocolates-after-a-checkout-bug"]["tags"][0]
    page = soup(pelican_site / "tags" / tag / "index.html")
    own = [link["href"] for link in page.select('link[rel="alternate"][type="application/atom+xml"]')]
    assert f"../../feeds/tags/{tag}.atom.xml" in own
    assert any("Subscribe" in a.get_text() for a in page.select(f'a[href="../../feeds/tags/{tag}.atom.xml"]'))


def test_home_latest_stories_are_the_most_recently_published(pelican_site, published):
    home = soup(pelican_site / "index.html")
    latest = [story_slug(a["href"]) for a in home.select("#latest-stories ~ .em-cards .em-card__title a")]
    days = [(published_day(published[slug]), published[slug]["date"]) for slug in latest]
    assert latest and days == sorted(days, reverse=True)
