"""The share box under a story, in a real browser on both engines: its links work without JavaScript, "Copy
link" appears where the page may write to the clipboard and copies the story's address, and "Share…" stays
hidden where the browser has no share sheet (desktop Chromium)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

STORY = "stories/free-chocolates-after-a-checkout-bug/"


@pytest.fixture
def urls(site_url, pelican_url):
    return {"material": site_url, "pelican": pelican_url}


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_copy_link_copies_the_story_address(browser, urls, engine):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(urls[engine] + STORY)
        copy = page.get_by_role("button", name="Copy link")
        copy.wait_for(state="visible")
        assert not page.get_by_role("button", name="Share…").is_visible()
        copy.click()
        page.locator(".em-share__status", has_text="Link copied.").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == "http://127.0.0.1:8000/" + STORY  # the canonical address, not where the test serves it
    finally:
        context.close()


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_without_javascript_only_the_links_show(browser, urls, engine):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(urls[engine] + STORY)
        box = page.locator(".em-share")
        assert not box.get_by_role("button").first.is_visible()
        names = [name.strip() for name in box.get_by_role("link").all_inner_texts()]
        assert names == ["E-mail", "Mastodon", "Bluesky", "LinkedIn", "Facebook", "X"]
    finally:
        context.close()
