"""Field values as a source gives them, made into what the story schema accepts (pure functions)."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import html
import re
import unicodedata
from functools import lru_cache

import nh3
from unidecode import unidecode

from extramile.sanitize import CONTENT_TAGS
from extramile.vocabulary import Vocabulary

# Characters that have no place in a one-line text: controls, bidi overrides and isolates, zero-width
# characters, the BOM, the soft hyphen, line and paragraph separators (those become spaces).
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]")
_ENTITY_LIKE = re.compile(r"&(?=#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
_OPENING_QUOTE = re.compile(r'(^|[\s(\[{])"')
_CLOSING_QUOTE = re.compile(r'"')
_TRUE = {"on", "true", "yes", "y", "1", "checked", "x", "agree", "i agree", "ok", "✓", "✔"}


@lru_cache(maxsize=1)
def _text_cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(tags=set(), clean_content_tags=set(CONTENT_TAGS), attributes={}, strip_comments=True)


def as_text(value: object) -> str:
    """A scalar as text; a list gives its first non-empty item; None gives ''. TypeError for a mapping."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, (list, tuple)):
        items = [as_text(item) for item in value]
        return next((item for item in items if item.strip()), "")
    if isinstance(value, dict):
        raise TypeError("must be text, not a set of fields")
    return str(value)


_MARKDOWN_LINK = re.compile(r"\]\s*(?=[(\[])")


def plain_line(value: str) -> str:
    """Plain text on one line: tags removed (scripts with their content), entities decoded, invisible and control
    characters removed, spaces collapsed; what still looks like markup is broken up so no engine can read it."""
    text = value if value.isascii() else unicodedata.normalize("NFC", value)
    markup = "<" in text or "&" in text
    if markup:
        text = html.unescape(_text_cleaner().clean(text))
    if not text.isascii() or not text.isprintable():
        text = _INVISIBLE.sub("", text)
    text = " ".join(text.split())
    if markup:
        # Text that was written as text (`the &lt;div&gt; bug`) stays text: its angle brackets become the angle
        # quotation marks ‹ › that read the same, since themes print these fields unescaped and no engine reads
        # ‹div› as a tag. What still looks like an entity is broken up.
        text = _ENTITY_LIKE.sub("& ", text.replace("<", "\u2039").replace(">", "\u203a"))
    if _MARKDOWN_LINK.search(text):
        # `[text](url)` or `[text][ref]` is a live link where Material renders a title as Markdown (its
        # listings): brackets become parentheses, which read the same and link nothing.
        text = text.replace("[", "(").replace("]", ")")
    if '"' in text:
        # Straight double quotes become typographic ones: some templates print these fields unescaped in attributes.
        text = _CLOSING_QUOTE.sub("\u201d", _OPENING_QUOTE.sub("\\1\u201c", text))
    return text


def cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(",;: ") + "…"


def truthy(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = " ".join(as_text(value).split()).casefold()
    return text in _TRUE or text.startswith(("yes", "i agree", "i consent", "true"))


def split_list(value: object) -> list[str]:
    """A multiple choice: a list, or one text with the choices joined by commas, semicolons, bars or lines."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,;|\n]", as_text(value))
    out: list[str] = []
    for item in items:
        text = plain_line(as_text(item))
        if text:
            out.append(text)
    return out


# ---------------------------------------------------------------------------------------------------------
# Vocabulary terms: slugs, labels and near misses
# ---------------------------------------------------------------------------------------------------------

def compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unidecode(text).lower().replace("&", "and"))


# Per vocabulary object (by identity: hashing a Vocabulary hashes every term, at each call) and kind.
_BY_VOCABULARY: dict[tuple[int, str], tuple[Vocabulary, dict[str, str]]] = {}


def _term_index(vocabulary: Vocabulary, kind: str) -> dict[str, str]:
    """Each term's compacted slug and label (also without a final s) -> its slug."""
    entry = _BY_VOCABULARY.get((id(vocabulary), kind))
    if entry is None or entry[0] is not vocabulary:
        index: dict[str, str] = {}
        for term in vocabulary.terms(kind):
            for key in (compact(term.slug), compact(term.label)):
                index.setdefault(key, term.slug)
                index.setdefault(key.removesuffix("s"), term.slug)
        if len(_BY_VOCABULARY) >= 32:
            _BY_VOCABULARY.clear()
        entry = _BY_VOCABULARY[(id(vocabulary), kind)] = (vocabulary, index)
    return entry[1]


def match_term(value: str, vocabulary: Vocabulary, kind: str) -> tuple[str | None, bool]:
    """(slug, exact): the term whose slug or label `value` is, or the one it nearly spells (exact=False)."""
    if value in vocabulary.slugs(kind):
        return value, True
    key = compact(value)
    if not key:
        return None, True
    index = _term_index(vocabulary, kind)
    for candidate in (key, key.removesuffix("s")):
        if candidate in index:
            return index[candidate], True
    close = difflib.get_close_matches(key, list(index), n=1, cutoff=0.82)
    return (index[close[0]], False) if close else (None, True)


def match_perspective(value: str) -> str:
    """customer | business from a slug, a label ('Told by the customer') or an answer ('I work there')."""
    words = set(re.findall(r"[a-z]+", unidecode(value).lower()))
    customer = bool(words & {"customer", "customers", "client", "guest", "shopper", "buyer"})
    business = bool(words & {"business", "staff", "employee", "company", "owner", "shop", "we", "work"})
    if customer != business:
        return "customer" if customer else "business"
    return value.strip().lower()


# ---------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------

_MONTH_FORMATS = ("%Y-%m", "%Y-%m-%d", "%Y/%m/%d", "%Y/%m", "%m/%d/%Y", "%d.%m.%Y", "%B %Y", "%b %Y", "%m/%Y")
# Google Forms' own download: 2024/05/14 10:32:11 AM GMT+2 (or GMT+5:30, or GMT).
_GOOGLE = re.compile(r"^(\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}:\d{2}(?: [AP]M)?) GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$")
_STAMP_FORMATS = ("%m/%d/%Y %H:%M:%S", "%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S",
                  "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M")


def month(value: str, date_format: str | None = None) -> str:
    """YYYY-MM from a month or a date in the usual spellings; anything else unchanged (for the schema to refuse)."""
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return text
    for fmt in ((date_format,) if date_format else ()) + _MONTH_FORMATS:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return f"{parsed.year:04d}-{parsed.month:02d}"
    return text


def timestamp(value: object, fmt: str | None = None, zone: dt.tzinfo = dt.timezone.utc) -> dt.datetime | None:
    """An aware UTC datetime (whole seconds) from ISO 8601, epoch seconds or milliseconds, Google's formats or
    `fmt`; None when the value cannot be read as a time."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).replace(microsecond=0)
        except (OverflowError, OSError, ValueError):
            return None
    text = " ".join(str(value).split())
    if re.fullmatch(r"\d{9,13}", text):
        return timestamp(int(text))
    parsed = None
    if fmt:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            parsed = None
    if parsed is None:
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            parsed = _google_or_known(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(dt.timezone.utc).replace(microsecond=0)


def _google_or_known(text: str) -> dt.datetime | None:
    if (match := _GOOGLE.match(text)) is not None:
        stamp = match[1]
        base = dt.datetime.strptime(stamp, "%Y/%m/%d %I:%M:%S %p" if stamp.endswith("M") else "%Y/%m/%d %H:%M:%S")
        offset = dt.timedelta(hours=int(match[3] or 0), minutes=int(match[4] or 0))
        return base.replace(tzinfo=dt.timezone(-offset if match[2] == "-" else offset))
    for fmt in _STAMP_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------------------------------------------------
# Text that is not text: lone surrogates
# ---------------------------------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(value: object, name: str = "") -> tuple[str, str, int] | None:
    """(field, the surrogate, its 1-based position) for the first key or text in `value` (nested lists and
    mappings too) holding a lone UTF-16 surrogate, or None. JSON's `\\ud800` escape gives one: no encoding can
    write it, so it would fail every later stage; the field is named as the source names it."""
    if not isinstance(value, dict):
        return _lone_surrogate([(name, value)])
    for key, item in value.items():
        if type(item) is str and item.isascii() and (type(key) is not str or key.isascii()):
            continue  # nearly every field: nothing to look into
        key_text = key if isinstance(key, str) else str(key)
        found = _lone_surrogate([(name or key_text, item), (key_text, key_text)])
        if found is not None:
            return found
    return None


def _lone_surrogate(stack: list[tuple[str, object]]) -> tuple[str, str, int] | None:
    while stack:  # a stack, not recursion: JSON may nest deeper than Python recurses
        where, item = stack.pop()
        if isinstance(item, str):
            if not item.isascii() and (match := _SURROGATE.search(item)) is not None:
                return shown_text(where), match[0], match.start() + 1
        elif isinstance(item, dict):
            for key, inner in item.items():
                key_text = key if isinstance(key, str) else str(key)
                stack.extend(((where or key_text, inner), (key_text, key_text)))
        elif isinstance(item, (list, tuple)):
            stack.extend((where, inner) for inner in reversed(item))
    return None


def shown_text(text: str) -> str:
    """`text` as it can be printed: a lone surrogate written as its escape (\\ud800)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8") if not text.isascii() else text


# ---------------------------------------------------------------------------------------------------------
# The content fingerprint (contact details in a story's text: extramile/contacts.py)
# ---------------------------------------------------------------------------------------------------------

def fingerprint(title: str, body: str) -> str:
    """Equal for the same story told twice, whatever its id, spacing or case."""
    canonical = compact(title) + "\n" + " ".join(body.split()).casefold()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
