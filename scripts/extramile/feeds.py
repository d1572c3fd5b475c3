"""The feeds of the published stories, for both engines: RSS 2.0, Atom 1.0 and JSON Feed 1.1, with each
story's full text.

Both engines write the same files at the same addresses (`site_feeds`): the site's RSS and JSON Feed at the
addresses the Material site always had, the site's Atom feed and one Atom feed per tag and per teller at the
addresses the Pelican site always had. What goes in is the engine's rendered story HTML, through the one
sanitiser, with its links made absolute (a feed reader has no page to resolve them against).

Every date is the day the story was published (`published`, else the day it happened), at midnight UTC:
a feed changes only when the stories do, never because it was built again, so readers are not told that
every story is new. Nothing is null or empty: a value the feed has not got is left out.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

from extramile.collection import published_on
from extramile.sanitize import EXCERPT_SEPARATOR, sanitize_html
from extramile.schema import PERSPECTIVES, Story

RSS_FEED = "feed_rss_created.xml"
JSON_FEED = "feed_json_created.json"
ATOM_FEED = "feeds/all.atom.xml"
TAG_FEED = "feeds/tags/{slug}.atom.xml"
TELLER_FEED = "feeds/told-by/{slug}.atom.xml"
MAX_ITEMS = 20
DESCRIPTION = "New true stories of exceptional service."
TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}

# Characters XML 1.0 does not allow at all (a feed with one is not well-formed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SEPARATOR = re.compile(r"\s*" + re.escape(EXCERPT_SEPARATOR) + r"\s*")
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>[^<]*</a>')  # the ¶ after each heading: page chrome
_LINKING_TAG = re.compile(r"<(?:a|img)\s[^>]*>")
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


@dataclass(frozen=True)
class FeedItem:
    """One story as every feed shows it; URLs absolute."""

    url: str
    title: str
    summary: str
    content_html: str
    published: dt.date
    happened: dt.date
    author: str
    tags: tuple[tuple[str, str], ...] = ()  # (slug, label)
    image: str = ""


@dataclass(frozen=True)
class Feed:
    title: str
    description: str
    home_url: str  # the page this feed follows: the home page, a tag's page
    feed_url: str  # this feed's own address
    items: tuple[FeedItem, ...]
    language: str = "en"


def item(story: Story, url: str, content_html: str, tag_labels: dict[str, str], image: str = "") -> FeedItem:
    """A story as a feed item: `content_html` is the engine's HTML of the story's page at `url`."""
    return FeedItem(url=url, title=story.title, summary=story.description, content_html=feed_html(content_html, url),
                    published=published_on(story), happened=story.date, author=story.told_by,
                    tags=tuple((tag, tag_labels.get(tag, tag)) for tag in story.tags), image=image)


def feed_html(page_html: str, page_url: str) -> str:
    """A story's HTML as a feed carries it: sanitised, without the headings' ¶ links, every link absolute."""
    # The teaser's end is page structure, not text: gone, with the blank lines around it (both engines agree).
    text = sanitize_html(_SEPARATOR.sub("\n", page_html))
    text = _HEADERLINK.sub("", text)

    def absolute(tag: re.Match) -> str:
        return _URL_ATTRIBUTE.sub(
            lambda m: m[1] + html.escape(urljoin(page_url, html.unescape(m[2])), quote=True) + m[3], tag[0])

    return _NOT_XML.sub("", _LINKING_TAG.sub(absolute, text)).strip()


def newest(items: Iterable[FeedItem], limit: int = MAX_ITEMS) -> tuple[FeedItem, ...]:
    """The most recently published first, as collection.newest_first orders them."""
    return tuple(sorted(items, key=lambda i: (i.published, i.happened, i.url), reverse=True)[:limit])


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def rfc822(day: dt.date) -> str:
    return format_datetime(_midnight(day))  # Thu, 26 Nov 2026 00:00:00 +0000


def rfc3339(day: dt.date) -> str:
    return _midnight(day).isoformat()  # 2026-11-26T00:00:00+00:00


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return quoteattr(_NOT_XML.sub("", value))


def _updated(feed: Feed) -> dt.date:
    # The newest story's day: stable from build to build. An empty feed has no news since 1970.
    return max((i.published for i in feed.items), default=dt.date(1970, 1, 1))


def rss(feed: Feed) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "<channel>",
        f"  <title>{_text(feed.title)}</title>",
        f"  <link>{_text(feed.home_url)}</link>",
        f"  <description>{_text(feed.description)}</description>",
        f"  <language>{_text(feed.language)}</language>",
        f'  <atom:link href={_attr(feed.feed_url)} rel="self" type="{TYPES["rss"]}"/>',
    ]
    if feed.items:
        lines.append(f"  <lastBuildDate>{rfc822(_updated(feed))}</lastBuildDate>")
    for entry in feed.items:
        lines += [
            "  <item>",
            f"    <title>{_text(entry.title)}</title>",
            f"    <link>{_text(entry.url)}</link>",
            f'    <guid isPermaLink="true">{_text(entry.url)}</guid>',
            f"    <pubDate>{rfc822(entry.published)}</pubDate>",
            f"    <dc:creator>{_text(entry.author)}</dc:creator>",
            *(f"    <category>{_text(label)}</category>" for _, label in entry.tags),
            f"    <description>{_text(entry.summary)}</description>",
            f"    <content:encoded>{_text(entry.content_html)}</content:encoded>",
            "  </item>",
        ]
    lines += ["</channel>", "</rss>", ""]
    return "\n".join(lines)


def atom(feed: Feed, tag_scheme: str = "") -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={_attr(feed.language)}>',
        f"  <id>{_text(feed.feed_url)}</id>",
        f"  <title>{_text(feed.title)}</title>",
        f"  <subtitle>{_text(feed.description)}</subtitle>",
        f"  <updated>{rfc3339(_updated(feed))}</updated>",
        f'  <link rel="self" type="{TYPES["atom"]}" href={_attr(feed.feed_url)}/>',
        f'  <link rel="alternate" type="text/html" href={_attr(feed.home_url)}/>',
    ]
    for entry in feed.items:
        lines += [
            "  <entry>",
            f"    <id>{_text(entry.url)}</id>",
            f"    <title>{_text(entry.title)}</title>",
            f'    <link rel="alternate" type="text/html" href={_attr(entry.url)}/>',
            f"    <published>{rfc3339(entry.published)}</published>",
            f"    <updated>{rfc3339(entry.published)}</updated>",
            f"    <author><name>{_text(entry.author)}</name></author>",
            *(f"    <category term={_attr(slug)} label={_attr(label)}"
              + (f" scheme={_attr(tag_scheme)}" if tag_scheme else "") + "/>" for slug, label in entry.tags),
            f'    <summary type="text">{_text(entry.summary)}</summary>',
            f'    <content type="html">{_text(entry.content_html)}</content>',
            "  </entry>",
        ]
    lines += ["</feed>", ""]
    return "\n".join(lines)


def json_feed(feed: Feed) -> str:
    items = []
    for entry in feed.items:
        data = {
            "id": entry.url,
            "url": entry.url,
            "title": entry.title,
            "summary": entry.summary,
            "content_html": entry.content_html,
            "image": entry.image,
            "date_published": rfc3339(entry.published),
            "authors": [{"name": entry.author}],
            "tags": [label for _, label in entry.tags],
        }
        items.append({key: value for key, value in data.items() if value})  # nothing null, nothing empty
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "home_page_url": feed.home_url,
        "feed_url": feed.feed_url,
        "description": feed.description,
        "language": feed.language,
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def teller_slug(perspective: str) -> str:
    """The told-by page's slug, as both engines make it from the category name: told-by-the-customer."""
    return PERSPECTIVES[perspective].lower().replace(" ", "-")


@dataclass(frozen=True)
class FeedLink:
    """A feed as pages link to it: <link rel="alternate"> in the head, a Subscribe link in the page."""

    path: str  # site-relative
    type: str
    title: str  # the feed's own title, and the link's
    format: str  # "RSS", "Atom", "JSON Feed": what a Subscribe link says


def site_links(site_name: str) -> tuple[FeedLink, ...]:
    return (FeedLink(RSS_FEED, TYPES["rss"], f"{site_name} (RSS)", "RSS"),
            FeedLink(ATOM_FEED, TYPES["atom"], f"{site_name} (Atom)", "Atom"),
            FeedLink(JSON_FEED, TYPES["json"], f"{site_name} (JSON Feed)", "JSON Feed"))


def tag_link(site_name: str, slug: str, label: str) -> FeedLink:
    return FeedLink(TAG_FEED.format(slug=slug), TYPES["atom"], f"{site_name}: {label}", "Atom")


def teller_link(site_name: str, perspective: str) -> FeedLink:
    return FeedLink(TELLER_FEED.format(slug=teller_slug(perspective)), TYPES["atom"],
                    f"{site_name}: {PERSPECTIVES[perspective]}", "Atom")


def site_feeds(items: Sequence[FeedItem], stories: Sequence[Story], site_name: str, site_url: str,
               tags: Sequence[tuple[str, str, str]], tag_url: str = "tags/{slug}/",
               teller_url: str = "stories/told-by/{slug}/") -> dict[str, str]:
    """Every feed of the site, by its path in the output: `items[i]` is `stories[i]`; `tags` is the vocabulary's
    (slug, label, description) in its order. Tags and tellers without a story get no feed."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    everything = newest(items)
    files = {
        RSS_FEED: rss(Feed(site_name, DESCRIPTION, base, base + RSS_FEED, everything)),
        JSON_FEED: json_feed(Feed(site_name, DESCRIPTION, base, base + JSON_FEED, everything)),
        ATOM_FEED: atom(Feed(site_name, DESCRIPTION, base, base + ATOM_FEED, everything), base + "tags/"),
    }
    for slug, label, description in tags:
        carrying = [i for i, story in zip(items, stories) if slug in story.tags]
        if carrying:
            link = tag_link(site_name, slug, label)
            files[link.path] = atom(Feed(link.title, description, base + tag_url.format(slug=slug),
                                         base + link.path, newest(carrying)), base + "tags/")
    for perspective, name in PERSPECTIVES.items():
        told = [i for i, story in zip(items, stories) if story.perspective == perspective]
        if told:
            link = teller_link(site_name, perspective)
            files[link.path] = atom(Feed(link.title, f"Stories {name[0].lower()}{name[1:]}.",
                                         base + teller_url.format(slug=teller_slug(perspective)),
                                         base + link.path, newest(told)), base + "tags/")
    return files
