"""The one sanitizer: story Markdown from submitters, and every story page the site builds.

Two entry points, one policy (an allow-list applied by nh3, the maintained Rust `ammonia` sanitizer):

- `sanitize_markdown(body)` runs on a submitted story before it becomes a draft. The body stays Markdown, but
  raw HTML is reduced to a few inline formatting tags without dangerous attributes; every other `<` becomes
  `&lt;`, so no tag can reappear once others are removed. Links keep only http(s), mailto and relative
  addresses, images become plain links (a remote image tracks its readers), and `{...}` attribute lists are
  escaped so that `attr_list` cannot add `onclick` or `style`.
- `sanitize_html(html)` runs at build time (the MkDocs plugin's `on_page_content`) on every story page, so a
  hand-written story cannot publish a script either. It keeps what Python-Markdown and Material emit for
  Markdown (headings with ids and `headerlink` anchors, code, tables with alignment, footnotes, admonitions,
  abbreviations, images with http(s) or relative sources, `<time>`) and removes scripts, event handlers,
  `style` (except `text-align` on table cells, which the tables extension writes), javascript:/data:/vbscript:
  URLs in any spelling, SVG and MathML, frames, objects and forms.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3

from extramile.urls import URL_SCHEMES, is_safe_url

# ---------------------------------------------------------------------------------------------------------
# The policy
# ---------------------------------------------------------------------------------------------------------

# Elements removed together with everything inside them.
CONTENT_TAGS = frozenset({
    "script", "style", "svg", "math", "iframe", "frame", "frameset", "object", "embed", "applet", "template",
    "noscript", "noembed", "noframes", "textarea", "select", "option", "title", "xmp", "plaintext", "canvas",
    "audio", "video", "head", "button",
})

# Built pages: what Markdown legitimately renders to.
HTML_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var",
    "wbr",
})
_GLOBAL_ATTRIBUTES = {"class", "id", "title", "lang", "dir"}
HTML_ATTRIBUTES = {
    "*": _GLOBAL_ATTRIBUTES,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"style", "colspan", "rowspan", "align"},
    "th": {"style", "colspan", "rowspan", "align", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
    "pre": {"tabindex"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"datetime"},
    "ins": {"datetime"},
}

# Drafts: inline formatting only; everything else is written in Markdown.
MARKDOWN_TAGS = frozenset({
    "abbr", "b", "br", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "small", "strong",
    "sub", "sup", "u",
})
MARKDOWN_ATTRIBUTES = {"abbr": {"title"}}

EXCERPT_SEPARATOR = "<!-- more -->"
_SEPARATOR_TOKEN = "\ue000extramile-more\ue000"


@lru_cache(maxsize=1)
def _page_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(HTML_TAGS), clean_content_tags=set(CONTENT_TAGS), attributes=HTML_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True,
        filter_style_properties={"text-align"},
    )


@lru_cache(maxsize=1)
def _tag_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(MARKDOWN_TAGS), clean_content_tags=set(CONTENT_TAGS), attributes=MARKDOWN_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True,
    )


def sanitize_html(html_text: str) -> str:
    """A built page's content with only the allow-listed elements, attributes and URL schemes left."""
    if not html_text:
        return ""
    protected = html_text.replace(EXCERPT_SEPARATOR, _SEPARATOR_TOKEN)
    return _page_cleaner().clean(protected).replace(_SEPARATOR_TOKEN, EXCERPT_SEPARATOR)


# ---------------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\ufeff\ufffe\uffff]")
# A tag: quoted attribute values may hold `>`. An unquoted `<` ends the attempt (that `<` is then escaped,
# like every `<` that does not start an allowed tag), which keeps the scan linear.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_-]*)((?:[^<>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
MAX_TAG_LENGTH = 4096
_MORE = re.compile(r"<!--\s*more\s*-->", re.I)
_AUTOLINK = re.compile(r"<(https?://[^\s<>\"'`]+)>", re.I)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A link or image destination: `](` (Python-Markdown allows spaces and one line break between).
_DESTINATION = re.compile(r"\][ \t]*(?:\n[ \t]*)?\(")  # the same language as `][ \t]*\n?[ \t]*\(`, linear
# A reference definition: `[id]: url`.
_REFERENCE = re.compile(r"^([ ]{0,3}\[[^\]\n]+\]:[ \t]*(?:\n[ \t]*)?)(\S+)(.*)$", re.M)


def sanitize_markdown(body: str, *, images: bool = False) -> str:
    """A submitted story's Markdown without anything that could run, track or inject attributes.

    `images=False` (submissions) turns every image into a link; a hand-written story keeps its images, and
    the site's Markdown extension (markdown_safety) turns the remote ones into links as it renders.
    """
    text = normalise_newlines(body)
    if "<" in text:
        text = _strip_html(text)
    if "]" in text:
        text = neutralise_links(text, images=images)
        if "]:" in text:  # a definition the line pattern missed (in a quote, a list, an admonition...)
            from extramile.markdown_safety import neutralise_references  # it renders with this module's rule

            text = neutralise_references(text)
    if "{" in text:
        text = _escape_attribute_lists(text)
    return text


def normalise_newlines(text: str) -> str:
    text = str(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii():
        text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _CONTROL.sub("", text)


def _strip_html(text: str) -> str:
    """Keep allow-listed inline tags (cleaned by nh3), the excerpt separator and http(s) autolinks; escape the
    rest of the `<`s, so that no removal can join two halves into a new tag."""
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()  # searches that already failed: each failure is remembered, so scans stay linear
    while True:
        start = text.find("<", pos)
        if start < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:start])
        limit = start + MAX_TAG_LENGTH
        if (match := _MORE.match(text, start, limit)) is not None:
            out.append(EXCERPT_SEPARATOR)
            pos = match.end()
        elif text.startswith("<!--", start) and "-->" not in unclosed:
            end = text.find("-->", start + 4)
            if end < 0:
                unclosed.add("-->")
                out.append("&lt;")
                pos = start + 1
            else:
                pos = end + 3  # comments can hide text from the editor: dropped
        elif (match := _AUTOLINK.match(text, start, limit)) is not None and is_safe_url(match[1]):
            out.append(match[0])
            pos = match.end()
        elif (match := _TAG.match(text, start, limit)) is not None:
            closing, name = match[1], match[2].lower()
            pos = match.end()
            if name in CONTENT_TAGS and not closing:
                pos = _skip_content(text, name, pos, unclosed)
            elif name in MARKDOWN_TAGS:
                out.append(f"</{name}>" if closing else _clean_open_tag(match[0], name))
        else:
            out.append("&lt;")
            pos = start + 1
    return "".join(out)


def _skip_content(text: str, name: str, pos: int, unclosed: set[str]) -> int:
    """Past the element's closing tag; without one, past the end of its paragraph."""
    if name not in unclosed:
        if (match := re.compile(rf"</{re.escape(name)}\b[^>]*>", re.I).search(text, pos)) is not None:
            return match.end()
        unclosed.add(name)
    if (match := _BLANK_LINE.search(text, pos)) is not None:
        return match.start()
    return len(text)


_BARE_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9]*)\s*/?>")


def _clean_open_tag(tag: str, name: str) -> str:
    if _BARE_TAG.fullmatch(tag):  # no attributes: nothing for nh3 to judge
        return f"<{name}>"
    cleaned = _tag_cleaner().clean(tag)
    suffix = f"</{name}>"
    if cleaned.endswith(suffix):
        cleaned = cleaned[: -len(suffix)]
    return cleaned if cleaned.startswith(f"<{name}") and "<" not in cleaned[1:] else ""


def neutralise_links(text: str, *, images: bool = False) -> str:
    """Markdown links and reference definitions keep only safe addresses; images become links unless kept."""
    if not images:
        text = text.replace("![", "[")  # a remote image is a tracking pixel
    out: list[str] = []
    pos = 0
    for match in _DESTINATION.finditer(text):
        if match.start() < pos:
            continue
        end = _destination_end(text, match.end())
        destination = text[match.end():end].strip()
        first = destination.split(None, 1)[0] if destination else ""
        # Browsers drop line breaks inside URLs: check the destination with and without its spaces.
        safe = is_safe_url(first) and is_safe_url("".join(destination.split()))
        out.append(text[pos:match.end()])
        out.append(text[match.end():end] if safe else "")
        pos = end
    out.append(text[pos:])
    text = "".join(out)
    return _REFERENCE.sub(lambda m: m[0] if is_safe_url(m[2]) else m[1] + "#" + m[3], text)


def _destination_end(text: str, start: int) -> int:
    """Index of the `)` that closes a link destination opened just before `start` (or the line's end)."""
    depth = 0
    index = start
    stop = min(len(text), start + MAX_TAG_LENGTH)
    while index < stop:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return index
            depth -= 1
        elif char == "\n" and text.startswith("\n", index + 1):
            return index
        index += 1
    return stop


def _escape_attribute_lists(text: str) -> str:
    """`{...}` on one line would be an attr_list (or a template expression): escape its opening brace."""
    out: list[str] = []
    for line in text.split("\n"):
        if "{" not in line or "}" not in line:
            out.append(line)
            continue
        chars: list[str] = []
        backslashes = 0
        last_close = line.rfind("}")
        for index, char in enumerate(line):
            if char == "{" and backslashes % 2 == 0 and index < last_close:
                chars.append("\\{")
            else:
                chars.append(char)
            backslashes = backslashes + 1 if char == "\\" else 0
        out.append("".join(chars))
    return "\n".join(out)


# `[text](url)`, `[text][ref]`, `[text] [ref]`, `[text][]`: the words are the text; definitions are no words.
_LINK_TEXT = re.compile(r"!?\[([^\[\]\n]*)\](?:\([^()\n]*\)|[ \t]*(?:\n[ \t]*)?\[[^\[\]\n]*\])")
_TAG_IN_TEXT = re.compile(r"<[^<>]*>")
_DEFINITION_LINE = re.compile(r"^[ \t>*+\-\d.]*\[[^\[\]\n]*\]:(?:[ \t]*\n[ \t]+\S[^\n]*|[^\n]*)$", re.M)


def plain_text(markdown_text: str) -> str:
    """Markdown reduced to its words: for descriptions and fingerprints, never for display as HTML."""
    text = markdown_text
    close = text.rfind("-->")
    if close >= 0:  # no comment closes past the last `-->`: a scan beyond it could only fail, quadratically
        text = _COMMENT.sub(" ", text[: close + 3]) + text[close + 3:]
    text = _TAG_IN_TEXT.sub(" ", text)
    text = _DEFINITION_LINE.sub("", text)
    text = _LINK_TEXT.sub(r"\1", text)
    text = re.sub(r"\\([\\`*_{}\[\]()#+\-.!>])", r"\1", text)
    return html.unescape(text)
