"""CSV exports: Netlify Forms, Google Forms / Sheets, or any form's CSV with a mapping. Read a row at a time."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Iterator
from pathlib import Path

from extramile.ingest.mapping import Mapping, norm_key
from extramile.ingest.records import Location, Pending, Problem, RawRecord, SourceError
from extramile.ingest.sources.resolve import resolve
from extramile.ingest.sources.textio import open_text, require_utf8

MAX_FIELD = 1 << 20  # a cell bigger than this rejects its row (the story limits are far smaller)
REQUIRED_COLUMNS = ("title", "story")

# Column names Google Forms gives its timestamp and e-mail columns, in a few of the languages it speaks.
GOOGLE_TIMESTAMPS = ("timestamp", "marca temporal", "horodateur", "zeitstempel", "carimbo de data/hora",
                     "informazioni cronologiche", "tijdstempel", "sygnatura czasowa", "tidsstämpel")
GOOGLE_EMAILS = ("email address", "email", "dirección de correo electrónico", "adresse e-mail", "e-mail-adresse",
                 "endereço de e-mail", "indirizzo email", "e-mailadres")
NETLIFY_META = ("form_name", "form_id", "site_url", "number", "name", "first_name", "last_name", "company",
                "summary", "body", "form-name")


class CsvSource:
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
            header = next(csv.reader(handle), None)
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
        csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD))
        with open_text(self.path) as handle:
            reader = csv.reader(handle)
            header = [cell.strip() for cell in next(reader)]
            number = 1
            while True:
                number += 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    yield Problem(Location(self.shown, "row", number),
                                  "row", f"cannot be read as CSV ({error}): a cell over {MAX_FIELD} characters?")
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) != len(header):
                    yield Problem(Location(self.shown, "row", number),
                                  "row", f"has {len(row)} cells where the header has {len(header)}: "
                                         "a missing or extra comma, or an unclosed quote")
                    continue
                yield Pending(self, number, (header, row))  # the same header list: pickled once per chunk

    def resolve_item(self, number: int, payload: tuple[list[str], list[str]]) -> RawRecord:
        header, row = payload
        return resolve(dict(zip(header, row)), self.mapping, Location(self.shown, "row", number), self.backend)


def _google(mapping: Mapping) -> Mapping:
    private = dict(mapping.private)
    private["email"] = tuple(dict.fromkeys((*private.get("email", ()), *GOOGLE_EMAILS)))
    received = tuple(dict.fromkeys((*mapping.received, *GOOGLE_TIMESTAMPS)))
    return dataclasses.replace(mapping, private=private, received=received).with_ignored("score")
