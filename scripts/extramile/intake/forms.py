"""A request body, form-encoded or JSON, read into the one shape `FormSubmission.from_fields` takes.

Both encodings become {field name: [values]}: a browser's form post repeats `tags` once per ticked box, the
page's script sends {"tags": [...]}; after this module nobody needs to know which one arrived.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from extramile.intake.protection import JSON, Refusal
from extramile.submission import FormSubmission

_BAD = "The form could not be read. Reload the page and send it again."


def parse_body(body: bytes, kind: str, max_fields: int) -> dict[str, list[str]]:
    """The posted fields, or Refusal (400) for a body that is not what its content type says."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "bad-encoding", _BAD) from None
    if kind == JSON:
        return _from_json(text, max_fields)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=max_fields, errors="strict")
    except (ValueError, UnicodeDecodeError):  # too many fields, or percent-escapes that are not UTF-8
        raise Refusal(400, "bad-form", _BAD) from None
    fields: dict[str, list[str]] = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def _from_json(text: str, max_fields: int) -> dict[str, list[str]]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise Refusal(400, "bad-json", _BAD) from None
    if not isinstance(data, dict) or len(data) > max_fields:
        raise Refusal(400, "bad-json", _BAD)
    fields: dict[str, list[str]] = {}
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        if len(values) > max_fields:
            raise Refusal(400, "bad-json", _BAD)
        fields[name] = [_scalar(item) for item in values]
    return fields


def _scalar(value: object) -> str:
    # A checkbox may arrive as true/false; everything else a form can hold is text.
    if isinstance(value, bool):
        return "on" if value else ""
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value)
    raise Refusal(400, "bad-json", _BAD)


def form_values(fields: dict[str, list[str]]) -> dict[str, object]:
    """What the visitor typed, to put back in the form next to its errors (the trap field stays empty)."""
    sub = FormSubmission.from_fields(fields)
    return {**sub.public_fields(), "email": sub.email, "consent": sub.consent}
