"""The feeds of both engines' real builds: RSS 2.0, Atom and JSON Feed 1.1 with their required fields, each
story in full and sanitised, dated by the day it was published (never by the build), no null or None, a feed
per tag and per teller; the same bytes from both engines and from a second build."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import REPO, mkdocs_build
from tests.pelican.conftest import pelican_build
from tests.sharing_checks import SITE_URL, published_day

from extramile import feeds

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


@pytest.fixture(scope="module")
def sites(built_site, pelican_site) -> dict[str, Path]:
    return {"material": built_site, "pelican": pelican_site}


def feed_files(site: Path) -> list[str]:
    found = [feeds.RSS_FEED, feeds.JSON_FEED, *(p.relative_to(site).as_posix() for p in (site / "feeds").rglob("*"))]
    return sorted(path for path in found if (site / path).is_file())


def story_of(url: str, published) -> dict:
    slug = url.removeprefix(f"{SITE_URL}stories/").rstrip("/")
    assert slug in published, url
    return published[slug]


def newest_first(published, slugs) -> list[str]:
    return sorted(slugs, key=lambda s: (published_day(published[s]), published[s]["date"], s), reverse=True)[:20]


def check_full_text(html: str, post) -> None:
    """The whole story, sanitised, with absolute links: its first and last long words (not a teaser's), no
    script, no relative link, no heading's ¶ link."""
    words = re.findall(r"[A-Za-z]{8,}", post.content)
    assert words[0] in html and words[-1] in html, (words[0], words[-1])
    assert "<script" not in html.lower() and "javascript:" not in html.lower()
    assert 'href="../' not in html and 'src="../' not in html and "headerlink" not in html


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_rss_has_every_required_field(sites, engine, published):
    channel = ET.parse(sites[engine] / feeds.RSS_FEED).getroot().find("channel")
    for name in ("title", "link", "description"):
        assert (channel.findtext(name) or "").strip(), name
    assert channel.find("image") is None  # it was a literal "None": no image is better than a broken one
    items = channel.findall("item")
    assert [story_of(i.findtext("link"), published)["title"] for i in items] == \
        [published[s]["title"] for s in newest_first(published, published)]
    for item in items:
        post = story_of(item.findtext("link"), published)
        assert item.findtext("title") == post["title"]
        guid = item.find("guid")
        assert guid.text == item.findtext("link") and guid.get("isPermaLink") == "true"
        pub = email.utils.parsedate_to_datetime(item.findtext("pubDate"))  # RFC 822
        assert pub.date() == published_day(post) and pub.utcoffset() == dt.timedelta(0)
        assert item.findtext("description") == post["description"]
        check_full_text(item.findtext(CONTENT), post)


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_atom_feeds_have_every_required_field(sites, engine, published, vocabulary):
    site = sites[engine]
    atom_files = sorted((site / "feeds").rglob("*.atom.xml"))
    used = {tag for post in published.values() for tag in post["tags"]}
    assert {p.name.removesuffix(".atom.xml") for p in (site / "feeds/tags").iterdir()} == used
    assert {p.name for p in (site / "feeds/told-by").iterdir()} == \
        {"told-by-the-customer.atom.xml", "told-by-the-business.atom.xml"}
    for path in atom_files:
        feed = ET.parse(path).getroot()
        assert feed.tag == f"{ATOM}feed"
        for name in ("id", "title", "updated"):
            assert (feed.findtext(f"{ATOM}{name}") or "").strip(), (path, name)
        assert feed.find(f"{ATOM}link[@rel='self']").get("href") == SITE_URL + path.relative_to(site).as_posix()
        entries = feed.findall(f"{ATOM}entry")
        assert entries, path
        newest = max(dt.datetime.fromisoformat(e.findtext(f"{ATOM}updated")) for e in entries)
        assert dt.datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == newest  # the newest story's day
        for entry in entries:
            link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
            post = story_of(link, published)
            assert entry.findtext(f"{ATOM}id") == link and entry.findtext(f"{ATOM}title") == post["title"]
            assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")).date() == published_day(post)
            assert entry.findtext(f"{ATOM}author/{ATOM}name") == post["told_by"]
            check_full_text(entry.findtext(f"{ATOM}content"), post)
        if path.parent.name == "tags":
            slugs = [story_of(e.find(f"{ATOM}link[@rel='alternate']").get("href"), published) for e in entries]
            assert all(path.name.removesuffix(".atom.xml") in post["tags"] for post in slugs)


def _no_empty_values(value, where="feed") -> None:
    assert value is not None and value != [] and value != {} and value != "", f"{where} is empty"
    if isinstance(value, dict):
        for key, item in value.items():
            _no_empty_values(item, f"{where}.{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            _no_empty_values(item, f"{where}[{number}]")


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_json_feed_1_1_has_every_required_field_and_no_null(sites, engine, published):
    data = json.loads((sites[engine] / feeds.JSON_FEED).read_text(encoding="utf-8"))
    _no_empty_values(data)
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] and data["home_page_url"] == SITE_URL and data["feed_url"] == SITE_URL + feeds.JSON_FEED
    assert len(data["items"]) == min(20, len(published))
    for item in data["items"]:
        post = story_of(item["url"], published)
        assert item["id"] == item["url"] and item["title"] == post["title"]
        when = dt.datetime.fromisoformat(item["date_published"])  # RFC 3339, with its offset
        assert when.tzinfo is not None and when.date() == published_day(post)
        assert item["authors"] == [{"name": post["told_by"]}]
        assert item["image"] == item["url"] + "preview.png"
        check_full_text(item["content_html"], post)


@pytest.mark.parametrize("engine", ["material", "pelican"])
def test_no_feed_holds_none_null_or_the_build_day(sites, engine, published):
    days = {published_day(post) for post in published.values()}
    for rel in feed_files(sites[engine]):
        text = (sites[engine] / rel).read_text(encoding="utf-8")
        assert ">None<" not in text and "null" not in text, rel
        if rel.endswith(".xml"):
            root = ET.fromstring(text)
            for element in root.iter():
                if element.tag.rpartition("}")[2] in ("updated", "published", "pubDate", "lastBuildDate"):
                    when = (email.utils.parsedate_to_datetime(element.text) if "," in element.text
                            else dt.datetime.fromisoformat(element.text))
                    assert when.date() in days, (rel, element.text)  # a story's day, never the build's


def test_both_engines_write_the_same_feeds(sites):
    material, pelican = sites["material"], sites["pelican"]
    assert feed_files(material) == feed_files(pelican)
    for rel in feed_files(material):
        assert (material / rel).read_bytes() == (pelican / rel).read_bytes(), rel


def test_a_second_build_writes_the_same_feeds(sites, tmp_path):
    again = {"material": tmp_path / "material", "pelican": tmp_path / "pelican"}
    mkdocs_build(REPO, again["material"])
    pelican_build(REPO, again["pelican"])
    for engine, site in sites.items():
        assert feed_files(again[engine]) == feed_files(site)
        for rel in feed_files(site):
            assert (again[engine] / rel).read_bytes() == (site / rel).read_bytes(), (engine, rel)
