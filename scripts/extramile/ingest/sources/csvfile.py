"""CSV exports: Netlify Forms, Google Forms / Sheets, or any form's CSV with a mapping. Read a row at a time, a row
over MAX_RECORD characters skipped unread (see textio)."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from pathlib import Path

from extramile.ingest.mapping import Mapping, norm_key
from extramile.ingest.records import Location, Pending, Problem, RawRecord, SourceError
from extramile.ingest.sources.resolve import resolve
from extramile.ingest.sources.textio import MAX_RECORD, TOO_LONG, csv_records, open_text, require_utf8

REQUIRED_COLUMNS = ("title", "story")

# Column names Google Forms gives its timestamp and e-mail columns, in a few of the languages it speaks.
GOOGLE_TIMESTAMPS = ("timestamp", "marca temporal", "horodateur", "zeitstempel", "carimbo de data/hora",
                     "informazioni cronologiche", "tijdstempel", "sygnatura czasowa", "tidsstämpel")
GOOGLE_EMAILS = ("email address", "email", "dirección de correo electrónico", "adresse e-mail", "e-mail-adresse",
                 "endereço de e-mail", "indirizzo email", "e-mailadres")
NETLIFY_META = ("form_name", "form_id", "site_url", "number", "name", "first_name", "last_name", "company",
                "summary", "body", "form-name")


class CsvSource:
    unit = "row"  # what a Location calls one of its submissions

    def __init__(self, path: Path, shown: str, mapping: Mapping, flavour: str = "csv"):
        self.path, self.shown, self.flavour = Path(path), shown, flavour
        self.backend = {"netlify-csv": "netlify", "google-forms-csv": "gforms"}.get(flavour, "csv")
        if flavour == "netlify-csv":
            mapping = mapping.with_ignored(*NETLIFY_META)
        elif flavour == "google-forms-csv":
            mapping = _google(mapping)
        self.mapping = mapping

    def check(self) -> None:
        """Refuse the whole file before anything is taken from it: not UTF-8, no header, duplicate columns."""
        require_utf8(self.path, self.shown, csv_rows=True)
        with open_text(self.path) as handle:
            header = _header(handle, self.shown)
        if not header or not any(cell.strip() for cell in header):
            raise SourceError(Location(self.shown), "header", "is missing: the first row must name the columns")
        seen: dict[str, int] = {}
        for column, name in enumerate(header, start=1):
            key = norm_key(name)
            if key and key in seen:
                raise SourceError(Location(self.shown, "row", 1), "header",
                                  f"column {name.strip()!r} appears twice (columns {seen[key]} and {column}): "
                                  "which one holds the field is ambiguous")
            seen.setdefault(key, column)
        for field in REQUIRED_COLUMNS:
            if not any(key in seen for key in self.mapping.fields[field]):
                raise SourceError(Location(self.shown, "row", 1), "header",
                                  f"no column holds the {field} (looked for: {', '.join(self.mapping.fields[field])}); "
                                  "pass --mapping FILE to say which column does")

    def records(self) -> Iterator[RawRecord | Problem]:
        for item in self.items():
            yield item.resolve() if isinstance(item, Pending) else item

    def items(self) -> Iterator[Pending | Problem]:
        """Each row as read (see Pending), or the Problem with a row that cannot be read."""
        with open_text(self.path) as handle:
            header = [cell.strip() for cell in _header(handle, self.shown)]
            for number, text in enumerate(csv_records(handle), start=2):
                if text is None:
                    yield Problem(Location(self.shown, "row", number), "row", TOO_LONG)
                    continue
                try:
                    row = _row(text)
                except csv.Error as error:
                    yield Problem(Location(self.shown, "row", number), "row", f"cannot be read as CSV ({error})")
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    yield Problem(Location(self.shown, "row", number),
                                  "row", f"has {len(row)} cells where the header has {len(header)}: "
                                         "a missing or extra comma, or an unclosed quote")
                    continue
                yield Pending(self, number, (header, row))  # the same header list: pickled once per chunk

    def resolve_item(self, number: int, payload: tuple[list[str], list[str]]) -> RawRecord | Problem:
        header, row = payload
        return resolve(dict(zip(header, row)), self.mapping, Location(self.shown, "row", number), self.backend)


def _header(handle, shown: str) -> list[str]:
    """The first row, read as the rows after it are; [] for an empty file."""
    csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD + 1))  # the record's own limit comes first
    text = next(csv_records(handle), "")
    if text is None:
        raise SourceError(Location(shown, "row", 1), "header", TOO_LONG)
    return _row(text) if text else []


def _row(text: str) -> list[str]:
    return next(csv.reader((text,)), [])


def _google(mapping: Mapping) -> Mapping:
    private = dict(mapping.private)
    private["email"] = tuple(dict.fromkeys((*private.get("email", ()), *GOOGLE_EMAILS)))
    received = tuple(dict.fromkeys((*mapping.received, *GOOGLE_TIMESTAMPS)))
    return dataclasses.replace(mapping, private=private, received=received).with_ignored("score")
