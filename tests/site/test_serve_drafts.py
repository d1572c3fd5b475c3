"""Under `mkdocs serve` (the editor's preview) drafts are shown, and marked as drafts."""

from __future__ import annotations

from bs4 import BeautifulSoup

from ..conftest import fetch


def test_draft_page_is_served_with_a_draft_banner(preview, drafts):
    for slug, post in drafts.items():
        html = fetch(f"{preview}stories/{slug}/")
        assert post["title"] in html
        assert 'class="admonition warning em-draft-banner"' in html


def test_draft_is_marked_in_the_story_listing(preview, drafts):
    listing = BeautifulSoup(fetch(f"{preview}stories/"), "html.parser")
    marked = {card.select_one(".em-card__title").get_text(strip=True) for card in listing.select(".em-card")
              if card.select_one(".md-draft")}
    assert marked == {post["title"] for post in drafts.values()}
