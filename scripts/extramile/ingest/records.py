"""What the stages hand each other: a submission as read from a source, and the problems found on the way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# The story-form fields a source may carry (the form's names; `description` only from exports that have one).
STORY_FIELDS = ("title", "story", "description", "perspective", "business", "industry", "channel", "tags", "month",
                "told_by", "anonymous", "consent")
# Contact and tracking details: kept in the intake store, never in a draft.
PRIVATE_FIELDS = ("email", "phone", "ip", "user_agent", "referrer")


@dataclass(frozen=True)
class Location:
    """Where a submission sits in its source: `exports/netlify.csv:row 3`, `intake store:sub_1f…`."""

    source: str
    unit: str = ""  # "row", "record", "line", "submission" or "" for the whole source
    number: int | str | None = None

    def __str__(self) -> str:
        if not self.unit:
            return self.source
        return f"{self.source}:{self.unit} {self.number}" if self.unit != "submission" else f"{self.source}:{self.number}"


@dataclass
class RawRecord:
    """One submission from any source, its fields already under the form's names (values not yet cleaned)."""

    location: Location
    fields: dict[str, object]  # STORY_FIELDS only; values are text, lists of text, or what JSON gave
    id: str | None = None  # the backend's id, prefixed with the backend (netlify:…); None: derived from content
    received: dt.datetime | None = None
    private: dict[str, str] = field(default_factory=dict)  # PRIVATE_FIELDS only
    honeypot: str = ""  # what a bot typed into a field people never see
    spam: str | None = None  # why the backend already called it spam
    dropped: list[str] = field(default_factory=list)  # fields that are not story fields: reported, never written
    backend: str = "export"  # netlify, formspree, google-forms, jsonl, csv, json, store


@dataclass(frozen=True)
class Pending:
    """A submission read from its source but not yet sorted into fields: `resolve()` gives the RawRecord (or the
    Problem that keeps it from being one). A long source's records are resolved in the worker processes, so the
    process reading the source only reads. `reader` is the source (small and picklable: no open file)."""

    reader: object  # has .resolve_item(number, payload) -> RawRecord | Problem
    number: int
    payload: object

    def resolve(self) -> "RawRecord | Problem":
        return self.reader.resolve_item(self.number, self.payload)

    @property
    def location(self) -> Location:
        return Location(self.reader.shown, getattr(self.reader, "unit", "record"), self.number)


@dataclass(frozen=True)
class Problem:
    """Something wrong with a submission or a source: where, which field, and why."""

    location: Location
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.field}: {self.reason}"


class SourceError(Exception):
    """The whole source is refused (not UTF-8, duplicate headers, malformed JSON…): nothing from it is written."""

    def __init__(self, location: Location, field: str, reason: str):
        super().__init__(f"{location}: {field}: {reason}")
        self.problem = Problem(location, field, reason)


class UsageError(Exception):
    """The command was called wrongly (a missing file, a bad mapping): exit status 2, nothing written."""
