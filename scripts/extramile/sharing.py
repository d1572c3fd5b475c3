"""What a page says about itself when it is shared or indexed, for both engines: Open Graph and Twitter card
values, a story's schema.org JSON-LD, the share links under a story, and robots.txt.

Plain functions over plain values: each engine's templates print what these return (escaping every value,
except the JSON-LD, which `json_for_script` makes safe inside a <script> element by itself).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from markupsafe import Markup

from extramile.collection import published_on
from extramile.preview_image import HEIGHT, WIDTH
from extramile.schema import PERSPECTIVES, Story

TWITTER_CARD = "summary_large_image"


@dataclass(frozen=True)
class PageMeta:
    """The sharing tags of one page: every URL absolute."""

    title: str
    description: str
    url: str  # the page's one canonical address
    image: str  # a 1200×630 PNG: the story's preview, else the site's card
    image_alt: str
    site_name: str
    type: str = "website"  # "article" for a story
    jsonld: Markup | None = None  # a story's Article, ready to print inside <script type="application/ld+json">
    published: str = ""  # a story's article:published_time
    image_width: int = WIDTH
    image_height: int = HEIGHT
    twitter_card: str = TWITTER_CARD


def short_name(site_name: str) -> str:
    """The site's name without its tagline ("Extra Mile — stories of …" -> "Extra Mile"): what sharing shows."""
    return site_name.partition(" — ")[0].strip() or site_name


def story_meta(story: Story, url: str, image: str, site_name: str, site_url: str, labels=()) -> PageMeta:
    name = short_name(site_name)
    # What the preview image shows, in words (og:image:alt, twitter:image:alt): preview_image.story_card.
    alt = f"{story.title}: {PERSPECTIVES[story.perspective].lower()}, on {name}"
    return PageMeta(
        title=story.title, description=story.description, url=url, image=image, image_alt=alt, site_name=name,
        type="article", published=published_on(story).isoformat(),
        jsonld=json_for_script(article_jsonld(story, url, image, name, site_url, labels)),
    )


def page_meta(title: str, description: str, url: str, image: str, site_name: str, card_text: str) -> PageMeta:
    """Any other page: its image is the site's card, which shows `card_text` (the site's description)."""
    name = short_name(site_name)
    return PageMeta(title=title, description=description, url=url, image=image, image_alt=f"{name}: {card_text}",
                    site_name=name)


def article_jsonld(story: Story, url: str, image: str, site_name: str, site_url: str, labels=()) -> dict:
    """A story as a schema.org Article: published is when it went on the site, temporalCoverage when it
    happened; the author is the teller, what it is about the business."""
    # The teller is the business itself when it tells the story under its own name; else a person.
    author_type = "Organization" if story.perspective == "business" and story.told_by == story.business else "Person"
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": story.title,
        "description": story.description,
        "datePublished": published_on(story).isoformat(),
        "temporalCoverage": story.date.isoformat(),
        "author": {"@type": author_type, "name": story.told_by},
        "publisher": {"@type": "Organization", "name": site_name, "url": site_url},
        "about": {"@type": "Organization", "name": story.business},
        "image": {"@type": "ImageObject", "url": image, "width": WIDTH, "height": HEIGHT},
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": "en",
    }
    if labels:
        data["keywords"] = list(labels)
    return data


# Inside <script>, the HTML parser ends the element at `</script` and treats `<!--` specially, whatever JSON
# means: `<`, `>` and `&` are written as JSON escapes, so no story text can end the element or open a comment.
# U+2028 and U+2029 are escaped too (they end a line in older JavaScript parsers that might read it).
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                              "\u2029": "\\u2029"})


def json_for_script(data) -> Markup:
    """`data` as JSON that is safe as the whole text of a <script> element (JSON-LD)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_SAFE)
    return Markup(text)


@dataclass(frozen=True)
class ShareLink:
    name: str  # a stable key: "email", "mastodon" … (CSS, tests)
    label: str  # what the link shows
    href: str

    @property
    def aria_label(self) -> str:  # what a screen reader's list of links says, the shown label in it
        return "Share by e-mail" if self.name == "email" else f"Share on {self.label}"


@dataclass(frozen=True)
class Share:
    """The share links under a story: the page's address and title for the copy and share buttons, and plain
    links to each network's own share page (no script of theirs, nothing loaded until the reader clicks)."""

    url: str
    title: str
    text: str
    links: tuple[ShareLink, ...]


def _query(**values: str) -> str:
    return urlencode(values, quote_via=quote)  # %20 for spaces: mail programs do not read + as a space


def share(url: str, title: str, description: str, site_name: str) -> Share:
    line = f"{title} — {short_name(site_name)}"
    return Share(url=url, title=title, text=description, links=(
        ShareLink("email", "E-mail", "mailto:?" + _query(subject=line, body=f"{description}\n\n{url}")),
        # Mastodon has no single address to share to (each reader has their own server): Share₂Fedi asks for
        # it, then opens that server's own share page.
        ShareLink("mastodon", "Mastodon", "https://s2f.kytta.dev/?" + _query(text=f"{line}\n{url}")),
        ShareLink("bluesky", "Bluesky", "https://bsky.app/intent/compose?" + _query(text=f"{line} {url}")),
        ShareLink("linkedin", "LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + _query(url=url)),
        ShareLink("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?" + _query(u=url)),
        ShareLink("x", "X", "https://x.com/intent/post?" + _query(text=line, url=url)),
    ))


def robots_txt(site_url: str, sitemap: str = "sitemap.xml") -> str:
    """Every crawler may read everything; the sitemap is at its absolute address."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    return f"User-agent: *\nAllow: /\n\nSitemap: {base}{sitemap}\n"
