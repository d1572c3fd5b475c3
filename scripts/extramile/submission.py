"""A story as submitted through the intake form, and how it becomes a story's front matter.

The receiver and the ingest share this: the form's field names, their limits, and the mapping onto `Story`.
Problems are reported by form field name, so the form can show each next to its input.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from extramile.schema import Problem, Story, validate_story
from extramile.vocabulary import Vocabulary

# The form's public fields, with the most characters each may hold.
FIELD_LIMITS = {
    "title": 120,
    "story": 20_000,
    "perspective": 20,
    "business": 100,
    "industry": 40,
    "channel": 40,
    "tags": 40,  # each tag
    "month": 7,
    "told_by": 100,
    "anonymous": 10,
    "email": 254,
    "consent": 10,
}
PRIVATE_FIELDS = ("email",)
MAX_TAGS = 5
MIN_STORY = 200
ANONYMOUS = "Anonymous"
PERSPECTIVE_CHOICES = ("customer", "business")
# How each field is named in a message shown next to it.
FIELD_LABELS = {"title": "The title", "story": "The story", "perspective": "Who is telling it",
                "business": "The business name", "industry": "The industry", "channel": "The channel",
                "tags": "The tags", "month": "The month", "told_by": "The name to show",
                "anonymous": "Publish anonymously", "email": "The e-mail address", "consent": "The consent"}
# What to say when a field is left empty, or a choice is missing or not one of the choices.
_EMPTY = {"title": "Give the story a title.", "story": "Tell us the story.",
          "business": "Give the name of the business.",
          "told_by": "Give the name to show, or choose to publish anonymously."}
_OTHER = {"consent": "We need your permission to publish the story: tick the box.",
          "email": "Give an e-mail address like name@example.com, or leave it empty.",
          "tags": "Choose at least one tag.", "tags_max": f"Choose at most {MAX_TAGS} tags.",
          "tags_unknown": "Choose the tags from the list.", "month_future": "Choose a month that has already come.",
          "story_short": f"Tell us a little more: at least {MIN_STORY} characters."}
_FREE_TEXT = ("title", "story", "business", "told_by", "email")  # the choices are checked against their lists
_CHOOSE = {"perspective": "Choose who is telling the story.", "industry": "Choose an industry.",
           "channel": "Choose a channel.", "month": "Choose the month and year."}
# Which form field a story field's problem belongs next to.
STORY_TO_FORM_FIELD = {"title": "title", "date": "month", "description": "story", "perspective": "perspective",
                       "business": "business", "industry": "industry", "channel": "channel", "tags": "tags",
                       "told_by": "told_by"}

_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass
class FormSubmission:
    """The fields of one form post, as text (tags as a list)."""

    title: str = ""
    story: str = ""
    perspective: str = ""
    business: str = ""
    industry: str = ""
    channel: str = ""
    tags: list[str] = field(default_factory=list)
    month: str = ""
    told_by: str = ""
    anonymous: bool = False
    email: str = ""
    consent: bool = False

    @classmethod
    def from_fields(cls, fields: dict[str, object]) -> "FormSubmission":
        """Build from a mapping of field name to a value or a list of values (as a multi-dict gives)."""

        def text(name: str) -> str:
            value = fields.get(name, "")
            if isinstance(value, list):
                value = value[0] if value else ""
            return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()

        raw_tags = fields.get("tags", [])
        if isinstance(raw_tags, str):
            raw_tags = [part for part in re.split(r"[,;\n]", raw_tags)]
        tags = [str(tag).strip() for tag in raw_tags if str(tag).strip()]
        return cls(
            title=text("title"), story=text("story"), perspective=text("perspective"), business=text("business"),
            industry=text("industry"), channel=text("channel"), tags=tags, month=text("month"),
            told_by=text("told_by"), anonymous=_truthy(fields.get("anonymous")), email=text("email"),
            consent=_truthy(fields.get("consent")),
        )

    def public_fields(self) -> dict:
        """Everything but the private contact details: safe to keep beside the story."""
        return {"title": self.title, "story": self.story, "perspective": self.perspective, "business": self.business,
                "industry": self.industry, "channel": self.channel, "tags": list(self.tags), "month": self.month,
                "told_by": self.told_by, "anonymous": self.anonymous}


def _truthy(value: object) -> bool:
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip().lower() in {"on", "true", "yes", "1", "checked", "y"}


def describe(story_text: str, limit: int = 300) -> str:
    """A one-line description: the story's first sentence, cut at a word if too long."""
    flat = " ".join(story_text.split())
    flat = re.sub(r"[#*_`>\[\]]", "", flat).strip()
    first = _SENTENCE_END.split(flat, maxsplit=1)[0] if flat else ""
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return first


def month_to_date(month: str) -> object:
    """2024-05 -> 2024-05-01; anything else is passed on for the schema to refuse."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", month)
    if not match:
        return month
    try:
        return dt.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return month


def check_form(sub: FormSubmission, vocabulary: Vocabulary) -> dict[str, str]:
    """Problems only the form has (not the story schema): limits, consent, e-mail, story length."""
    problems: dict[str, str] = {}
    for name in _FREE_TEXT:
        value, limit = getattr(sub, name), FIELD_LIMITS[name]
        if len(value) > limit:
            problems[name] = f"{FIELD_LABELS[name]} must be at most {limit} characters (it has {len(value)})."
    if len(sub.story) < MIN_STORY and "story" not in problems:
        problems["story"] = f"Tell us a little more: at least {MIN_STORY} characters (it has {len(sub.story)})."
    if not sub.consent:
        problems["consent"] = _OTHER["consent"]
    if sub.email and "email" not in problems and not _EMAIL.match(sub.email):
        problems["email"] = _OTHER["email"]
    if not sub.anonymous and not sub.told_by:
        problems["told_by"] = _EMPTY["told_by"]
    if not sub.tags:
        problems["tags"] = _OTHER["tags"]
    elif len(sub.tags) > MAX_TAGS:
        problems["tags"] = f"Choose at most {MAX_TAGS} tags (you chose {len(sub.tags)})."
    elif not set(sub.tags) <= vocabulary.slugs("tags"):
        problems["tags"] = _OTHER["tags_unknown"]
    for name, kind in (("industry", "industries"), ("channel", "channels")):
        if getattr(sub, name) not in vocabulary.slugs(kind):
            problems.setdefault(name, _CHOOSE[name])
    if sub.perspective not in PERSPECTIVE_CHOICES:
        problems.setdefault("perspective", _CHOOSE["perspective"])
    if not re.fullmatch(r"\d{4}-\d{2}", sub.month) or not isinstance(month_to_date(sub.month), dt.date):
        problems.setdefault("month", _CHOOSE["month"])
    return problems


def _friendly(name: str, problem: Problem) -> str:
    """A story-schema problem, said in the form's words: the submitter never sees `told_by` or `date`."""
    message = problem.message
    top = str(problem.loc[0]) if problem.loc else problem.field
    if top == "description":
        # The description is made from the story's first sentence, which the teller can fix.
        return f"The story's first sentence becomes its summary, so it {message}".rstrip(".") + "."
    if message == "must not be empty" or message == "is required":
        return _EMPTY.get(name, f"{FIELD_LABELS.get(name, 'This field')} is required.")
    if top == "date" and message.startswith("must not be in the future"):
        return _OTHER["month_future"]
    return f"{FIELD_LABELS.get(name, 'This field')} {message}".rstrip(".") + "."


def form_messages() -> dict[str, str]:
    """What the page's script says before it posts, worded exactly as the receiver would say it."""
    return {**_EMPTY, **_CHOOSE, **_OTHER}


def front_matter_for(sub: FormSubmission, submission_id: str, received: dt.datetime) -> dict:
    """The draft story's front matter, in schema order (before validation)."""
    return {
        "title": sub.title,
        "date": month_to_date(sub.month),
        "description": describe(sub.story),
        "perspective": sub.perspective,
        "business": sub.business,
        "industry": sub.industry,
        "channel": sub.channel,
        "tags": list(sub.tags),
        "told_by": ANONYMOUS if sub.anonymous or not sub.told_by else sub.told_by,
        "source": {"kind": "form", "id": submission_id, "received": received},
        "draft": True,
    }


def validate_submission(
    sub: FormSubmission, vocabulary: Vocabulary, submission_id: str = "sub_pending", received: dt.datetime | None = None
) -> tuple[Story | None, dict[str, str]]:
    """The draft story, or every problem keyed by form field name (first problem per field)."""
    problems = check_form(sub, vocabulary)
    received = received or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    story, story_problems = validate_story(front_matter_for(sub, submission_id, received), vocabulary)
    for problem in story_problems:
        top = str(problem.loc[0]) if problem.loc else problem.field
        name = STORY_TO_FORM_FIELD.get(top, top)
        if name not in problems:
            problems[name] = _friendly(name, problem)
    return (story if not problems else None), problems


__all__ = ["FormSubmission", "Problem", "validate_submission", "front_matter_for", "check_form", "describe",
           "form_messages", "FIELD_LIMITS", "FIELD_LABELS", "PRIVATE_FIELDS", "ANONYMOUS", "MAX_TAGS", "MIN_STORY"]
