"""The published stories as search records: one record per story, the same for both engines.

A record holds what a reader searches (the title and the story's plain text, nothing of the page around it),
a little metadata for the result (title, date, description, badge labels), the facets the Browse page filters on (tag,
perspective, industry, channel, year: slugs, which the page labels from the vocabulary) and the date to sort
by. Keeping the page chrome and the metadata out is what keeps one query's download small at 10,000 stories.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

from extramile.collection import Entry
from extramile.schema import PERSPECTIVES
from extramile.vocabulary import Vocabulary

FACETS = ("tag", "perspective", "industry", "channel", "year")

# Block elements: their text is a paragraph of its own in the record.
_BLOCKS = frozenset({"p", "div", "li", "ul", "ol", "blockquote", "pre", "table", "tr", "td", "th", "dl", "dt",
                     "dd", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "figure", "figcaption",
                     "br", "hr", "details", "summary", "caption"})
_SKIPPED = frozenset({"script", "style", "template", "noscript", "svg", "math", "head", "title"})
# Markup around the text that is not the story: heading permalinks (¶) and footnote back-links (↩).
_SKIPPED_CLASSES = frozenset({"headerlink", "footnote-backref"})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "col", "source", "area", "base"})
_SPACE = re.compile(r"\s+")
_MARKDOWN_SYNTAX = re.compile(r"<!--.*?-->|!?\[([^\]]*)\]\([^)]*\)|[*_`#>|]+|^\s*[-+]\s+|^\s*\d+\.\s+",
                              re.MULTILINE | re.DOTALL)


@dataclass(frozen=True)
class Record:
    url: str  # site-relative, e.g. "stories/free-chocolates/" (no leading slash)
    title: str
    paragraphs: tuple[str, ...]  # the story's plain text, a paragraph each
    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.skipping: list[str] = []  # open elements whose text is skipped

    def handle_starttag(self, tag, attrs):
        if self.skipping:
            if tag not in _VOID:
                self.skipping.append(tag)
            return
        classes = set((dict(attrs).get("class") or "").split())
        if tag in _SKIPPED or classes & _SKIPPED_CLASSES:
            if tag not in _VOID:
                self.skipping.append(tag)
            return
        if tag in _BLOCKS:
            self.flush()

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in _BLOCKS:
            self.flush()

    def handle_data(self, data):
        if not self.skipping:
            self.current.append(data)

    def flush(self):
        text = _SPACE.sub(" ", "".join(self.current)).strip()
        if text:
            self.paragraphs.append(text)
        self.current = []


def html_text(html: str) -> tuple[str, ...]:
    """The plain text of a story's (sanitised) HTML, one string per paragraph, without permalink marks."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    parser.flush()
    return tuple(parser.paragraphs)


def markdown_text(markdown: str) -> tuple[str, ...]:
    """A rough plain text of a story's Markdown: the fallback when no rendered HTML is at hand."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", markdown):
        text = _SPACE.sub(" ", _MARKDOWN_SYNTAX.sub(lambda m: m.group(1) or " ", block)).strip()
        if text:
            paragraphs.append(text)
    return tuple(paragraphs)


def _url(url: str) -> str:
    return url.lstrip("/") if url not in ("", "/") else ""


def build_records(entries: Iterable[Entry], html: Mapping[str, str], vocabulary: Vocabulary,
                  markdown: Mapping[str, str] | None = None, texts: dict | None = None) -> list[Record]:
    """One record per published story, newest first; drafts never, whatever the engine passes in.

    `html` maps an entry's key to its story's sanitised HTML (the body, without the page around it); an entry
    without HTML is read from `markdown` (key -> Markdown body) instead, and one with neither is an error.
    `texts`, if given, remembers the plain text of each HTML across calls (`mkdocs serve` rebuilds).
    """
    markdown = markdown or {}
    records = []
    for entry in sorted(entries, key=lambda e: (e.story.date, e.key), reverse=True):
        story = entry.story
        if story.draft:
            continue
        if entry.key in html:
            source = html[entry.key]
            paragraphs = texts.get(source) if texts is not None else None
            if paragraphs is None:
                paragraphs = html_text(source)
                if texts is not None:
                    texts[source] = paragraphs
        elif entry.key in markdown:
            paragraphs = markdown_text(markdown[entry.key])
        else:
            raise KeyError(f"no text for story {entry.key!r}: neither its HTML nor its Markdown was given")
        records.append(Record(
            url=_url(entry.url),
            title=story.title,
            paragraphs=paragraphs,
            meta={
                "title": story.title,
                "date": story.date.isoformat(),
                "description": story.description,
                "perspective": story.perspective,
                "told": PERSPECTIVES[story.perspective],
                "industry": vocabulary.label("industries", story.industry),
                "channel": vocabulary.label("channels", story.channel),
            },
            filters={
                "tag": tuple(story.tags),
                "perspective": (story.perspective,),
                "industry": (story.industry,),
                "channel": (story.channel,),
                "year": (str(story.date.year),),
            },
            sort={"date": story.date.isoformat()},
        ))
    return records

