"""Every published story has a page with its facts, tags as links, read time and related stories."""

from __future__ import annotations

import re

from extramile.schema import PERSPECTIVES

from .conftest import soup, story_slug


def body_words(post) -> list[str]:
    """Long plain words from the story's body: they must reach the page, whatever Markdown did around them."""
    return [w for w in re.findall(r"[A-Za-z]{9,}", post.content)][:5]


def test_the_collection_has_what_the_site_promises(published, drafts, vocabulary):
    assert len(published) >= 16
    assert len(drafts) >= 1
    assert {post["perspective"] for post in published.values()} == set(PERSPECTIVES)
    used = {tag for post in published.values() for tag in post["tags"]}
    assert used == vocabulary.slugs("tags"), "every vocabulary tag is used by a published story"
    assert len({post["industry"] for post in published.values()}) >= 5
    assert len({post["channel"] for post in published.values()}) >= 4
    assert sum(post["source"]["kind"] == "blog" for post in published.values()) >= 4


def test_every_published_story_has_a_page_with_its_facts(built_site, published, vocabulary, article):
    for slug, post in published.items():
        page = article(built_site, "stories", slug)
        assert page is not None, f"no page for {slug}"
        assert page.h1.get_text(strip=True) == post["title"]
        facts = {dt.get_text(strip=True): dd.get_text(" ", strip=True)
                 for dt, dd in zip(page.select(".em-facts dt"), page.select(".em-facts dd"))}
        assert facts["Business"] == post["business"]
        assert facts["Industry"] == vocabulary.label("industries", post["industry"])
        assert facts["Channel"] == vocabulary.label("channels", post["channel"])
        assert facts["Told by"] == post["told_by"]
        assert page.select_one(".em-facts time")["datetime"] == post["date"].isoformat()
        assert re.fullmatch(r"\d+ min read", facts["Read time"])
        assert page.select_one(".em-facts .em-badge").get_text(strip=True) == PERSPECTIVES[post["perspective"]]
        text = page.get_text(" ")
        for word in body_words(post):
            assert word in text, f"{slug}: {word!r} from the body is not on the page"


def test_tags_on_a_story_are_links_to_their_tag_pages(built_site, published, vocabulary, article):
    for slug, post in published.items():
        links = {a.get_text(strip=True): a["href"] for a in article(built_site, "stories", slug).select("nav.md-tags a")}
        assert set(links) == {vocabulary.label("tags", tag) for tag in post["tags"]}
        for tag in post["tags"]:
            assert links[vocabulary.label("tags", tag)].startswith(f"../../tags/{tag}/")


def test_related_stories_share_a_tag(built_site, published, article):
    with_related = 0
    for slug, post in published.items():
        cards = article(built_site, "stories", slug).select(".em-related .em-card__title a")
        assert len(cards) <= 3
        with_related += bool(cards)
        for card in cards:
            other = story_slug(card["href"], f"stories/{slug}/")
            assert other in published and other != slug
            assert set(published[other]["tags"]) & set(post["tags"]), f"{slug} -> {other} share no tag"
    assert with_related == len(published), "every story in this collection shares a tag with another"


def test_home_page_shows_featured_and_latest_stories(built_site, published):
    home = soup(built_site / "index.html")
    featured = [story_slug(a["href"], "") for a in home.select("#featured-stories ~ .em-cards .em-card__title a")]
    latest = [story_slug(a["href"]) for a in home.select("#latest-stories ~ .em-cards .em-card__title a")]
    # "Latest" is the most recently published (then by when it happened), not the most recent events.
    def published_first(slug):
        return (published[slug].get("published") or published[slug]["date"], published[slug]["date"], slug)

    expected_featured = sorted((s for s, p in published.items() if p.get("featured")),
                               key=published_first, reverse=True)[:3]
    assert featured == expected_featured and featured
    rest = sorted((s for s in published if s not in featured), key=published_first, reverse=True)
    assert latest == rest[:6]


def test_site_title_and_navigation(built_site):
    home = soup(built_site / "index.html")
    assert home.title.get_text().endswith("Extra Mile — stories of exceptional service")
    tabs = [a.get_text(strip=True) for a in home.select(".md-tabs__link")]
    assert tabs == ["Home", "Stories", "Browse", "Tags", "Submit a story", "About"]
