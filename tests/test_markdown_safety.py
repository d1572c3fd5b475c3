"""The Markdown safety extension on generated documents: link reference definitions, links and images nested
in quotes, lists, admonitions, footnotes and indented blocks, rendered with the site's own Markdown settings
(mkdocs.yml) as a story page and as a listing's excerpt, and through the ingest's sanitiser."""

from __future__ import annotations

import re

import markdown
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extramile.markdown_safety import neutralise_references, unsafe_references
from extramile.sanitize import sanitize_html, sanitize_markdown
from extramile.urls import is_safe_url
from tests.conftest import REPO

PROPERTY = settings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])
UNSAFE_TEXT = re.compile(r"(?:java|vb)script:|data:", re.I)


def _site_extensions() -> list:
    """mkdocs.yml's markdown_extensions, as MkDocs hands them to Python-Markdown."""
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Lenient)
    names, configs = [], {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        names.append(name)
        configs[name] = options or {}
    return [names, configs]


class _Lenient(yaml.SafeLoader):
    """mkdocs.yml's !ENV and !!python/name tags read as plain values: only the extensions matter here."""


_Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
NAMES, CONFIGS = _site_extensions()


def render(text: str) -> str:
    return markdown.Markdown(extensions=NAMES, extension_configs=CONFIGS).convert(text)


urls = st.sampled_from([
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "jav&#x61;script:alert(1)", "java\tscript:alert(1)",
    "vbscript:msgbox(1)", "data:text/html,x", " javascript:alert(1)", "javascript&#58;alert(1)",
    "https://example.org/", "/about/", "#top", "mailto:a@example.org",
])
labels = st.sampled_from(["r", "", "R", " r ", "ref 1"])


@st.composite
def reference_uses(draw) -> str:
    label = draw(labels)
    return draw(st.sampled_from([f"[the cake][{label}]", f"[{label}][]", f"[{label}]", f"![a photo][{label}]"]))


@st.composite
def leaves(draw) -> str:
    label, url = draw(labels), draw(urls)
    return draw(st.sampled_from([
        f"[{label}]: {url}",
        f"[{label}]:\n    {url}",
        f"[inline]({url})",
        f"![inline image]({url})",
        f"<{url}>",
        draw(reference_uses()) + " and some words",
        "plain words",
    ]))


def _indent(block: str, prefix: str, first: str | None = None) -> str:
    lines = block.split("\n")
    return "\n".join([(first if first is not None else prefix) + lines[0], *(prefix + line for line in lines[1:])])


CONTAINERS = {
    "quote": lambda b: _indent(b, "> "),
    "bullet": lambda b: _indent(b, "  ", "- "),
    "numbered": lambda b: "1. An item.\n\n" + _indent(b, "    "),
    "admonition": lambda b: "!!! note\n" + _indent(b, "    "),
    "footnote": lambda b: "[^1]: A note.\n" + _indent(b, "    "),
    "indented": lambda b: _indent(b, "   "),
    "none": lambda b: b,
}


@st.composite
def documents(draw) -> str:
    blocks = [draw(reference_uses()) + " before the drive."]
    for _ in range(draw(st.integers(1, 4))):
        block = draw(leaves())
        for name in draw(st.lists(st.sampled_from(sorted(CONTAINERS)), max_size=3)):
            block = CONTAINERS[name](block)
        blocks.append(block)
    return "\n\n".join(blocks) + "\n"


def assert_inert(html: str) -> None:
    for element in BeautifulSoup(html, "html.parser").find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), element
            if name in ("href", "src") and isinstance(value, str):
                assert is_safe_url(value), element
                assert not UNSAFE_TEXT.search(value), element
        if element.name == "img":
            assert not re.match(r"(?i)\s*(https?:)?//", element.get("src", "")), f"remote image shown: {element}"


@PROPERTY
@given(documents())
def test_the_extension_alone_leaves_no_unsafe_link_or_remote_image(document):
    assert_inert(render(document))


@PROPERTY
@given(documents())
def test_story_page_and_listing_excerpt_are_inert(document):
    assert_inert(sanitize_html(render(document)))  # the story page
    assert_inert(sanitize_html(render("# A title\n\n" + document.split("\n\n")[0] + "\n")))  # a listing's teaser


@PROPERTY
@given(documents())
def test_a_submitted_story_leaves_no_unsafe_reference_in_its_markdown(document):
    draft = sanitize_markdown(document)
    assert unsafe_references(draft) == {}
    assert_inert(render(draft))


def test_definitions_found_by_the_parser_are_neutralised_in_the_source():
    text = "We [collect the cake][r].\n\n> [r]: javascript:alert(document.domain)\n"
    assert unsafe_references(text) == {"r": "javascript:alert(document.domain)"}
    assert neutralise_references(text) == "We [collect the cake][r].\n\n> [r]: #\n"


def test_remote_images_become_links_and_local_images_stay():
    html = render("![a pixel](https://tracker.example/p.gif) ![our shop](shop.jpg)\n")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("a", href="https://tracker.example/p.gif").get_text() == "a pixel"
    assert soup.find("img")["src"] == "shop.jpg"
