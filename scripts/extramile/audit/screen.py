"""The fast path for a site's pages: most pages are proven free of active content without the HTML parse.

html.parser reads ~15 MB/s, and a 10,000-story site holds 200-500 MB of pages, nearly all of them the theme
around a story's plain paragraphs. So each page is first screened by patterns that run in C over its text in
lower case, each a superset of what a browser would run:

- every `<script` (a browser needs those very characters, in any case) is cut out as far as its `</script` and
  must be one of the theme's scripts, as the markup rules judge it (same allow-list, same hashes);
- any `on...=` or `style=` where a browser starts an attribute name (after white space, a slash or a quote), any
  `<style`, `<iframe`-like element, `<![`, `<?` or `<!` but the doctype, `srcdoc`, `http-equiv`, `--!>`, and any
  comment whose text could be markup (`<` or `&` in it, or the `<!-->` forms) is a trigger;
- the page with its character references decoded (as the parser decodes text and attributes) must not contain
  `javascript:`, `vbscript:`, `data:`, `livescript:` or `mocha:`, even with control characters or white space
  between the letters, nor a `tel:` link (the parse reads its number as page text).

A page that trips any of these is parsed in full (markup.py), which names the problem and its line. A page that
trips none cannot hold a script, handler or active URL the parse would find; its text rules then run on the
decoded page (addresses, drafts and stored values everywhere in it; phone numbers in its text only).
`EXTRAMILE_AUDIT_PARSE=all` (or `extramile audit --parse-all`) parses every page, for comparison.
"""

from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser

from extramile.audit import scripts
from extramile.audit.findings import TextChunks
from extramile.audit.scripts import SiteRef

_BLANK = scripts.BLANK_CLASS + "*"
# One pattern per scheme, each starting with a literal letter, which the engine scans for in C.
_SCHEMES = tuple(re.compile(_BLANK.join(map(re.escape, scheme))) for scheme in scripts.ACTIVE_SCHEMES)
_ELEMENTS = re.compile(r"<(?:iframe|frame|object|embed|applet|base|portal|fencedframe|import|style|!\[|\?"
                       r"|!(?!--|doctype\s))")
_WORDS = ("srcdoc", "http-equiv", "--!>")
_TEL_STARTS = "=\"' \t\n\r\f\v"  # a tel: link (whose number the parse reads as page text) follows one of these
_ATTRIBUTES = (re.compile(r"on[^\s/>=]*\s*="), re.compile(r"style\s*="))  # where an attribute name may start:
_NAME_STARTS = " \t\n\r\f\v/\"'\x00"  # after one of these
_TAG_ON_A_LINE = re.compile(r"<(?:[A-Za-z/?]|!(?!--))[^>\n]*>")  # a comment's text is text, as for the parser
_TAG = re.compile(r"<(?:[A-Za-z/?]|!(?!--))[^>]*>")
_SCRIPT_ELEMENT = re.compile(r"<script\b.*?(?:</script[^>]*>|\Z)", re.I | re.S)


class _StartTag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.found.append(("/" + tag, attrs))


def _start_tag(text: str) -> tuple[str, dict] | None:
    """A script's start tag as the parser reads it: (name, attributes), or None when it is not one tag."""
    found = _parsed_tag(text)
    return (found[0], dict(found[1])) if found else None


@functools.lru_cache(maxsize=1024)  # the theme's few start tags, on every page
def _parsed_tag(text: str) -> tuple[str, tuple] | None:
    parser = _StartTag()
    parser.feed(text)
    parser.close()
    return (parser.found[0][0], tuple(parser.found[0][1])) if len(parser.found) == 1 else None


def screen(raw: str, page: str, site: SiteRef) -> tuple[str, str] | None:
    """The page with its references decoded, and that in lower case, when it provably holds no active content
    but the theme's scripts; None when it must be parsed in full."""
    low = raw.lower()
    if len(low) != len(raw):  # a character whose lower case is longer (İ): offsets would not carry over
        return None
    if _ELEMENTS.search(low) or any(word in low for word in _WORDS):
        return None
    for pattern in _ATTRIBUTES:
        for match in pattern.finditer(low):
            if match.start() == 0 or low[match.start() - 1] in _NAME_STARTS:
                return None
    start = low.find("<!--")
    while start >= 0:  # comments: text only, closed by a plain -->
        end = low.find("-->", start + 4)
        body = low[start + 4:end]
        if end < 0 or body.startswith((">", "->")) or "<" in body or "&" in body:
            return None
        start = low.find("<!--", end + 3)
    start = low.find("<script")
    while start >= 0:
        close = low.find(">", start)
        end = low.find("</script", close + 1) if close >= 0 else -1
        if end < 0 or low[close - 1] == "/":
            return None
        tag = _start_tag(raw[start:close + 1])
        text = raw[close + 1:end]
        if tag is None or tag[0] != "script" or "<!--" in text or "<script" in low[close + 1:end]:
            return None
        if scripts.script_problem(tag[1], text, page, site):
            return None
        start = low.find("<script", end)
    decoded = decode(raw)
    if decoded == raw:  # `&&` in a script, say: nothing to decode
        decoded = raw
    decoded_low = low if decoded is raw else decoded.lower()
    if any(pattern.search(decoded_low) for pattern in _SCHEMES) or _tel_link(decoded_low):
        return None
    return decoded, decoded_low


def _tel_link(lower: str) -> bool:
    """Whether a `tel:` may start an attribute value ("hotel: told by" does not)."""
    start = lower.find("tel:")
    while start >= 0:
        if start == 0 or lower[start - 1] in _TEL_STARTS:
            return True
        start = lower.find("tel:", start + 4)
    return False


def in_markup(raw: str, lower: str, offset: int) -> bool:
    """Whether `offset` of a page is inside a tag (an attribute value) or a script, where page text is not.
    In the raw page every `<` and a letter starts a tag (text has `&lt;`), as for the parser."""
    tag = raw.rfind("<", 0, offset)
    if tag > raw.rfind(">", 0, offset) and _TAG.match(raw, tag):
        return True
    script = lower.rfind("<script", 0, offset)
    return script >= 0 and lower.rfind("</script", script, offset) < 0

def decode(raw: str) -> str:
    """The text with its character references decoded (as the parser decodes text and attributes), line for
    line, so that an offset in it still has the page's line number."""
    if "&" not in raw:
        return raw
    decoded = html.unescape(raw)
    if decoded.count("\n") == raw.count("\n") and decoded.count("\r") == raw.count("\r"):
        return decoded
    return "\n".join(html.unescape(line).replace("\n", " ").replace("\r", " ") for line in raw.split("\n"))


def page_text(raw: str) -> TextChunks:
    """The text of a page outside its tags and scripts, decoded, line for line: where phone numbers are read."""
    text = raw
    if "<script" in text or "<SCRIPT" in text:
        text = _SCRIPT_ELEMENT.sub(_blank_keeping_lines, text)
    text = decode(_TAG.sub(_blank_keeping_lines, _TAG_ON_A_LINE.sub("\x00", text)))
    chunks = TextChunks()
    chunks.add(1, text)
    return chunks


def _blank_keeping_lines(match: re.Match) -> str:
    return "\x00" + "\n" * match[0].count("\n")
