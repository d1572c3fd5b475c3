"""The story schema, declared once.

Every reader of stories goes through `Story`: `extramile check`, `extramile new`, the intake receiver, the
ingest, and both site engines. Field rules that need the vocabulary read it from the validation context:
`Story.model_validate(data, context={"vocabulary": vocabulary})`, or `validate_story` below.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from extramile.vocabulary import Vocabulary

PERSPECTIVES = {"customer": "Told by the customer", "business": "Told by the business"}
SOURCE_KINDS = ("form", "blog", "interview")

# Markup that either engine would print unescaped: a tag start or a character reference.
_HTML = re.compile(r"<\s*[a-zA-Z!/?]|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
# Invisible characters that can disguise a title: bidi controls, zero-width characters, the BOM.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


def _plain_line(max_length: int):
    def check(value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        if "\n" in value or "\r" in value or "\u2028" in value or "\u2029" in value:
            raise ValueError("must be a single line")
        if _CONTROL.search(value) or _INVISIBLE.search(value):
            raise ValueError("must not contain control or invisible characters")
        if _HTML.search(value):
            raise ValueError("must be plain text: HTML tags and entities are not allowed")
        if value != value.strip():
            raise ValueError("must not start or end with spaces")
        if len(value) > max_length:
            raise ValueError(f"must be at most {max_length} characters (it has {len(value)})")
        return value

    return AfterValidator(check)


def _calendar_date(value: object) -> object:
    # YAML gives a date for 2011-11-28; a form gives the same as text. Integers are refused on purpose:
    # pydantic would read 20111128 as seconds since 1970.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a real calendar date") from None
    raise ValueError("must be a date written as YYYY-MM-DD")


def _known_tag(value: str, info: ValidationInfo) -> str:
    allowed = _vocabulary(info).slugs("tags")
    if value not in allowed:
        raise ValueError(f"{value!r} is not in the vocabulary's tags (one of: {', '.join(sorted(allowed))})")
    return value


def _no_straight_double_quote(value: str) -> str:
    # Material prints the description unescaped inside <meta content="...">: a straight quote would end the
    # attribute and let the rest of the text add attributes of its own (a redirecting http-equiv, say).
    if '"' in value:
        raise ValueError('must not contain straight double quotes ("): use “curly quotes” or single quotes')
    return value


def _no_markdown_link(value: str) -> str:
    # Material's listings render the title as Markdown (`# {title}`): a link there would be a live link.
    if re.search(r"\]\s*[(\[]", value):
        raise ValueError("must be plain text: Markdown links are not allowed")
    return value


Title = Annotated[StrictStr, _plain_line(120), AfterValidator(_no_markdown_link)]
Description = Annotated[StrictStr, _plain_line(300), AfterValidator(_no_straight_double_quote)]
Name = Annotated[StrictStr, _plain_line(100)]
CalendarDate = Annotated[dt.date, BeforeValidator(_calendar_date)]


class Source(BaseModel):
    """Where a story came from: the intake form, a public blog post, or an interview."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["form", "blog", "interview"]
    id: Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_.:-]{1,80}$")] | None = None
    url: Annotated[StrictStr, Field(pattern=r"^https?://[^\s<>\"']+$", max_length=500)] | None = None
    received: dt.datetime | None = None

    @model_validator(mode="after")
    def _form_has_id(self) -> "Source":
        if self.kind == "form" and not self.id:
            raise ValueError("a story from the form must keep its submission id")
        return self


class Story(BaseModel):
    """A story's front matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Title
    date: CalendarDate  # when it happened
    published: CalendarDate | None = None  # when it went on the site (set by `extramile submissions publish`)
    description: Description
    perspective: Literal["customer", "business"]
    business: Name
    industry: StrictStr
    channel: StrictStr
    tags: Annotated[list[Annotated[StrictStr, AfterValidator(_known_tag)]], Field(min_length=1, max_length=5)]
    told_by: Name
    source: Source
    draft: StrictBool = False
    featured: StrictBool = False

    @field_validator("date", "published")
    @classmethod
    def _not_in_future(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value > dt.date.today():
            raise ValueError(f"must not be in the future ({value.isoformat()})")
        return value

    @model_validator(mode="after")
    def _published_after_it_happened(self) -> "Story":
        if self.published is not None and self.published < self.date:
            raise ValueError(f"published ({self.published.isoformat()}) must not be before date ({self.date.isoformat()})")
        return self

    @field_validator("industry", "channel")
    @classmethod
    def _in_vocabulary(cls, value: str, info: ValidationInfo) -> str:
        kind = {"industry": "industries", "channel": "channels"}[info.field_name]
        allowed = _vocabulary(info).slugs(kind)
        if value not in allowed:
            raise ValueError(f"{value!r} is not in the vocabulary (one of: {', '.join(sorted(allowed))})")
        return value

    @field_validator("tags")
    @classmethod
    def _tags_once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("lists a tag twice")
        return value

    @classmethod
    def allowed_keys(cls) -> tuple[str, ...]:
        return tuple(cls.model_fields)

    def front_matter(self) -> dict:
        """The front matter in schema order, as plain YAML-ready values."""
        data = self.model_dump(mode="python", exclude_none=True)
        data["source"] = self.source.model_dump(mode="python", exclude_none=True)
        if not self.featured:
            del data["featured"]
        return data


def _vocabulary(info: ValidationInfo) -> Vocabulary:
    vocabulary = (info.context or {}).get("vocabulary")
    if not isinstance(vocabulary, Vocabulary):
        raise RuntimeError("Story validation needs context={'vocabulary': Vocabulary}")
    return vocabulary


class Problem(BaseModel):
    """One thing wrong with a story: which field (a dotted path), and what must change."""

    model_config = ConfigDict(frozen=True)

    field: str
    message: str
    loc: tuple[str | int, ...] = ()


_MESSAGES = {
    "missing": "is required",
    "string_type": "must be text",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "too_short": "must have at least one entry",
    "model_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
    "datetime_type": "must be a date and time",
    "datetime_from_date_parsing": "must be a date and time",
    "datetime_parsing": "must be a date and time",
}


def problems_from(error: ValidationError) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        field = ".".join(str(part) for part in loc) or "front matter"
        kind = item["type"]
        if kind == "extra_forbidden":
            allowed = Source.model_fields if loc[:1] == ("source",) else Story.model_fields
            message = f"is not a known field (allowed: {', '.join(allowed)})"
        elif kind == "literal_error":
            message = f"must be one of: {item['ctx']['expected'].replace(chr(39), '')}"
        elif kind == "too_long":
            message = f"must have at most {item['ctx']['max_length']} entries"
        elif kind == "string_pattern_mismatch":
            message = "must be an http(s) address" if loc[-1] == "url" else "must use letters, digits and - _ . : only"
        elif kind in ("value_error", "assertion_error"):
            message = str(item["ctx"]["error"])
        else:
            message = _MESSAGES.get(kind, item["msg"])
        problems.append(Problem(field=field, message=message, loc=loc))
    return problems


def validate_story(data: object, vocabulary: Vocabulary) -> tuple[Story | None, list[Problem]]:
    """The story, or every problem with it."""
    if not isinstance(data, dict):
        return None, [Problem(field="front matter", message="must be a mapping of fields")]
    try:
        return Story.model_validate(data, context={"vocabulary": vocabulary}), []
    except ValidationError as error:
        return None, problems_from(error)
