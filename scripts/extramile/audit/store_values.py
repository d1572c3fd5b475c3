"""The private values of the intake store (e-mail, phone, IP address, user agent), to be found nowhere in a
built site. The store is opened read-only (`mode=ro`): the audit never changes it, nor adds a file beside it.

Not looked for: loopback, unspecified and link-local addresses (127.0.0.1 is in every local build's URLs and
identifies no one), and user agents shorter than MIN_AGENT characters (too common to point at anyone).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from extramile.audit.needles import lowered, trie_pattern, word_start

MIN_AGENT = 12
MIN_PHONE_DIGITS = 7
_DIGIT_RUN = re.compile(r"\+?[0-9](?:[ .()\-]{0,3}[0-9]){6,16}")


class StoreError(RuntimeError):
    """The store exists but cannot be read: the audit cannot vouch for the site."""


@dataclass(frozen=True)
class StoreValues:
    path: str
    count: int  # submissions read
    emails: frozenset[str]
    ips: frozenset[str]
    agents: frozenset[str]
    phones: frozenset[str]  # digits only

    def __len__(self) -> int:
        return len(self.emails) + len(self.ips) + len(self.agents) + len(self.phones)


def load_store(path: Path) -> StoreValues | None:
    """The private values of the store at `path`; None when there is no store there."""
    path = Path(path)
    if not path.is_file():
        return None
    emails, ips, agents, phones, count = set(), set(), set(), set(), 0
    # Read-only; and when no writer has a journal open (no -wal file: everything is in the main file), immutable,
    # or SQLite would create the -wal and -shm files of a WAL database even for a reader.
    wal = path.with_name(path.name + "-wal").exists()
    uri = "file:" + quote(str(path.resolve())) + ("?mode=ro" if wal else "?mode=ro&immutable=1")
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=10)) as db:
            for (private,) in db.execute("SELECT private FROM submissions"):
                count += 1
                data = json.loads(private or "{}")
                if not isinstance(data, dict):
                    continue
                if _text(data.get("email")):
                    emails.add(_text(data["email"]).lower())
                if _text(data.get("phone")):
                    digits = re.sub(r"\D", "", _text(data["phone"]))
                    if len(digits) >= MIN_PHONE_DIGITS:
                        phones.add(digits)
                if _text(data.get("user_agent")) and len(_text(data["user_agent"])) >= MIN_AGENT:
                    agents.add(_text(data["user_agent"]))
                ips.update(_addresses(_text(data.get("ip"))))
    except (sqlite3.Error, ValueError) as error:
        raise StoreError(f"{path}: cannot read the intake store: {error}") from None
    return StoreValues(str(path), count, frozenset(emails), frozenset(ips), frozenset(agents), frozenset(phones))


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _addresses(value: str) -> set[str]:
    """The ways an address may be written: as stored, and compressed and in full for IPv6."""
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return set()  # not an address: nothing that could identify a reader as one
    if address.is_loopback or address.is_unspecified or address.is_link_local:
        return set()
    forms = {value.lower(), str(address)}
    if address.version == 6:
        forms.add(address.exploded)
        if address.ipv4_mapped:
            forms.add(str(address.ipv4_mapped))
    return forms


class StoreRule:
    """Finds the stored values in text: addresses and agents as written, phone numbers by their digits."""

    def __init__(self, values: StoreValues):
        self.values = values
        literals = trie_pattern(sorted(values.emails | values.ips))
        self._literal = re.compile(rf"(?:{literals})(?![\w:-])") if literals else None  # over lower-case text
        self._literal_any_case = re.compile(rf"(?:{literals})(?![\w:-])", re.I) if literals else None
        agents = trie_pattern(sorted(values.agents))
        self._agent = re.compile(agents) if agents else None

    def in_text(self, text: str, lower: str | None = None) -> Iterator[tuple[int, str]]:
        if self._literal is not None:
            lower = lowered(text) if lower is None or len(lower) != len(text) else lower
            pattern = self._literal if lower is not None else self._literal_any_case
            for match in pattern.finditer(lower if lower is not None else text):
                if not word_start(text, match.start(), ".:+-"):
                    continue
                what = "e-mail address" if "@" in match[0] else "IP address"
                yield match.start(), f"private {what} from the intake store ({self.values.path})"
        if self._agent is not None:
            for match in self._agent.finditer(text):
                yield match.start(), f"private user agent from the intake store ({self.values.path})"
        if self.values.phones:
            for match in _DIGIT_RUN.finditer(text):
                if re.sub(r"\D", "", match[0]) in self.values.phones:
                    yield match.start(), f"private phone number from the intake store ({self.values.path})"
