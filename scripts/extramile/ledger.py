"""The ledger: every editorial decision about a submission, kept in git so that every clone remembers it.

One JSON object a line in `content/ledger.jsonl`, sorted by submission id: the id, its state, when the state was
set, and where relevant the story's path, the branch it was drafted on, the reason for a rejection, and a
non-reversible fingerprint of the story (so that the same story sent again under another id is recognised).
No private detail is ever written here: those stay in the intake store.

Two editors' ledgers merge line by line (`.gitattributes`: `merge=union`); when a merge leaves two lines for one
id, the later decision wins, and a final one (erased, withdrawn, rejected, spam) wins a tie.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extramile.atomic import write_if_changed

LEDGER_FILE = "content/ledger.jsonl"
# A submission is in one state at a time (DESIGN.md, "A submission's life").
STATES = ("received", "drafted", "published", "rejected", "withdrawn", "spam", "erased")
# States in which a submission is never drafted again, unless an editor reconsiders it.
HANDLED = frozenset(STATES) - {"received"}
# Which decisions may follow which: the editor commands refuse any other.
NEXT = {
    "received": {"drafted", "rejected", "spam", "erased"},
    "drafted": {"published", "rejected", "erased", "drafted"},
    "published": {"withdrawn", "erased"},
    "rejected": {"erased", "drafted"},
    "withdrawn": {"erased"},
    "spam": {"erased", "drafted"},
    "erased": set(),
}
_RANK = {state: rank for rank, state in enumerate(STATES)}
_KEYS = ("id", "state", "at", "path", "branch", "reason", "fingerprint")


class LedgerError(ValueError):
    """The ledger file cannot be read: names the file, the line and what is wrong."""


@dataclass(frozen=True)
class Decision:
    id: str
    state: str
    at: str  # UTC, ISO 8601 to the second: sorts as it reads
    path: str | None = None  # the story file, relative to the project root
    branch: str | None = None
    reason: str | None = None
    fingerprint: str | None = None  # sha-256 of the story's title and text

    def line(self) -> str:
        data = {key: value for key, value in dataclasses.asdict(self).items() if value is not None}
        return json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(", ", ": "))

    def key(self) -> tuple[str, int]:
        return self.at, _RANK[self.state]


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class Ledger:
    """The current decision for each submission id, and the fingerprints of the stories already handled."""

    def __init__(self, decisions: Iterable[Decision] = ()):
        self.by_id: dict[str, Decision] = {}
        for decision in decisions:
            self._keep(decision)

    def _keep(self, decision: Decision) -> None:
        current = self.by_id.get(decision.id)
        if current is None or decision.key() >= current.key():
            self.by_id[decision.id] = decision

    def __contains__(self, submission_id: object) -> bool:
        return submission_id in self.by_id

    def __len__(self) -> int:
        return len(self.by_id)

    def __iter__(self) -> Iterator[Decision]:
        return iter(sorted(self.by_id.values(), key=lambda d: d.id))

    def get(self, submission_id: str) -> Decision | None:
        return self.by_id.get(submission_id)

    def handled(self, submission_id: str) -> Decision | None:
        """The decision that keeps this submission from being drafted again, if any."""
        decision = self.by_id.get(submission_id)
        return decision if decision is not None and decision.state in HANDLED else None

    def handled_fingerprints(self) -> dict[str, Decision]:
        return {d.fingerprint: d for d in self.by_id.values() if d.fingerprint and d.state in HANDLED}

    def by_path(self, path: str) -> Decision | None:
        return next((d for d in self.by_id.values() if d.path == path), None)

    def record(self, decision: Decision) -> None:
        if decision.state not in STATES:
            raise LedgerError(f"state must be one of {', '.join(STATES)}, not {decision.state!r}")
        self.by_id[decision.id] = decision

    def merge(self, other: Ledger) -> Ledger:
        merged = Ledger(self.by_id.values())
        for decision in other.by_id.values():
            merged._keep(decision)
        return merged

    def text(self) -> str:
        return "".join(decision.line() + "\n" for decision in self)


def parse(text: str, source: str = LEDGER_FILE) -> Ledger:
    decisions = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            data = json.loads(line)
        except ValueError as error:
            raise LedgerError(f"{source}:{number}: is not a JSON object ({error.msg})") from None
        decisions.append(_decision(data, f"{source}:{number}"))
    return Ledger(decisions)


def _decision(data: object, where: str) -> Decision:
    if not isinstance(data, dict):
        raise LedgerError(f"{where}: must be a JSON object")
    unknown = set(data) - set(_KEYS)
    if unknown:
        raise LedgerError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    for key in ("id", "state", "at"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise LedgerError(f"{where}: {key} must be a non-empty text")
    if data["state"] not in STATES:
        raise LedgerError(f"{where}: state must be one of {', '.join(STATES)}, not {data['state']!r}")
    for key in ("path", "branch", "reason", "fingerprint"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise LedgerError(f"{where}: {key} must be text")
    return Decision(**data)


def load(root: Path) -> Ledger:
    path = root / LEDGER_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Ledger()
    except UnicodeDecodeError:
        raise LedgerError(f"{LEDGER_FILE}: is not UTF-8") from None
    return parse(text)


def save(root: Path, ledger: Ledger) -> bool:
    """Write the ledger atomically, sorted, one decision per id; True when the file changed."""
    return write_if_changed(root / LEDGER_FILE, ledger.text())


def load_everywhere(root: Path) -> Ledger:
    """The working tree's ledger merged with the ledger of every local and remote-tracking branch.

    A batch drafted on a branch that is not merged yet is remembered on main too, and on another editor's
    clone once that branch is fetched: "new" never depends on which branch is checked out.
    """
    ledger = load(root)
    for text in _branch_ledgers(root):
        try:
            ledger = ledger.merge(parse(text, f"{LEDGER_FILE} (another branch)"))
        except LedgerError:
            continue  # a broken ledger on some other branch is that branch's problem: its check reports it
    return ledger


def _branch_ledgers(root: Path) -> Iterator[str]:
    def git(*args: str, data: bytes | None = None) -> bytes | None:
        try:
            result = subprocess.run(["git", "-C", str(root), *args], input=data, capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout if result.returncode == 0 else None

    refs = git("for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes")
    if not refs:
        return
    prefix = git("rev-parse", "--show-prefix") or b""
    path = prefix.decode().strip() + LEDGER_FILE
    names = [ref for ref in refs.decode().split() if not ref.endswith("/HEAD")]
    # One `git cat-file --batch` for every branch's copy, read blob by blob.
    out = git("cat-file", "--batch", data="".join(f"{ref}:{path}\n" for ref in names).encode())
    if not out:
        return
    pos = 0
    while pos < len(out):
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        pos = header_end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            yield out[pos:pos + size].decode("utf-8", errors="replace")
            pos += size + 1
