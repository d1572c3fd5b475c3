"""Which column or key of a source holds which story field.

Each backend has a built-in mapping (the form's own field names plus the backend's metadata); `--mapping FILE`
overrides it for any other form, e.g. a Google Form whose columns are its question texts:

    fields:                      # story field: the column that holds it (a list: the first one present)
      title: Give your story a short title
      story: What happened?
      tags: [What kind of story is it?, Tags]
    private: {email: Email Address}   # kept in the intake store only
    id: Response ID              # optional; without one an id is derived from the submission's content
    received: Timestamp          # optional
    received_format: "%d/%m/%Y %H:%M:%S"   # optional; ISO 8601 and Google's formats are known
    timezone: Europe/Paris       # optional: the zone of timestamps written without one (default UTC)
    honeypot: [Leave this empty]
    ignore: [Score]              # columns skipped without a word
    values:                      # optional: an answer's text -> what the form would have sent
      perspective: {"I was the customer": customer}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from extramile.ingest.records import PRIVATE_FIELDS, STORY_FIELDS, UsageError

MAPPING_KEYS = ("fields", "private", "id", "received", "received_format", "timezone", "honeypot", "ignore", "values",
                "spam")


def norm_key(key: object) -> str:
    """Column names compared as people read them: case, spacing and a trailing colon do not matter."""
    if type(key) is str:
        known = _NORM_KEYS.get(key)
        if known is None:
            known = " ".join(key.replace("\ufeff", "").split()).casefold().rstrip(":").strip()
            if len(_NORM_KEYS) < 4096 and len(key) <= 200:  # a source's column names come with every record
                _NORM_KEYS[key] = known
        return known
    return " ".join(str(key).replace("\ufeff", "").split()).casefold().rstrip(":").strip()


_NORM_KEYS: dict[str, str] = {}


@dataclass(frozen=True)
class Mapping:
    fields: dict[str, tuple[str, ...]]
    private: dict[str, tuple[str, ...]]
    id: tuple[str, ...] = ("id", "_id", "submission_id", "submission id")
    received: tuple[str, ...] = ("received", "created_at", "submitted_at", "_date", "timestamp", "date submitted")
    received_format: str | None = None
    timezone: dt.tzinfo = dt.timezone.utc
    honeypot: tuple[str, ...] = ("website", "bot-field", "_gotcha")
    spam: tuple[str, ...] = ("spam", "_spam", "is_spam", "isspam")
    ignore: tuple[str, ...] = ()
    values: dict[str, dict[str, object]] = field(default_factory=dict)
    custom: bool = False  # from a --mapping file

    def with_ignored(self, *keys: str) -> "Mapping":
        return dataclasses.replace(self, ignore=tuple(dict.fromkeys((*self.ignore, *map(norm_key, keys)))))

    def columns(self) -> set[str]:
        """Every key this mapping reads or knowingly skips (normalised)."""
        known = {key for keys in (*self.fields.values(), *self.private.values()) for key in keys}
        return known | {*self.id, *self.received, *self.honeypot, *self.spam, *self.ignore}


def _base_fields() -> dict[str, tuple[str, ...]]:
    fields = {name: (name, name.replace("_", " ")) for name in STORY_FIELDS}
    fields["month"] = ("month", "date", "when")
    fields["story"] = ("story", "your story")
    return {name: tuple(dict.fromkeys(keys)) for name, keys in fields.items()}


BASE = Mapping(
    fields=_base_fields(),
    private={
        "email": ("email", "_replyto", "e-mail", "email address", "e-mail address"),
        "phone": ("phone", "tel", "telephone", "phone number"),
        "ip": ("ip", "ip address", "ip_address", "remote_ip", "remote ip"),
        "user_agent": ("user_agent", "user agent", "useragent", "user-agent"),
        "referrer": ("referrer", "referer"),
    },
)


def load_mapping(path: Path, base: Mapping = BASE) -> Mapping:
    """A mapping file laid over `base`; UsageError, naming the key, for anything it cannot use."""
    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise UsageError(f"{where}: cannot read the mapping: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise UsageError(f"{where}: the mapping is not UTF-8 (byte {error.start})") from None
    except yaml.YAMLError as error:
        raise UsageError(f"{where}: the mapping is not valid YAML: {str(error).splitlines()[0]}") from None
    return parse_mapping(data, where, base)


def parse_mapping(data: object, where: str = "mapping", base: Mapping = BASE) -> Mapping:
    if not isinstance(data, dict):
        raise UsageError(f"{where}: must be a mapping with keys such as fields, private, received")
    unknown = [str(key) for key in data if key not in MAPPING_KEYS]
    if unknown:
        raise UsageError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(MAPPING_KEYS)})")
    fields = dict(base.fields)
    private = dict(base.private)
    for name, keys in _section(data, "fields", where).items():
        if name in PRIVATE_FIELDS:
            private[name] = _keys(keys, f"{where}: fields.{name}")
        elif name in STORY_FIELDS:
            fields[name] = _keys(keys, f"{where}: fields.{name}")
        else:
            raise UsageError(f"{where}: fields.{name}: not a story field (one of: {', '.join(STORY_FIELDS)})")
    for name, keys in _section(data, "private", where).items():
        if name not in PRIVATE_FIELDS:
            raise UsageError(f"{where}: private.{name}: not a private field (one of: {', '.join(PRIVATE_FIELDS)})")
        private[name] = _keys(keys, f"{where}: private.{name}")
    changes: dict[str, object] = {"fields": fields, "private": private, "custom": True}
    for name in ("id", "received", "honeypot", "spam"):
        if name in data:
            changes[name] = _keys(data[name], f"{where}: {name}")
    if "ignore" in data:
        changes["ignore"] = _keys(data["ignore"], f"{where}: ignore")
    if "received_format" in data:
        if not isinstance(data["received_format"], str) or "%" not in data["received_format"]:
            raise UsageError(f"{where}: received_format must be a strptime format such as '%d/%m/%Y %H:%M:%S'")
        changes["received_format"] = data["received_format"]
    if "timezone" in data:
        try:
            changes["timezone"] = ZoneInfo(str(data["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"{where}: timezone {data['timezone']!r} is not a known time zone (e.g. Europe/Paris)") from None
    values = {}
    for name, answers in _section(data, "values", where).items():
        if name not in STORY_FIELDS or not isinstance(answers, dict):
            raise UsageError(f"{where}: values.{name}: must map answers of a story field to values")
        values[name] = {norm_key(answer): value for answer, value in answers.items()}
    changes["values"] = values
    return dataclasses.replace(base, **changes)


def _section(data: dict, name: str, where: str) -> dict:
    section = data.get(name) or {}
    if not isinstance(section, dict):
        raise UsageError(f"{where}: {name} must be a mapping of field name to column name")
    return {str(key): value for key, value in section.items()}


def _keys(value: object, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, (str, int)) and str(item).strip() for item in items):
        raise UsageError(f"{where}: must name a column (or a list of columns)")
    return tuple(norm_key(item) for item in items)


__all__ = ["Mapping", "BASE", "load_mapping", "parse_mapping", "norm_key"]
