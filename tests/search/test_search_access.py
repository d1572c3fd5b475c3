"""The header's search box and the Browse page in headless Chromium, on both engines, as readers who are not
at a desktop with a mouse meet them: the box as a keyboard-driven combobox with results as you type, the
Browse page on a phone and without JavaScript, and the filters' keyboard focus."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.test_site_browser import unique_body_word
from tests.search.test_browse_browser import status_text, wait_for_status

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ENGINES = pytest.mark.parametrize("engine", ["material", "pelican"])


def base_url(request, engine: str) -> str:
    return request.getfixturevalue("site_url" if engine == "material" else "pelican_url")


def combobox_state(page) -> dict:
    return page.evaluate("""() => {
        const input = document.querySelector("#em-search-q");
        const options = [...document.querySelectorAll("#em-search-listbox [role=option]")];
        return {
            role: input.getAttribute("role"), expanded: input.getAttribute("aria-expanded"),
            controls: input.getAttribute("aria-controls"), active: input.getAttribute("aria-activedescendant"),
            focused: document.activeElement === input, value: input.value,
            listbox: document.getElementById(input.getAttribute("aria-controls"))?.getAttribute("role"),
            options: options.map((o) => o.id),
            selected: options.filter((o) => o.getAttribute("aria-selected") === "true").map((o) => o.id),
            visible: !document.querySelector("[data-em-search-results]").hidden,
            status: document.querySelector("[data-em-search-status]").textContent,
            live: document.querySelector("[data-em-search-status]").getAttribute("aria-live"),
        };
    }""")


def wait_for_box_status(page, pattern: str) -> None:
    """Until the header box's live region says `pattern` (a regular expression): typing a word letter by letter
    searches its first letters too, and those results may come first."""
    page.wait_for_function("(pattern) => new RegExp(`^${pattern}$`).test("
                           "document.querySelector('[data-em-search-status]').textContent)",
                           arg=pattern, timeout=15_000)


@ENGINES
def test_the_header_box_is_a_combobox_the_keyboard_drives(engine, request, page, published):
    base = base_url(request, engine)
    slug, word = unique_body_word(published)
    other = next(name for name in sorted(published) if name != slug)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}stories/{other}/")  # any page, not only Browse: Pelican's pages load the script too
    box = page.locator("header #em-search-q")
    state = combobox_state(page)
    assert state["role"] == "combobox" and state["expanded"] == "false" and state["listbox"] == "listbox"
    assert state["live"] == "polite" and state["status"] == ""

    box.focus()
    page.keyboard.type(word)  # results as you type, in both engines
    wait_for_box_status(page, r"1 story found\.")  # what the live region announces
    state = combobox_state(page)
    assert state["expanded"] == "true" and state["visible"] and state["active"] is None
    first, last = state["options"]  # the story, then the Browse page with every result
    assert published[slug]["title"] in page.locator(f"#{first}").inner_text()

    page.keyboard.press("ArrowDown")
    state = combobox_state(page)
    assert state["active"] == first and state["selected"] == [first] and state["focused"]  # focus stays in the box
    page.keyboard.press("ArrowDown")
    assert combobox_state(page)["active"] == last
    page.keyboard.press("ArrowDown")
    assert combobox_state(page)["active"] == first  # wraps around
    page.keyboard.press("ArrowUp")
    assert combobox_state(page)["active"] == last

    page.keyboard.press("Escape")  # closes the list, keeps the words
    state = combobox_state(page)
    assert state["expanded"] == "false" and not state["visible"] and state["active"] is None
    assert state["value"] == word and state["selected"] == []

    page.keyboard.press("ArrowDown")  # opens it again, on the first result
    assert combobox_state(page)["active"] == first
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/stories/{slug}/$"))


@ENGINES
def test_enter_with_no_result_chosen_shows_every_result_on_browse(engine, request, page, published):
    base = base_url(request, engine)
    page.goto(base)
    page.locator("header #em-search-q").focus()
    page.keyboard.type("the")
    wait_for_box_status(page, r"\d+ stories found, the first 5 listed\.")
    assert len(combobox_state(page)["options"]) == 6
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/browse/\?q=the$"))
    assert parse_qs(urlparse(page.url).query) == {"q": ["the"]}
    page.locator("[data-em-status]", has_text="for “the”").wait_for(timeout=15_000)


@ENGINES
def test_browse_checkboxes_and_the_filters_show_keyboard_focus(engine, request, page, published):
    base = base_url(request, engine)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}browse/")
    wait_for_status(page, status_text(len(published)))
    page.locator("#em-browse-q").focus()
    seen = set()
    for _ in range(80):  # Tab through the page until a checkbox has the focus
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const element = document.activeElement, style = getComputedStyle(element);
            return {tag: element.tagName, type: element.type || "", visible: element.matches(":focus-visible"),
                    outline: style.outlineStyle, width: parseFloat(style.outlineWidth)};
        }""")
        kind = focused["type"] if focused["tag"] == "INPUT" else focused["tag"]
        if kind in ("SUMMARY", "checkbox"):
            assert focused["visible"] and focused["outline"] not in ("none", "") and focused["width"] >= 2, focused
            seen.add(kind)
        if kind == "checkbox":
            break
    assert seen == {"SUMMARY", "checkbox"}, "Tab never reached the filters"


@ENGINES
def test_on_a_phone_the_results_come_before_the_folded_filters(engine, request, page, published):
    base = base_url(request, engine)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}browse/")
    wait_for_status(page, status_text(len(published)))
    results = page.locator("[data-em-results]").bounding_box()
    filters = page.locator("[data-em-filters]")
    summary = page.locator("[data-em-filters] summary").bounding_box()
    assert not filters.evaluate("(details) => details.open")
    assert results["height"] > 0 and results["y"] + results["height"] <= summary["y"]
    assert summary["height"] < 80  # folded: one line
    first_box = page.locator(".em-facet input").first
    assert not first_box.is_visible()
    # The first result is on the first screen.
    assert page.locator(".em-result").first.bounding_box()["y"] < 844
    page.locator("[data-em-filters] summary").click()
    first_box.wait_for(state="visible")
    opened, summary = page.locator("[data-em-results]").bounding_box(), page.locator("[data-em-filters] summary")
    assert opened["y"] + opened["height"] <= summary.bounding_box()["y"]  # still under the results, now open
    first_box.check()  # the fold says how many filters are chosen, for when it is folded again
    page.locator("[data-em-chosen]", has_text="(1 chosen)").wait_for(timeout=15_000)
    assert summary.inner_text().strip() == "Filters (1 chosen)"

    # On a wide screen the filters stand open to the left of the results.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}browse/")
    wait_for_status(page, status_text(len(published)))
    assert filters.evaluate("(details) => details.open")
    left, right = filters.bounding_box(), page.locator("[data-em-results]").bounding_box()
    assert left["x"] + left["width"] <= right["x"] and abs(left["y"] - right["y"]) < 100


@ENGINES
def test_without_javascript_browse_says_why_and_offers_the_pages(engine, request, browser):
    base = base_url(request, engine)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base)
        page.locator("header #em-search-q").fill("cake")
        page.locator("header #em-search-q").press("Enter")  # the plain form: no script to catch it
        page.wait_for_url(re.compile(r"/browse/\?q=cake$"))
        notice = page.locator("[data-em-notice]")
        assert notice.is_visible()
        assert "Searching the words of the stories needs JavaScript" in notice.inner_text()
        assert "?q=" in notice.inner_text()  # where the words went
        all_stories = notice.get_by_role("link", name="all the stories")
        assert all_stories.is_visible()
        assert urlparse(all_stories.evaluate("(a) => a.href")).path == "/stories/"
        assert page.locator("[data-em-pages] a[href*='tags/']").first.is_visible()
        assert not page.locator("[data-em-browse-form]").is_visible()
        all_stories.click()
        page.wait_for_url(re.compile(r"/stories/$"))
    finally:
        context.close()


def test_when_the_index_cannot_load_browse_names_the_search_it_could_not_run(page, site_url):
    page.route(re.compile(r".*/search/index\.json$"), lambda route: route.fulfill(status=503, body="down"))
    page.goto(f"{site_url}browse/?q=cake")
    notice = page.locator("[data-em-notice]")
    notice.get_by_text("Your search for “cake” could not be run").wait_for(timeout=15_000)
    assert notice.is_visible() and not page.locator("[data-em-browse-form]").is_visible()
    assert notice.get_by_role("link", name="all the stories").is_visible()
