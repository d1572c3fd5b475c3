"""Output Pelican has no notion of: a page per industry, the shared assets, and a sitemap.

The assets (logo, the story form's script and style) live once, in the Material theme; they are copied from
there, so that both sites show the same logo and run the same form code.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from xml.sax.saxutils import escape

from pelican import signals
from pelican.generators import Generator

# Shared files: source (relative to the project root) -> destination (relative to the output folder).
SHARED_ASSETS = {
    "theme/material/assets/images/logo.svg": "theme/images/logo.svg",
    "theme/material/assets/javascripts/story-form.js": "theme/js/story-form.js",
    "theme/material/assets/stylesheets/story-form.css": "theme/css/story-form.css",
}


class ExtraPagesGenerator(Generator):
    """Industry pages (paginated like tag pages), the industries index, shared assets, sitemap.xml."""

    def generate_context(self):
        self.written: list[str] = []
        signals.content_written.connect(self._remember, weak=False)

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
        self._copy_assets()
        signals.finalized.connect(self._write_sitemap, weak=False)

    def _remember(self, path, context=None):
        self.written.append(path)

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
        for path in sorted(set(self.written)):
            relative = Path(os.path.relpath(path, self.output_path)).as_posix()
            if not relative.endswith(".html") or relative == "404.html":
                continue
            urls.append(base + (relative[: -len("index.html")] if relative.endswith("index.html") else relative))
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
                 *(f"  <url><loc>{escape(url)}</loc></url>" for url in urls), "</urlset>", ""]
        Path(self.output_path, self.settings["SITEMAP_SAVE_AS"]).write_text("\n".join(lines), encoding="utf-8")
