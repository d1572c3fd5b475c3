"""No accessibility violation on any page type of either site: axe-core in headless Chromium.

axe-core (package.json, installed by `make test` with `npm ci`) checks the WCAG 2.1 A and AA rules and its
best-practice rules on every page type (home, a story, the stories listing and its second page, a tag, a teller,
a year, the tags index, Browse, Submit, the thank-you page, About, the 404 page) of both sites, in the light and
the dark scheme (the browser's prefers-color-scheme: Material follows it on a first visit, Pelican always), on a
desktop (1280×800) and a phone (390×844). Each site is built once for the session (built_site, pelican_site).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Pelican's 404 page links its style sheets absolutely, to the site's own address (pelicanconf.py, FEED_DOMAIN,
# SITE_URL unset): the tests serve that address from the built site.
PELICAN_HOME = "http://127.0.0.1:8000/"
# Transitions and animations end before the check, so that a colour is read at rest, never halfway.
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def page_types(story: str, tag: str, year: int) -> dict[str, str]:
    """Every page type, by name: its address in both sites (they share every address)."""
    return {
        "home": "",
        "story": f"stories/{story}/",
        "stories": "stories/",
        "stories, page 2": "stories/page/2/",
        "tag": f"tags/{tag}/",
        "told by": "stories/told-by/told-by-the-customer/",
        "archive": f"stories/archive/{year}/",
        "tags index": "tags/",
        "browse": "browse/",
        "submit": "submit/",
        "thanks": "submit/thanks/",
        "about": "about/",
        "404": "404.html",
    }


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        message = "axe-core is not installed: run `npm ci` (make test does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pages(published) -> dict[str, str]:
    """A story with a heading in its text (where Material's skip link used to land), its first tag and year."""
    slug = next((s for s, post in sorted(published.items()) if "\n## " in "\n" + post.content), min(published))
    post = published[slug]
    return page_types(slug, post["tags"][0], post["date"].year)


def violations(page, axe_source: str) -> list[dict]:
    page.add_style_tag(content=STILL)
    page.add_script_tag(content=axe_source)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "").split("\\n").slice(1).join(" "))
            }));
        }""",
        TAGS,
    )


def audit(browser, base: str, pages: dict[str, str], scheme: str, viewport: str, axe_source: str,
          routes: dict[str, Path] | None = None) -> list[str]:
    """Every page type at one scheme and size: one line per violation, with the elements at fault."""
    phone = viewport == "phone"
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme, is_mobile=phone,
                                  has_touch=phone)
    for origin, folder in (routes or {}).items():
        context.route(f"{origin}**", file_server(origin, folder))
    found = []
    try:
        page = context.new_page()
        for name, path in pages.items():
            # Browse fetches the stories after the page has loaded: checked once it shows them.
            page.goto(base + path, wait_until="networkidle" if name == "browse" else "load")
            for violation in violations(page, axe_source):
                nodes = "\n      ".join(violation["nodes"][:5])
                found.append(f"{name} ({path or '/'}): {violation['id']} [{violation['impact']}] "
                             f"{violation['help']}, {len(violation['nodes'])}×\n      {nodes}")
    finally:
        context.close()
    return found


def file_server(origin: str, folder: Path):
    """A route handler that answers requests for the site's own address from the built site in `folder`."""
    types = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".html": "text/html",
             ".json": "application/json", ".png": "image/png"}

    def serve(route):
        relative = route.request.url[len(origin):].split("?")[0].split("#")[0]
        path = folder / (relative or "index.html")
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            route.fulfill(status=200, body=path.read_bytes(),
                          content_type=types.get(path.suffix, "application/octet-stream"))
        else:
            route.fulfill(status=404, body="")

    return serve


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_material_pages_have_no_axe_violations(browser, site_url, pages, scheme, viewport, axe_source):
    found = audit(browser, site_url, pages, scheme, viewport, axe_source)
    assert not found, f"axe-core, Material, {scheme}, {viewport}:\n" + "\n".join(found)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pelican_pages_have_no_axe_violations(browser, pelican_site, pelican_url, pages, scheme, viewport,
                                              axe_source):
    found = audit(browser, pelican_url, pages, scheme, viewport, axe_source, routes={PELICAN_HOME: pelican_site})
    assert not found, f"axe-core, Pelican, {scheme}, {viewport}:\n" + "\n".join(found)
