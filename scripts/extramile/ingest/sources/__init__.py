"""Where submissions come from: the receiver's store, or export files whose format is read from their content.

Every source has `check()`, which refuses the whole source (SourceError) before anything is taken from it, and
`records()`, which yields a RawRecord, or a Problem for a record that cannot be read, one at a time. Export files
also have `items()`: the same records read but not yet resolved (Pending), so that the work of resolving them
can go to the worker processes with the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from extramile.ingest.mapping import Mapping
from extramile.ingest.records import Problem, RawRecord
from extramile.ingest.sources.csvfile import CsvSource
from extramile.ingest.sources.detect import FORMATS, detect
from extramile.ingest.sources.jsonfile import JsonLinesSource, JsonSource
from extramile.ingest.sources.store import NoStore, StoreSource


class Source(Protocol):
    shown: str
    backend: str

    def check(self) -> None: ...

    def records(self): ...  # Iterator[RawRecord | Problem]


def open_source(path: Path, shown: str, mapping: Mapping, fmt: str = "auto") -> Source:
    """The reader for an export file; `fmt` "auto" detects the format from the content."""
    flavour = detect(path) if fmt == "auto" else fmt
    if flavour == "jsonl":
        return JsonLinesSource(path, shown, mapping)
    if flavour.endswith("json"):
        return JsonSource(path, shown, mapping, flavour)
    return CsvSource(path, shown, mapping, flavour)


__all__ = ["FORMATS", "NoStore", "Problem", "RawRecord", "Source", "StoreSource", "detect", "open_source"]
