"""Which addresses a story may link to: the one URL rule of the sanitiser, the Markdown extension and the audit."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

URL_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_URL_IGNORED = re.compile(r"[\t\n\r]")


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto and relative addresses, however they are spelled or encoded."""
    value = url.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    for _ in range(3):  # entities may be nested: &amp;#106; -> &#106; -> j
        decoded = html.unescape(value)
        if decoded == value:
            break
        value = decoded
    value = _URL_IGNORED.sub("", value).strip("\x00 \x0b\x0c\x1f").lower()
    value = "".join(ch for ch in value if ch >= " ")
    match = _SCHEME.match(value)
    # Without a scheme (letters, then digits + . - allowed, then a colon) a browser reads a relative address.
    return match is None or match[1] in URL_SCHEMES


def is_remote(url: str) -> bool:
    """An address on another host (absolute or protocol-relative), as opposed to a file of this site."""
    parts = urlsplit(url.strip())
    return bool(parts.scheme or parts.netloc)
