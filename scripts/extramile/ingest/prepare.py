"""One submission to one validated draft, or the reasons it is spam or cannot be one (a pure function)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field

from extramile import contacts
from extramile.ingest import normalise as n
from extramile.ingest.mapping import norm_key
from extramile.ingest.records import Location, Problem, RawRecord
from extramile.ingest.spam import spam_reason
from extramile.sanitize import neutralise_links, normalise_newlines, plain_text, sanitize_markdown
from extramile.schema import validate_story
from extramile.slug import story_slug
from extramile.submission import (
    FIELD_LABELS, FIELD_LIMITS, MAX_TAGS, STORY_TO_FORM_FIELD, FormSubmission, check_form, describe, front_matter_for,
)
from extramile.vocabulary import Vocabulary

DESCRIPTION_LIMIT = 300
MAX_RAW_TAGS = 4 * MAX_TAGS  # given, before unknown and repeated ones are left out (at most MAX_TAGS are kept)
# Keys some engines read as page settings: never taken from a form, and said so.
SETTING_KEYS = {"template", "hide", "save_as", "status", "url", "layout", "permalink", "slug", "draft", "featured",
                "source", "date", "search", "tags_name", "authors", "categories", "links", "pin", "readtime"}
_CJK_SENTENCE_END = re.compile(r"(?<=[。！？])")
_VOCABULARY_FIELDS = {"industry": "industries", "channel": "channels"}


@dataclass
class Draft:
    location: Location
    id: str
    slug: str  # from the title; made unique when written
    metadata: dict  # Story.front_matter(): the schema's keys, in its order
    body: str
    fingerprint: str
    received: dt.datetime | None = None
    private: dict = field(default_factory=dict)
    public_fields: dict = field(default_factory=dict)
    backend: str = "export"
    notes: list[Problem] = field(default_factory=list)
    store_fingerprint: str = ""  # the intake store's fingerprint of public_fields and e-mail, when worked out early


@dataclass
class Spam:
    location: Location
    id: str
    reason: str


@dataclass
class Rejected:
    location: Location
    id: str
    problems: list[Problem]
    notes: list[Problem] = field(default_factory=list)


def raw_limit(name: str) -> int:
    """How long a field may be as given, before cleaning (the exact limits apply after it)."""
    return FIELD_LIMITS.get(name, DESCRIPTION_LIMIT) * 4 + 100


def prepare(record: RawRecord, vocabulary: Vocabulary, values: dict | None = None) -> Draft | Spam | Rejected:
    loc = record.location
    submission_id = record.id or derived_id(record)
    notes = [Problem(loc, name, "dropped: front matter comes from the story schema only"
                     if norm_key(name) in SETTING_KEYS else "dropped: not a story field") for name in record.dropped]
    problems: dict[str, Problem] = {}
    text: dict[str, str] = {}
    for name, raw in record.fields.items():
        if name == "tags":
            continue
        try:
            value = n.as_text(raw)
        except TypeError as error:
            problems[name] = Problem(loc, name, str(error))
            continue
        if len(value) > raw_limit(name):
            problems[name] = Problem(loc, name, f"is {len(value)} characters long: at most "
                                                f"{FIELD_LIMITS.get(name, DESCRIPTION_LIMIT)} are allowed")
            continue
        text[name] = _answer(values, name, value)
    raw_tags, tag_problem = _raw_tags(record.fields.get("tags"))
    if tag_problem:
        problems["tags"] = Problem(loc, "tags", tag_problem)
    story_text = normalise_newlines(text.get("story", "")).strip()
    if len(story_text) > FIELD_LIMITS["story"]:  # the receiver's limit on what was typed: before any pattern runs
        problems["story"] = Problem(loc, "story", f"{FIELD_LABELS['story']} must be at most {FIELD_LIMITS['story']} "
                                                  f"characters (it has {len(story_text)}).")
    if problems:
        return Rejected(loc, submission_id, list(problems.values()), notes)

    # Material's blog renders a title as Markdown in its listings: its links keep only safe addresses too.
    title = neutralise_links(n.plain_line(text.get("title", "")))
    reason = spam_reason(record, title, story_text)
    if reason:
        return Spam(loc, submission_id, reason)
    body = sanitize_markdown(story_text).strip()
    if body != story_text:
        notes.append(Problem(loc, "story", "raw HTML, unsafe links or attribute lists were removed or escaped"))
    # A contact detail in the text never reaches the draft (nor git): a visible placeholder stands in its
    # place, and the original is kept with the submission's private details for the editor.
    removed: list[dict[str, str]] = []
    title, body = _redacted(loc, "title", title, removed, notes), _redacted(loc, "story", body, removed, notes)
    for name in ("business", "told_by", "description"):
        if name in text:
            text[name] = _redacted(loc, name, text[name], removed, notes)

    vocab: dict[str, str] = {}
    for name, kind in _VOCABULARY_FIELDS.items():
        given = n.plain_line(text.get(name, ""))
        slug, exact = n.match_term(given, vocabulary, kind) if given else (None, True)
        if slug is None:
            if given:
                problems[name] = Problem(loc, name, f"{given!r} is not in the vocabulary "
                                                    f"(one of: {', '.join(sorted(vocabulary.slugs(kind)))})")
            vocab[name] = given
            continue
        if not exact:
            notes.append(Problem(loc, name, f"{given!r} read as {slug!r}"))
        vocab[name] = slug
    tags: list[str] = []
    unknown: list[str] = []
    for given in raw_tags:
        slug, exact = n.match_term(_answer(values, "tags", given), vocabulary, "tags")
        if slug is None:
            unknown.append(given)
            continue
        if not exact:
            notes.append(Problem(loc, "tags", f"{given!r} read as {slug!r}"))
        if slug not in tags:
            tags.append(slug)
    if unknown and tags:
        notes.append(Problem(loc, "tags", f"left out, not in the vocabulary: {', '.join(map(repr, unknown))}"))
    elif unknown:
        problems["tags"] = Problem(loc, "tags", f"none is in the vocabulary: {', '.join(map(repr, unknown))} "
                                                "(add them to content/vocabulary.yml, or pick from it)")

    sub = FormSubmission(
        title=title, story=body, perspective=n.match_perspective(text.get("perspective", "")),
        business=n.plain_line(text.get("business", "")), industry=vocab["industry"], channel=vocab["channel"],
        tags=tags, month=n.month(text.get("month", "")), told_by=n.plain_line(text.get("told_by", "")),
        anonymous=n.truthy(text.get("anonymous")), consent=n.truthy(text.get("consent")),
    )
    for name, message in check_form(sub, vocabulary).items():
        problems.setdefault(name, Problem(loc, name, message))
    description = n.plain_line(text.get("description", ""))
    if not description:
        # describe() ends a sentence at . ! ? and a space; Chinese and Japanese end theirs with 。！？ and no space.
        first = _CJK_SENTENCE_END.split(plain_text(body[:4000]), maxsplit=1)[0]
        description = n.plain_line(describe(first, limit=DESCRIPTION_LIMIT))
    metadata = front_matter_for(sub, submission_id, record.received)
    metadata["description"] = n.cut(description, DESCRIPTION_LIMIT) if "description" not in text else description
    if record.received is None:
        del metadata["source"]["received"]
    story, story_problems = validate_story(metadata, vocabulary)
    for problem in story_problems:
        top = str(problem.loc[0]) if problem.loc else problem.field
        name = "description" if top == "description" and "description" in text else STORY_TO_FORM_FIELD.get(top, top)
        problems.setdefault(name, Problem(loc, name, problem.message))
    if problems or story is None:
        return Rejected(loc, submission_id, list(problems.values()), notes)
    return Draft(
        location=loc, id=submission_id, slug=story_slug(story.title), metadata=story.front_matter(), body=body,
        fingerprint=n.fingerprint(story.title, body), received=record.received,
        private={**record.private, "removed": removed} if removed else dict(record.private),
        public_fields=sub.public_fields(), backend=record.backend, notes=notes,
    )


def _redacted(loc: Location, name: str, value: str, removed: list[dict[str, str]], notes: list[Problem]) -> str:
    text, found = contacts.redact(value)
    for contact in found:
        removed.append({"field": name, "kind": contact.kind, "text": contact.text})
        notes.append(Problem(loc, name, f"{contacts.DESCRIPTIONS[contact.kind]} was replaced by "
                                        f"{contacts.PLACEHOLDERS[contact.kind]!r}: the original is in the private "
                                        "store (extramile submissions show)"))
    return text


def _raw_tags(value: object) -> tuple[list[str], str | None]:
    """The tags as given, or why they cannot be looked at: too many (each costs a vocabulary look-up), too long."""
    too_many = (f"holds more than {MAX_RAW_TAGS} tags or {MAX_RAW_TAGS * raw_limit('tags')} characters: "
                f"at most {MAX_TAGS} are kept")
    if isinstance(value, dict):
        return [], "must be a list of tags, not a set of fields"
    if isinstance(value, (list, tuple)) and len(value) > MAX_RAW_TAGS:
        return [], too_many
    if isinstance(value, str) and len(value) > MAX_RAW_TAGS * raw_limit("tags"):
        return [], too_many
    try:
        tags = n.split_list(value)
    except TypeError as error:  # a list holding sets of fields
        return [], str(error)
    if len(tags) > MAX_RAW_TAGS:
        return [], too_many
    if any(len(tag) > raw_limit("tags") for tag in tags):
        return [], f"has a tag over {FIELD_LIMITS['tags']} characters"
    return tags, None


def _answer(values: dict | None, name: str, value: str) -> str:
    """An answer's text replaced by what the mapping file says it means (e.g. 'I was the customer' -> customer)."""
    if values and name in values:
        mapped = values[name].get(norm_key(value))
        if mapped is not None:
            return "yes" if mapped is True else "" if mapped is False else str(mapped)
    return value


def derived_id(record: RawRecord) -> str:
    """A stable id for a submission whose export gives none: the same row always gets the same id."""
    canonical = json.dumps({"fields": record.fields, "received": record.received.isoformat() if record.received else ""},
                           sort_keys=True, ensure_ascii=False, default=str)
    return f"{record.backend}:{hashlib.sha256(canonical.encode('utf-8')).hexdigest()[:24]}"
