"""The engine-neutral pieces of sharing and feeds: JSON-LD that no story text can break out of, share links,
robots.txt, a story's HTML as a feed carries it, feed dates, and "latest" meaning most recently published."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

from extramile import collection, feeds, sharing
from extramile.collection import Entry
from extramile.schema import Story

URL = "https://stories.example.org/stories/free-cake/"


def story(vocabulary, **changes) -> Story:
    data = {"title": "Free cake", "date": dt.date(2020, 2, 2), "description": "A shop gave us cake.",
            "perspective": "customer", "business": "Test Shop", "industry": "retail", "channel": "in-person",
            "tags": ["loyalty"], "told_by": "Tester", "source": {"kind": "interview"}, **changes}
    return Story.model_validate(data, context={"vocabulary": vocabulary})


def test_json_ld_cannot_close_its_script_element(vocabulary):
    # The schema refuses markup in names; the serialiser must hold even if something ever got past it.
    hostile = story(vocabulary).model_copy(update={"business": "Shop </script><script>alert(1)</script> & <!-- Co"})
    data = sharing.article_jsonld(hostile, URL, URL + "preview.png", "Extra Mile", "https://stories.example.org/")
    text = str(sharing.json_for_script(data))
    assert not set("<>&") & set(text) and "\u2028" not in text
    assert json.loads(text)["about"] == {"@type": "Organization", "name": hostile.business}
    assert "\\u003c/script\\u003e" in text


def test_json_ld_dates_and_author(vocabulary):
    told = story(vocabulary, published=dt.date(2026, 11, 2), perspective="business", told_by="Test Shop")
    data = sharing.article_jsonld(told, URL, URL + "preview.png", "Extra Mile", "https://stories.example.org/")
    assert (data["datePublished"], data["temporalCoverage"]) == ("2026-11-02", "2020-02-02")
    assert data["author"] == {"@type": "Organization", "name": "Test Shop"}  # the business, in its own name
    assert sharing.article_jsonld(story(vocabulary), URL, "", "", "")["datePublished"] == "2020-02-02"


def test_share_links_carry_the_address_and_nothing_else_of_the_reader():
    share = sharing.share(URL, "Free cake & more", "A shop gave us cake.", "Extra Mile — stories of service")
    links = {link.name: link.href for link in share.links}
    mail = parse_qs(urlsplit(links["email"]).query)
    assert mail["subject"] == ["Free cake & more — Extra Mile"] and URL in mail["body"][0]
    assert "+" not in links["email"]  # spaces as %20: mail programs do not read + as a space
    for name in ("mastodon", "bluesky", "linkedin", "facebook", "x"):
        assert urlsplit(links[name]).scheme == "https" and URL in str(parse_qs(urlsplit(links[name]).query))


def test_robots_txt():
    assert sharing.robots_txt("https://s.example.org") == \
        "User-agent: *\nAllow: /\n\nSitemap: https://s.example.org/sitemap.xml\n"


def test_a_story_in_a_feed_is_sanitised_with_absolute_links():
    html = ('<h2 id="a">A<a class="headerlink" href="#a" title="Permanent link">¶</a></h2>\n<p>Hi</p>\n'
            '<!-- more -->\n<p onclick="x()"><a href="../other/">other</a> <img src="photo.jpg" alt="">'
            '<script>alert(1)</script><a href="javascript:alert(1)">bad</a></p>')
    out = feeds.feed_html(html, URL)
    assert "¶" not in out and "onclick" not in out and "script" not in out and "javascript" not in out
    assert 'href="https://stories.example.org/stories/other/"' in out
    assert 'src="https://stories.example.org/stories/free-cake/photo.jpg"' in out
    assert "more" not in out and "<p>Hi</p>\n<p>" in out


def test_feed_dates_are_the_publication_day_at_midnight_utc(vocabulary):
    item = feeds.item(story(vocabulary, published=dt.date(2026, 11, 27)), URL, "<p>x</p>", {"loyalty": "Loyalty"})
    feed = feeds.Feed("T", "D", "https://s.example.org/", "https://s.example.org/f.xml", (item,))
    rss = ET.fromstring(feeds.rss(feed)).find("channel")
    assert rss.findtext("item/pubDate") == rss.findtext("lastBuildDate") == "Fri, 27 Nov 2026 00:00:00 +0000"
    assert json.loads(feeds.json_feed(feed))["items"][0]["date_published"] == "2026-11-27T00:00:00+00:00"
    assert "<updated>2026-11-27T00:00:00+00:00</updated>" in feeds.atom(feed)
    empty = feeds.Feed("T", "D", "https://s.example.org/", "https://s.example.org/f.xml", ())
    assert ET.fromstring(feeds.atom(empty)).findtext("{http://www.w3.org/2005/Atom}updated")  # required, stable


def test_latest_means_most_recently_published(vocabulary):
    def told(day, published=None):
        return story(vocabulary, date=day, published=published)

    old_event = Entry("old", "stories/old/", told(dt.date(2011, 1, 1), dt.date(2026, 11, 5)))
    new_event = Entry("new", "stories/new/", told(dt.date(2024, 1, 1), dt.date(2026, 11, 1)))
    unrecorded = Entry("unrecorded", "stories/unrecorded/", told(dt.date(2025, 1, 1)))
    assert [e.key for e in collection.latest([new_event, unrecorded, old_event])] == ["old", "new", "unrecorded"]
    assert collection.published_on(unrecorded.story) == dt.date(2025, 1, 1)
