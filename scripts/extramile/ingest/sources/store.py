"""The intake receiver's store: submissions already split into public fields and private details."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from extramile.ingest.records import PRIVATE_FIELDS, Location, Problem, RawRecord, SourceError
from extramile.ingest.sources.resolve import surrogate_problem
from extramile.intake.store import IntakeStore


class NoStore(SourceError):
    """The receiver has not stored anything yet: reported, not an error."""


class StoreSource:
    backend = "store"

    def __init__(self, path: Path, shown: str):
        self.path, self.shown = Path(path), shown

    def check(self) -> None:
        if not self.path.is_file():
            raise NoStore(Location(self.shown), "store", f"no store yet at {self.shown}: nothing submitted through the receiver")

    def records(self) -> Iterator[RawRecord | Problem]:
        with IntakeStore(self.path) as store:
            for record in store.records():
                location = Location("intake store", "submission", record.id)
                problem = surrogate_problem({"id": record.id, **record.fields, **record.private}, location)
                if problem is not None:
                    yield problem
                    continue
                fields = dict(record.fields)
                if "consent" not in fields:
                    fields["consent"] = record.private.get("consent", False)
                private = {name: str(record.private[name]) for name in PRIVATE_FIELDS if record.private.get(name)}
                yield RawRecord(
                    location=location, fields=fields, id=record.id,
                    received=record.received, private=private,
                    spam="marked as spam by the receiver" if record.status == "spam" else None, backend="store",
                )
