"""Withdrawn stories (extramile/withdrawn.py): at the old address a short page saying so, on both engines, and
nothing of the story anywhere: no page, listing, tag page, feed, sitemap entry or search record."""

from __future__ import annotations

import gzip
import html
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlparse

import frontmatter
import pytest
from bs4 import BeautifulSoup

from extramile import withdrawn
from extramile.ledger import Decision, Ledger, save
from extramile.paths import STORIES_DIR
from extramile.search import tokenize
from extramile.search.index import read_documents, read_index, read_terms
from tests.conftest import REPO, mkdocs_build
from tests.pelican.conftest import copy_pelican_site, pelican_build
from tests.pelican.conftest import listed_stories as pelican_listed
from tests.site.conftest import listed_stories as material_listed

WITHDRAWN = "the-watch-came-back-with-a-letter"  # its file deleted, withdrawn in the ledger
RESTORED = "insulin-delivered-through-the-snow"  # withdrawn in the ledger, but its file is back: the story wins
AT = "2026-11-30T00:00:00Z"


def story_path(slug: str) -> str:
    return f"{STORIES_DIR}/{slug}.md"


@dataclass(frozen=True)
class Built:
    engine: str
    site: Path
    log: str


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> Path:
    """A copy of the sources after an editor withdrew one story (and a second one whose file came back)."""
    root = copy_pelican_site(tmp_path_factory.mktemp("withdrawn") / "src")
    (root / story_path(WITHDRAWN)).unlink()
    save(root, Ledger([
        Decision("sub_withdrawn", "withdrawn", AT, path=story_path(WITHDRAWN), reason="at the teller's request"),
        Decision("sub_restored", "withdrawn", AT, path=story_path(RESTORED), reason="at the teller's request"),
        Decision("sub_published", "published", AT, path=story_path("free-chocolates-after-a-checkout-bug")),
    ]))
    return root


@pytest.fixture(scope="module", params=["material", "pelican"])
def built(request, sources, tmp_path_factory) -> Built:
    output = tmp_path_factory.mktemp(request.param) / "site"
    if request.param == "material":
        result = mkdocs_build(sources, output)  # --strict: no warning
    else:
        result = pelican_build(sources, output)  # --fatal warnings
    return Built(request.param, output, result.stdout + result.stderr)


@pytest.fixture(scope="module")
def story() -> frontmatter.Post:
    """The withdrawn story as it was published (the original file, in the repository)."""
    return frontmatter.load(REPO / story_path(WITHDRAWN))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def site_path(href: str, page: str) -> str:
    """A link's target as a site path ("/stories/x/"), resolved from the linking page's path ("stories/y/")."""
    return urlparse(urljoin(f"http://site/{page}", href)).path


def page_address(site: Path, path: Path) -> str:
    relative = path.relative_to(site).as_posix()
    return relative[: -len("index.html")] if relative.endswith("index.html") else relative


def output_texts(site: Path):
    """Every file of the built site as text (gzip-compressed ones decompressed), character references resolved."""
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        yield path, html.unescape(data.decode("utf-8", errors="replace"))


def phrases(post: frontmatter.Post) -> list[str]:
    """What only this story says: its title, its business, and runs of six words from its description and text."""
    runs = re.findall(r"[A-Za-z]+(?: [A-Za-z]+){5}", post["description"] + "\n" + post.content)
    return [post["title"], post["business"], *runs]


def test_the_old_address_says_the_story_was_withdrawn(built):
    page_file = built.site / withdrawn.save_as(WITHDRAWN)
    assert page_file.is_file()
    page = soup(page_file)
    main = page.select_one("article.md-content__inner" if built.engine == "material" else "main")
    assert main.h1.get_text(strip=True) == withdrawn.TITLE == "Story withdrawn"
    assert withdrawn.MESSAGE == "This story was withdrawn at the teller's request."
    assert withdrawn.MESSAGE in main.get_text(" ", strip=True)
    assert page.title.get_text().startswith(withdrawn.TITLE)
    robots = page.select('meta[name="robots"]')
    assert [meta["content"] for meta in robots] == ["noindex"]
    links = {site_path(a["href"], withdrawn.address(WITHDRAWN)) for a in main.select("a[href]")}
    assert links == {"/", "/stories/"}
    # In the site's look: the engine's own header and style sheet.
    if built.engine == "material":
        assert page.select_one("header.md-header") and page.select_one('link[href$="extramile.css"]')
    else:
        assert page.select_one("header.em-header") and page.select_one('link[href$="theme/css/extramile.css"]')


def test_nothing_of_the_story_is_left_anywhere(built, story):
    needles = phrases(story)
    assert len(needles) > 10
    others = "\n".join(path.read_text(encoding="utf-8") for path in (REPO / STORIES_DIR).glob("*.md")
                       if path.stem != WITHDRAWN)
    needles = [needle for needle in needles if needle not in others]  # only this story's words
    assert story["title"] in needles and len(needles) > 10
    for path, text in output_texts(built.site):
        for needle in needles:
            assert needle not in text, f"{needle!r} of the withdrawn story in {path.relative_to(built.site)}"


def test_no_other_page_feed_or_file_links_to_the_address(built):
    # Not in the navigation, a listing, a tag page, a related-stories list, a feed, the sitemap, the search index:
    # the address (even the slug) is only in the withdrawn page itself.
    page_file = built.site / withdrawn.save_as(WITHDRAWN)
    for path, text in output_texts(built.site):
        if path != page_file:
            assert WITHDRAWN not in text, f"the withdrawn story's address in {path.relative_to(built.site)}"
    for path in built.site.rglob("*.html"):
        if path == page_file:
            continue
        page = page_address(built.site, path)
        for a in soup(path).select("a[href]"):
            assert site_path(a["href"], page) != f"/{withdrawn.address(WITHDRAWN)}", f"linked from {page}"


def test_listings_tag_pages_and_feeds_leave_it_out(built, story):
    listed = material_listed if built.engine == "material" else pelican_listed
    stories = listed(built.site, "stories")
    assert WITHDRAWN not in stories and RESTORED in stories
    for tag in story["tags"]:
        tag_page = built.site / "tags" / tag / "index.html"
        assert tag_page.is_file()  # the other stories with this tag are still listed
        targets = {site_path(a["href"], f"tags/{tag}/") for a in soup(tag_page).select("a[href]")}
        assert f"/{withdrawn.address(WITHDRAWN)}" not in targets
    feeds = [p for p in built.site.rglob("*") if p.suffix in {".xml", ".json"} and "feed" in p.as_posix()]
    assert feeds
    for feed in feeds:
        assert withdrawn.address(WITHDRAWN) not in feed.read_text(encoding="utf-8")


def test_the_sitemap_does_not_list_the_address(built):
    sitemap = (built.site / "sitemap.xml").read_text(encoding="utf-8")
    locs = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert any(loc.endswith(f"/{withdrawn.address(RESTORED)}") for loc in locs)
    assert not [loc for loc in locs if WITHDRAWN in loc]
    if built.engine == "material":  # mkdocs writes a gzipped copy beside it
        assert gzip.decompress((built.site / "sitemap.xml.gz").read_bytes()).decode() == sitemap


def test_the_search_index_does_not_hold_it(built, story, sources):
    folder = built.site / "search"
    documents = read_documents(folder)
    urls = {document["url"] for document in documents}
    published = {withdrawn.address(p.stem) for p in (sources / STORIES_DIR).glob("*.md")
                 if not frontmatter.load(p).get("draft")}
    assert urls == published and read_index(folder)["count"] == len(published)
    assert withdrawn.address(WITHDRAWN) not in urls and withdrawn.address(RESTORED) in urls
    # No term that only the withdrawn story has is searchable.
    others = set()
    for path in (REPO / STORIES_DIR).glob("*.md"):
        if path.stem != WITHDRAWN:
            post = frontmatter.load(path)
            others.update(tokenize.terms(f"{post.get('title', '')}\n{post.content}"))
    own = set(tokenize.terms(f"{story['title']}\n{story.content}")) - others
    assert len(own) > 5
    assert not own & set(read_terms(folder))


def test_a_story_whose_file_is_back_wins(built, sources):
    page = soup(built.site / withdrawn.save_as(RESTORED))
    title = frontmatter.load(sources / story_path(RESTORED))["title"]
    assert page.find("h1").get_text(strip=True) == title
    assert withdrawn.MESSAGE not in page.get_text(" ")
    assert not page.select('meta[name="robots"]')
    if built.engine == "material":  # Pelican logs INFO only when asked to
        assert f"{RESTORED} is withdrawn in the ledger, but its story file is back" in built.log


def test_a_withdrawn_decision_naming_no_story_fails_the_strict_build(tmp_path):
    root = copy_pelican_site(tmp_path / "src")
    save(root, Ledger([Decision("sub_x", "withdrawn", AT, path="content/about.md")]))
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
                            cwd=root, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode != 0
    assert "content/ledger.jsonl: a withdrawn decision names no story file: content/about.md" in result.stderr
    result = pelican_build(root, tmp_path / "output", check=False)
    assert result.returncode != 0
    assert "a withdrawn decision names no story file: content/about.md" in result.stdout + result.stderr


# The engine-neutral part.

def test_withdrawn_slugs_are_those_whose_story_file_is_gone(tmp_path):
    posts = tmp_path / STORIES_DIR
    posts.mkdir(parents=True)
    (posts / "back-again.md").write_text("---\ntitle: Back\n---\n", encoding="utf-8")
    assert withdrawn.withdrawn_slugs(tmp_path) == []  # no ledger at all
    save(tmp_path, Ledger([
        Decision("a", "withdrawn", AT, path=story_path("gone-for-good")),
        Decision("b", "withdrawn", AT, path=story_path("back-again")),
        Decision("c", "published", AT, path=story_path("published-and-deleted")),
        Decision("d", "erased", AT),
        Decision("e", "withdrawn", AT, path="content/about.md"),
        Decision("f", "withdrawn", AT, path=f"{STORIES_DIR}/../../../etc/passwd.md"),
        Decision("g", "withdrawn", AT, path=f"{STORIES_DIR}/Not A Slug.md"),
        Decision("h", "withdrawn", AT),
        Decision("i", "withdrawn", AT, path=story_path("also-gone")),
    ]))
    assert withdrawn.withdrawn_slugs(tmp_path) == ["also-gone", "gone-for-good"]
    found = withdrawn.withdrawals(tmp_path)
    assert found.restored == ("back-again",)
    assert len(found.unusable) == 4
    assert withdrawn.address("gone-for-good") == "stories/gone-for-good/"
    assert withdrawn.save_as("gone-for-good") == "stories/gone-for-good/index.html"


def test_the_core_module_knows_nothing_of_the_engines():
    source = (REPO / "scripts/extramile/withdrawn.py").read_text(encoding="utf-8")
    imports = set(re.findall(r"^(?:from|import) ([\w.]+)", source, re.MULTILINE))
    assert imports <= {"__future__", "re", "dataclasses", "pathlib", "extramile.ledger", "extramile.paths"}
