"""Write search records as our own compact static index: `<site>/search/`, loaded piece by piece by readers.

The format (FORMAT below; client.js reads it, copied to `search/search.js`):

- `index.json`, plain JSON and the only file whose name never changes: the format and tokenizer versions, the
  number of stories, the term-chunk table (`[first term, last term, file]`, in UTF-16 order as JavaScript
  compares strings), the facets file, the documents folder and each facet value's story count.
- Stories are numbered 0..N-1 newest first (date descending, then URL), so "newest first" needs no data and
  each year is a run of consecutive numbers.
- `t.<hash>.gz`: a chunk of terms (~5-15 KB gzipped), `{"term": [n story numbers, n weights]}`, each story
  number given as the difference from the previous one. The weight is BM25's term-frequency part
  (title words counted TITLE_BOOST times, the story's length normalised) times WEIGHT_SCALE, rounded; the reader
  adds the idf, which it knows from the list's length. No word positions.
- `f.<hash>.gz`: each facet's stories, for the Browse page's filters and counts: `{"lists": {"value": [story
  deltas]}}`, or for a facet with one value per story `{"values": [...], "column": "one character per story"}`.
- `d.<hash>/<number>.gz`: one story each, `{"url", "meta", "filters", "text": [paragraphs]}`, for the result
  list and its excerpt. The folder is named after every story's bytes: renumbering can never serve a stale one.

Every data file is gzip-compressed JSON (mtime 0) named after its content, so the same records give the same
bytes and a file, once cached, never changes. The folder is written beside its destination and renamed into
place: a half-written index is never served.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from extramile.search import tokenize
from extramile.search.records import FACETS, Record

OUTPUT_DIR = "search"
FORMAT = 1
CLIENT = Path(__file__).with_name("client.js")
K1, B = 1.2, 0.75  # BM25's usual constants
TITLE_BOOST = 3  # a word of the title counts as three of the text
WEIGHT_SCALE = 8  # weights are integers: BM25's term-frequency part (0..K1+1) times this, at least 1
# A term chunk's JSON before gzip: 5-15 KB after (long posting lists compress ~8x, short ones ~3x). Smaller
# chunks than Pagefind's: one query fetches less, for a table in index.json of ~120 chunks at 10,000 stories.
CHUNK_JSON_BYTES = 48_000


class SearchIndexError(RuntimeError):
    """The index could not be written; the build fails rather than publish a partial one."""


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _gzip(data: bytes) -> bytes:
    # Level 6: level 9 takes 8 times longer on the term chunks (1.7 s instead of 0.2 s at 10,000 stories)
    # for 5% fewer bytes.
    return gzip.compress(data, compresslevel=6, mtime=0)


def _name(prefix: str, data: bytes, suffix: str = ".gz") -> str:
    return f"{prefix}.{hashlib.sha256(data).hexdigest()[:12]}{suffix}"


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-be")  # sorts as JavaScript's < compares strings


def _deltas(numbers) -> list[int]:
    previous, out = 0, []
    for number in numbers:
        out.append(number - previous)
        previous = number
    return out


def ordered(records: Sequence[Record]) -> list[Record]:
    """Newest first, then by URL: a story's number in the index is its place in this list."""
    by_url = sorted(records, key=lambda record: record.url)
    return sorted(by_url, key=lambda record: record.sort.get("date", record.meta.get("date", "")), reverse=True)


def _terms(record: Record, stemmer) -> tuple[dict[str, int], int]:
    """A story's terms with their frequency (title words count TITLE_BOOST times), and its length in words."""
    counts = stemmer.counts("\n".join(record.paragraphs))
    length = sum(counts.values())
    for term, count in stemmer.counts(record.title).items():
        counts[term] += TITLE_BOOST * count
        length += count
    return counts, length


def _postings(terms: list[tuple[dict[str, int], int]]) -> tuple[dict[str, list[int]], list[int]]:
    """term -> [story, term frequency, ...] in story order; and each story's length in words."""
    postings: dict[str, list[int]] = {}
    lengths = []
    for number, (counts, length) in enumerate(terms):
        lengths.append(length)
        for term, count in counts.items():
            entry = postings.get(term)
            if entry is None:
                postings[term] = [number, count]
            else:
                entry += (number, count)
    return postings, lengths


def _key(record: Record) -> tuple:
    return (record.url, record.title, record.paragraphs, tuple(record.meta.items()),
            tuple(record.filters.items()), tuple(record.sort.items()))


def _term_chunks(postings: dict[str, list[int]], lengths: list[int]) -> list[tuple[str, str, bytes]]:
    average = (sum(lengths) / len(lengths)) or 1.0
    norms = [K1 * (1 - B + B * length / average) for length in lengths]
    scale = WEIGHT_SCALE * (K1 + 1)
    chunks: list[tuple[str, str, bytes]] = []
    parts: list[bytes] = []
    first = last = ""
    size = 0

    def close():
        nonlocal parts, size
        if parts:
            chunks.append((first, last, b"{" + b",".join(parts) + b"}"))
        parts, size = [], 0

    for term in sorted(postings, key=_utf16):
        entry = postings[term]
        numbers, counts = entry[0::2], entry[1::2]
        # All the deltas, then all the weights: like with like compresses better than interleaved.
        encoded = [numbers[0], *(b - a for a, b in zip(numbers, numbers[1:]))]
        encoded += [round(scale * count / (count + norms[number])) or 1 for number, count in zip(numbers, counts)]
        part = json.dumps(term, ensure_ascii=False).encode("utf-8") + b":[" + \
            ",".join(map(str, encoded)).encode("ascii") + b"]"
        if parts and size + len(part) > CHUNK_JSON_BYTES:
            close()
        if not parts:
            first = term
        parts.append(part)
        last = term
        size += len(part) + 1
    close()
    return chunks


# One character per story for a facet with one value per story: printable ASCII that JSON needs not escape.
COLUMN_ALPHABET = "".join(chr(code) for code in range(0x23, 0x7F) if chr(code) != "\\")


def _facets(records: list[Record]) -> tuple[dict, dict]:
    """The facets file's content, and facet -> value -> count.

    A facet whose every story has exactly one value (teller, industry, channel, year) is a column, one
    character per story (the value's place in `values`): 40% smaller gzipped than the lists of story numbers
    that a facet with several values per story (tags) needs, `{"value": [story deltas]}`.
    """
    members: dict[str, dict[str, list[int]]] = {facet: {} for facet in FACETS}
    single = {facet: True for facet in FACETS}
    for number, record in enumerate(records):
        for facet in set(members) | set(record.filters):
            values = list(dict.fromkeys(record.filters.get(facet, ())))
            single[facet] = single.get(facet, True) and len(values) == 1
            for value in values:
                members.setdefault(facet, {}).setdefault(value, []).append(number)
    content: dict[str, dict] = {}
    for facet, values in members.items():
        names = sorted(values)
        if single[facet] and values and len(names) <= len(COLUMN_ALPHABET):
            column = [""] * len(records)
            for place, name in enumerate(names):
                for number in values[name]:
                    column[number] = COLUMN_ALPHABET[place]
            content[facet] = {"values": names, "column": "".join(column)}
        else:
            content[facet] = {"lists": {name: _deltas(values[name]) for name in names}}
    totals = {facet: {value: len(numbers) for value, numbers in values.items()} for facet, values in members.items()}
    return content, totals


def _document(record: Record) -> bytes:
    filters = {facet: list(values) for facet, values in record.filters.items()}
    return _json({"url": record.url, "meta": record.meta, "filters": filters, "text": list(record.paragraphs)})


def build_files(records: Sequence[Record], memo: dict | None = None) -> dict[str, bytes]:
    """Every file of the index of `records` (relative path -> bytes), without writing any.

    `memo`, kept by the caller from one call to the next (`mkdocs serve` rebuilds), holds each record's
    compressed document and terms: only new or changed records are counted and compressed again.
    """
    urls = [record.url for record in records]
    if len(set(urls)) != len(urls):
        raise SearchIndexError("two search records have the same URL")
    records = ordered(records)
    files: dict[str, bytes] = {}
    keys = [_key(record) for record in records] if memo is not None else []
    known = [memo.get(key) for key in keys] if memo is not None else [None] * len(records)
    stemmer = tokenize.Stemmer()
    # zlib lets go of the interpreter lock: the stories compress on another core while the terms are counted.
    plain = {at: _document(record) for at, record in enumerate(records) if known[at] is None}
    with ThreadPoolExecutor(max_workers=1) as pool:
        compressing = pool.submit(lambda documents: {at: _gzip(doc) for at, doc in documents.items()}, plain)
        terms = [hit[1] if hit is not None else _terms(record, stemmer) for hit, record in zip(known, records)]
        fresh = compressing.result()
    documents = [hit[0] if hit is not None else fresh[at] for at, hit in enumerate(known)]
    if memo is not None:  # only what this index holds: a long `serve` does not pile up old versions
        memo.clear()
        memo.update(zip(keys, zip(documents, terms)))
    postings, lengths = _postings(terms)
    del plain
    table = []
    for first, last, data in _term_chunks(postings, lengths):
        packed = _gzip(data)
        name = _name("t", packed)
        files[name] = packed
        table.append([first, last, name])
    del postings
    lists, totals = _facets(records)
    facets = _gzip(_json(lists))
    facets_name = _name("f", facets)
    files[facets_name] = facets
    digest = hashlib.sha256()
    for document in documents:
        digest.update(len(document).to_bytes(4, "big") + document)
    folder = f"d.{digest.hexdigest()[:12]}"
    for number, document in enumerate(documents):
        files[f"{folder}/{number}.gz"] = document
    files["index.json"] = _json({
        "version": FORMAT, "tokenizer": tokenize.VERSION, "count": len(records), "weightScale": WEIGHT_SCALE,
        "chunks": table, "facets": facets_name, "documents": folder, "totals": totals,
    }) + b"\n"
    files["search.js"] = client()
    return files


def client() -> bytes:
    """client.js as readers get it (search/search.js): without the comments that fill whole lines.

    They are for whoever reads the source, and a quarter of its gzipped bytes (1.4 KB of every reader's first
    search). Only whole lines go: one that starts with // or /* is never inside a string, as client.js has no
    string over several lines (tests/search/test_client.py checks the result still parses and exports the same).
    """
    kept, in_comment = [], False
    for line in CLIENT.read_text(encoding="utf-8").splitlines(keepends=True):
        text = line.strip()
        if in_comment or text.startswith("/*"):
            closes = text.find("*/", 2 if text.startswith("/*") else 0)
            if closes not in (-1, len(text) - 2):
                raise SearchIndexError(f"client.js: code after a comment on one line: {text[:60]!r}")
            in_comment = closes == -1
        elif not text.startswith("//"):
            kept.append(line)
    header = "/* Extra Mile search: extramile/search/client.js, without its comments. */\n"
    return (header + "".join(kept)).encode("utf-8")


def write_index(records: Sequence[Record], site_dir: Path | str, memo: dict | None = None) -> Path:
    """Write the index of `records` into `site_dir/search/`, replacing any earlier one; returns that folder.

    `memo`: see build_files. With it, a story file whose bytes the previous call wrote is linked from there,
    not written again: a `serve` rebuild after one edit creates no 10,000 new files (slow on some disks)."""
    site_dir = Path(site_dir)
    destination = site_dir / OUTPUT_DIR
    written = memo.pop(_WRITTEN, {}) if memo is not None else {}  # id(bytes) -> (those bytes, their file)
    files = build_files(records, memo)  # refuses bad records before anything is touched
    staged = site_dir / f".{OUTPUT_DIR}-staging"
    retired = site_dir / f".{OUTPUT_DIR}-previous"
    for leftover in (staged, retired):
        if leftover.exists():
            shutil.rmtree(leftover)
    try:
        staged.mkdir(parents=True)
        for folder in sorted({Path(path).parent for path in files} - {Path(".")}):
            (staged / folder).mkdir(parents=True)
        for path, data in files.items():
            earlier = written.get(id(data))
            if earlier is None or earlier[0] is not data or not _linked(earlier[1], staged / path):
                (staged / path).write_bytes(data)
        if destination.exists():
            destination.rename(retired)
        staged.rename(destination)
    finally:
        for leftover in (staged, retired):
            if leftover.exists():
                shutil.rmtree(leftover)
    if memo is not None:  # the bytes are kept with their file: an id is never another object's meanwhile
        memo[_WRITTEN] = {id(data): (data, destination / path) for path, data in files.items() if "/" in path}
    return destination


def _linked(source: Path, target: Path) -> bool:
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


_WRITTEN = "written"  # the memo's entry for write_index; build_files' entries are tuples


def _read(path: Path):
    return json.loads(gzip.decompress(path.read_bytes()))


def read_index(folder: Path | str) -> dict:
    """index.json of a written index."""
    return json.loads(Path(folder, "index.json").read_text(encoding="utf-8"))


def read_documents(folder: Path | str) -> list[dict]:
    """Every story of a written index as stored (url, meta, filters, text), in index order (newest first).

    For checks and tests; each also gets `content`, its title and text as one string.
    """
    folder = Path(folder)
    index = read_index(folder)
    documents = []
    for number in range(index["count"]):
        document = _read(folder / index["documents"] / f"{number}.gz")
        document["content"] = "\n".join([document["meta"].get("title", ""), *document["text"]])
        documents.append(document)
    return documents


def read_terms(folder: Path | str) -> dict[str, list[tuple[int, int]]]:
    """Every term of a written index -> [(story number, weight), ...]: for checks and tests."""
    folder = Path(folder)
    terms = {}
    for _, _, name in read_index(folder)["chunks"]:
        for term, encoded in _read(folder / name).items():
            half = len(encoded) // 2
            number, pairs = 0, []
            for delta, weight in zip(encoded[:half], encoded[half:]):
                number += delta
                pairs.append((number, weight))
            terms[term] = pairs
    return terms


def read_facets(folder: Path | str) -> dict[str, dict[str, list[int]]]:
    """facet -> value -> story numbers, of a written index: for checks and tests."""
    folder = Path(folder)
    content = _read(folder / read_index(folder)["facets"])
    result: dict[str, dict[str, list[int]]] = {}
    for facet, stored in content.items():
        if "column" in stored:
            result[facet] = {value: [] for value in stored["values"]}
            for number, character in enumerate(stored["column"]):
                result[facet][stored["values"][COLUMN_ALPHABET.index(character)]].append(number)
            continue
        result[facet] = {}
        for value, deltas in stored["lists"].items():
            number, numbers = 0, []
            for delta in deltas:
                number += delta
                numbers.append(number)
            result[facet][value] = numbers
    return result
