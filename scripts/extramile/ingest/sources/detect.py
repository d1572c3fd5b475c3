"""Which export a file is, from its content (never its name).

A file starting with `{` is JSON Lines when its first line, read whole however long (up to the record limit), is
a complete object that is not itself a document holding a list of submissions; a document's first line never is
one unless the whole document is on it. The rest of the first 64 KiB tells the exports apart."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from extramile.ingest.mapping import norm_key
from extramile.ingest.sources.csvfile import GOOGLE_TIMESTAMPS
from extramile.ingest.sources.jsonstream import LIST_KEYS
from extramile.ingest.sources.textio import bounded_lines

FORMATS = ("netlify-csv", "netlify-json", "formspree-json", "google-forms-csv", "csv", "json", "jsonl")
SNIFF = 1 << 16
_NETLIFY_KEYS = re.compile(r'"(?:human_fields|ordered_human_fields|form_id|site_url)"\s*:')
_FORMSPREE_KEYS = re.compile(r'"_date"\s*:')
_NETLIFY_COLUMNS = {"ip", "user_agent", "referrer", "form_name"}
# A document on one line: `{"submissions": [` (or another list key) first.
_DOCUMENT_START = re.compile(r'\{\s*"(?:' + "|".join(LIST_KEYS) + r')"\s*:\s*\[')


def detect(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(SNIFF).decode("utf-8-sig", errors="replace")
    text = head.lstrip()
    if text.startswith("["):
        return _json_flavour(text)
    if text.startswith("{"):
        return "jsonl" if _json_lines(path, text) else _json_flavour(text)
    header = next(csv.reader(io.StringIO(text)), [])
    keys = [norm_key(cell) for cell in header]
    if keys and keys[0] in GOOGLE_TIMESTAMPS:
        return "google-forms-csv"
    if "created_at" in keys and _NETLIFY_COLUMNS & set(keys):
        return "netlify-csv"
    return "csv"


def _json_lines(path: Path, head: str) -> bool:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        lines = (line for line in bounded_lines(handle) if line is None or line.strip())
        first = next(lines, "")
        if first is None:  # longer than any submission: JSON Lines if another line follows, not if it is all
            return _DOCUMENT_START.match(head) is None and next(lines, "") != ""
    try:
        one = json.loads(first)
    except ValueError:
        return False
    return isinstance(one, dict) and not any(isinstance(one.get(key), list) for key in LIST_KEYS)


def _json_flavour(text: str) -> str:
    if _NETLIFY_KEYS.search(text):
        return "netlify-json"
    if _FORMSPREE_KEYS.search(text):
        return "formspree-json"
    return "json"
