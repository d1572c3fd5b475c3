"""Which submissions are already stories: by the submission id in a story's `source`, and by the content
fingerprint (the same story sent twice, or through two backends, under two ids)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from extramile.ingest.normalise import fingerprint
from extramile.ledger import HANDLED, LEDGER_FILE, Decision, Ledger
from extramile.ingest.prepare import Draft
from extramile.slug import slug_key

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass
class Index:
    """Paths are kept as text and fingerprints as raw digests: a few hundred bytes per story."""

    by_id: dict[str, str] = field(default_factory=dict)
    by_fingerprint: dict[bytes, str] = field(default_factory=dict)
    slug_keys: set[str] = field(default_factory=set)
    # Editors' decisions (the ledger, from every branch): a submission drafted, published, rejected, withdrawn,
    # marked spam or erased is never drafted again, whatever files the working tree holds.
    decided: dict[str, Decision] = field(default_factory=dict)
    decided_fingerprints: dict[bytes, Decision] = field(default_factory=dict)

    def remember(self, ledger: Ledger, reconsider: frozenset[str] = frozenset()) -> None:
        """Take in the ledger's decisions, except those an editor asked to reconsider."""
        for decision in ledger:
            if decision.state in HANDLED and decision.id not in reconsider:
                self.decided[decision.id] = decision
                if decision.fingerprint:
                    self.decided_fingerprints[bytes.fromhex(decision.fingerprint)] = decision

    def known(self, submission_id: str) -> str | None:
        """Where a submission with this id already is (a story, or a decision), if anywhere."""
        if submission_id in self.by_id:
            return self.by_id[submission_id]
        decision = self.decided.get(submission_id)
        return _decided(decision) if decision is not None else None

    @classmethod
    def scan(cls, stories_dir: Path) -> "Index":
        """Every story below `stories_dir` (subfolders too: a post's URL is its file name wherever it sits)."""
        index = cls()
        if not stories_dir.is_dir():
            return index
        for path in stories_dir.rglob("*.md"):
            index.slug_keys.add(slug_key(path.stem))
            source_id, title, body = _read(path)
            shown = str(path)
            if source_id:
                index.by_id.setdefault(source_id, shown)
            if title is not None:
                index.by_fingerprint.setdefault(bytes.fromhex(fingerprint(title, body)), shown)
        return index

    def find(self, draft: Draft) -> tuple[str, Path] | None:
        """("id" | "content", the story or decision it duplicates), or None for a new story."""
        known = self.known(draft.id)
        if known is not None:
            return "id", Path(known)
        digest = bytes.fromhex(draft.fingerprint)
        if digest in self.by_fingerprint:
            return "content", Path(self.by_fingerprint[digest])
        decision = self.decided_fingerprints.get(digest)
        if decision is not None and decision.id not in self.by_id:
            return "content", Path(_decided(decision))
        return None

    def add(self, draft: Draft, path: Path) -> None:
        shown = str(path)
        self.by_id.setdefault(draft.id, shown)
        self.by_fingerprint.setdefault(bytes.fromhex(draft.fingerprint), shown)
        self.slug_keys.add(slug_key(path.stem))


def _decided(decision: Decision) -> str:
    """How a decision is shown as the place a duplicate already is: `<path or ledger> (<state> <id>)`."""
    return f"{decision.path or LEDGER_FILE} ({decision.state} {decision.id})"


def _read(path: Path) -> tuple[str | None, str | None, str]:
    """(source id, title, body) of a story file; Nones for a file that cannot be read (the checker reports it)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, None, ""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, None, ""
    try:
        data = yaml.load(match.group(1) or "", Loader=_Loader)
    except yaml.YAMLError:
        return None, None, ""
    if not isinstance(data, dict):
        return None, None, ""
    source = data.get("source")
    source_id = source.get("id") if isinstance(source, dict) else None
    title = data.get("title")
    return (str(source_id) if source_id else None), (str(title) if title is not None else None), text[match.end():]
