"""What every built page must say when it is shared, checked the same way on both engines' real builds
(tests/site/test_sharing.py, tests/pelican/test_sharing.py)."""

from __future__ import annotations

import datetime as dt
import json
import struct
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup

SITE_URL = "http://127.0.0.1:8000/"  # the tests build without SITE_URL: mkdocs.yml's and pelicanconf's default
NETWORKS = {"mastodon": "s2f.kytta.dev", "bluesky": "bsky.app", "linkedin": "www.linkedin.com",
            "facebook": "www.facebook.com", "x": "x.com"}


def meta(page: BeautifulSoup, key: str) -> str:
    """The content of the one <meta property=key> (Open Graph) or <meta name=key> (Twitter)."""
    found = page.select(f'meta[property="{key}"]') + page.select(f'meta[name="{key}"]')
    assert len(found) == 1, f"{key}: {len(found)} tags"
    return found[0]["content"]


def canonical(page: BeautifulSoup) -> str:
    links = page.select('link[rel="canonical"]')
    assert len(links) == 1, f"{len(links)} canonical links"
    return links[0]["href"]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def site_path(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL), url
    return site / url[len(SITE_URL):]


def page_url(site: Path, index: Path) -> str:
    """The public address of the page written to `index` (a folder's index.html)."""
    folder = index.parent.relative_to(site).as_posix()
    return SITE_URL if folder == "." else f"{SITE_URL}{folder}/"


def check_page(page: BeautifulSoup, url: str) -> None:
    """Any page: one canonical address (its own), and Open Graph and Twitter card tags that agree with it."""
    assert canonical(page) == url
    assert meta(page, "og:url") == url
    for key in ("og:title", "og:description", "og:site_name", "og:image", "og:image:alt", "twitter:title",
                "twitter:description", "twitter:image"):
        assert meta(page, key).strip(), key
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:image") == meta(page, "og:image")
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    types = {link["type"]: link["href"] for link in page.select('link[rel="alternate"][type]')}
    assert {"application/rss+xml", "application/atom+xml", "application/feed+json"} <= set(types), types


def check_story_page(site: Path, page: BeautifulSoup, url: str, post) -> None:
    """A story's page: its sharing tags, its JSON-LD Article, its preview image and its share links."""
    check_page(page, url)
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:title") == post["title"] and meta(page, "og:description") == post["description"]
    published = post.get("published") or post["date"]
    assert meta(page, "article:published_time") == published.isoformat()

    image = meta(page, "og:image")
    assert image == url + "preview.png"
    assert png_size(site_path(site, image)) == (1200, 630)

    scripts = page.select('script[type="application/ld+json"]')
    assert len(scripts) == 1
    text = scripts[0].string
    assert "<" not in text and ">" not in text
    data = json.loads(text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["headline"] == post["title"] and data["description"] == post["description"]
    assert data["datePublished"] == published.isoformat()
    assert data["temporalCoverage"] == post["date"].isoformat()
    assert data["author"]["@type"] in ("Person", "Organization") and data["author"]["name"] == post["told_by"]
    assert data["about"] == {"@type": "Organization", "name": post["business"]}
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["url"] == SITE_URL
    assert data["url"] == url and data["mainEntityOfPage"]["@id"] == url
    assert data["image"]["url"] == image

    check_share_links(page, url, post["title"])


def check_share_links(page: BeautifulSoup, url: str, title: str) -> None:
    box = page.select_one("[data-em-share]")
    assert box is not None and box["data-url"] == url
    assert box.select_one("button[data-em-share-copy]") and box.select_one("button[data-em-share-native]")
    links = {link["class"][-1].rsplit("--", 1)[1]: link for link in box.select("a.em-share__link")}
    assert set(links) == {"email", *NETWORKS}
    for link in links.values():
        assert set(link["rel"]) == {"noopener", "noreferrer"}
    mail = urlsplit(links["email"]["href"])
    assert mail.scheme == "mailto" and not mail.path  # no address: the reader's mail program asks
    fields = parse_qs(mail.query)
    assert title in fields["subject"][0] and url in fields["body"][0]
    for name, host in NETWORKS.items():
        address = urlsplit(links[name]["href"])
        assert address.scheme == "https" and address.hostname == host, name
        assert url in " ".join(value for values in parse_qs(address.query).values() for value in values), name
    # No network's script: every script the page loads is the site's own.
    for script in page.select("script[src]"):
        assert not urlsplit(script["src"]).netloc, script["src"]


def check_dates(page: BeautifulSoup, post) -> None:
    """"Happened" is when it happened; "Published" is shown where the day differs."""
    facts = {dt_.get_text(strip=True): dd for dt_, dd in zip(page.select(".em-facts dt"), page.select(".em-facts dd"))}
    assert facts["Happened"].time["datetime"] == post["date"].isoformat()
    published = post.get("published")
    if published and published != post["date"]:
        assert facts["Published"].time["datetime"] == published.isoformat()
        assert facts["Published"].get_text(strip=True) == f"{published.day} {published:%B %Y}"
    else:
        assert "Published" not in facts


def check_robots(site: Path) -> None:
    lines = (site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert f"Sitemap: {SITE_URL}sitemap.xml" in lines


def sitemap_dates(site: Path) -> dict[str, str | None]:
    import xml.etree.ElementTree as ET

    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    return {url.findtext(f"{ns}loc"): url.findtext(f"{ns}lastmod")
            for url in ET.parse(site / "sitemap.xml").getroot().iter(f"{ns}url")}


def published_day(post) -> dt.date:
    return post.get("published") or post["date"]
