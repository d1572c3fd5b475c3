"""Search and the Browse page on Pelican (`PLUGINS = [..., "extramile.search.pelican_plugin"]`).

- the Browse page (`browse/`), from theme/pelican/templates/browse.html with its text from content/browse.md;
- the search script and style, copied from the Material theme so that both sites run the same code;
- the search index of the published stories, written into `<output>/search/` when the build is finished
  (the `finalized` signal), from the same records as the Material site's.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from extramile.collection import Entry
from extramile.pelican.site import PageText, Renderer
from extramile.reader import read_story
from extramile.search.index import write_index
from extramile.search.records import build_records
from extramile.vocabulary import load_vocabulary

BROWSE_URL = "browse/"
BROWSE_SAVE_AS = "browse/index.html"
BROWSE_SOURCE = "browse.md"
# Shared files: source (relative to the project root) -> destination (relative to the output folder).
ASSETS = {
    "theme/material/assets/javascripts/browse.js": "theme/js/browse.js",
    "theme/material/assets/stylesheets/browse.css": "theme/css/browse.css",
}
_LEADING_H1 = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*(?:\n|\Z)")


def register() -> None:
    signals.get_generators.connect(browse_generator)


def browse_generator(pelican):
    return BrowseGenerator


class BrowseGenerator(Generator):
    """The Browse page and the search assets; the index once every page is written."""

    def generate_context(self):
        self.context["BROWSE_URL"] = BROWSE_URL  # base.html links to it from every page

    def generate_output(self, writer):
        articles = [a for a in self.context.get("articles", []) if not a.story.draft]
        years = sorted({article.story.date.year for article in articles}, reverse=True)
        writer.write_file(
            BROWSE_SAVE_AS, self.get_template("browse"), self.context,
            relative_urls=self.settings["RELATIVE_URLS"], url=BROWSE_URL, template_name="browse",
            browse_text=browse_text(Path(self.settings["PATH"]), self.settings),
            browse_years=years, browse_tag_counts=self.context.get("tag_counts", {}),
        )
        root = Path(self.settings["EXTRAMILE_ROOT"])
        for source, destination in ASSETS.items():
            target = Path(self.output_path, destination)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / source, target)
        signals.finalized.connect(self._write_index, weak=False)

    def _write_index(self, pelican):
        signals.finalized.disconnect(self._write_index)
        articles = self.context.get("articles", [])
        entries = [Entry(key=a.slug, url=a.url, story=a.story) for a in articles]
        html = {article.slug: article.content for article in articles}
        vocabulary = load_vocabulary(Path(self.settings["EXTRAMILE_VOCABULARY"]))
        write_index(build_records(entries, html, vocabulary), Path(self.output_path))


def browse_text(content: Path, settings: dict) -> PageText | None:
    """The Browse page's title, heading, description and intro, from content/browse.md (as the other pages)."""
    path = content / BROWSE_SOURCE
    if not path.is_file():
        return None
    page = read_story(path)
    metadata = page.metadata if isinstance(page.metadata, dict) else {}
    title = str(metadata.get("title") or "Browse")
    body, heading = page.body, title
    match = _LEADING_H1.match(body)
    if match:
        body, heading = body[match.end():], match.group(1)
    html = Renderer(settings).render(body, BROWSE_SOURCE, story=False)
    return PageText(title=title, heading=heading, description=str(metadata.get("description") or ""), html=html)
