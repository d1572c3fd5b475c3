"""A request body, form-encoded or JSON, read into the one shape `FormSubmission.from_fields` takes.

Both encodings become {field name: [values]}: a browser's form post repeats `tags` once per ticked box, the
page's script sends {"tags": [...]}; after this module nobody needs to know which one arrived.

Everything that comes out is text that is valid Unicode: a body this module cannot read that way is refused
here (400) with a message that names the field and says what is wrong, so nothing later (the store, the
fingerprint, an answer's encoding) meets a lone surrogate or a value of the wrong type.
"""

from __future__ import annotations

import json
import re
from urllib.parse import unquote_to_bytes

from extramile.intake.protection import JSON, Refusal
from extramile.submission import FormSubmission

_CHECKBOXES = ("anonymous", "consent")
_LISTS = ("tags",)
# The form's other fields each hold one piece of text (FormSubmission's fields, e-mail included).
_TEXTS = tuple(name for name in FormSubmission.__dataclass_fields__ if name not in _CHECKBOXES + _LISTS)
_KNOWN = frozenset(_TEXTS + _CHECKBOXES + _LISTS)
_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_body(body: bytes, kind: str, max_fields: int) -> dict[str, list[str]]:
    """The posted fields, or Refusal (400) for a body that is not what its content type says."""
    if kind == JSON:
        return _from_json(body, max_fields)
    return _from_form(body, max_fields)


def field_of(name: str) -> str | None:
    """The form field a refusal is about, when it is one the form has: the page's script shows the message
    next to it. Other names never go back as keys (the script looks them up in the page)."""
    return name if name in _KNOWN else None


def _shown(name: str) -> str:
    # Any name a client sent, quoted and escaped to ASCII: no lone surrogate or control character reaches an
    # answer, JSON or page (the page escapes its HTML besides).
    return json.dumps(name if len(name) <= 40 else name[:40] + "…")


def _refuse(name: str | None, problem: str, reason: str = "bad-field") -> Refusal:
    if name is None:
        return Refusal(400, reason, f"The form could not be read: {problem}. Reload the page and send it again.")
    return Refusal(400, reason, f"The field {_shown(name)} {problem}.", field=field_of(name))


# -- form-encoded ------------------------------------------------------------------------------------------------

def _from_form(body: bytes, max_fields: int) -> dict[str, list[str]]:
    # Split and decoded one pair at a time (as parse_qsl does) so that a bad byte is blamed on its field.
    parts = [part for part in body.split(b"&") if part]
    if len(parts) > max_fields:
        raise _refuse(None, f"it has more than {max_fields} fields", "bad-form")
    fields: dict[str, list[str]] = {}
    for part in parts:
        raw_name, _, raw_value = part.partition(b"=")
        name = _form_text(raw_name)
        if name is None:
            raise _refuse(None, "a field's name is not valid UTF-8", "bad-form")
        value = _form_text(raw_value)
        if value is None:
            raise _refuse(name, "is not valid UTF-8 (after percent-decoding)")
        fields.setdefault(name, []).append(value)
    return fields


def _form_text(raw: bytes) -> str | None:
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return None


# -- JSON ---------------------------------------------------------------------------------------------------------

def _from_json(body: bytes, max_fields: int) -> dict[str, list[str]]:
    try:
        text, invalid = body.decode("utf-8"), ""
    except UnicodeDecodeError:
        # Bytes that are not UTF-8 become lone surrogates (surrogateescape): inside a string they are blamed on
        # their field below, anywhere else the JSON does not parse.
        text, invalid = body.decode("utf-8", "surrogateescape"), "is not valid UTF-8"
    try:
        data = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_no_repeats)
    except json.JSONDecodeError as error:
        raise _refuse(None, f"it is not valid JSON ({error.msg} at character {error.pos})", "bad-json") from None
    except _Repeated as repeated:
        if not _surrogate(repeated.name):
            raise _refuse(repeated.name, "is given more than once", "bad-json") from None
        raise _refuse(None, "a field is given more than once", "bad-json") from None
    except _Constant as constant:
        raise _refuse(None, f"it holds {constant}, which is not a JSON number", "bad-json") from None
    except ValueError:  # json.loads refuses integers of more than 4,300 digits (sys.set_int_max_str_digits)
        raise _refuse(None, "it holds a number too long to read", "bad-json") from None
    except RecursionError:
        raise _refuse(None, "it is nested too deeply", "bad-json") from None
    if not isinstance(data, dict):
        raise _refuse(None, f"it must be a JSON object of fields, not {_kind(data)}", "bad-json")
    if len(data) > max_fields:
        raise _refuse(None, f"it has more than {max_fields} fields", "bad-json")
    fields: dict[str, list[str]] = {}
    for name, value in data.items():
        if _surrogate(name):
            raise _refuse(None, f"a field's name {invalid or 'holds a lone surrogate'}", "bad-json")
        fields[name] = _values(name, value, max_fields)
        for item in fields[name]:
            if bad := _surrogate(item):
                raise _refuse(name, invalid or f"holds a lone surrogate (\\u{ord(bad):04x}), which is not text")
    return fields


def _values(name: str, value: object, max_fields: int) -> list[str]:
    """A JSON value as the form's values, when it has a type the field can hold."""
    if name in _LISTS:
        if value is None or isinstance(value, str):
            return [value] if value else []
        if not isinstance(value, list):
            raise _refuse(name, f"must be a list of text, not {_kind(value)}")
        if len(value) > max_fields:
            raise _refuse(name, f"has more than {max_fields} values")
        for item in value:
            if not isinstance(item, str):
                raise _refuse(name, f"must be a list of text: it holds {_kind(item)}")
        return list(value)
    if name in _CHECKBOXES:  # the page's script sends true or false; a form sends "on" or nothing
        if isinstance(value, bool):
            return ["on" if value else ""]
        if value is None or isinstance(value, str):
            return [value or ""]
        raise _refuse(name, f"must be true or false, not {_kind(value)}")
    if name in _TEXTS:
        if value is None or isinstance(value, str):
            return [value or ""]
        raise _refuse(name, f"must be text, not {_kind(value)}")
    # A field the form does not have (the trap field among them): kept as text, nothing deeper.
    values = value if isinstance(value, list) else [value]
    if len(values) > max_fields:
        raise _refuse(name, f"has more than {max_fields} values")
    return [_scalar(name, item) for item in values]


def _scalar(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value)
    raise _refuse(name, f"must be text, not {_kind(value)}")


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    return {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number",
            type(None): "null"}.get(type(value), "something else")


def _surrogate(text: str) -> str:
    """The first lone surrogate in a text ("" when there is none): it cannot be encoded, stored or shown."""
    found = None if text.isascii() else _SURROGATE.search(text)
    return found[0] if found else ""


class _Repeated(ValueError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _no_repeats(pairs: list[tuple[str, object]]) -> dict[str, object]:
    # json.loads keeps the last of two equal keys silently; a form field sent twice is a client's mistake.
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise _Repeated(name)
            seen.add(name)
    return found


class _Constant(ValueError):
    """NaN, Infinity or -Infinity: Python's json reads them, JSON has no such numbers."""


def _no_constant(name: str) -> object:
    raise _Constant(name)


def form_values(fields: dict[str, list[str]]) -> dict[str, object]:
    """What the visitor typed, to put back in the form next to its errors (the trap field stays empty)."""
    sub = FormSubmission.from_fields(fields)
    return {**sub.public_fields(), "email": sub.email, "consent": sub.consent}
