"""Every published story has a Pelican page with the same facts, tags and related stories as on the Material site."""

from __future__ import annotations

import re

from extramile.schema import PERSPECTIVES

from .conftest import soup, story_slug


def body_words(post) -> list[str]:
    return re.findall(r"[A-Za-z]{9,}", post.content)[:5]


def story(site, slug):
    return soup(site / "stories" / slug / "index.html").select_one("main article.em-story")


def test_every_published_story_has_a_page_with_its_facts(pelican_site, published, vocabulary):
    assert published
    for slug, post in published.items():
        page = story(pelican_site, slug)
        assert page is not None, f"no page for {slug}"
        assert page.h1.get_text(strip=True) == post["title"]
        facts = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
                 for dt, dd in zip(page.select(".em-facts dt"), page.select(".em-facts dd"))}
        assert facts["Business"] == post["business"]
        assert facts["Industry"] == vocabulary.label("industries", post["industry"])
        assert facts["Channel"] == vocabulary.label("channels", post["channel"])
        assert facts["Told by"] == post["told_by"]
        assert re.fullmatch(r"\d+ min read", facts["Read time"])
        assert page.select_one(".em-facts time")["datetime"] == post["date"].isoformat()
        assert page.select_one(".em-facts .em-badge").get_text(strip=True) == PERSPECTIVES[post["perspective"]]
        text = page.get_text(" ")
        for word in body_words(post):
            assert word in text, f"{slug}: {word!r} from the body is not on the page"
        assert "<!-- more -->" not in str(page)


def test_tags_on_a_story_link_to_their_tag_pages(pelican_site, published, vocabulary):
    for slug, post in published.items():
        links = {a.get_text(strip=True): a["href"] for a in story(pelican_site, slug).select("nav.em-tags a")}
        assert links == {vocabulary.label("tags", tag): f"../../tags/{tag}/" for tag in post["tags"]}


def test_related_stories_share_a_tag(pelican_site, published):
    for slug, post in published.items():
        section = soup(pelican_site / "stories" / slug / "index.html").select_one(".em-related")
        cards = section.select(".em-card__title a") if section else []
        assert 1 <= len(cards) <= 3, slug
        for card in cards:
            other = story_slug(card["href"])
            assert other in published and other != slug
            assert set(published[other]["tags"]) & set(post["tags"]), f"{slug} -> {other} share no tag"


def test_home_page_shows_featured_and_latest_stories(pelican_site, published):
    home = soup(pelican_site / "index.html")
    featured = [story_slug(a["href"]) for a in home.select("#featured-stories ~ .em-cards .em-card__title a")]
    latest = [story_slug(a["href"]) for a in home.select("#latest-stories ~ .em-cards .em-card__title a")]
    # "Latest" is the most recently published (then by when it happened), not the most recent events.
    newest = sorted(published, key=lambda s: (published[s].get("published") or published[s]["date"],
                                              published[s]["date"], s), reverse=True)
    expected_featured = [s for s in newest if published[s].get("featured")][:3]
    assert featured == expected_featured and featured
    assert latest == [s for s in newest if s not in featured][:6]
    assert home.h1.get_text(strip=True) == "Stories of exceptional service"  # content/index.md's own heading


def test_every_page_has_one_h1_landmarks_and_the_identity(pelican_site, repo):
    pages = sorted(pelican_site.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        page = soup(path)
        where = path.relative_to(pelican_site)
        assert page.html["lang"] == "en", where
        assert len(page.select("h1")) == 1, where
        assert page.select_one("main#main") and page.select_one("header nav[aria-label]"), where
        assert page.select_one("a.em-skip[href='#main']"), where
        assert page.select_one("img.em-brand__logo")["alt"] == "", where  # the site name is its text
        assert page.select_one("meta[name=viewport]"), where
        assert page.title.get_text(strip=True), where
    css = (pelican_site / "theme/css/extramile-shared.css").read_text(encoding="utf-8")  # both sites' colours
    assert "#0f766e" in css and "#b45309" in css
    assert (pelican_site / "theme/css/extramile-shared.css").read_bytes() == (
        repo / "theme/shared/assets/stylesheets/extramile-shared.css").read_bytes()  # one sheet, both sites
    logo = repo / "theme/material/assets/images/logo.svg"
    assert (pelican_site / "theme/images/logo.svg").read_bytes() == logo.read_bytes()  # one logo, both sites
