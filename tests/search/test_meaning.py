"""Search finds what readers mean, on a real build: "care" never finds a story that only says "car", and a
story written in Japanese is found by 東京 from the Browse page and from the header's search box."""

from __future__ import annotations

import datetime
import re

import pytest

from extramile.search.index import read_documents, read_terms
from extramile.search.stemmer import stem
from tests.conftest import copy_site, mkdocs_build, serve_directory
from tests.pelican.conftest import story_text
from tests.search.test_browse_browser import wait_for_status

pytestmark = [pytest.mark.browser, pytest.mark.slow]

JAPANESE = "tokyo-station-wallet"
JAPANESE_TITLE = "東京駅で落とした財布"
JAPANESE_BODY = """東京駅の改札で財布を落としました。駅員さんがすぐに見つけて、私の家まで届けてくれました。

中には大切な写真が入っていました。本当にありがとうございました。
"""
# Only the short words: no "care", "note", "news", "hope" or "made", nor any word that starts with one of them.
SHORT = "the-car-that-would-not-start"
SHORT_TITLE = "The car that would not start"
SHORT_BODY = """The car would not start on a cold morning. A mechanic came out, told us to hop in his van, and fixed the
old car at the kerb. We were not mad at all: we had a new battery by lunch.
"""
PAIRS = [("care", "car"), ("note", "not"), ("news", "new"), ("hope", "hop"), ("made", "mad")]


@pytest.fixture(scope="module")
def meaning_site(tmp_path_factory):
    root = copy_site(tmp_path_factory.mktemp("meaning") / "src")
    posts = root / "content/stories/posts"
    (posts / f"{JAPANESE}.md").write_text(story_text(
        JAPANESE_BODY, title=JAPANESE_TITLE, description="東京駅の駅員さんが落とした財布を家まで届けてくれた。",
        date=datetime.date(2024, 5, 1), business="東京駅", told_by="乗客"), encoding="utf-8")
    (posts / f"{SHORT}.md").write_text(story_text(
        SHORT_BODY, title=SHORT_TITLE, description="A mechanic fixed an old car at the kerb.",
        date=datetime.date(2024, 4, 1)), encoding="utf-8")
    site = tmp_path_factory.mktemp("meaning") / "site"
    mkdocs_build(root, site)
    with serve_directory(site) as url:
        yield site, url


def urls_for(page, base, query) -> list[str]:
    page.goto(f"{base}browse/")
    return page.evaluate("""async (query) => {
        const search = await import("../search/search.js");
        const found = await search.search(query);
        return Promise.all(found.results.map(async (result) => (await result.data()).url));
    }""", query)


def test_the_index_keeps_the_short_words_apart_from_the_longer_ones(meaning_site):
    site, _ = meaning_site
    numbers = {document["url"]: number for number, document in enumerate(read_documents(site / "search"))}
    short = numbers[f"stories/{SHORT}/"]
    terms = read_terms(site / "search")
    for longer, shorter in PAIRS:
        assert short in {number for number, _ in terms[stem(shorter)]}, shorter
        assert short not in {number for number, _ in terms.get(stem(longer), [])}, longer
    japanese = numbers[f"stories/{JAPANESE}/"]
    assert japanese in {number for number, _ in terms["東京"]}
    assert "東京駅の改札で財布を落としました" not in terms  # no longer one token per run


def test_a_longer_word_never_finds_a_story_with_only_the_shorter_one(meaning_site, page):
    _, base = meaning_site
    story = f"/stories/{SHORT}/"
    for longer, shorter in PAIRS:
        assert story not in urls_for(page, base, longer), f"{longer!r} found the story that only says {shorter!r}"
        assert story in urls_for(page, base, shorter)
    assert story in urls_for(page, base, "cars")  # and the inflections still meet
    assert story in urls_for(page, base, "starting mechanics")


def test_japanese_is_found_by_two_characters_by_one_and_by_a_longer_phrase(meaning_site, page):
    _, base = meaning_site
    story = f"/stories/{JAPANESE}/"
    for query in ("東京", "財布", "東京駅", "届けて", "駅", "京"):
        assert urls_for(page, base, query) == [story], query
    assert urls_for(page, base, "東京 car") == []  # every word must match, CJK or not
    assert urls_for(page, base, "大阪") == []


def test_japanese_on_the_browse_page_and_in_the_header_box(meaning_site, page):
    _, base = meaning_site
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}browse/")
    page.locator("#em-browse-q").fill("東京")
    wait_for_status(page, "1 story for “東京”")
    result = page.locator(".em-result")
    assert result.locator(".em-result__title a").inner_text().strip() == JAPANESE_TITLE
    assert result.locator(".em-result__excerpt mark").first.inner_text() == "東京"  # the two characters, marked
    assert "東京駅の改札で財布を落としました" in result.locator(".em-result__excerpt").inner_text()

    page.goto(base)
    page.locator("header #em-search-q").fill("東京")
    option = page.locator(f"#em-search-listbox [role=option][href*='stories/{JAPANESE}/']")
    option.wait_for(timeout=15_000)
    assert JAPANESE_TITLE in option.inner_text()
    assert page.locator("#em-search-listbox [role=option]").count() == 2  # the story, then "see it on Browse"
    option.click()
    page.wait_for_url(re.compile(rf"/stories/{JAPANESE}/$"))

    page.locator("header #em-search-q").fill("京")  # one character is enough in a script without spaces
    page.locator(f"#em-search-listbox [href*='stories/{JAPANESE}/']").wait_for(timeout=15_000)
