"""Contact details in free text: e-mail addresses, phone numbers and street addresses.

One finder for the ingest (which replaces them in a draft by a visible placeholder and keeps the original in
the private store), `extramile check` (which reports them in any story) and `extramile audit` (which looks for
them in a built site). Deliberate ones, such as a business's public phone line, are listed once in
`content/public-contacts.yml`.

Every pattern does bounded work per position (addresses are found from their `@`, numbers have a bounded
number of groups), so finding is linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

ALLOW_LIST_FILE = "content/public-contacts.yml"
DESCRIPTIONS = {"e-mail": "an e-mail address", "phone": "a phone number", "address": "a street address"}
PLACEHOLDERS = {
    "e-mail": "[e-mail removed]",
    "phone": "[phone number removed]",
    "address": "[street address removed]",
}

# An address is found from its `@` (a search over the local part would retry it from every start: quadratic on
# `a.a.a….a@`); its local part is then read backwards from the `@`, at most 64 characters.
_EMAIL_AT = re.compile(r"(?<=[A-Za-z0-9._%+\-])@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_LOCAL_PART_REVERSED = re.compile(r"[A-Za-z0-9._%+\-]{1,64}")
# A phone number: 9 to 15 digits (an optional + or 00 first) with spaces, tabs, ( ) . - / between them, not inside
# a word or a path, and not a date. Within one run of digits and separators a match can only start at the run's
# first possible start (trying every later start is what made the pattern quadratic), so each run of nine
# digits or more is found once and matched once, from that start.
_PHONE_RUN = re.compile(r"(?<![\d \t().\-/])(?:[ \t().\-/]*+\d){9}[\d \t().\-/]*+")
_PHONE_START = re.compile(r"(?<![\w/.-])(?:\+|00)?\(?\d")
_PHONE_AT = re.compile(r"(?:\+|00)?\(?\d[\d \t().\-/]{6,}\d(?![\w/])")
_DATE_LIKE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_NOT_DIGITS = str.maketrans("", "", "+() \t.-/")
_STREET_WORDS = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Close|"
    "Crescent|Gardens|Square|Sq|Parkway|Pkwy|Highway|Hwy|Straße|Strasse|Rue|Calle|Via"
)
# "221B Baker Street", "12 rue de la Paix": a house number, one to four capitalised words, a street word.
_ADDRESS = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?,?[ \t]+(?:(?i:rue|calle|via|avenue|avenida)\b[ \t]+(?:[\w'’-]{{1,30}}[ \t]+){{0,3}}[\w'’-]{{1,30}}"
    rf"|(?:[A-Z][\w'’-]{{0,30}}[ \t]+){{1,4}}(?:{_STREET_WORDS})\b)"
)


@dataclass(frozen=True)
class Contact:
    kind: str  # "e-mail", "phone" or "address"
    start: int
    end: int
    text: str


def find(text: str, allowed: frozenset[str] = frozenset()) -> list[Contact]:
    """Every contact detail in `text`, in order, except those listed as allowed (exact text)."""
    found = [*_emails(text), *_phones(text), *_addresses(text)]
    found.sort(key=lambda contact: (contact.start, -contact.end))
    kept: list[Contact] = []
    for contact in found:
        if kept and contact.start < kept[-1].end:
            continue  # overlapping finds: the first and longest wins
        if contact.text not in allowed:
            kept.append(contact)
    return kept


def redact(text: str, allowed: frozenset[str] = frozenset()) -> tuple[str, list[Contact]]:
    """The text with each contact detail replaced by its placeholder, and what was replaced."""
    contacts = find(text, allowed)
    if not contacts:
        return text, []
    out, pos = [], 0
    for contact in contacts:
        out += [text[pos:contact.start], PLACEHOLDERS[contact.kind]]
        pos = contact.end
    out.append(text[pos:])
    return "".join(out), contacts


def _emails(text: str):
    if "@" not in text:
        return
    for match in _EMAIL_AT.finditer(text):
        at = match.start()
        local = _LOCAL_PART_REVERSED.match(text[max(0, at - 64):at][::-1])
        start = at - local.end() if local else at
        while start < at and text[start] == ".":  # a sentence's full stop is not part of the address
            start += 1
        yield Contact("e-mail", start, match.end(), text[start:match.end()])


def _phones(text: str):
    for run in _PHONE_RUN.finditer(text):
        begin = run.start() - 1 if run.start() and text[run.start() - 1] == "+" else run.start()
        start = _PHONE_START.search(text, begin, run.end())
        match = _PHONE_AT.match(text, start.start()) if start else None
        if match and 9 <= len(match[0].translate(_NOT_DIGITS)) <= 15 and not _DATE_LIKE.match(match[0]):
            yield Contact("phone", match.start(), match.end(), match[0])


def _addresses(text: str):
    for match in _ADDRESS.finditer(text):
        yield Contact("address", match.start(), match.end(), match[0])


def load_allowed(root: Path) -> frozenset[str]:
    """The deliberate contact details of `content/public-contacts.yml` (missing file: none)."""
    return read_allowed(root / ALLOW_LIST_FILE)


def read_allowed(path: Path) -> frozenset[str]:
    """The `allowed` texts of an allow-list file; ValueError naming the file and entry if it is malformed."""
    if not path.is_file():
        return frozenset()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: is not valid YAML: {error}") from None
    entries = data.get("allowed") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: 'allowed' must be a list of exact texts (with a note each)")
    texts = []
    for index, entry in enumerate(entries, 1):
        text = entry.get("text") if isinstance(entry, dict) else entry
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{path}: entry {index} must have a 'text'")
        texts.append(text.strip())
    return frozenset(texts)
