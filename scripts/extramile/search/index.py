"""Write search records as a Pagefind index: `<site>/pagefind/`, chunked, loaded piece by piece by readers.

Pagefind's Python API answers one request per tenth of a second, so adding 10,000 records one by one would
take 17 minutes. Instead each record becomes a tiny HTML file (the title and the story's text inside
`data-pagefind-body`, its meta, filters and sort key as attributes) in a temporary folder, and Pagefind
indexes the folder in one request, in parallel. The page around a story (navigation, footer, related
stories) is never seen, so it never inflates the index.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import shutil
import tempfile
import threading
from collections.abc import Sequence
from html import escape
from pathlib import Path

from extramile.search.records import Record

OUTPUT_DIR = "pagefind"
LANGUAGE = "en"
_MARKER = b"pagefind_dcd"


class SearchIndexError(RuntimeError):
    """The index could not be written; the build fails rather than publish a partial one."""


def record_html(record: Record) -> str:
    """A record as the HTML Pagefind indexes: every value escaped, every attribute value taken as is."""
    def value(kind: str, name: str, text: str) -> str:
        # `name[data-value]` reads the value from the attribute: commas and colons in it stay literal.
        return f'<span data-pagefind-{kind}="{escape(name)}[data-value]" data-value="{escape(text)}"></span>'

    parts = [f'<!DOCTYPE html><html lang="{LANGUAGE}"><head><meta charset="utf-8">',
             f"<title>{escape(record.title)}</title></head><body><main data-pagefind-body>",
             f"<h1>{escape(record.title)}</h1>"]
    parts += [f"<p>{escape(paragraph)}</p>" for paragraph in record.paragraphs]
    parts += [value("meta", name, text) for name, text in record.meta.items()]
    parts += [value("filter", name, text) for name, values in record.filters.items() for text in values]
    parts += [value("sort", name, text) for name, text in record.sort.items()]
    parts.append("</main></body></html>\n")
    return "".join(parts)


def write_index(records: Sequence[Record], site_dir: Path | str) -> Path:
    """Write the index of `records` into `site_dir/pagefind/`, replacing any earlier one; returns that folder."""
    site_dir = Path(site_dir)
    destination = site_dir / OUTPUT_DIR
    urls = [record.url for record in records]
    if len(set(urls)) != len(urls):
        raise SearchIndexError("two search records have the same URL")
    with tempfile.TemporaryDirectory(prefix="extramile-search-") as scratch:
        pages = Path(scratch, "pages")
        for record in records:
            path = pages / record.url / "index.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(record_html(record), encoding="utf-8")
        pages.mkdir(exist_ok=True)
        # Written beside its destination, then renamed into place: a half-written index is never served.
        staged = site_dir / f".{OUTPUT_DIR}-staging"
        if staged.exists():
            shutil.rmtree(staged)
        site_dir.mkdir(parents=True, exist_ok=True)
        try:
            count = _run(_index(pages, staged))
            if count != len(records):
                raise SearchIndexError(f"Pagefind indexed {count} of {len(records)} stories")
            if destination.exists():
                shutil.rmtree(destination)
            staged.rename(destination)
        finally:
            if staged.exists():
                shutil.rmtree(staged)
    return destination


async def _index(pages: Path, output: Path) -> int:
    from pagefind.index import PagefindIndex  # imported here: the engines import this module at start-up

    config = {"force_language": LANGUAGE, "output_path": str(output), "write_playground": False}
    async with PagefindIndex(config=config) as index:  # leaving the block writes the files
        result = await index.add_directory(str(pages))
        return result["page_count"]


def _run(coroutine):
    """Run `coroutine` to the end, also from a thread that already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = asyncio.run(coroutine)
        except BaseException as error:  # re-raised in the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=target, name="extramile-search-index")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def read_fragments(pagefind_dir: Path | str) -> list[dict]:
    """Every record of a written index as Pagefind stores it (url, content, meta, filters), sorted by URL.

    For checks and tests: each fragment is gzip-compressed JSON after Pagefind's `pagefind_dcd` marker.
    """
    fragments = []
    for path in sorted(Path(pagefind_dir, "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        fragments.append(json.loads(data[len(_MARKER):] if data.startswith(_MARKER) else data))
    return sorted(fragments, key=lambda fragment: fragment["url"])
