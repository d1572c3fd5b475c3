"""The `extramile-search` MkDocs plugin: the Pagefind index of the published stories, on every build.

It replaces Material's `search` plugin, which sends the whole collection's index to every reader. It reads the
stories from the `extramile` plugin (which validates them and knows which ones this build publishes), keeps
each story's HTML once it is sanitised, and writes `<site_dir>/pagefind/` after the build: `mkdocs build` and
`mkdocs serve` both produce it, and drafts are never in it (not even under `serve`, which shows them).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from extramile.reader import read_story
from extramile.search.index import SearchIndexError, write_index
from extramile.search.records import build_records


class SearchConfig(Config):
    pass


class SearchPlugin(BasePlugin[SearchConfig]):
    supports_multiple_instances = False

    def on_config(self, config):
        self.extramile = config.plugins.get("extramile")
        if self.extramile is None:
            raise PluginError("extramile-search: the extramile plugin must be enabled before it")
        self.html: dict[str, str] = {}  # story HTML by src_uri, sanitised
        return config

    @event_priority(-100)  # last: after the extramile plugin (100) has sanitised the story
    def on_page_content(self, html, *, page, config, files):
        if page.file.src_uri in self.extramile.stories:
            self.html[page.file.src_uri] = html
        return html

    def on_post_build(self, *, config):
        entries = self.extramile.entries  # what this build publishes (drafts too under `serve`: dropped below)
        sources = {Path(uri).stem: uri for uri in self.extramile.stories}
        html = {entry.key: self.html[sources[entry.key]] for entry in entries
                if sources.get(entry.key) in self.html}
        # `mkdocs build --dirty` renders only changed pages: the others are indexed from their Markdown.
        markdown = {}
        for entry in entries:
            if entry.key not in html and entry.key in sources:
                path = Path(config.docs_dir) / sources[entry.key]
                markdown[entry.key] = read_story(path).body
        records = build_records(entries, html, self.extramile.vocabulary, markdown)
        try:
            write_index(records, Path(config.site_dir))
        except SearchIndexError as error:
            raise PluginError(f"extramile-search: {error}") from None
