"""What one search downloads: run real queries against a built site's search index in headless Chromium.

    .venv/bin/python benchmarks/search_bytes.py site/                # a built site (mkdocs or Pelican)
    .venv/bin/python benchmarks/search_bytes.py --synthetic 10000    # the index of N synthetic stories

Three readers are measured, each in a fresh browser (nothing cached), as browse.js drives search/search.js:
- "search box": one query, then the first 5 results' stories (what the header's search box shows);
- "browse": the Browse page's first view: the facet counts, every story newest first, the first 10 shown;
- "browse, words and a facet": the facet counts, one query with one facet, then 10 results' stories.
Every file the browser fetches is counted: as stored for the index's pre-compressed files (*.gz), and
gzip-compressed for search.js and index.json (what any host sends compressed).
`--synthetic` writes extramile.bench.corpus stories, renders them as both engines do and writes the same
index the builds write (records from extramile.search), without building the rest of a site.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

CHROMIUM = "/usr/bin/chromium"
PAGE = "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>bench</title></head><body></body></html>"

# As theme/material/assets/javascripts/browse.js does.
SEARCH_BOX = """async (term) => {
  const search = await import("/search/search.js");
  await search.options({baseUrl: "/", excerptLength: 30});
  await search.init();
  const found = await search.search(term);
  await Promise.all(found.results.slice(0, 5).map((r) => r.data()));
  return found.results.length;
}"""

BROWSE = """async (term) => {
  const search = await import("/search/search.js");
  await search.options({baseUrl: "/", excerptLength: 30});
  await search.init();
  await search.filters();
  const found = await search.search(null, {filters: {}, sort: {date: "desc"}});
  await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
  return found.results.length;
}"""

BROWSE_WORDS = """async (term) => {
  const search = await import("/search/search.js");
  await search.options({baseUrl: "/", excerptLength: 30});
  await search.init();
  await search.filters();
  const found = await search.search(term, {filters: {perspective: {any: ["customer"]}}});
  await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
  return found.results.length;
}"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def wire_size(path: Path) -> int:
    data = path.read_bytes()
    if path.suffix in {".js", ".json", ".css", ".html"}:
        return len(gzip.compress(data, compresslevel=9))
    return len(data)  # the index's data files are stored compressed


READERS = {"search box": SEARCH_BOX, "browse": BROWSE, "browse, words and a facet": BROWSE_WORDS}


def measure(site: Path, term: str, readers=tuple(READERS)) -> dict[str, tuple[int, list[tuple[str, int]]]]:
    from playwright.sync_api import sync_playwright

    (site / "__bench__.html").write_text(PAGE, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            for name in readers:
                script = READERS[name]
                context = browser.new_context()
                fetched: list[str] = []
                context.on("request", lambda request, fetched=fetched: fetched.append(request.url))
                page = context.new_page()
                page.goto(base + "__bench__.html")
                fetched.clear()
                hits = page.evaluate(script, term)
                page.wait_for_timeout(200)
                files = []
                for url in dict.fromkeys(fetched):
                    path = site / unquote(urlparse(url).path).lstrip("/")
                    if path.is_file():
                        files.append((path.relative_to(site).as_posix(), wire_size(path)))
                results[name] = (hits, files)
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
        (site / "__bench__.html").unlink()
    return results


def query_bytes(site: Path, term: str = "delivery") -> int:
    """Bytes one query from the header's search box downloads on `site` (for extramile.bench.measure)."""
    _, files = measure(Path(site), term, readers=("search box",))["search box"]
    return sum(size for _, size in files)


def synthetic_site(count: int, folder: Path) -> Path:
    import markdown

    from extramile.bench.corpus import write_corpus
    from extramile.collection import Entry
    from extramile.reader import read_story
    from extramile.sanitize import sanitize_html
    from extramile.schema import validate_story
    from extramile.search.index import write_index
    from extramile.search.records import build_records
    from extramile.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(ROOT / "content" / "vocabulary.yml")
    started = time.perf_counter()
    paths = write_corpus(folder / "posts", count, vocabulary)
    md = markdown.Markdown(extensions=["abbr", "admonition", "footnotes", "tables", "toc", "pymdownx.smartsymbols"],
                           extension_configs={"toc": {"permalink": True}})
    entries, html = [], {}
    for path in paths:
        story_file = read_story(path)
        story, problems = validate_story(story_file.metadata, vocabulary)
        assert not problems, problems
        entries.append(Entry(key=path.stem, url=f"stories/{path.stem}/", story=story))
        md.reset()
        html[path.stem] = sanitize_html(md.convert(story_file.body))
    rendered = time.perf_counter()
    site = folder / "site"
    records = build_records(entries, html, vocabulary)
    recorded = time.perf_counter()
    write_index(records, site)
    indexed = time.perf_counter()
    print(f"{count} synthetic stories: rendered in {rendered - started:.1f} s, records in "
          f"{recorded - rendered:.1f} s, index written in {indexed - recorded:.1f} s")
    return site


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site (with search/)")
    parser.add_argument("--synthetic", type=int, metavar="N", help="measure the index of N synthetic stories")
    parser.add_argument("--term", default="delivery", help="the word searched for (default: delivery)")
    parser.add_argument("--verbose", action="store_true", help="list every file fetched")
    args = parser.parse_args(argv)
    scratch = None
    try:
        if args.synthetic:
            scratch = Path(tempfile.mkdtemp(prefix="search-bytes-"))
            site = synthetic_site(args.synthetic, scratch)
        elif args.site:
            site = args.site
        else:
            parser.error("give a built site or --synthetic N")
        folder = site / "search"
        if not (folder / "index.json").is_file():
            parser.error(f"{folder} holds no search index")
        total_index = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        print(f"index: {index['count']} stories, {len(index['chunks'])} term chunks, "
              f"{total_index / 1e6:.1f} MB on disk in {folder}")
        for name, (hits, files) in measure(site, args.term).items():
            total = sum(size for _, size in files)
            print(f"{name}: {total / 1000:.1f} KB in {len(files)} files for {args.term!r} ({hits} hits)")
            if args.verbose:
                for path, size in files:
                    print(f"  {size / 1000:8.1f} KB  {path}")
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
