"""One Markdown extension that makes every link and image Python-Markdown produced safe, whatever its source.

A pattern over the Markdown text cannot know what the parser will read as a link: Python-Markdown takes
reference definitions inside block quotes, list items, admonitions and footnotes, with an empty label, with
the address on the next line. This extension looks at the element tree the parser actually built, after
every inline pattern has run, so a link is judged however it was written:

- an `<a href>` or `<img src>` whose address is not http(s), mailto or relative loses that address
  (the link text stays as text);
- a remote image (an absolute http(s) or protocol-relative address) becomes a link to the image: loading it
  would tell its host who reads the story. Images stored beside the stories (relative addresses) are shown.
  Both engines and the ingest apply this one policy.
- unsafe reference definitions are dropped from `md.references`, and listed in `md.unsafe_references`
  (label -> address) so that the ingest can neutralise them in a draft's source.

It is used as `extramile.markdown_safety` in mkdocs.yml's and Pelican's Markdown extensions and by the ingest.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor, UnescapeTreeprocessor

from extramile.urls import is_remote, is_safe_url

NAME = "extramile-safe-urls"
# Registry priorities run high to low: footnotes 50, inline patterns 20, the table of contents 5. This one runs
# after them, on links as the parser made them, and before the link rewriters of MkDocs, Material's excerpts and
# our Pelican adapter (1 and 0), which would take `jav&#x61;script:x` for a relative address and rewrite it.
PRIORITY = 4
URL_ATTRIBUTES = {"a": "href", "img": "src"}


class SafeUrls(Treeprocessor):
    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        # Backslash escapes stay placeholders until the `unescape` processor (priority 0): judge both spellings.
        self.unescape = UnescapeTreeprocessor(md).unescape

    def run(self, root: ET.Element) -> None:
        unsafe = {label: ref[0] for label, ref in self.md.references.items() if not is_safe_url(ref[0])}
        for label in unsafe:
            del self.md.references[label]
        self.md.unsafe_references = unsafe  # type: ignore[attr-defined]
        for element in root.iter():
            attribute = URL_ATTRIBUTES.get(element.tag)
            if attribute is None:
                continue
            value = element.get(attribute)
            if value is None:
                continue
            if not (is_safe_url(value) and is_safe_url(self.unescape(value))):
                del element.attrib[attribute]
            elif element.tag == "img" and is_remote(value):
                _image_to_link(element, value)


def _image_to_link(element: ET.Element, src: str) -> None:
    """`<img src alt title>` in place becomes `<a href title>alt</a>`; its tail (the text after it) stays."""
    alt, title = element.get("alt") or src, element.get("title")
    element.tag = "a"
    element.attrib.clear()
    element.set("href", src)
    if title:
        element.set("title", title)
    element.text = alt


class SafeUrlsExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.unsafe_references = {}  # type: ignore[attr-defined]
        md.treeprocessors.register(SafeUrls(md), NAME, PRIORITY)


def makeExtension(**kwargs) -> SafeUrlsExtension:  # noqa: N802 (Python-Markdown loads extensions by this name)
    return SafeUrlsExtension(**kwargs)


# The block extensions that decide where a reference definition can stand (both engines enable them).
CONTAINER_EXTENSIONS = ("abbr", "admonition", "footnotes", "tables")
# A definition as Python-Markdown's reference processor reads it once its container's prefix is gone: the
# address may follow on the next line, behind the quote markers or indentation of the same container.
_DEFINITION = re.compile(r"\[([^\[\]\n]*)\]:([ \t]*(?:\n[ \t>]*)?)(\S+)")
_PASSES = 3


def unsafe_references(text: str) -> dict[str, str]:
    """Reference labels (as the parser keys them) whose address is unsafe, read by a real parser."""
    md = Markdown(extensions=[*CONTAINER_EXTENSIONS, SafeUrlsExtension()])
    md.convert(text)
    return dict(md.unsafe_references)  # type: ignore[attr-defined]


def neutralise_references(text: str) -> str:
    """The Markdown with every unsafe reference definition's address replaced by `#`, wherever it stands.

    Labels come from the parser, not from a pattern, so a definition in a quote, list, admonition or footnote
    is found; the rewrite is checked by parsing again. What still parses as unsafe has its `]:` escaped.
    """
    for _ in range(_PASSES):
        unsafe = unsafe_references(text)
        if not unsafe:
            return text

        def rewrite(match: re.Match[str], labels=frozenset(unsafe)) -> str:
            if match[1].strip().lower() not in labels:
                return match[0]
            return f"[{match[1]}]:{match[2]}#"

        text = _DEFINITION.sub(rewrite, text)
    labels = frozenset(unsafe_references(text))
    return re.sub(r"\[([^\[\]\n]*)\]:", lambda m: m[0] if m[1].strip().lower() not in labels else f"[{m[1]}]\\:", text)
