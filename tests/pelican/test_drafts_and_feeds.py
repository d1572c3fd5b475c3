"""Drafts reach no page and no feed; feeds are Atom: one for every story, one per tag, newest first.
(The feeds' formats, dates and identity with the Material site's: tests/test_feeds.py.)"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from .conftest import ATOM, story_slug


def distinctive_phrases(slug, post) -> list[str]:
    words = re.findall(r"\S+", post.content.replace("<!-- more -->", ""))
    return [slug, post["title"], post["description"], " ".join(words[3:9])]


def test_drafts_are_in_no_page_feed_or_sitemap(pelican_site, drafts):
    assert drafts
    files = [p for p in pelican_site.rglob("*") if p.is_file() and p.suffix in {".html", ".xml", ".js", ".json"}]
    assert len(files) > 50
    for slug, post in drafts.items():
        assert not list(pelican_site.rglob(f"*{slug}*")), f"draft {slug} was written"
        for path in files:
            text = path.read_text(encoding="utf-8")
            for needle in distinctive_phrases(slug, post):
                assert needle not in text, f"draft {slug}: {needle!r} in {path.relative_to(pelican_site)}"


def parse_atom(path) -> ET.Element:
    feed = ET.parse(path).getroot()
    assert feed.tag == f"{ATOM}feed", path
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), f"{path.name}: feed has no {name}"
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), f"{path.name}: an entry has no {name}"
        assert entry.findtext(f"{ATOM}author/{ATOM}name"), f"{path.name}: an entry has no author"
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert urlsplit(link).scheme in ("http", "https"), "feed links must be absolute"
    return feed


def entry_slugs(feed) -> list[str]:
    return [story_slug(e.find(f"{ATOM}link[@rel='alternate']").get("href")) for e in feed.findall(f"{ATOM}entry")]


def newest_published(published, slugs) -> list[str]:
    """Most recently published first, then by when it happened (extramile/feeds.py), at most 20."""
    return sorted(slugs, key=lambda s: (published[s].get("published") or published[s]["date"], published[s]["date"],
                                        s), reverse=True)[:20]


def test_the_feed_of_every_story_lists_the_newest_published(pelican_site, published):
    feed = parse_atom(pelican_site / "feeds" / "all.atom.xml")
    newest = newest_published(published, published)
    assert entry_slugs(feed) == newest[:20]
    entry = next(e for e in feed.findall(f"{ATOM}entry") if entry_slugs_of(e) == newest[0])
    assert entry.findtext(f"{ATOM}title") == published[newest[0]]["title"]
    assert entry.findtext(f"{ATOM}summary") == published[newest[0]]["description"]
    assert re.findall(r"[A-Za-z]{9,}", published[newest[0]].content)[0] in entry.findtext(f"{ATOM}content")


def entry_slugs_of(entry) -> str | None:
    return story_slug(entry.find(f"{ATOM}link[@rel='alternate']").get("href"))


def test_a_feed_per_tag_lists_exactly_the_stories_carrying_it(pelican_site, published, vocabulary):
    feeds = sorted((pelican_site / "feeds" / "tags").glob("*.atom.xml"))
    used = {tag for post in published.values() for tag in post["tags"]}
    assert {p.name.removesuffix(".atom.xml") for p in feeds} == used
    for term in vocabulary.tags:
        if term.slug not in used:
            continue
        feed = parse_atom(pelican_site / "feeds" / "tags" / f"{term.slug}.atom.xml")
        assert feed.findtext(f"{ATOM}title").endswith(term.label)
        expected = newest_published(published, [s for s, p in published.items() if term.slug in p["tags"]])
        assert entry_slugs(feed) == expected, term.slug
        tag_page = (pelican_site / "tags" / term.slug / "index.html").read_text(encoding="utf-8")
        assert f"feeds/tags/{term.slug}.atom.xml" in tag_page, "the tag page links its feed"


def test_every_feed_parses_as_atom(pelican_site):
    feeds = sorted((pelican_site / "feeds").rglob("*.xml"))
    assert len(feeds) >= 3
    for path in feeds:
        parse_atom(path)
    assert not list(pelican_site.rglob("*.rss.xml"))
