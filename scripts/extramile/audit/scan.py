"""Walk a built site and audit each file once: its name, then its content by type (page, feed, JSON, text).

Each file is read once. A page goes through the screen (screen.py) and, unless the screen clears it, through
one parse (markup.py); feeds and JSON files are decoded as a reader decodes them (formats.py). The text rules
(drafts, contact details, stored private values) then run over the text collected, each as one regular
expression over the whole file. Large sites are split between worker processes (EXTRAMILE_WORKERS, as the
builds); the findings come back sorted by file and line."""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from extramile.audit.contacts import ContactRule
from extramile.audit.drafts import DraftRule
from extramile.audit.findings import Finding, TextChunks
from extramile.audit.formats import scan_json, scan_xml
from extramile.audit.markup import MarkupScanner, scan_markup
from extramile.audit.screen import in_markup, page_text, screen
from extramile.audit.scripts import SiteRef
from extramile.audit.store_values import StoreRule
from extramile.paths import CONTENT_DIR, STORIES_DIR
from extramile.posts_folder import IMAGE_SUFFIXES

HTML = frozenset({".html", ".htm", ".xhtml", ".shtml"})
SVG = frozenset({".svg"})
XML = frozenset({".xml", ".xsl", ".xslt", ".rss", ".atom", ".rdf", ".opml"})
JSON = frozenset({".json", ".webmanifest", ".jsonld"})
ASSETS = frozenset({".js", ".mjs", ".cjs", ".css", ".map"})  # the themes' code: no contact rule (licences)
BINARY = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".bmp", ".tif", ".tiff", ".woff",
                    ".woff2", ".ttf", ".otf", ".eot", ".pdf", ".zip", ".mp3", ".mp4", ".webm", ".ogg", ".wasm"})
_MARKUP = HTML | SVG | XML | JSON
MAX_UNZIPPED = 64 * 1024 * 1024  # a .gz that inflates beyond this is not audited but reported
# Where each engine copies the posts folder's other files: only images may be there (extramile/posts_folder.py).
POSTS_OUTPUT = PurePosixPath(STORIES_DIR).relative_to(CONTENT_DIR).as_posix() + "/"
# A story's backup or another spelling of it: x.md~, #x.md#, x.md.orig, x.MD, x.mkd, x.markdown, .#x.md ...
STORY_COPY = re.compile(r"(?i)\.(?:md|mkd|mkdn|mdown|mdwn|mdtxt|mdtext|markdown)(?:[~#.].*)?$|~$|^#.*#$|^\.#"
                        r"|\.(?:orig|bak|rej|swp|swo)$")
FRONT_MATTER = re.compile(r"(?m)^-{3}[ \t]*\r?\n(?:(?!-{3}|\.{3})[^\n]{0,1000}\n){0,80}?[ \t]*title[ \t]*:")


@dataclass
class Rules:
    site: SiteRef
    drafts: DraftRule
    contacts: ContactRule
    store: StoreRule | None = None
    parse_all: bool = False  # parse every page, not only those the screen could not clear (screen.py)


@dataclass
class Scanned:
    findings: list[Finding]
    files: int = 0
    pages: int = 0
    parsed: int = 0  # pages the screen did not clear, parsed in full
    bytes: int = 0


def site_files(folder: Path) -> list[tuple[str, bool]]:
    """Every file and link below `folder`: (its path relative to it with forward slashes, whether it is a
    symbolic link), sorted. Links to folders are listed, not followed."""
    found: list[tuple[str, bool]] = []
    pending = [("", os.fspath(folder))]
    while pending:
        prefix, directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                link = entry.is_symlink()
                if not link and entry.is_dir():
                    pending.append((prefix + entry.name + "/", entry.path))
                else:
                    found.append((prefix + entry.name, link))
    found.sort()
    return found


def scan_file(rules: Rules, rel: str, link: bool = False) -> tuple[list[Finding], int, str]:
    """The findings in one file, the bytes read, and what it was: "page" (screened), "parsed" (a page parsed in
    full) or "file"."""
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()

    def add(line: int, message: str) -> None:
        if (line, message) not in seen:
            seen.add((line, message))
            findings.append(Finding(rel, line, message))

    name = rel.rsplit("/", 1)[-1]
    suffix = PurePosixPath(name).suffix.lower()
    if STORY_COPY.search(name):
        add(1, "a story file's copy or an editor's leftover is published (only rendered pages belong in the site)")
    elif rel.startswith(POSTS_OUTPUT) and suffix not in IMAGE_SUFFIXES:
        add(1, f"a file copied from the posts folder: under {POSTS_OUTPUT} only images are published")
    if rules.drafts:
        problem = rules.drafts.in_path(rel)
        if problem:
            add(1, problem)
    if link:
        add(1, "a symbolic link: whatever it points to is published, unaudited")
        return findings, 0, "file"
    if suffix in BINARY:  # images, fonts: no text to read (their names were checked above)
        return findings, 0, "file"
    with open(os.path.join(rules.site.root, rel), "rb") as file:
        data = file.read()
    if suffix == ".gz":
        data, problem = _gunzip(data)
        if problem:
            add(1, problem)
            return findings, len(data), "file"
        suffix = PurePosixPath(name[:-3]).suffix.lower() or _sniff(data)
    if suffix in BINARY or (suffix not in _MARKUP and b"\x00" in data[:4096]):
        return findings, len(data), "file"
    text = data.decode("utf-8", errors="replace")
    if suffix not in HTML:
        match = FRONT_MATTER.search(text)
        if match:
            add(text.count("\n", 0, match.start()) + 1,
                "a story's front matter (--- then title:) in a file that is not a page: a raw story is published")
    if suffix in HTML and not rules.parse_all:
        screened = screen(text, rel, rules.site)
        if screened is not None:
            _screened_page(rules, text, *screened, add)
            return findings, len(data), "page"
    scanner: MarkupScanner | None = None
    if suffix in HTML:
        scanner = scan_markup(text, rel, rules.site)
    elif suffix in SVG:
        scanner = scan_markup(text, rel, None)
    elif suffix in XML:
        scanner = scan_xml(text, rel)
    elif suffix in JSON:
        scanner = scan_json(text, rel)
    if scanner is not None:
        for line, message in scanner.problems:
            add(line, message)
        _text_rules(rules, scanner.text, add, contacts="text")
        _text_rules(rules, scanner.attrs, add, contacts="attributes")
        _text_rules(rules, scanner.phone_links, add, contacts="text", only_contacts=True)
    else:
        whole = TextChunks()
        whole.add(1, text)
        _text_rules(rules, whole, add, contacts=None if suffix in ASSETS else "text")
    return findings, len(data), "parsed" if suffix in HTML else "file"


def _screened_page(rules: Rules, raw: str, decoded: str, lower: str, add) -> None:
    """The text rules on a page the screen cleared: addresses, drafts and stored values anywhere in the decoded
    page (attributes and data blocks included, as the parse reads them); phone numbers in its text only."""
    whole = TextChunks()
    whole.add(1, decoded)
    phrases = rules.drafts.candidates(lower)  # none, nearly always
    _text_rules(rules, whole, add, contacts="attributes", lower=lower, phrases=phrases)
    # Phone numbers: in the text alone, tags and scripts out (page_text), unless the page has neither an inline
    # SVG (icons: paths of numbers) nor a reference to decode, when the whole page is read and a number inside a
    # tag is let go (in_markup); the same findings, the cheaper way.
    drafts_in_text = bool(phrases)
    if drafts_in_text or decoded is not raw or "<svg" in lower:
        stream = page_text(raw)
        numbers = [(stream.line_at(offset), message) for offset, message in rules.contacts.phones_in(stream.text)]
        if drafts_in_text:  # a phrase cut by <em> is whole in the text alone
            for offset, message in rules.drafts.in_text(stream.text, slugs=False, candidates=phrases):
                add(stream.line_at(offset), message)
    else:
        numbers = [(whole.line_at(offset), message) for offset, message in rules.contacts.phones_in(decoded)
                   if not in_markup(raw, lower, offset)]
    for line, message in numbers:
        add(line, message)


def _text_rules(rules: Rules, chunks: TextChunks, add, contacts: str | None, only_contacts: bool = False,
                lower: str | None = None, phrases: list | None = None) -> None:
    if not chunks.parts:
        return
    text = chunks.text
    checks: list[Iterable[tuple[int, str]]] = []
    if contacts == "text":
        checks.append(rules.contacts.in_text(text))
    elif contacts == "attributes":
        checks.append(rules.contacts.in_attributes(text))
    if not only_contacts:
        if (rules.drafts or rules.store is not None) and lower is None:
            lower = text.lower()
        if rules.drafts:
            checks.append(rules.drafts.in_text(text, lower, candidates=phrases))
        if rules.store is not None:
            checks.append(rules.store.in_text(text, lower))
    for check in checks:
        for offset, message in check:
            add(chunks.line_at(offset), message)


def _gunzip(data: bytes) -> tuple[bytes, str | None]:
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib, by the header
    try:
        out = inflater.decompress(data, MAX_UNZIPPED)
    except zlib.error:
        return b"", "a .gz file that does not decompress: it cannot be audited"
    if inflater.unconsumed_tail:
        return b"", f"a .gz file larger than {MAX_UNZIPPED // 2**20} MB uncompressed: it cannot be audited"
    return out, None


def _sniff(data: bytes) -> str:
    head = data[:512].lstrip()
    if head[:1] in (b"{", b"["):
        return ".json"
    if head[:5] == b"<?xml" or head[:4] in (b"<rss", b"<fee", b"<url", b"<sit"):
        return ".xml"
    if head[:1] == b"<":
        return ".html"
    return ".txt"


# Worker processes: the rules are inherited through fork, not pickled.
_RULES: Rules | None = None


def _init(rules: Rules) -> None:
    global _RULES
    _RULES = rules


def _scan_many(paths: list[tuple[str, bool]]) -> Scanned:
    assert _RULES is not None
    return scan_all(_RULES, paths)


def scan_all(rules: Rules, paths: list[tuple[str, bool]]) -> Scanned:
    result = Scanned(findings=[])
    for rel, link in paths:
        findings, size, kind = scan_file(rules, rel, link)
        result.findings += findings
        result.files += 1
        result.bytes += size
        result.pages += kind != "file"
        result.parsed += kind == "parsed"
    return result


def scan_site(rules: Rules, workers: int = 1) -> Scanned:
    paths = site_files(rules.site.folder)
    if workers <= 1 or len(paths) < 400:
        result = scan_all(rules, paths)
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        size = max(50, min(500, len(paths) // (workers * 8)))
        batches = [paths[i:i + size] for i in range(0, len(paths), size)]
        result = Scanned(findings=[])
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(rules,)) as pool:
            for part in pool.map(_scan_many, batches):
                result.findings += part.findings
                result.files += part.files
                result.pages += part.pages
                result.parsed += part.parsed
                result.bytes += part.bytes
    result.findings.sort()
    return result
