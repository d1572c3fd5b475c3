"""JSON exports (Netlify's submissions API, Formspree's export, a plain list of submissions) and JSON Lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from extramile.ingest.mapping import Mapping
from extramile.ingest.records import Location, Pending, Problem, RawRecord
from extramile.ingest.sources.jsonstream import TOO_LONG_VALUE, JsonStream
from extramile.ingest.sources.resolve import resolve
from extramile.ingest.sources.textio import TOO_LONG, bounded_lines, open_text, require_utf8

# Netlify keeps the form's fields (and ip, user_agent, referrer) in `data`; the hidden form-name is its own.
NETLIFY_DATA_META = ("form-name", "form_name")
# Formspree: `_id` and `_date` are its own; the rest of the underscore keys are its special form fields.
FORMSPREE_META = ("_subject", "_next", "_cc", "_language", "_format", "_errors", "_status", "_template", "_host")


class JsonSource:
    unit = "record"  # what a Location calls one of its submissions

    def __init__(self, path: Path, shown: str, mapping: Mapping, flavour: str = "json"):
        self.path, self.shown, self.flavour = Path(path), shown, flavour
        self.backend = {"netlify-json": "netlify", "formspree-json": "formspree"}.get(flavour, "json")
        if flavour == "formspree-json":
            mapping = mapping.with_ignored(*FORMSPREE_META)
        elif flavour == "netlify-json":
            mapping = mapping.with_ignored(*NETLIFY_DATA_META)
        self.mapping = mapping

    def check(self) -> None:
        """Decode the whole document once (a submission at a time) before anything is taken from it."""
        require_utf8(self.path, self.shown)
        with open_text(self.path) as handle:
            for _ in JsonStream(handle, self.shown).submissions():
                pass

    def records(self) -> Iterator[RawRecord | Problem]:
        for item in self.items():
            yield item.resolve() if isinstance(item, Pending) else item

    def items(self) -> Iterator[Pending | Problem]:
        """Each submission as decoded, not yet resolved (see Pending); a Problem for one too long to read."""
        with open_text(self.path) as handle:
            for index, item in JsonStream(handle, self.shown).submissions():
                if item is TOO_LONG_VALUE:
                    yield Problem(Location(self.shown, "record", index), "record", TOO_LONG)
                else:
                    yield Pending(self, index, item)

    def resolve_item(self, index: int, item: object) -> RawRecord | Problem:
        location = Location(self.shown, "record", index)
        if not isinstance(item, dict):
            return Problem(location, "record", "is not an object of fields")
        if self.flavour == "netlify-json":
            return self._netlify(item, location)
        return resolve(item, self.mapping, location, self.backend)

    def _netlify(self, item: dict, location: Location) -> RawRecord | Problem:
        data = item.get("data")
        if not isinstance(data, dict):
            return Problem(location, "data", "is missing: a Netlify submission keeps its fields in `data`")
        state = str(item.get("state") or "").lower()
        spam = "marked as spam by Netlify" if state == "spam" or item.get("spam") is True else None
        return resolve(data, self.mapping, location, self.backend, raw_id=item.get("id"),
                       received=item.get("created_at"), spam=spam)


class JsonLinesSource:
    """One JSON object per line: a malformed line rejects that line only."""

    backend = "jsonl"
    unit = "line"

    def __init__(self, path: Path, shown: str, mapping: Mapping):
        self.path, self.shown, self.mapping = Path(path), shown, mapping

    def check(self) -> None:
        require_utf8(self.path, self.shown)

    def records(self) -> Iterator[RawRecord | Problem]:
        for item in self.items():
            yield item.resolve() if isinstance(item, Pending) else item

    def items(self) -> Iterator[Pending | Problem]:
        """Each non-blank line, not yet decoded (see Pending): decoding is left to whoever resolves it. A line too
        long for any submission is a Problem, and is never held whole."""
        with open(self.path, encoding="utf-8-sig") as handle:
            for number, line in enumerate(bounded_lines(handle), start=1):
                if line is None:
                    yield Problem(Location(self.shown, "line", number), "line", TOO_LONG)
                elif line.strip():
                    yield Pending(self, number, line)

    def resolve_item(self, number: int, line: str) -> RawRecord | Problem:
        location = Location(self.shown, "line", number)
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            return Problem(location, "JSON", f"is malformed at column {error.colno}: {error.msg}")
        if not isinstance(item, dict):
            return Problem(location, "JSON", "is not an object of fields")
        return resolve(item, self.mapping, location, self.backend)
