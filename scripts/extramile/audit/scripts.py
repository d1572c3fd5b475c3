"""Rules for active content in markup: scripts, event handlers, script-bearing URLs and CSS, embedded frames.

Every value here has been entity-decoded by the parser (`jav&#x61;script:` is `javascript:`); the URL rules then
do what browsers do before they look at a scheme (drop control characters and white space, ignore case) and a
little more, so that any spelling a browser would run is caught.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from extramile.audit import theme_scripts

ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:", "mocha:")
# Attributes whose value is a URL (HTML, SVG, MathML, and old ones browsers still honour).
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite", "codebase",
    "longdesc", "lowsrc", "dynsrc", "manifest", "ping", "profile", "usemap", "icon", "classid", "archive",
    "srcset", "imagesrcset", "values", "to", "from", "by", "xml:base", "lang-src",
})
LIST_ATTRIBUTES = {"srcset": ",", "imagesrcset": ",", "ping": " ", "archive": " ", "values": ";"}
# Elements that load or run other content; neither theme uses any of them.
ACTIVE_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal",
                             "fencedframe", "import"})

# What is dropped before reading a scheme: control characters, white space, zero-width and no-break spaces.
BLANK_CLASS = r"[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff]"
_BLANKS = re.compile(BLANK_CLASS + "+")
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(\n)|(.))", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_ACTIVE = ("javascript:", "vbscript:", "livescript:", "expression(", "-moz-binding", "behavior:", "behaviour:")
_CSS_DATA = re.compile(r"(?:url\(|@import)['\"]?data:")


@dataclass(frozen=True)
class SiteRef:
    """What the script allow-list needs to know about the site: where it is built and where it is served."""

    folder: Path
    url: str  # the site's public address, ending in "/"

    @property
    def root(self) -> str:
        return os.fspath(self.folder)

    def theme_script(self, page: str, src: str) -> bool:
        """Whether `src`, on the page at `page` (relative to the site), is one of the theme's script files."""
        src = src.strip()
        path = ""
        if _PLAIN_RELATIVE.fullmatch(src):  # "../../assets/javascripts/x.js": resolved as a path, as urljoin would
            path = posixpath.normpath(posixpath.join(posixpath.dirname(page), src))
        if not path or path.startswith(".."):
            address = urljoin(self.url + page, src)
            if not address.startswith(self.url):
                return False
            path = unquote(urlsplit(address).path[len(urlsplit(self.url).path):])
            path = posixpath.normpath(path) if path else ""
        if not path or path.startswith(("..", "/")):
            return False
        return _theme_file(os.fspath(self.folder), path)


_PLAIN_RELATIVE = re.compile(r"(?!/)[A-Za-z0-9._~/-]+")  # a path: no scheme, query, escape or leading /


@functools.lru_cache(maxsize=1024)
def _theme_file(root: str, path: str) -> bool:
    """Whether the site's file at `path` is one of the theme's scripts (asked once per file, not per page)."""
    return any(p.fullmatch(path) for p in theme_scripts.EXTERNAL) and os.path.isfile(os.path.join(root, path))


def compact(value: str) -> str:
    """A value as a browser reads its scheme: without control characters or white space, lower case."""
    return _BLANKS.sub("", value).lower()


def active_scheme(value: str) -> str | None:
    """"javascript:", "data:"... when the URL would run or embed content of its own, else None."""
    value = compact(value)
    for scheme in ACTIVE_SCHEMES:
        if value.startswith(scheme):
            return scheme
    return None


def url_problem(name: str, value: str) -> str | None:
    parts = value.split(LIST_ATTRIBUTES[name]) if name in LIST_ATTRIBUTES else (value,)
    for part in parts:
        scheme = active_scheme(part)
        if scheme:
            return f"{scheme} URL in {name}="
    return None


def _css_unescape(match: re.Match) -> str:
    if match[1]:
        code = int(match[1], 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return "" if match[2] else match[3]


def css_problem(css: str) -> str | None:
    """What in a style attribute or <style> element could run script or load a data: URL, else None."""
    if not any(c in css for c in ":(\\@-"):
        return None
    text = compact(_CSS_COMMENT.sub("", _CSS_ESCAPE.sub(_css_unescape, css)))
    for token in _CSS_ACTIVE:
        if token in text:
            return f"CSS with {token.rstrip(':(')}"
    if _CSS_DATA.search(text):
        return "CSS with a data: URL"
    return None


def refresh_problem(attrs: dict[str, str | None]) -> str | None:
    """A <meta http-equiv=refresh> that goes to a script or data: URL."""
    if compact(attrs.get("http-equiv") or "") != "refresh":
        return None
    content = compact(attrs.get("content") or "")
    for scheme in ACTIVE_SCHEMES:
        if scheme in content:
            return f"<meta http-equiv=refresh> to a {scheme} URL"
    return None


def element_problem(tag: str) -> str | None:
    if tag in ACTIVE_ELEMENTS:
        return f"<{tag}> element: neither theme embeds active content"
    return None


def script_problem(attrs: dict[str, str | None], text: str, page: str, site: SiteRef | None) -> str | None:
    """None when this <script> is the theme's; `site` None: no script is allowed here (a feed, a fragment)."""
    src = attrs.get("src") or attrs.get("href") or attrs.get("xlink:href")
    if site is None:
        return f"<script{' src=' + repr(src) if src else ''}> in content where no script belongs: {_excerpt(text)}"
    if src is not None:
        if text.strip():
            return f"<script src={src!r}> with inline text: {_excerpt(text)}"
        if site.theme_script(page, src):
            return None
        return f"<script src={src!r}> is not one of the theme's scripts (see {_ALLOW_FILE})"
    if attrs.get("id") == theme_scripts.CONFIG_ID:
        return theme_scripts.config_problem(attrs, text)
    if attrs.get("type") == theme_scripts.STRUCTURED_DATA_TYPE:
        return theme_scripts.structured_data_problem(attrs, text)
    digest = theme_scripts.inline_hash(text)
    if digest in theme_scripts.INLINE:
        return None
    return f"inline <script> the theme did not put there (sha256 {digest[:16]}…, see {_ALLOW_FILE}): {_excerpt(text)}"


_ALLOW_FILE = "scripts/extramile/audit/theme_scripts.py"


def _excerpt(text: str, size: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text[:size] + ("…" if len(text) > size else ""))
