"""Search and the Browse page on Pelican (`PLUGINS = [..., "extramile.search.pelican_plugin"]`).

- the Browse page (`browse/`), from theme/pelican/templates/browse.html with its text from content/browse.md;
- the search script and style, copied from the Material theme so that both sites run the same code;
- the search index of the published stories, written into `<output>/search/` from the same records as the
  Material site's: by a second process from the moment every story is read (search/background.py), waited
  for when the build is finished (the `finalized` signal).
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
from extramile.search.background import IndexJob
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
    """The Browse page and the search assets; the index beside the pages, from when every story is read."""

    def generate_context(self):
        self.context["BROWSE_URL"] = BROWSE_URL  # base.html links to it from every page
        signals.all_generators_finalized.connect(self.start_index, weak=False)

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

    def start_index(self, generators) -> None:
        """Every story is read: write the index in a second process while Pelican writes the pages."""
        signals.all_generators_finalized.disconnect(self.start_index)
        articles = list(self.context.get("articles", []))
        vocabulary = load_vocabulary(Path(self.settings["EXTRAMILE_VOCABULARY"]))

        def records():
            entries = [Entry(key=a.slug, url=a.url, story=a.story) for a in articles]
            return build_records(entries, {article.slug: article.content for article in articles}, vocabulary)

        self.index = IndexJob(records, Path(self.output_path))
        self.index.start()
        signals.finalized.connect(self.finish_index, weak=False)

    def finish_index(self, pelican) -> None:
        signals.finalized.disconnect(self.finish_index)
        self.index.finish()


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
