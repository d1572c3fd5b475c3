"""A reader in headless Chromium on the Pelican site: home → story → tag → Submit, and a story sent."""

from __future__ import annotations

import json
import re

import pytest

from extramile.pelican.site import site_intake

pytestmark = pytest.mark.browser


def watch_failures(page) -> list[str]:
    failures: list[str] = []
    page.on("pageerror", lambda error: failures.append(f"script error: {error}"))
    page.on("response", lambda r: failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failures.append(f"failed {r.url}"))
    return failures


def test_reader_goes_from_home_to_a_story_to_its_tag_to_submit(page, pelican_url, published, vocabulary):
    failures = watch_failures(page)
    page.goto(pelican_url)
    card = page.locator("#latest-stories ~ .em-cards .em-card__title a").first
    title = card.inner_text().strip()
    slug, post = next((s, p) for s, p in published.items() if p["title"] == title)
    card.click()
    page.wait_for_url(re.compile(rf"/stories/{slug}/$"))
    assert page.locator("main h1").inner_text().strip() == title
    assert page.locator(".em-facts__business").inner_text().strip() == post["business"]

    label = vocabulary.label("tags", post["tags"][0])
    page.locator("nav.em-tags a", has_text=label).click()
    page.wait_for_url(re.compile(rf"/tags/{post['tags'][0]}/$"))
    assert page.locator("main h1").inner_text().strip() == label
    listed = [t.strip() for t in page.locator("main .em-card__title a").all_inner_texts()]
    while title not in listed and page.locator("a[rel=next]").count():
        page.locator("a[rel=next]").click()
        listed = [t.strip() for t in page.locator("main .em-card__title a").all_inner_texts()]
    assert title in listed

    page.locator("header nav a", has_text="Submit a story").click()
    page.wait_for_url(re.compile(r"/submit/$"))
    assert page.locator("header nav a[aria-current=page]").inner_text().strip() == "Submit a story"
    form = page.locator("form#story-form")
    assert form.is_visible()
    options = page.locator("#sf-industry option").all_inner_texts()[1:]
    assert options == [term.label for term in vocabulary.industries]
    assert page.locator("#sf-title-count").inner_text() == "0 / 120 characters", "the form's script runs"
    assert failures == []


def test_a_story_sent_from_the_pelican_form_goes_to_the_receiver(page, pelican_url, repo):
    intake = site_intake(repo)
    posted: list[dict] = []

    def receive(route):
        posted.append(json.loads(route.request.post_data))
        route.fulfill(status=201, content_type="application/json", body='{"status": "received"}',
                      headers={"Access-Control-Allow-Origin": "*"})

    page.route(intake["action"], receive)
    page.goto(f"{pelican_url}submit/")
    page.fill("#sf-title", "A kind word at the bakery")
    page.fill("#sf-story", "The baker remembered my order and had it ready before I reached the counter. " * 4)
    page.fill("#sf-month", "2024-03")
    page.check("#sf-perspective-customer")
    page.fill("#sf-business", "Corner Bakery")
    page.select_option("#sf-industry", "food-and-drink")
    page.select_option("#sf-channel", "in-person")
    page.check("#sf-tags-personal-touch")
    page.fill("#sf-told_by", "Sam")
    page.check("#sf-consent")
    page.locator("form#story-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/submit/thanks/$"))
    assert len(posted) == 1
    assert posted[0]["title"] == "A kind word at the bakery" and posted[0]["tags"] == ["personal-touch"]
    assert posted[0]["industry"] == "food-and-drink" and posted[0]["consent"] is True
    assert page.locator("main h1").inner_text().strip()
