"""The allow-list of scripts the themes put in pages: anything else in a built page is a finding.

How to update it (after upgrading Material, or changing a theme's templates or mkdocs.yml's theme settings):

    .venv/bin/extramile build -d /tmp/m && .venv/bin/extramile build --engine pelican -d /tmp/p --no-audit
    .venv/bin/python -m extramile.audit.theme_scripts /tmp/m /tmp/p

prints every inline script the two sites hold, with its SHA-256 and the pages it is in. Check that each one is
the theme's (open the template or Material's partials/*.html), then put its hash in INLINE with a comment.
External scripts are allowed by their path in the site (EXTERNAL, regular expressions over the path the `src`
points to, resolved against the page): add a new theme file there by name, never a folder wildcard.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

# Our own scripts and Material's bundle, by their path in the built site (the file must exist there).
EXTERNAL = tuple(re.compile(pattern) for pattern in (
    r"assets/javascripts/bundle\.[0-9a-f]{8}\.min\.js",  # Material's bundle (name changes with its version)
    r"assets/javascripts/(?:browse|story-form|share)\.js",  # theme/material/assets/javascripts/
    r"theme/js/(?:browse|story-form|share)\.js",  # the same files in the Pelican site (pelican/generators.py)
    r"search/search\.js",  # our search client (scripts/extramile/search/client.js)
))

# Inline scripts, by the SHA-256 of their normalised text (see normalise()). Pelican's theme has none.
INLINE = {
    # Material, partials/javascripts/base.html: `__md_scope` and the localStorage helpers (base made "")
    "7eb3684fdacd2881f67b9428983273a29d8774d8bc82622af9b65a8ec1032a90": "Material: __md_scope, storage helpers",
    # Material, partials/palette.html: applies the reader's saved colour palette before the page paints
    "0eb10c249dbdb0beef225a10ce5cbe55418cc4a7014cc208f8e7d6ed8f00906e": "Material: saved palette",
    # Material, partials/javascripts/content.html: opens the content tab named in the address's #fragment
    "ffcc0f7735fdab434d257c80e65cec2e88d716991e69757185b7e450e41a5b2f": "Material: tab from #fragment",
}

# Material writes its settings as JSON into every page: allowed by structure, not by hash (it holds the page's
# relative base and the search worker's hashed name). See config_problem().
CONFIG_ID = "__config"
CONFIG_KEYS = frozenset({"annotate", "base", "features", "search", "tags", "translations", "version"})
SEARCH_WORKER = re.compile(r"(?:\.\./|\./|/)*(?:[\w.-]+/)*assets/javascripts/workers/search\.[0-9a-f]{8}\.min\.js")

# Material's `new URL("../..",location)`: the page's relative way to the site's root, different per folder.
_SCOPE_BASE = re.compile(r'new URL\("[^"\\<>\s]{0,200}",location\)')


# Structured data (a story's schema.org JSON-LD, extramile/sharing.py): a data block, which browsers never run.
# Allowed by structure, not by hash (its text is each story's): the exact type and no other attribute, text that
# parses as a JSON object or list, and no `<` anywhere in it, so nothing in it can end the element or open a
# comment (sharing.json_for_script writes `<` as \u003c).
STRUCTURED_DATA_TYPE = "application/ld+json"


def structured_data_problem(attrs: dict[str, str | None], text: str) -> str | None:
    """None when this <script type="application/ld+json"> is well-formed JSON-LD as the themes write it."""
    if set(attrs) != {"type"}:
        return "a JSON-LD script with attributes other than type=\"application/ld+json\""
    if "<" in text:
        return "a JSON-LD script with a raw '<' in it (the themes write it as \\u003c)"
    try:
        data = json.loads(text)
    except ValueError:
        return "a JSON-LD script that does not hold JSON"
    if not isinstance(data, (dict, list)):
        return "a JSON-LD script that holds neither an object nor a list"
    return None


def normalise(text: str) -> str:
    """An inline script's text as hashed: without surrounding white space, and with Material's per-page base."""
    return _SCOPE_BASE.sub('new URL("",location)', text.strip())


@functools.lru_cache(maxsize=256)  # the same few scripts on every page
def inline_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def config_problem(attrs: dict[str, str | None], text: str) -> str | None:
    """None when this is Material's `<script id="__config" type="application/json">` as Material writes it."""
    if set(attrs) != {"id", "type"} or attrs.get("type") != "application/json":
        return "a script named __config that is not Material's (id and type=\"application/json\" only)"
    try:
        data = json.loads(text)
    except ValueError:
        return "Material's __config script does not hold JSON"
    if not isinstance(data, dict):
        return "Material's __config script does not hold an object"
    if not set(data) <= CONFIG_KEYS:
        return f"Material's __config script has unknown keys: {', '.join(sorted(set(data) - CONFIG_KEYS))}"
    if not isinstance(data.get("base", ""), str) or ":" in data.get("base", ""):
        return "Material's __config script has an unexpected base"
    search = data.get("search")
    if search is not None and not (isinstance(search, str) and SEARCH_WORKER.fullmatch(search)):
        return "Material's __config script names an unexpected search worker"
    return None


def main(argv: list[str] | None = None) -> int:
    """List the inline scripts of built sites with their hashes (to update INLINE)."""
    import sys
    from pathlib import Path

    from extramile.audit.markup import inline_scripts

    found: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for site in (argv if argv is not None else sys.argv[1:]):
        for page in sorted(Path(site).rglob("*.htm*")):
            for attrs, text in inline_scripts(page.read_text(encoding="utf-8", errors="replace")):
                if attrs.get("id") == CONFIG_ID or attrs.get("type") == STRUCTURED_DATA_TYPE:
                    continue
                digest = inline_hash(text)
                found.setdefault(digest, []).append(str(page))
                texts[digest] = normalise(text)
    for digest, pages in sorted(found.items(), key=lambda item: -len(item[1])):
        state = "allowed" if digest in INLINE else "NOT ALLOWED"
        print(f"{digest}  {state}  {len(pages)} page(s), e.g. {pages[0]}\n    {texts[digest][:160]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
