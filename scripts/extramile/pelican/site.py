"""What the Pelican site shares with the Material site beyond the stories: the intake settings and page texts.

There is one configuration (mkdocs.yml's `extra.intake`) and one text per page (content/about.md, …): Pelican
reads them here rather than keeping copies that would drift.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from extramile.reader import read_story

from extramile.intake.config import intake_settings, read_site_config

SITE_LINK = "extramile-site:"  # stands for the site's root in a page's text, until the page is written

# The MkDocs pages that Pelican shows through its own templates, by the name of that template.
PAGES = {
    "index": "index.md",
    "stories": "stories/index.md",
    "tags": "tags/index.md",
    "submit": "submit.md",
    "thanks": "submit/thanks.md",
    "about": "about.md",
}


def site_intake(root: Path) -> dict:
    """The Submit form's wiring, from mkdocs.yml's extra.intake: the same receiver for both engines."""
    site = read_site_config(root)
    extra = site.get("extra") if isinstance(site.get("extra"), dict) else {}
    intake = extra.get("intake") if isinstance(extra.get("intake"), dict) else {}
    return intake_settings(intake)


def page_url(source: str) -> str:
    """Where MkDocs publishes a Markdown page (content-relative path), as a site-relative URL."""
    stem = source[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        stem = stem[: -len("/index")]
    if stem.startswith("stories/posts/"):  # Material's blog: post_url_format "{file}"
        stem = "stories/" + stem[len("stories/posts/"):]
    return stem + "/"


class _Links(Treeprocessor):
    """Links written the MkDocs way (`[submit](submit.md)`, `![photo](photo.jpg)`) made to work on Pelican.

    In a story, a link to another story becomes Pelican's own `{filename}` link and a link to any other file
    in content/ (an image) a `{static}` link: feeds get them absolute and a missing target fails the build.
    A link from a story to another page becomes relative to the story. In a page's text, which may be shown
    at several addresses (a listing's page 2), every such link becomes SITE_LINK + its site-relative path,
    which the `site_links` filter completes for the page being written.
    """

    def __init__(self, md, source: str, url: str, story: bool):
        super().__init__(md)
        self.source, self.url, self.story = source, url, story

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag not in ("a", "img"):
                continue
            attribute = "href" if element.tag == "a" else "src"
            value = element.get(attribute)
            if value:
                element.set(attribute, self.rewrite(value))

    def rewrite(self, href: str) -> str:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return href  # elsewhere, this page's own anchors, or already site-absolute
        target = posixpath.normpath(posixpath.join(posixpath.dirname(self.source), parts.path))
        if target.startswith("../"):
            return href
        rest = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        markdown_page = target.endswith(".md")
        if not self.story:
            return SITE_LINK + (page_url(target) if markdown_page else target) + rest
        if not markdown_page:
            return "{static}/" + target + rest
        if target.startswith("stories/posts/"):
            return "{filename}/" + target + rest
        destination = page_url(target).rstrip("/") or "."
        here = self.url.rstrip("/") or "."
        relative = posixpath.relpath(destination, here)
        return ("./" if relative == "." else relative + "/") + rest


class _LinksExtension(Extension):
    def __init__(self, **kwargs):
        self.processor = None
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        self.processor = _Links(md, "index.md", "", story=True)
        md.treeprocessors.register(self.processor, "extramile-links", 1)  # last: after every other processor


class Renderer:
    """Markdown as the Material site renders it (mkdocs.yml's extensions, from Pelican's MARKDOWN setting).

    One instance is reused for every file: building the extensions once is most of what Markdown costs.
    """

    def __init__(self, settings: dict):
        config = dict((settings.get("MARKDOWN") or {}).get("extension_configs") or {})
        config.pop("markdown.extensions.meta", None)  # front matter is ours, never Markdown's
        self.links = _LinksExtension()
        self.md = markdown.Markdown(
            extensions=[*config, self.links], extension_configs=config,
            output_format=(settings.get("MARKDOWN") or {}).get("output_format", "html5"),
        )

    def render(self, text: str, source: str, story: bool = True) -> str:
        """HTML of `text`, read from `source` (a content-relative path): a story, or a page's text."""
        processor = self.links.processor
        processor.source, processor.url, processor.story = source, page_url(source), story
        self.md.reset()
        return self.md.convert(text)


@dataclass(frozen=True)
class PageText:
    title: str  # for <title>
    heading: str  # for <h1>: the page's own first heading, else its title
    description: str
    html: str  # the body without that heading


_LEADING_H1 = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*(?:\n|\Z)")


def page_texts(content: Path, renderer: Renderer) -> dict[str, PageText]:
    """The title, heading, description and body of each MkDocs page Pelican shows through its templates."""
    texts = {}
    for name, source in PAGES.items():
        path = content / source
        if not path.is_file():
            continue
        page = read_story(path)
        if page.problems:
            problem = page.problems[0]
            raise ValueError(f"{path}:{problem.line}: {problem.field} {problem.message}")
        metadata = page.metadata if isinstance(page.metadata, dict) else {}
        title = str(metadata.get("title") or "")
        body, heading = page.body, title
        match = _LEADING_H1.match(body)
        if match:  # the templates print the heading themselves, as the page's one <h1>
            body, heading = body[match.end():], match.group(1)
        html = renderer.render(body, source, story=False)
        texts[name] = PageText(title=title, heading=heading, description=str(metadata.get("description") or ""), html=html)
    return texts
