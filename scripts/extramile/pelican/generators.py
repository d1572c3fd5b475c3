"""Output Pelican has no notion of: a page per industry, the shared assets, withdrawn stories' pages, a sitemap;
and, through sharing.py, the preview images, the feeds and robots.txt.

The assets (logo, the story form's script and style) live once, in the Material theme; they are copied from
there, so that both sites show the same logo and run the same form code.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from xml.sax.saxutils import escape

from pelican import signals
from pelican.generators import Generator

from extramile import withdrawn
from extramile.ledger import LEDGER_FILE
from extramile.pelican import sharing

log = logging.getLogger(__name__)

# Shared files: source (relative to the project root) -> destination (relative to the output folder).
SHARED_ASSETS = {
    "theme/material/assets/images/logo.svg": "theme/images/logo.svg",
    "theme/material/assets/javascripts/story-form.js": "theme/js/story-form.js",
    "theme/material/assets/stylesheets/story-form.css": "theme/css/story-form.css",
    # Both engines' colour tokens, cards, story page, listings, 404 and print (before theme/css/extramile.css).
    "theme/shared/assets/stylesheets/extramile-shared.css": "theme/css/extramile-shared.css",
    "theme/material/assets/javascripts/share.js": "theme/js/share.js",  # a story's share box
    "theme/material/assets/stylesheets/share.css": "theme/css/share.css",
}


class ExtraPagesGenerator(Generator):
    """Industry pages (paginated like tag pages), the industries index, shared assets, withdrawn stories' pages,
    sitemap.xml."""

    def generate_context(self):
        self.written: list[str] = []
        signals.content_written.connect(self._remember, weak=False)
        self.withdrawn = self._withdrawn_slugs()

    def generate_output(self, writer):
        write = writer.write_file
        relative = self.settings["RELATIVE_URLS"]
        industries = self.context.get("industries", {})
        vocabulary = self.context["vocabulary"]
        template = self.get_template("industry")
        for term in vocabulary.industries:
            articles = industries.get(term.slug)
            if not articles:
                continue
            url = self.settings["INDUSTRY_URL"].format(slug=term.slug)
            save_as = self.settings["INDUSTRY_SAVE_AS"].format(slug=term.slug)
            write(save_as, template, self.context, relative_urls=relative, paginated={"articles": articles},
                  template_name="industry", url=url, page_name=save_as.rsplit("/", 1)[0], industry=term,
                  articles=articles, blog=True)
        if self.settings.get("INDUSTRIES_SAVE_AS"):
            write(self.settings["INDUSTRIES_SAVE_AS"], self.get_template("industries"), self.context,
                  relative_urls=relative, url=self.settings["INDUSTRIES_URL"], template_name="industries")
        self._write_withdrawn_pages(writer)
        self._copy_assets()
        sharing.write_outputs(self)
        signals.finalized.connect(self._write_sitemap, weak=False)

    def _remember(self, path, context=None):
        self.written.append(path)

    def _withdrawn_slugs(self) -> tuple[str, ...]:
        """The stories withdrawn in the ledger whose file is gone (extramile/withdrawn.py)."""
        found = withdrawn.withdrawals(Path(self.settings["EXTRAMILE_ROOT"]))
        for slug in found.restored:
            log.info("%s is withdrawn in the ledger, but its story file is back: the story is published", slug)
        for path in found.unusable:
            log.warning("%s: a withdrawn decision names no story file: %s", LEDGER_FILE, path)
        return found.slugs

    def _write_withdrawn_pages(self, writer):
        """A short page at each withdrawn story's old address: in no listing, feed, sitemap or search index."""
        template = self.get_template("withdrawn")
        for slug in self.withdrawn:
            writer.write_file(withdrawn.save_as(slug), template, self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], url=withdrawn.address(slug),
                              template_name="withdrawn", withdrawn=withdrawn)

    def _copy_assets(self):
        root = Path(self.settings["EXTRAMILE_ROOT"])
        for source, destination in SHARED_ASSETS.items():
            target = Path(self.output_path, destination)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(root / source, target)

    def _write_sitemap(self, pelican):
        signals.content_written.disconnect(self._remember)
        signals.finalized.disconnect(self._write_sitemap)
        if not self.settings.get("SITEMAP_SAVE_AS"):
            return
        base = (self.settings.get("SITEURL") or "").rstrip("/") + "/"
        urls = []
        unlisted = {"404.html", *(withdrawn.save_as(slug) for slug in self.withdrawn)}
        published = sharing.sitemap_dates(self.context.get("articles") or [])  # a story's page: its day
        for path in sorted(set(self.written)):
            relative = Path(os.path.relpath(path, self.output_path)).as_posix()
            if not relative.endswith(".html") or relative in unlisted:
                continue
            url = base + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)
            urls.append((url, published.get(relative)))
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
                 *(f"  <url><loc>{escape(url)}</loc>" + (f"<lastmod>{day}</lastmod>" if day else "") + "</url>"
                   for url, day in urls), "</urlset>", ""]
        Path(self.output_path, self.settings["SITEMAP_SAVE_AS"]).write_text("\n".join(lines), encoding="utf-8")
