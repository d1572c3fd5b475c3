"""Which export a file is, from its content (never its name)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from extramile.ingest.mapping import norm_key
from extramile.ingest.sources.csvfile import GOOGLE_TIMESTAMPS
from extramile.ingest.sources.jsonstream import LIST_KEYS

FORMATS = ("netlify-csv", "netlify-json", "formspree-json", "google-forms-csv", "csv", "json", "jsonl")
SNIFF = 1 << 16
_NETLIFY_KEYS = re.compile(r'"(?:human_fields|ordered_human_fields|form_id|site_url)"\s*:')
_FORMSPREE_KEYS = re.compile(r'"_date"\s*:')
_NETLIFY_COLUMNS = {"ip", "user_agent", "referrer", "form_name"}


def detect(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(SNIFF).decode("utf-8-sig", errors="replace")
    text = head.lstrip()
    if text.startswith("["):
        return _json_flavour(text)
    if text.startswith("{"):
        try:  # JSON Lines: the first line alone is a whole object (a document's first line never is)
            one = json.loads(text.partition("\n")[0])
        except ValueError:
            one = None
        if isinstance(one, dict) and not any(key in one for key in LIST_KEYS):
            return "jsonl"
        return _json_flavour(text)
    header = next(csv.reader(io.StringIO(text)), [])
    keys = [norm_key(cell) for cell in header]
    if keys and keys[0] in GOOGLE_TIMESTAMPS:
        return "google-forms-csv"
    if "created_at" in keys and _NETLIFY_COLUMNS & set(keys):
        return "netlify-csv"
    return "csv"


def _json_flavour(text: str) -> str:
    if _NETLIFY_KEYS.search(text):
        return "netlify-json"
    if _FORMSPREE_KEYS.search(text):
        return "formspree-json"
    return "json"
