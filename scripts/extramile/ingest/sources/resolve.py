"""One source record (a CSV row, a JSON object) to a RawRecord: its fields sorted by a Mapping into story fields,
private details, honeypot, spam flag, id and time; everything else dropped and named for the report."""

from __future__ import annotations

import hashlib
import re

from extramile.ingest.mapping import Mapping, norm_key
from extramile.ingest.normalise import as_text, lone_surrogate, timestamp
from extramile.ingest.records import Location, Problem, RawRecord
from extramile.ingest.spam import backend_says_spam

_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,80}$")


def resolve(native: dict, mapping: Mapping, location: Location, backend: str, *,
            raw_id: object = None, received: object = None, spam: str | None = None) -> RawRecord | Problem:
    """The record's fields sorted by `mapping`; a Problem for a record holding text that is not text."""
    problem = surrogate_problem(native, location)
    if problem is None and (raw_id is not None or received is not None):
        problem = surrogate_problem({"id": raw_id, "received": received}, location)
    if problem is not None:
        return problem
    by_key: dict[str, tuple[str, object]] = {}
    dropped: list[str] = []
    for key, value in native.items():
        normalised = norm_key(key)
        if normalised in by_key:
            dropped.append(str(key))  # two keys that read the same: the first one counts
        else:
            by_key[normalised] = (str(key), value)
    used: set[str] = set()

    def take(candidates: tuple[str, ...]) -> tuple[object, bool]:
        for candidate in candidates:
            if candidate in by_key:
                used.add(candidate)
                return by_key[candidate][1], True
        return None, False

    fields: dict[str, object] = {}
    for name, keys in mapping.fields.items():
        value, found = take(keys)
        if found:
            fields[name] = value
    private: dict[str, str] = {}
    for name, keys in mapping.private.items():
        value, found = take(keys)
        text = _text(value)
        if found and text.strip():
            private[name] = text.strip()
    honeypot = ""
    for key in mapping.honeypot:
        if key in by_key:
            used.add(key)
            honeypot = honeypot or _text(by_key[key][1])
    for key in mapping.spam:
        if key in by_key:
            used.add(key)
            if spam is None and backend_says_spam(by_key[key][1]):
                spam = f"marked as spam by the backend ({by_key[key][0]})"
    native_id, _ = take(mapping.id)
    native_received, _ = take(mapping.received)
    used.update(key for key in mapping.ignore if key in by_key)
    dropped.extend(original for key, (original, _) in by_key.items() if key not in used)
    when = received if received is not None else native_received
    return RawRecord(
        location=location, fields=fields, id=source_id(backend, raw_id if raw_id is not None else native_id),
        received=timestamp(when, mapping.received_format, mapping.timezone) if _text(when).strip() else None,
        private=private, honeypot=honeypot, spam=spam, dropped=dropped, backend=backend,
    )


def surrogate_problem(fields: dict, location: Location) -> Problem | None:
    """The record rejected, naming the field, when a key or value holds a lone surrogate (JSON's "\\ud800")."""
    found = lone_surrogate(fields)
    if found is None:
        return None
    field, char, position = found
    return Problem(location, field or "record",
                   f"holds \\u{ord(char):04x} at character {position}: half of a UTF-16 pair (a JSON \\u escape), "
                   "which is not text; correct or remove it at the source")


def source_id(backend: str, raw: object) -> str | None:
    """`backend:id` when it fits a story's source id; a stable digest of it otherwise; None without an id."""
    text = _text(raw).strip()
    if not text:
        return None
    if backend == "store" and _ID.match(text):
        return text
    candidate = f"{backend}:{text}"
    if _ID.match(candidate):
        return candidate
    return f"{backend}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:24]}"


def _text(value: object) -> str:
    try:
        return as_text(value)
    except TypeError:
        return ""
