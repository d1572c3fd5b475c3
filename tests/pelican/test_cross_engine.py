"""Both engines publish the same collection: the same stories, each with the same tags."""

from __future__ import annotations

import pytest

from .conftest import listed_stories, soup, story_slug

pytestmark = pytest.mark.slow


def tag_of(href: str) -> str:
    parts = [part for part in href.split("#")[0].split("/") if part and part != ".."]
    assert parts[-2] == "tags", href
    return parts[-1]


def pairs_from_story_pages(site, article_selector: str, tags_selector: str) -> set[tuple[str, str]]:
    pairs = set()
    for path in (site / "stories").glob("*/index.html"):
        article = soup(path).select_one(article_selector)
        slug = path.parent.name
        if article is None or story_slug(f"stories/{slug}/") is None:
            continue
        pairs |= {(slug, tag_of(a["href"])) for a in article.select(tags_selector)}
    return pairs


def test_the_story_tag_pairs_are_the_same_on_both_engines(built_site, pelican_site, published, vocabulary):
    material = pairs_from_story_pages(built_site, "article.md-content__inner", "nav.md-tags a")
    pelican = pairs_from_story_pages(pelican_site, "main article.em-story", "nav.em-tags a")
    from_tag_pages = {(slug, term.slug) for term in vocabulary.tags
                      for slug in listed_stories(pelican_site, f"tags/{term.slug}")}
    expected = {(slug, tag) for slug, post in published.items() for tag in post["tags"]}
    assert material == expected, "the Material site is the reference: its pairs must be the collection's"
    assert pelican == material
    assert from_tag_pages == material
    assert {slug for slug, _ in pelican} == set(published)
