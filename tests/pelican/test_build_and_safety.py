"""Builds of a copy of the site: a bad story fails the build by file and line, hostile text is made harmless,
and both `extramile build --engine pelican` and `pelican` from the root build the site."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from extramile.commands.build import pelican_command

from .conftest import ATOM, copy_pelican_site, pelican_build, run_extramile, soup, story_text

pytestmark = pytest.mark.slow

HOSTILE_TITLE = 'Fish & chips for "free" <3 at Bob\'s'
HOSTILE_BODY = """The chip shop stayed open late.

<script>alert("body")</script>
<img src="x" onerror="alert('img')">
<a href="javascript:alert('link')">a javascript link</a>
[another javascript link](javascript:alert('md'))
<iframe src="https://example.org/"></iframe>
<p style="position:fixed" onclick="alert('p')">Styled paragraph.</p>

Read [the chocolates](free-chocolates-after-a-checkout-bug.md) and [about us](../../about.md).

![The chip shop at night](chip-shop.jpg)
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = copy_pelican_site(tmp_path_factory.mktemp("hostile") / "src")
    story = root / "content/stories/posts/fish-and-chips.md"
    story.write_text(story_text(HOSTILE_BODY, title=HOSTILE_TITLE, description="Chips & <3 'quoted' > all",
                                business="Bob's <3 Chippy", date=datetime.date(2019, 1, 1),
                                published=datetime.date.today(), featured=True), encoding="utf-8")
    (root / "content/stories/posts/chip-shop.jpg").write_bytes(b"a photo")
    (root / "content/images").mkdir()
    (root / "content/images/banner.png").write_bytes(b"a banner")
    output = root / "out"
    pelican_build(root, output)
    return output


def test_hostile_markup_in_a_story_is_removed_on_its_page_and_in_feeds(hostile_site):
    page = hostile_site / "stories/fish-and-chips/index.html"
    html = page.read_text(encoding="utf-8")
    tree = soup(page)
    assert "The chip shop stayed open late." in tree.select_one(".em-prose").get_text()
    # The only scripts are the theme's: its files, and the story's JSON-LD data (which the audit judges).
    theirs = [s for s in tree.select("script")
              if not s.get("src", "").startswith("../../theme/js/") and s.get("type") != "application/ld+json"]
    assert not theirs and not tree.select("iframe, [onerror], [onclick], [style]")
    assert "javascript:" not in html.lower()
    for feed in (hostile_site / "feeds").rglob("*.xml"):
        text = feed.read_text(encoding="utf-8")
        assert "javascript:" not in text.lower() and "<script" not in text and "&lt;script" not in text, feed.name


def test_titles_and_descriptions_are_escaped_everywhere(hostile_site):
    page = soup(hostile_site / "stories/fish-and-chips/index.html")
    assert page.h1.get_text() == HOSTILE_TITLE
    assert page.select_one(".em-facts__business").get_text() == "Bob's <3 Chippy"
    assert page.select_one("meta[name=description]")["content"] == "Chips & <3 'quoted' > all"
    raw = (hostile_site / "stories/fish-and-chips/index.html").read_text(encoding="utf-8")
    assert "Bob&#39;s &lt;3 Chippy" in raw and "<3" not in raw
    home = soup(hostile_site / "index.html")
    assert HOSTILE_TITLE in [a.get_text() for a in home.select("#featured-stories ~ .em-cards .em-card__title a")]
    feed = ET.parse(hostile_site / "feeds/all.atom.xml").getroot()
    entry = next(e for e in feed.findall(f"{ATOM}entry") if "fish-and-chips" in e.find(f"{ATOM}link").get("href"))
    assert entry.findtext(f"{ATOM}title") == HOSTILE_TITLE
    summary = entry.find(f"{ATOM}summary")  # plain text (type="text"): the reader shows it as typed
    assert summary.get("type") == "text" and summary.text == "Chips & <3 'quoted' > all"


def test_markdown_links_between_files_work_on_pages_and_in_feeds(hostile_site):
    links = {a.get_text(): a["href"] for a in soup(hostile_site / "stories/fish-and-chips/index.html").select(".em-prose a[href]")}
    assert links["the chocolates"] == "../../stories/free-chocolates-after-a-checkout-bug/"
    assert links["about us"] == "../../about/"
    feed = (hostile_site / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert 'href="http://127.0.0.1:8000/stories/free-chocolates-after-a-checkout-bug/"' in feed.replace("&quot;", '"')


def test_files_beside_the_stories_are_published_and_sources_never(hostile_site):
    assert (hostile_site / "stories/posts/chip-shop.jpg").read_bytes() == b"a photo"
    assert (hostile_site / "images/banner.png").read_bytes() == b"a banner"
    image = soup(hostile_site / "stories/fish-and-chips/index.html").select_one(".em-prose img[alt]")
    assert image["src"] == "../../stories/posts/chip-shop.jpg" and image["alt"] == "The chip shop at night"
    assert 'src="http://127.0.0.1:8000/stories/posts/chip-shop.jpg"' in \
        (hostile_site / "feeds/all.atom.xml").read_text(encoding="utf-8").replace("&quot;", '"')
    published = {p.relative_to(hostile_site).as_posix() for p in hostile_site.rglob("*") if p.is_file()}
    assert not [p for p in published if p.endswith((".md", ".yml"))], "no source, draft or vocabulary is copied"


def test_an_invalid_story_fails_the_build_naming_file_and_line(tmp_path):
    root = copy_pelican_site(tmp_path / "src")
    (root / "content/stories/posts/broken.md").write_text(
        story_text(title="<b>Bold</b> claims", industry="space-travel"), encoding="utf-8")
    (root / "content/stories/posts/Also_Broken.md").write_text(story_text(tags=["no-such-tag"]), encoding="utf-8")
    result = pelican_build(root, tmp_path / "out", check=False)
    output = re.sub(r"\s+", " ", result.stdout + result.stderr)
    assert result.returncode != 0
    assert "4 problem(s) in stories" in output, output
    assert "content/stories/posts/Also_Broken.md:1: file name: 'Also_Broken' must be a lowercase-hyphenated" in output
    assert "content/stories/posts/broken.md:2: title: must be plain text" in output, output
    assert "content/stories/posts/broken.md:7: industry: 'space-travel' is not in the vocabulary" in output, output
    assert "content/stories/posts/Also_Broken.md:10: tags.0: 'no-such-tag' is not in the vocabulary" in output, output
    assert not (tmp_path / "out/stories").exists(), "nothing is published from a collection with a bad story"


def test_extramile_build_and_plain_pelican_build_the_site(tmp_path):
    root = copy_pelican_site(tmp_path / "src")
    result = run_extramile("build", "--engine", "pelican", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (root / "output/stories/free-chocolates-after-a-checkout-bug/index.html").is_file()
    result = run_extramile("build", "--engine", "pelican", "-d", str(tmp_path / "elsewhere"), root=root)
    assert result.returncode == 0 and (tmp_path / "elsewhere/index.html").is_file()
    (root / "output").rename(root / "previous")
    plain = subprocess.run([sys.executable, "-m", "pelican", "--fatal", "warnings"], cwd=root,
                           capture_output=True, text=True)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    def files(folder):
        return sorted(p.relative_to(folder) for p in folder.rglob("*"))

    assert files(root / "output") == files(root / "previous")
    # The search index is reproducible: the same stories give the same bytes, whichever command built them.
    index = sorted(p.relative_to(root / "output") for p in (root / "output/search").rglob("*") if p.is_file())
    assert index and all((root / "output" / p).read_bytes() == (root / "previous" / p).read_bytes() for p in index)


def test_the_public_build_links_absolutely_to_site_url(tmp_path):
    root = copy_pelican_site(tmp_path / "src")
    output = tmp_path / "public"
    (output / "stale").mkdir(parents=True)
    pelican_build(root, output, public=True, env={"SITE_URL": "https://stories.example.org/"})
    assert not (output / "stale").exists(), "the public build starts from an empty folder"
    home = soup(output / "index.html")
    sheets = [link["href"] for link in home.select("link[rel=stylesheet]")]
    assert sheets[:2] == ["https://stories.example.org/theme/css/extramile-shared.css",
                          "https://stories.example.org/theme/css/extramile.css"]
    card = home.select_one(".em-card__title a")["href"]
    assert card.startswith("https://stories.example.org/stories/")
    sitemap = ET.parse(output / "sitemap.xml").getroot()
    locs = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://stories.example.org/stories/free-chocolates-after-a-checkout-bug/" in locs
    assert all(loc.startswith("https://stories.example.org/") for loc in locs)
    feed = ET.parse(output / "feeds/all.atom.xml").getroot()
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "https://stories.example.org/feeds/all.atom.xml"


def test_without_the_plugin_no_story_is_read_at_all(tmp_path, repo, drafts):
    output = tmp_path / "out"
    command = [*pelican_command(repo, output), "-e", "PLUGINS=[]"]
    result = subprocess.run(command, cwd=repo, capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"})
    assert result.returncode != 0
    written = [p for p in output.rglob("*") if p.is_file()] if output.exists() else []
    for slug in drafts:
        assert not any(slug in p.read_text(encoding="utf-8", errors="replace") for p in written)
    assert not (output / "stories").exists(), "Pelican's own Markdown reader must not publish story files"
