"""An editor's decisions as plans: what a decision writes, deletes and records, before anything is touched.

Each function reads the story (and the ledger) and returns a `Change`, or raises `EditorError` naming what is
wrong: an unknown id, a submission in a state that does not allow the decision. `apply.py` carries it out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from extramile.ledger import NEXT, Decision, Ledger, now
from extramile.paths import STORIES_DIR
from extramile.reader import read_story


class EditorError(Exception):
    """A decision that cannot be made: the message says why and what to do; `code` is the exit status."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass
class Change:
    decision: Decision
    message: str  # the commit message
    write: dict[str, str] = field(default_factory=dict)  # root-relative path -> new text
    delete: list[str] = field(default_factory=list)
    already: bool = False  # the ledger already holds this decision: only an interrupted run is finished

    def paths(self) -> list[str]:
        return [*self.write, *self.delete]


@dataclass(frozen=True)
class Target:
    """A submission or story named by an editor: its id, its story file (if any) and its current decision."""

    id: str
    path: str | None
    decision: Decision | None
    live: bool = False  # the story file says `draft: false`


def story_fingerprint(title: str, body: str) -> str:
    return hashlib.sha256(f"{title.strip()}\n{body.strip()}".encode()).hexdigest()


def resolve(root: Path, ledger: Ledger, name: str) -> Target:
    """`name` is a submission id, a story's slug or its path; UsageError-like EditorError (2) if none fits."""
    decision = ledger.get(name)
    if decision is not None:
        path = decision.path if decision.path and (root / decision.path).is_file() else None
        return Target(name, path, decision, live=bool(path) and _front_matter(root / path)[1])
    candidates = [Path(name), root / name, root / STORIES_DIR / f"{name}.md"]
    for candidate in candidates:
        if candidate.suffix == ".md" and candidate.is_file():
            path = candidate.resolve().relative_to(root.resolve()).as_posix()
            source_id, live = _front_matter(root / path)
            submission_id = source_id or f"story:{Path(path).stem}"
            return Target(submission_id, path, ledger.get(submission_id) or ledger.by_path(path), live)
    for story in sorted((root / STORIES_DIR).rglob("*.md")):
        source_id, live = _front_matter(story)
        if source_id == name:
            return Target(name, story.relative_to(root).as_posix(), None, live)
    raise EditorError(f"{name}: no submission with this id and no story with this slug or path", code=2)


def _front_matter(path: Path) -> tuple[str | None, bool]:
    """(the story's submission id, whether it is published)."""
    story = read_story(path)
    metadata = story.metadata if isinstance(story.metadata, dict) else {}
    source = metadata.get("source")
    value = source.get("id") if isinstance(source, dict) else None
    return (str(value) if value else None), metadata.get("draft") is False or "draft" not in metadata


def _state(target: Target) -> str:
    if target.decision is not None:
        return target.decision.state
    if target.path:
        return "published" if target.live else "drafted"
    return "received"


def _allowed(target: Target, state: str, what: str) -> bool:
    """True when `state` may follow the current one; False when it already holds (a re-run)."""
    current = _state(target)
    if current == state:
        return False
    if state not in NEXT[current]:
        hint = _HINTS.get((current, state), "")
        raise EditorError(f"{target.id} is {current}: it cannot be {what}{hint}")
    return True


_HINTS = {
    ("published", "rejected"): " (it is published: withdraw it instead)",
    ("drafted", "withdrawn"): " (it is a draft: reject it instead)",
    ("received", "withdrawn"): " (it is not a story yet: reject it instead)",
    ("received", "published"): " (ingest it first, then publish its draft)",
}


def publish(root: Path, ledger: Ledger, name: str, today: dt.date | None = None) -> Change:
    """`draft: false` and `published: <today>` in the story; the ledger says published."""
    target = resolve(root, ledger, name)
    if target.path is None:
        raise EditorError(f"{target.id} has no story file to publish: ingest it first")
    post = frontmatter.load(root / target.path)
    if target.decision is None and not post.get("draft"):
        return _already(root, target, "published", post)
    fresh = _allowed(target, "published", "published")
    metadata = dict(post.metadata)
    metadata["draft"] = False
    published = metadata.get("published") or (today or dt.date.today())
    metadata = _insert_after(metadata, "date", "published", published)
    text = frontmatter.dumps(frontmatter.Post(post.content, **metadata), sort_keys=False) + "\n"
    decision = Decision(target.id, "published", now(), path=target.path,
                        fingerprint=story_fingerprint(str(post.get("title", "")), post.content))
    return Change(decision, f"Publish {target.path}\n\nSubmission {target.id} is published.\n",
                  write={target.path: text}, already=not fresh)


def reject(root: Path, ledger: Ledger, name: str, reason: str) -> Change:
    """The draft (if any) deleted; the ledger says rejected, with the reason."""
    if not reason.strip():
        raise EditorError("a rejection needs a reason (--reason TEXT)", code=2)
    target = resolve(root, ledger, name)
    fresh = _allowed(target, "rejected", "rejected")
    fingerprint = None
    if target.path:
        post = frontmatter.load(root / target.path)
        if not post.get("draft"):
            raise EditorError(f"{target.path} is published: withdraw it instead of rejecting it")
        fingerprint = story_fingerprint(str(post.get("title", "")), post.content)
    decision = Decision(target.id, "rejected", now(), path=target.path, reason=" ".join(reason.split()),
                        fingerprint=fingerprint or (target.decision.fingerprint if target.decision else None))
    return Change(decision, f"Reject submission {target.id}\n\nReason: {decision.reason}\n",
                  delete=[target.path] if target.path else [], already=not fresh)


def withdraw(root: Path, ledger: Ledger, name: str) -> Change:
    """The published story deleted; its address will say it was withdrawn; the ledger says withdrawn."""
    target = resolve(root, ledger, name)
    fresh = _allowed(target, "withdrawn", "withdrawn")
    path = target.path or (target.decision.path if target.decision else None)
    if fresh and target.path is None:
        raise EditorError(f"{target.id} has no story file to withdraw")
    fingerprint = target.decision.fingerprint if target.decision else None
    if target.path:
        post = frontmatter.load(root / target.path)
        if post.get("draft"):
            raise EditorError(f"{target.path} is a draft: reject it instead of withdrawing it")
        fingerprint = story_fingerprint(str(post.get("title", "")), post.content)
    decision = Decision(target.id, "withdrawn", now(), path=path, reason="at the teller's request",
                        fingerprint=fingerprint)
    return Change(decision, f"Withdraw {path} at the teller's request\n\nSubmission {target.id} is withdrawn.\n",
                  delete=[target.path] if target.path else [], already=not fresh)


def _already(root: Path, target: Target, state: str, post: frontmatter.Post) -> Change:
    decision = Decision(target.id, state, now(), path=target.path,
                        fingerprint=story_fingerprint(str(post.get("title", "")), post.content))
    # The file may hold this very change uncommitted (a run killed before its commit): it is part of the commit.
    text = (root / target.path).read_text(encoding="utf-8") if target.path else ""
    return Change(decision, f"Publish {target.path}\n\nSubmission {target.id} is {state}.\n",
                  write={target.path: text} if target.path else {})


def _insert_after(metadata: dict, after: str, key: str, value: object) -> dict:
    if key in metadata:
        return {**metadata, key: value}
    out: dict = {}
    for name, existing in metadata.items():
        out[name] = existing
        if name == after:
            out[key] = value
    out.setdefault(key, value)
    return out
