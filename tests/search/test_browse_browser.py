"""The Browse page in headless Chromium, on both engines: words, facets with counts, and shareable addresses."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.test_site_browser import unique_body_word

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANY_OF = ("perspective", "industry", "channel", "year")  # one value per story: a facet's values are ORed


def values(post, facet) -> list[str]:
    if facet == "tag":
        return list(post["tags"])
    if facet == "year":
        return [str(post["date"].year)]
    return [post[facet]]


def matches(post, chosen: dict[str, set[str]], skip: str | None = None) -> bool:
    for facet, wanted in chosen.items():
        if facet == skip or not wanted:
            continue
        if facet == "tag" and not wanted <= set(post["tags"]):
            return False
        if facet in ANY_OF and not wanted & set(values(post, facet)):
            return False
    return True


def expected_counts(published, chosen) -> dict[str, Counter]:
    """What each facet value should say: the stories it would show together with every other choice."""
    counts = {}
    for facet in ("tag", *ANY_OF):
        skip = facet if facet in ANY_OF else None
        counts[facet] = Counter(v for post in published.values() if matches(post, chosen, skip)
                                for v in values(post, facet))
    return counts


def status_text(count: int) -> str:
    return "No story matches." if count == 0 else f"{count} {'story' if count == 1 else 'stories'}"


def shown(page) -> dict:
    """The Browse page as a reader sees it: the result titles, the checked boxes, each visible count."""
    titles = [t.strip() for t in page.locator(".em-result__title a").all_inner_texts()]
    checked = {}
    counts = {}
    for option in page.locator(".em-facet__option").all():
        box = option.locator("input")
        facet, value = box.get_attribute("name"), box.get_attribute("value")
        if box.is_checked():
            checked.setdefault(facet, set()).add(value)
        if option.is_visible():
            counts[(facet, value)] = int(option.locator("[data-count]").inner_text())
    return {"titles": sorted(titles), "checked": checked, "counts": counts}


def wait_for_status(page, text: str) -> None:
    page.locator("[data-em-status]", has_text=re.compile(rf"^{re.escape(text)}$")).wait_for(timeout=15_000)
    page.wait_for_function("() => !document.querySelector('[data-em-status]').textContent.includes('Loading')")


def pick_two_facets(published) -> dict[str, set[str]]:
    """A tag and a teller that together narrow the list: fewer stories than the tag alone, but some."""
    tag_counts = Counter(tag for post in published.values() for tag in post["tags"])
    for tag, _ in tag_counts.most_common():
        for perspective in ("customer", "business"):
            chosen = {"tag": {tag}, "perspective": {perspective}}
            hits = sum(matches(post, chosen) for post in published.values())
            if 0 < hits < tag_counts[tag]:
                return chosen
    raise AssertionError("no tag and teller narrow the collection")


def check_view(page, published, chosen) -> None:
    view = shown(page)
    expected = [post["title"] for post in published.values() if matches(post, chosen)]
    assert view["titles"] == sorted(expected)
    assert view["checked"] == {facet: wanted for facet, wanted in chosen.items() if wanted}
    counts = expected_counts(published, chosen)
    assert view["counts"], "no facet counts shown"
    for (facet, value), count in view["counts"].items():
        assert count == counts[facet][value], f"{facet}={value}: shows {count}, expected {counts[facet][value]}"
    # Every value with stories to show is offered, with its count.
    for facet, facet_counts in counts.items():
        for value, count in facet_counts.items():
            assert view["counts"].get((facet, value)) == count, f"{facet}={value} should show {count}"


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_a_word_from_one_story_body_finds_that_story(engine, request, page, published):
    base = request.getfixturevalue("site_url" if engine == "material" else "pelican_url")
    slug, word = unique_body_word(published)
    page.goto(f"{base}browse/")
    wait_for_status(page, status_text(len(published)))  # no words, no facets: every story, newest first
    dates = page.locator(".em-result__date").all_inner_texts()
    assert dates == sorted(dates, reverse=True) and len(dates) == min(10, len(published))
    page.locator("#em-browse-q").fill(word)
    wait_for_status(page, f"1 story for “{word}”")
    result = page.locator(".em-result")
    assert result.count() == 1
    assert result.locator(".em-result__title a").inner_text().strip() == published[slug]["title"]
    assert result.locator("mark").count() >= 1
    assert result.locator(".em-badge").inner_text().startswith("Told by the")
    assert parse_qs(urlparse(page.url).query) == {"q": [word]}
    result.locator(".em-result__title a").click()
    page.wait_for_url(re.compile(rf"/stories/{slug}/$"))


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_two_facets_show_only_matching_stories_with_counts_and_the_address_shares_them(
        engine, request, page, browser, published):
    base = request.getfixturevalue("site_url" if engine == "material" else "pelican_url")
    chosen = pick_two_facets(published)
    page.goto(f"{base}browse/")
    wait_for_status(page, status_text(len(published)))
    (tag,), (perspective,) = chosen["tag"], chosen["perspective"]
    page.locator(f"fieldset[data-facet=tag] input[value='{tag}']").check()
    alone = sum(matches(post, {"tag": {tag}}) for post in published.values())
    wait_for_status(page, status_text(alone))
    page.locator(f"fieldset[data-facet=perspective] input[value='{perspective}']").check()
    both = sum(matches(post, chosen) for post in published.values())
    wait_for_status(page, status_text(both))
    check_view(page, published, chosen)
    assert parse_qs(urlparse(page.url).query) == {"tag": [tag], "perspective": [perspective]}

    # The address, opened by someone else, shows the same view.
    shared = page.url
    context = browser.new_context()
    try:
        other = context.new_page()
        other.goto(shared)
        wait_for_status(other, status_text(both))
        assert shown(other) == shown(page)
    finally:
        context.close()

    # A second teller widens the list again (one facet's values are ORed), and Back undoes it.
    other_teller = "business" if perspective == "customer" else "customer"
    page.locator(f"fieldset[data-facet=perspective] input[value='{other_teller}']").check()
    wider = {"tag": {tag}, "perspective": {"customer", "business"}}
    wait_for_status(page, status_text(alone))
    check_view(page, published, wider)
    page.go_back()
    wait_for_status(page, status_text(both))
    check_view(page, published, chosen)


def test_a_shared_address_with_words_and_facets_reproduces_the_view(page, site_url, published):
    years = Counter(str(post["date"].year) for post in published.values())
    year = years.most_common(1)[0][0]
    chosen = {"year": {year}}
    page.goto(f"{site_url}browse/?year={year}&q=the")
    wait_for_status(page, f"{sum(matches(p, chosen) for p in published.values())} stories for “the”")
    assert page.locator("#em-browse-q").input_value() == "the"
    check_view(page, published, chosen)


def test_the_header_search_box_on_pelican_goes_to_browse_with_the_words(page, pelican_url, published):
    # Every Pelican page loads the search script, once: the box shows results as you type
    # (test_search_access.py), and Enter with no result chosen sends the words to the Browse page.
    slug, word = unique_body_word(published)
    page.goto(f"{pelican_url}stories/{slug}/")
    assert page.locator("script[src$='/theme/js/browse.js']").count() == 1
    page.locator("header form.em-search input[name=q]").fill(word)
    page.locator("header form.em-search input[name=q]").press("Enter")
    page.wait_for_url(re.compile(r"/browse/\?q="))
    wait_for_status(page, f"1 story for “{word}”")
    assert page.locator(".em-result__title a").inner_text().strip() == published[slug]["title"]
