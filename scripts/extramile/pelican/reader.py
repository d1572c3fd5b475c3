"""Pelican's reader for story files: the files as they are, YAML front matter and all, checked by the one schema.

- every story is validated exactly as `extramile check` and the Material plugin validate it; the problems are
  collected with file and line, and the plugin fails the build with all of them at once;
- a draft is returned as status "skip": Pelican then never renders, lists nor writes it (not even drafts/);
- the teller's perspective becomes the category, tags keep their vocabulary slug and show its label.

Every story goes through `extramile.check.checked_story`, the checker's own reading, so that its problems are
reported exactly as `extramile check` reports them.
"""

from __future__ import annotations

import html
import math
import os
import re
from pathlib import Path

from pelican.readers import BaseReader
from pelican.urlwrappers import Author, Category, Tag
from pelican.utils import SafeDatetime

from extramile.check import Finding, checked_story
from extramile.contacts import load_allowed
from extramile.reader import read_story
from extramile.schema import PERSPECTIVES
from extramile.slug import slugify
from extramile.vocabulary import load_vocabulary

from extramile.pelican import prerender
from extramile.pelican.site import Renderer

WORDS_PER_MINUTE = 230  # the same pace as the Material site's read time (post_readtime_words_per_minute)
_WORD = re.compile(r"\w+")
_TAGS = re.compile(r"<[^>]+>")
# Material's excerpt marker means nothing to Pelican, whose summary is the story's description.
_MORE = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.M)


def read_minutes(html_text: str) -> int:
    return max(1, math.ceil(len(_WORD.findall(_TAGS.sub(" ", html_text))) / WORDS_PER_MINUTE))


class StoryReader(BaseReader):
    """Reads content/stories/posts/*.md. Registered for .md by the plugin, never picked up on its own."""

    enabled = True
    file_extensions: list[str] = []  # Pelican adopts every BaseReader subclass for the extensions listed here

    def __init__(self, settings):
        super().__init__(settings)
        self.root = Path(settings["EXTRAMILE_ROOT"])
        self.vocabulary = load_vocabulary(Path(settings["EXTRAMILE_VOCABULARY"]))
        self.public_contacts = load_allowed(self.root)
        self.findings: list[Finding] = []
        self._renderer: Renderer | None = None
        self._content = Path(settings["PATH"])
        self._pool: prerender.Prerendered | None = None

    @property
    def renderer(self) -> Renderer:
        if self._renderer is None:
            self._renderer = Renderer(self.settings)
        return self._renderer

    def read(self, source_path):
        path = Path(source_path)
        story, problems, content = self._prepared(path)
        if problems:
            self.findings.extend(problems)
            return None, {"status": "skip"}
        if story.draft:
            return None, {"status": "skip"}
        label = PERSPECTIVES[story.perspective]
        metadata = {
            "title": story.title,
            "date": SafeDatetime(story.date.year, story.date.month, story.date.day),
            "slug": path.stem,
            # Pelican prints the summary as HTML: the description is plain text, so it goes in escaped.
            "summary": html.escape(story.description, quote=False),
            "category": self._wrap(Category, label, slugify(label)),
            "tags": [self._wrap(Tag, self.vocabulary.label("tags", tag), tag) for tag in story.tags],
            "author": Author(story.told_by, self.settings),
            "status": "published",
            "story": story,
            "readtime": read_minutes(content),
        }
        return content, metadata

    def _prepared(self, path: Path):
        """(story, problems, HTML): from the pool of workers when there is one (prerender.py), else read here."""
        if self._pool is None and prerender.usable():
            self._pool = prerender.Prerendered(self._prepare, prerender.story_files(path.parent))
        found = self._pool.take(str(path)) if self._pool else None
        return found if found is not None else self._prepare(str(path))

    def _prepare(self, source_path: str):
        path = Path(source_path)
        story_file = read_story(path)
        story, problems = checked_story(story_file, self.vocabulary, self._shown(path), self.public_contacts)
        if problems or story.draft:
            return story, problems, None
        return story, problems, self.renderer.render(_MORE.sub("", story_file.body), self._content_relative(path))

    def _wrap(self, cls, name: str, slug: str):
        # Shown by label, addressed by the vocabulary's slug: the same URLs as the Material site.
        item = cls(name, self.settings)
        item.slug = slug
        return item

    def _shown(self, path: Path) -> str:
        try:
            return os.path.relpath(path, self.root)
        except ValueError:  # another drive on Windows
            return str(path)

    def _content_relative(self, path: Path) -> str:
        return Path(os.path.relpath(path, self._content)).as_posix()
