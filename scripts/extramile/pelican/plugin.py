"""Extra Mile's Pelican plugin (`PLUGINS = ["extramile.pelican.plugin"]`).

- story files are read by our reader (`extramile.pelican.reader`), which validates every one;
- any invalid story fails the build, every problem listed with file and line;
- the story sanitiser runs on every story's HTML, before any page or feed uses it;
- templates get the vocabulary, the collection (featured, latest, related stories, tag counts, industries),
  the Submit form's settings and the MkDocs pages' texts; a `url` filter, as the shared form expects;
- sharing tags, share links, preview images, feeds and robots.txt come from the core, through sharing.py.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from fnmatch import fnmatch
from pathlib import Path

from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals
from pelican.contents import Article

from extramile import collection, feeds
from extramile.collection import Entry
from extramile.dates import day_month_year, long_date, month_year
from extramile.pelican.generators import ExtraPagesGenerator
from extramile.pelican import sharing
from extramile.pelican.reader import StoryReader
from extramile.pelican.site import SITE_LINK, Renderer, page_texts, site_intake
from extramile.posts_folder import kind_of
from extramile.schema import PERSPECTIVES
from extramile.vocabulary import load_vocabulary

try:  # The sanitiser is its own stage; without it no story is published at all (see `sanitize`).
    from extramile.sanitize import sanitize_html
except ModuleNotFoundError:  # pragma: no cover
    sanitize_html = None

READER_EXTENSIONS = ("md",)


class StoryError(Exception):
    """Stories that do not pass the schema: the build stops and names each problem."""


def register() -> None:
    signals.readers_init.connect(use_story_reader)
    signals.generator_init.connect(add_template_helpers)
    signals.content_object_init.connect(sanitize)
    signals.article_generator_pretaxonomy.connect(check_and_relate)
    signals.article_generator_finalized.connect(add_collection)
    signals.get_generators.connect(extra_generators)
    signals.static_generator_finalized.connect(keep_sources_unpublished)


def use_story_reader(readers) -> None:
    for extension in READER_EXTENSIONS:
        readers.reader_classes[extension] = StoryReader


def sanitize(content) -> None:
    if not isinstance(content, Article) or not content._content:
        return
    if sanitize_html is None:  # pragma: no cover
        raise StoryError("extramile.sanitize is missing: story HTML cannot be published unsanitised")
    content._content = sanitize_html(content._content)


def check_and_relate(generator) -> None:
    """Fail on invalid stories, then give each story its related ones (before Pelican lists anything)."""
    reader = generator.readers.readers.get(READER_EXTENSIONS[0])
    findings = sorted(getattr(reader, "findings", []))
    if findings:
        listing = "\n".join(f"  {finding}" for finding in findings)
        raise StoryError(f"{len(findings)} problem(s) in stories (run `extramile check`):\n{listing}")
    entries = [_entry(article) for article in generator.articles]
    related = collection.related(entries)  # collection.related's answer, in a fraction of the time
    neighbours = collection.neighbours(entries)  # the stories published just before and after each
    for article in generator.articles:
        article.related = related.get(article.slug, [])
        article.neighbours = neighbours.get(article.slug, (None, None))
    generator.extramile_entries = entries


def keep_sources_unpublished(generator) -> None:
    """No Markdown source (a draft, a MkDocs page) and no vocabulary is ever copied into the site as is."""
    patterns = [p.lower() for p in generator.settings.get("EXTRAMILE_NOT_STATIC", ["*.md", "vocabulary.yml"])]
    posts = [path.rstrip("/") + "/" for path in generator.settings.get("ARTICLE_PATHS", [])]

    def unpublished(path: str) -> bool:
        if any(path.startswith(folder) for folder in posts):  # an allow-list there (posts_folder.py)
            return kind_of(path) != "image"
        path = path.lower()  # x.MD is as much a source as x.md
        return any(fnmatch(path, pattern) or fnmatch(posixpath.basename(path), pattern) for pattern in patterns)

    dropped = {static.source_path for static in generator.staticfiles if unpublished(static.relative_source_path)}
    generator.staticfiles[:] = [s for s in generator.staticfiles if s.source_path not in dropped]
    for key, static in list(generator.context["static_content"].items()):
        if static.source_path in dropped:
            del generator.context["static_content"][key]


def add_collection(generator) -> None:
    settings = generator.settings
    root = Path(settings["EXTRAMILE_ROOT"])
    vocabulary = load_vocabulary(Path(settings["EXTRAMILE_VOCABULARY"]))
    entries = getattr(generator, "extramile_entries", [])
    featured = collection.featured(entries)
    sharing.prepare(generator.articles, settings)
    by_industry: dict[str, list] = defaultdict(list)
    for article in generator.articles:
        by_industry[article.story.industry].append(article)
    generator.context.update(
        vocabulary=vocabulary,
        perspectives=PERSPECTIVES,
        featured=featured,
        latest=collection.latest(entries, skip=featured),
        tag_counts=collection.tag_counts(entries),
        industries={term.slug: by_industry[term.slug] for term in vocabulary.industries if by_industry[term.slug]},
        intake=site_intake(root),
        site_feeds=feeds.site_links(sharing.site_name(settings)),  # <head> and the footer's Subscribe
        texts=page_texts(Path(settings["PATH"]), Renderer(settings)),
        values={},
        errors={},
    )


def add_template_helpers(generator) -> None:
    generator.env.filters["url"] = site_url
    generator.env.filters["longdate"] = long_date
    generator.env.filters["monthyear"] = month_year
    generator.env.filters["daymonthyear"] = day_month_year
    generator.env.filters["site_links"] = site_links
    generator.env.globals["label"] = _labeller(generator.settings)
    generator.env.globals["page_meta"] = sharing.page_meta  # base.html: the page's sharing tags
    generator.env.globals["tag_feed"], generator.env.globals["teller_feed"] = _feed_links(generator.settings)
    shared = generator.settings.get("EXTRAMILE_SHARED_TEMPLATES")
    if shared:
        # After the theme's own templates: the shared ones (the story form) never override Pelican's.
        generator.env.loader.loaders[0].searchpath.append(str(shared))


def extra_generators(pelican):
    return ExtraPagesGenerator


@pass_context
def site_url(context, path: str) -> str:
    """A site-relative path as a link from the page being written (the `url` filter the shared form uses)."""
    path = str(path or "")
    if "://" in path or path.startswith(("/", "#", "mailto:")):
        return path
    return f"{context.get('SITEURL') or ''}/{path}"  # SITEURL is ".." (relative) or absolute, never ""


@pass_context
def site_links(context, html: str) -> Markup:
    """A page's text (our own Markdown, not a story) with its links completed for the page being written."""
    base = context.get("SITEURL") or ""
    return Markup(str(html).replace(f'"{SITE_LINK}', f'"{base}/'))


def _feed_links(settings):
    """A tag's feed (tag.html) and a teller's (category.html), by slug and label."""
    name = sharing.site_name(settings)
    return (lambda slug, label: feeds.tag_link(name, slug, label),
            lambda slug, label: feeds.FeedLink(feeds.TELLER_FEED.format(slug=slug), feeds.TYPES["atom"],
                                               f"{name}: {label}", "Atom"))


def _labeller(settings):
    vocabulary = load_vocabulary(Path(settings["EXTRAMILE_VOCABULARY"]))
    return vocabulary.label


def _entry(article) -> Entry:
    return Entry(key=article.slug, url=article.url, story=article.story)
