"""A reader in headless Chromium: from a story to its tag, and full-text search."""

from __future__ import annotations

import re
from collections import Counter

import pytest

pytestmark = pytest.mark.browser


def test_reader_follows_a_tag_from_a_story(page, site_url, published, vocabulary):
    slug, post = sorted(published.items())[0]
    tag = post["tags"][0]
    label = vocabulary.label("tags", tag)
    page.goto(f"{site_url}stories/{slug}/")
    page.locator("nav.md-tags a", has_text=label).click()
    page.wait_for_url(re.compile(rf"/tags/{tag}/"))
    assert page.locator("article h1").first.inner_text().strip().rstrip("¶") == label
    titles = page.locator("article .em-card__title a").all_inner_texts()
    assert post["title"] in [t.strip() for t in titles]


def unique_body_word(published) -> tuple[str, str]:
    """A word found in exactly one story (anywhere in it), so that search has one right answer."""
    words_by_story = {slug: set(re.findall(r"[a-z]{8,}", (post.content + " " + str(post.metadata)).lower()))
                      for slug, post in published.items()}
    counts = Counter(word for words in words_by_story.values() for word in words)
    for slug in sorted(published):
        body_words = re.findall(r"[a-z]{8,}", published[slug].content.lower())
        for word in body_words:
            if counts[word] == 1:
                return slug, word
    raise AssertionError("no word is unique to one story")


def test_reader_searches_a_word_from_a_story_body(page, site_url, published):
    slug, word = unique_body_word(published)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site_url)
    box = page.locator("header form.em-search input[name=q]")
    box.fill(word)  # the header's search box shows the first results as you type
    result = page.locator(f".em-search__link[href*='stories/{slug}/']").first
    result.wait_for(timeout=15_000)
    assert published[slug]["title"] in result.inner_text()
    assert result.locator("mark").count() >= 1  # the matched words are highlighted
    result.click()
    page.wait_for_url(re.compile(rf"/stories/{slug}/"))
    assert page.locator("article h1").first.inner_text().strip() == published[slug]["title"]
