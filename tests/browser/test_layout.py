"""What a reader sees and can do at every width, in both engines: the main links always on screen, the site's
name whole on a phone, a skip link that lands on the story's title, and a story that prints with its address."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MAIN_LINKS = ["Home", "Stories", "Browse", "Tags", "Submit a story", "About"]
LINKS = {"material": ".md-tabs__link", "pelican": ".em-nav__link"}


@pytest.fixture
def urls(site_url, pelican_url):
    return {"material": site_url, "pelican": pelican_url}


@pytest.fixture(scope="module")
def story(published) -> str:
    return sorted(published)[0]


def new_page(browser, width: int, height: int = 844, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    return context, context.new_page()


@pytest.mark.parametrize("engine", ["material", "pelican"])
@pytest.mark.parametrize("width", [390, 768, 1100, 1280])
def test_the_main_links_are_on_screen_at_every_width(browser, urls, engine, width):
    context, page = new_page(browser, width)
    try:
        page.goto(urls[engine] + "stories/")
        links = page.locator(LINKS[engine])
        assert [text.strip() for text in links.all_inner_texts()] == MAIN_LINKS
        for number in range(links.count()):
            link = links.nth(number)
            assert link.is_visible(), f"{engine} at {width}px: {MAIN_LINKS[number]} is hidden"
            box = link.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{MAIN_LINKS[number]} is off screen"
    finally:
        context.close()


def test_the_phone_header_shows_the_site_name_whole(browser, site_url):
    context, page = new_page(browser, 390, is_mobile=True, has_touch=True)
    try:
        page.goto(site_url)
        name = page.locator(".md-header__topic").first.locator(".md-ellipsis")
        assert name.inner_text().strip() == "Extra Mile"
        assert name.evaluate("element => element.scrollWidth <= element.clientWidth"), "cut to 'Extra …'"
        assert page.locator(".md-header .md-logo").is_visible(), "a way home on a phone"
    finally:
        context.close()


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_the_skip_link_takes_the_keyboard_to_the_story_title(browser, urls, engine, story, published):
    context, page = new_page(browser, 1280, 800)
    try:
        page.goto(f"{urls[engine]}stories/{story}/")
        page.keyboard.press("Tab")
        skip = page.evaluate("document.activeElement.textContent.trim()")
        assert skip == "Skip to content"
        page.keyboard.press("Enter")
        page.wait_for_function("location.hash !== ''")
        # The title is the first thing read after the skip (Pelican lands on <main>, which starts with it).
        focused = page.evaluate("""() => {
            const target = document.querySelector(location.hash);
            return target.matches('h1') ? target.textContent : target.querySelector('h1').textContent; }""")
        assert focused.strip() == published[story]["title"]
        top = page.locator("#story-title").bounding_box()["y"]
        assert 0 <= top < 800, "the title is on screen"
    finally:
        context.close()


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_a_story_prints_without_the_site_around_it_and_with_its_address(browser, urls, engine, story):
    context, page = new_page(browser, 1280, 800)
    try:
        page.goto(f"{urls[engine]}stories/{story}/")
        page.evaluate("""() => {  // a link to another site in the story's text, as a story may have
            const link = Object.assign(document.createElement('a'), {href: 'https://example.org/receipt', id: 'out'});
            link.textContent = 'the receipt';
            document.querySelector('#story-title').closest('article').querySelector('p:not([class])').append(link);
        }""")
        page.emulate_media(media="print")
        chrome = ".md-header, .md-tabs, .md-footer" if engine == "material" else ".em-header, .em-footer"
        assert not any(element.is_visible() for element in page.locator(chrome).all())
        assert not any(element.is_visible() for element in page.locator(".em-story-nav, .em-related, .em-share").all())
        line = page.locator(".em-print-url")
        assert line.is_visible() and line.inner_text().strip().endswith(f"/stories/{story}/")
        after = page.evaluate("getComputedStyle(document.querySelector('#out'), '::after').content")
        assert "https://example.org/receipt" in after
        page.emulate_media(media="screen")
        assert not line.is_visible()
    finally:
        context.close()
