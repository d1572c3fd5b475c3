"""The `extramile-search` MkDocs plugin: the search index of the published stories, on every build.

It replaces Material's `search` plugin, which sends the whole collection's index to every reader. It reads the
stories from the `extramile` plugin (which validates them and knows which ones this build publishes), keeps
each story's HTML once it is sanitised, and writes `<site_dir>/search/` after the build: `mkdocs build` and
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
    serving = False

    def on_startup(self, *, command, dirty):
        # Defining this keeps the plugin across `mkdocs serve` rebuilds: a quick rebuild (`--dirty`) renders only
        # the edited stories, and the others are indexed from the HTML an earlier build gave them.
        self.serving = command == "serve"
        self.html: dict[str, str] = {}
        self.texts: dict[str, tuple[str, ...]] = {}
        self.memo: dict = {}  # each record's compressed document and terms (index.build_files)

    def on_config(self, config):
        self.extramile = config.plugins.get("extramile")
        if self.extramile is None:
            raise PluginError("extramile-search: the extramile plugin must be enabled before it")
        if not self.serving:
            self.html, self.texts, self.memo = {}, None, None  # story HTML by src_uri, sanitised
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
        # `mkdocs build --dirty` renders only changed pages: the others are indexed from their Markdown (under
        # `serve`, from their HTML of an earlier build, as long as the file is unchanged).
        markdown = {}
        for entry in entries:
            if entry.key not in html and entry.key in sources:
                path = Path(config.docs_dir) / sources[entry.key]
                markdown[entry.key] = read_story(path).body
        records = build_records(entries, html, self.extramile.vocabulary, markdown, self.texts)
        try:
            write_index(records, Path(config.site_dir), self.memo)
        except SearchIndexError as error:
            raise PluginError(f"extramile-search: {error}") from None
