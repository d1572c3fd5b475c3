"""The site reads like a magazine of stories, in both engines: a story is one column (no documentation sidebar,
no table of contents, no "Previous: 2011 / Next: Tags" footer) with its facts shown once and the stories published
before and after it; every listing is a page of cards under its count; a 404 page that helps."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from extramile.schema import PERSPECTIVES
from extramile.slug import slugify

from .conftest import soup, story_slug


def publication_order(published) -> list[str]:
    """Oldest first, as collection.neighbours reads it: when it went on the site, when it happened, its slug."""
    return sorted(published, key=lambda s: (published[s].get("published") or published[s]["date"],
                                            published[s]["date"], s))


def count_text(count: int) -> str:
    return f"{count} {'story' if count == 1 else 'stories'}"


def test_a_story_page_is_one_column_with_its_facts_once(built_site, published):
    for slug, post in published.items():
        page = soup(built_site / "stories" / slug / "index.html")
        assert not page.select(".md-sidebar--post"), f"{slug}: Material's post sidebar (the facts again)"
        assert all(sidebar.has_attr("hidden") for sidebar in page.select(".md-sidebar")), slug  # nav and toc
        assert not page.select(".md-footer__link"), f"{slug}: a documentation footer (navigation.footer)"
        main = page.select_one("article.md-content__inner")
        assert [h1.get_text(strip=True) for h1 in main.select("h1")] == [post["title"]]
        assert main.h1["id"] == "story-title"
        text = page.get_text(" ")
        assert text.count("min read") == 1, f"{slug}: the read time more than once"
        assert len(page.select(".em-facts")) == 1 and len(page.select(".em-facts .em-badge")) == 1


def test_the_skip_link_lands_on_the_story_title(built_site, pelican_site, published):
    for slug in published:
        material = soup(built_site / "stories" / slug / "index.html")
        assert material.select_one("a.md-skip")["href"] == "#story-title", slug
        assert material.select_one("#story-title").name == "h1"
        pelican = soup(pelican_site / "stories" / slug / "index.html")
        target = pelican.select_one(pelican.select_one("a.em-skip")["href"])
        assert target.find(["h1", "h2", "h3"]) == pelican.select_one("h1#story-title"), slug


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_a_story_ends_with_the_stories_published_before_and_after_it(engine, built_site, pelican_site, published):
    site = built_site if engine == "material" else pelican_site
    order = publication_order(published)
    for number, slug in enumerate(order):
        page = soup(site / "stories" / slug / "index.html")
        nav = page.select_one("nav.em-story-nav")
        links = {a["rel"][0]: story_slug(a["href"], f"stories/{slug}/") for a in nav.select("a[rel]")}
        expected = {}
        if number:
            expected["prev"] = order[number - 1]
        if number + 1 < len(order):
            expected["next"] = order[number + 1]
        assert links == expected, slug
        for a in nav.select("a"):
            assert published[links[a["rel"][0]]]["title"] in a.get_text(" ", strip=True)


def material_listings(published) -> dict[str, list[str]]:
    """Each Material listing (its first page) and the stories it lists in all its pages."""
    listings = {"stories": list(published)}
    for perspective, label in PERSPECTIVES.items():
        listings[f"stories/told-by/{slugify(label)}"] = [s for s, p in published.items() if p["perspective"] == perspective]
    for year in {post["date"].year for post in published.values()}:
        listings[f"stories/archive/{year}"] = [s for s, p in published.items() if p["date"].year == year]
    return listings


def test_every_material_listing_is_cards_under_its_count(built_site, published, vocabulary):
    for path, stories in material_listings(published).items():
        pages = [built_site / path / "index.html", *sorted((built_site / path / "page").glob("*/index.html"))]
        for file in pages:
            page = soup(file)
            assert page.select_one(".em-listing__count").get_text(strip=True) == count_text(len(stories)), file
            cards = page.select(".em-cards--listing .em-card")
            assert cards and not page.select(".md-post--excerpt"), file
            for card in cards:
                assert len(card.select("a[href]")) == 1, "a card is one link"
                assert card.select_one(".em-card__link") is card.select_one("a")
    for term in vocabulary.tags:
        page = soup(built_site / "tags" / term.slug / "index.html")
        count = sum(term.slug in post["tags"] for post in published.values())
        assert page.select_one(".em-listing__count").get_text(strip=True) == count_text(count)
        assert len(page.select(".em-card")) == count and not page.select("article.md-content__inner > ul")


def test_every_pelican_listing_is_cards_under_its_count(pelican_site, published, vocabulary):
    listings = {"stories": len(published)}
    listings.update({f"tags/{term.slug}": sum(term.slug in p["tags"] for p in published.values())
                     for term in vocabulary.tags})
    for label in PERSPECTIVES.values():
        listings[f"stories/told-by/{slugify(label)}"] = sum(
            PERSPECTIVES[p["perspective"]] == label for p in published.values())
    for path, count in listings.items():
        page = soup(pelican_site / path / "index.html")
        assert count_text(count) in page.select_one("main header").get_text(" ", strip=True), path
        for card in page.select("main .em-cards .em-card"):
            assert len(card.select("a[href]")) == 1, "a card is one link"


def not_found(site: Path) -> BeautifulSoup:
    return soup(site / "404.html")


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_the_404_page_offers_a_search_and_the_ways_in(engine, built_site, pelican_site):
    page = not_found(built_site if engine == "material" else pelican_site)
    body = page.select_one(".em-not-found")
    assert body.h1.get_text(strip=True) == "Page not found"
    form = body.select_one('form[role="search"]')
    assert form["action"].endswith("/browse/") and form["method"] == "get"
    assert form.select_one('input[type="search"][name="q"]')["id"] == form.label["for"]
    targets = {a["href"].rstrip("/").rsplit("/", 1)[-1] or "home" for a in body.select("nav a[href]")}
    assert {"stories", "tags", "browse"} <= targets
    home = body.select("nav a[href]")[0]["href"]
    assert home.endswith("/") or home.endswith("/."), home
    assert all(a["href"].startswith(("/", "http")) for a in body.select("a[href]")), "links from the root"
