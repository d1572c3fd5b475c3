"""Carry out a decision: write and delete its files, record it in the ledger, and commit exactly those files.

Order matters for an interrupted run: the story files first, the ledger last, then one commit. A run killed
half-way leaves only this decision's own files changed; running the same command again finishes it (the
files are already as planned, so they are committed), and nothing else is ever swept into the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from extramile import gitrepo, ledger as ledgers
from extramile.atomic import write_if_changed
from extramile.editorial.decisions import Change, EditorError
from extramile.paths import CONTENT_DIR


@dataclass(frozen=True)
class Outcome:
    changed: list[str]
    committed: bool


def apply(root: Path, ledger: ledgers.Ledger, change: Change, *, commit: bool = True) -> Outcome:
    use_git = commit and gitrepo.is_work_tree(root)
    own = set(change.paths()) | {ledgers.LEDGER_FILE}
    if use_git:
        _refuse_other_changes(root, change, own)
    changed = []
    for path, text in change.write.items():
        if write_if_changed(root / path, text):
            changed.append(path)
    for path in change.delete:
        if (root / path).exists():
            (root / path).unlink()
            changed.append(path)
    if not change.already:  # a re-run keeps the decision (and its time) that the ledger already holds
        ledger.record(change.decision)
    if ledgers.save(root, ledger):
        changed.append(ledgers.LEDGER_FILE)
    committed = False
    if use_git:
        pending = [path for path in gitrepo.uncommitted(root, *sorted(own)) if path in own]
        if pending:
            try:
                gitrepo.commit(root, sorted(pending), change.message)
            except gitrepo.GitError as error:
                raise EditorError(f"the decision is recorded but not committed ({error}): commit "
                                  f"{', '.join(sorted(pending))} by hand") from None
            committed = True
    return Outcome(changed, committed)


def _refuse_other_changes(root: Path, change: Change, own: set[str]) -> None:
    dirty = gitrepo.uncommitted(root, CONTENT_DIR)
    others = [path for path in dirty if path not in own]
    if others:
        listed = ", ".join(others[:5]) + (" …" if len(others) > 5 else "")
        raise EditorError(f"{CONTENT_DIR}/ has uncommitted changes ({listed}): commit or stash them first, so "
                          "that this decision is a commit of its own")
    for path in dirty:
        if path in change.write and (root / path).read_text(encoding="utf-8") != change.write[path]:
            raise EditorError(f"{path} has uncommitted edits: commit or stash them first")
        if path in change.delete and (root / path).exists():
            raise EditorError(f"{path} has uncommitted edits: commit or stash them first")
