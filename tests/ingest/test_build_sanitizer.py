"""A malicious corpus pushed through the ingest and a real `mkdocs build --strict`: the built story pages carry
no script element, no on* attribute and no unsafe URL that came from a submission. A hand-written story with
raw HTML shows that the build-time sanitizer (the MkDocs plugin's on_page_content) cleans pages too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import frontmatter
import pytest
from bs4 import BeautifulSoup

from extramile.sanitize import is_safe_url
from tests.conftest import copy_site, mkdocs_build
from tests.ingest.conftest import FIXTURES, POSTS, run_ingest

pytestmark = pytest.mark.slow

MARKER = re.compile(r"XSS-[A-Z0-9]+")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href", "background")
# The theme's own scripts: Material's bundle and its JSON configuration.
THEME_SCRIPT = re.compile(r"(^|/)assets/javascripts/|^https://unpkg\.com/")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site with the malicious corpus ingested and published (every draft flipped to draft: false, unread)."""
    root = copy_site(tmp_path_factory.mktemp("malicious") / "site")
    result = run_ingest(root, "--json", FIXTURES / "malicious_submissions.jsonl")
    assert result.code == 0, result.out
    ingested = [item["path"] for item in result.report["new"]]
    assert len(ingested) == 10
    for path in ingested:
        post = frontmatter.load(root / path)
        post["draft"] = False
        (root / path).write_text(frontmatter.dumps(post, sort_keys=False) + "\n", encoding="utf-8")
    site = tmp_path_factory.mktemp("malicious-site")
    mkdocs_build(root, site)
    return site, [Path(path).stem for path in ingested]


@pytest.fixture(scope="module")
def hand_built(tmp_path_factory):
    """The site with one hand-written story full of raw HTML, published without the ingest."""
    root = copy_site(tmp_path_factory.mktemp("hand") / "site")
    hand = root / POSTS / "a-hand-written-story-that-tries-to-run-a-script.md"
    hand.write_bytes((FIXTURES / "hand_written_story_with_script.md").read_bytes())
    site = tmp_path_factory.mktemp("hand-site")
    mkdocs_build(root, site)
    return site, hand.stem


def page(site: Path, slug: str) -> BeautifulSoup:
    path = site / "stories" / slug / "index.html"
    assert path.is_file(), f"{slug} was not published"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def theme_scripts(site: Path) -> set[str]:
    """The theme's own inline scripts, as pages without any story carry them."""
    scripts: set[str] = set()
    for path in (site / "404.html", site / "about/index.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        scripts |= {_relative(script.get_text()) for script in soup.find_all("script") if not script.get("src")}
    return scripts


def _relative(script: str) -> str:
    """The theme's scripts differ between pages only by the relative path to the site's root."""
    return re.sub(r'new URL\("[./]*",location\)', "new URL(ROOT,location)", script)


def _structured_data(script) -> bool:
    """A JSON-LD block that is only data: parses as JSON and holds no `<` that could close the element."""
    if script.get("type") != "application/ld+json" or script.get("src"):
        return False
    text = script.get_text()
    try:
        json.loads(text)
    except ValueError:
        return False
    return "<" not in text


def offences(soup: BeautifulSoup, scope: str = "", theme: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Everything in the page (or in `scope`, a CSS selector) that could run or leak, with why."""
    root = soup.select_one(scope) if scope else soup
    assert root is not None, f"no {scope}"
    found = []
    for element in root.find_all(True):
        if element.name == "script" and _structured_data(element):
            continue  # the story's schema.org data: inert JSON, as extramile audit judges it
        if element.name == "script":
            source = element.get("src", "")
            config = element.get("id") == "__config" and element.get("type") == "application/json"
            if scope or not (THEME_SCRIPT.search(source) or config or (not source and _relative(element.get_text()) in theme)):
                found.append(f"script element: {str(element)[:120]}")
            elif MARKER.search(element.get_text()):
                found.append(f"marker inside a theme script: {str(element)[:120]}")
        if element.name in {"svg", "math", "iframe", "object", "embed", "form", "base"} and (
                scope or MARKER.search(str(element))):
            found.append(f"{element.name} element: {str(element)[:120]}")
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"{name} attribute on {element.name}: {text[:80]}")
            if name.lower() in URL_ATTRIBUTES and not is_safe_url(text):
                found.append(f"unsafe {name} on {element.name}: {text[:80]}")
            if name.lower() == "style" and MARKER.search(text):
                found.append(f"style from a submission on {element.name}")
    return found


def test_ingested_story_pages_have_no_script_handler_or_unsafe_url(built):
    site, slugs = built
    theme = theme_scripts(site)
    for slug in slugs:
        soup = page(site, slug)
        assert offences(soup, theme=theme) == [], slug
        assert offences(soup, "article.md-content__inner") == [], slug
        article = soup.select_one("article.md-content__inner")
        assert "Thank you again." in article.get_text(), "the story itself is published"
        assert not article.find_all("img"), "no remote image (tracking pixel) from a submission"


def test_submitted_text_is_shown_as_text_not_markup(built):
    site, slugs = built
    soup = page(site, slugs[0])
    title = soup.select_one("article.md-content__inner h1").get_text()
    assert "<" not in title and "Checkout rescue" in title
    facts = soup.select_one("article.md-content__inner").get_text()
    assert "Evil Shop" in facts or "Shop" in facts


def test_no_page_of_the_site_runs_a_submission(built):
    """Listings, archive, tag pages, feeds and the search index too: ingested text is clean before the build."""
    site, _ = built
    theme = theme_scripts(site)
    for path in site.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert offences(soup, theme=theme) == [], path.relative_to(site)
    for path in [*site.rglob("*.xml"), *site.rglob("*.json")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]*>[^<]*XSS-\d", text, re.I), path
        assert not re.search(r"javascript:alert\('XSS-\d", text), path


def test_hand_written_story_page_is_sanitized_at_build_time(hand_built):
    site, hand = hand_built
    soup = page(site, hand)
    assert offences(soup, theme=theme_scripts(site)) == []
    assert offences(soup, "article.md-content__inner") == []
    article = soup.select_one("article.md-content__inner")
    assert "The story starts normally" in article.get_text()
    assert article.select("table td[style]") and article.select_one("table td")["style"] == "text-align:left"
    assert not article.select("p[style]") and not article.select("[onclick], [onload], [onerror]")


def test_hand_written_story_is_sanitized_in_listings_too(hand_built):
    site, _ = hand_built
    soup = BeautifulSoup((site / "stories/index.html").read_text(encoding="utf-8"), "html.parser")
    assert offences(soup, theme=theme_scripts(site)) == []
