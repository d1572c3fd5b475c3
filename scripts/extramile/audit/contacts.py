"""E-mail addresses and phone numbers in published text, and the allow-list of the ones that may be there.

Both patterns run in linear time: every repetition is bounded, no two adjacent pieces can match the same
character, and a match can only start where the character before cannot continue it. They are deliberately
generous (a false alarm costs an allow-list line; a missed address costs someone's privacy), and the phone
pattern is then narrowed in Python: 9 to 15 digits (8 after a +), and not a date, a time or a decimal.

The allow-list is content/public-contacts.yml, the one `extramile check` reads: `allowed:`, a list of exact
texts as they appear in the page (an address in any case; a phone number with its spaces and punctuation).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


from extramile.audit.needles import word_start
from extramile.contacts import ALLOW_LIST_FILE, read_allowed

ALLOW_FILE = ALLOW_LIST_FILE  # content/public-contacts.yml: one list for the checker and the audit

EMAIL = re.compile(r"(?<![\w.%+-])\w[\w.%+'-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){1,8}[A-Za-z]{2,24}(?![\w-])")
# Starts with a digit, so that the engine scans for one in C; the look-behind is checked in phones().
PHONE = re.compile(r"[0-9](?:[ .()\-\u2010-\u2012\u00a0]{0,3}[0-9]){7,16}(?![\w/])")
_PHONE_JOINERS = ".+/(-"
_NEXT_START = re.compile(r"(?<=[^\w.+/(\-])[+(]?[0-9]")  # used within one match only: short
_DIGITS = re.compile(r"[0-9]")
_DATE = re.compile(r"(?:19|20)[0-9]{2}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./](?:19|20)[0-9]{2}")
_NOT_PHONE = re.compile(r"[0-9]+\.[0-9]+|(?:(?:19|20)[0-9]{2}[ \-]+)+(?:19|20)[0-9]{2}")  # 3.14159265, 2019 2020


@dataclass(frozen=True)
class Allowed:
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()
    source: str = ""  # where the list came from, for messages


class AllowListError(ValueError):
    """The allow-list file cannot be used; the message names the file and the problem."""


def load_allowed(path: Path | None) -> Allowed:
    """The allow-list in `path` (none when there is no such file): the same file `extramile check` reads."""
    if path is None or not Path(path).is_file():
        return Allowed(source=str(path or ""))
    try:
        texts = read_allowed(Path(path))
    except ValueError as error:
        raise AllowListError(str(error)) from None
    return Allowed(emails=frozenset(t.lower() for t in texts if "@" in t),
                   phones=frozenset(t for t in texts if "@" not in t), source=str(path))


def emails(text: str) -> Iterator[re.Match]:
    """Every address in the text, looked for only around each "@" (a page has few), in bounded windows."""
    at, done = text.find("@"), 0
    while at >= 0:
        match = EMAIL.search(text, max(done, at - 65), at + 320)
        while match is not None and match.end() <= at:
            match = EMAIL.search(text, match.end(), at + 320)
        if match is not None and match.start() <= at:
            yield match
            done = match.end()
            at = text.find("@", done)
        else:
            at = text.find("@", at + 1)


def is_phone(candidate: str) -> bool:
    digits = len(_DIGITS.findall(candidate))
    if digits > 15 or digits < (8 if candidate.startswith("+") else 9):
        return False
    plain = candidate.replace("\u00a0", " ").lstrip("+(")
    if _DATE.match(plain) or _NOT_PHONE.fullmatch(plain):
        return False
    return candidate.startswith(("+", "0", "(")) or any(not c.isdigit() for c in candidate)


def phones(text: str) -> Iterator[tuple[int, str]]:
    """(offset, number) of every phone number: a run of digits and separators, with a + or ( before it."""
    position = 0
    while (match := PHONE.search(text, position)) is not None:
        start = match.start()
        while start > 0 and start > match.start() - 2 and text[start - 1] in "+(":
            start -= 1
        if not word_start(text, start, _PHONE_JOINERS):  # "v1.2 0161 496 0000": look again where one could start
            again = _NEXT_START.search(text, match.start() + 1, match.end())
            position = again.start() if again else match.end()
            continue
        candidate = text[start:match.end()]
        if is_phone(candidate):
            yield start, candidate
        position = match.end()


@dataclass
class ContactRule:
    allowed: Allowed = field(default_factory=Allowed)

    def in_text(self, text: str) -> Iterator[tuple[int, str]]:
        """(offset, message) for every address and number in page text that is not allowed."""
        yield from self.in_attributes(text)
        yield from self.phones_in(text)

    def in_attributes(self, text: str) -> Iterator[tuple[int, str]]:
        """Addresses only: attribute values hold many numbers (SVG paths, sizes) that are not phones."""
        for match in emails(text):
            if match[0].lower() not in self.allowed.emails:
                yield match.start(), f"e-mail address {match[0]!r} (not in {ALLOW_FILE})"

    def phones_in(self, text: str) -> Iterator[tuple[int, str]]:
        for offset, number in phones(text):
            if number not in self.allowed.phones:
                yield offset, f"phone number {number!r} (not in {ALLOW_FILE})"
