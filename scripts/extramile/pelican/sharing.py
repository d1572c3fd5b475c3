"""The Pelican site's sharing tags, share links, preview images, feeds and robots.txt: the same core calls as
the Material site's (extramile/material/sharing.py), so both sites share the same way, at the same addresses:

- `prepare` (when the articles are final): each story's share links;
- `page_meta` (a template global, in base.html): the page's canonical address, Open Graph, Twitter and
  JSON-LD values;
- `write_outputs` (the extra pages generator): preview images, the site's card, robots.txt and every feed;
- `sitemap_dates`: each story page's sitemap date, the day it was published.

Pelican's own feed writer is switched off (pelicanconf.py): its feeds would date a story by when it happened
and carry its summary only.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup

from extramile import feeds, forking, preview_image, sharing
from extramile.atomic import write_if_changed
from extramile.collection import published_on

SITE_IMAGE = "theme/images/share.png"  # the card of every page that is not a story
ROBOTS = "robots.txt"


def site_name(settings) -> str:
    """The site's whole name, as mkdocs.yml's site_name spells it: the cards and feeds are the same on both sites."""
    name, tagline = settings.get("SITENAME", ""), settings.get("SITESUBTITLE", "")
    return f"{name} — {tagline}" if tagline else name


def base_url(settings) -> str:
    """The site's public address, with its final slash: absolute even when pages link relatively."""
    return (settings.get("FEED_DOMAIN") or settings.get("SITEURL") or "").rstrip("/") + "/"


def site_card(settings) -> preview_image.Card:
    """The image of every page that is not a story: the site's name and description, as on the Material site."""
    name = site_name(settings)
    return preview_image.Card(title=settings.get("SITEDESCRIPTION") or name, site_name=name)


def prepare(articles, settings) -> None:
    """Each story's share links, for article.html."""
    base = base_url(settings)
    for article in articles:
        article.share = sharing.share(base + article.url, article.story.title, article.story.description,
                                      site_name(settings))


def _plain(value) -> str:
    """A block's output (escaped Markup under autoescape) as the plain text it shows."""
    return Markup(value).unescape().strip() if isinstance(value, Markup) else str(value or "").strip()


@pass_context
def page_meta(context, title, description) -> sharing.PageMeta | None:
    """The sharing tags of the page being written; `title` and `description` are its blocks. None for the
    page of missing addresses (404.html), which is no page to share."""
    output = context.get("output_file") or ""
    if not output or output == "404.html":
        return None
    base = base_url(context)
    url = base + (output[: -len("index.html")] if output.endswith("index.html") else output)
    name = site_name(context)
    article = context.get("article")
    if article is not None and getattr(article, "save_as", None) == output and hasattr(article, "story"):
        labels = [context["label"]("tags", tag) for tag in article.story.tags] if "label" in context else []
        image = base + preview_image.image_path(article.url)
        return sharing.story_meta(article.story, url, image, name, base, labels)
    text = _plain(title)
    suffix = f" — {context.get('SITENAME', '')}"
    if text.endswith(suffix) and text != name:
        text = text[: -len(suffix)]
    return sharing.page_meta(text, _plain(description), url, base + SITE_IMAGE, name, site_card(context).title)


def write_outputs(generator) -> None:
    settings, output = generator.settings, Path(generator.output_path)
    articles = list(generator.context.get("articles") or [])
    name, base = site_name(settings), base_url(settings)
    cache = preview_image.PreviewCache.for_project(Path(settings["EXTRAMILE_ROOT"]))
    cards = [site_card(settings)]
    targets = [SITE_IMAGE]
    for article in articles:
        cards.append(preview_image.story_card(article.story.title, article.story.perspective, name))
        targets.append(preview_image.image_path(article.url))
    for target, path in zip(targets, cache.ensure(cards, forking.workers())):
        destination = output / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    if not (Path(settings["PATH"]) / ROBOTS).is_file():  # the site's own robots.txt, if it has one, wins
        write_if_changed(output / ROBOTS, sharing.robots_txt(base))
    vocabulary = generator.context["vocabulary"]
    labels = {term.slug: term.label for term in vocabulary.tags}
    items = [feeds.item(article.story, base + article.url, article.get_content(base.rstrip("/")), labels,
                        image=base + preview_image.image_path(article.url)) for article in articles]
    tags = [(term.slug, term.label, term.description) for term in vocabulary.tags]
    written = feeds.site_feeds(items, [article.story for article in articles], name, base, tags,
                               tag_url=settings["TAG_URL"], teller_url=settings["CATEGORY_URL"])
    for path, text in written.items():
        write_if_changed(output / path, text)


def sitemap_dates(articles) -> dict[str, str]:
    """Each story page (its path in the output) -> the day it was published."""
    return {article.save_as: published_on(article.story).isoformat() for article in articles}
