"""`--branch NAME`: the new drafts on a new branch from HEAD, in one commit, then back to where the editor was.

Whatever happens once the branch is made (an error, Ctrl+C, a commit a hook refuses), the editor ends up where
they started: `on_branch` takes an unfinished run back (the drafts it wrote removed, the branch deleted), so
running the same command again does the whole ingest. A git command, once started, always runs to its end (a
git killed halfway can leave .git/index.lock behind): Ctrl+C is answered when it has finished.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extramile.ingest.interrupts import deferred

# What git's check-ref-format lets through but no branch should be called: `@` is HEAD to every git command,
# and a branch named HEAD makes `HEAD` ambiguous.
RESERVED = ("@", "HEAD")
# Paths given to git are paths, never patterns; its own process group (POSIX): Ctrl+C in the terminal reaches this
# process, never the git it runs.
_ENVIRONMENT = {"GIT_LITERAL_PATHSPECS": "1"}
_GROUP = {"process_group": 0} if os.name == "posix" else {}


class GitError(Exception):
    pass


def git(root: Path, *args: str, stdin: str | None = None) -> str:
    try:
        with deferred():
            result = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, text=True,
                                    check=False, env={**os.environ, **_ENVIRONMENT},
                                    stdin=None if stdin is not None else subprocess.DEVNULL, **_GROUP)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if result.returncode != 0:
        raise GitError(f"git {args[0]} failed: {(result.stderr or result.stdout).strip()}")
    return result.stdout


@dataclass
class Branch:
    root: Path
    name: str
    original: str  # a branch name, or a commit when HEAD was detached
    detached: bool
    start: str = ""  # the commit the branch starts from


def branch_name(root: Path, name: str) -> str:
    """`name` as git reads it (`@{-1}` is the branch before), refused (GitError) unless it can be a new branch's
    name. Called before anything is written."""
    try:
        git(root, "rev-parse", "--is-inside-work-tree")
    except GitError:
        raise GitError(f"{root} is not a git work tree: --branch needs one") from None
    refused = f"{name!r} is not a valid branch name (see `git check-ref-format --branch`)"
    if name in RESERVED or name.startswith("-"):
        raise GitError(refused)
    try:
        expanded = git(root, "check-ref-format", "--branch", name).strip()
    except GitError:
        raise GitError(refused) from None
    if not expanded or expanded in RESERVED or expanded.startswith("-"):
        raise GitError(refused)
    return expanded


def check_branch(root: Path, name: str, content: str = "content") -> Branch:
    """Refuse (GitError) unless the repository has a commit, `name` (from branch_name) is not a branch yet and
    `content/` has no uncommitted change (tracked or not)."""
    if _tip(root, name) is not None:
        raise GitError(f"branch {name!r} already exists: choose another name")
    try:
        start = git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}").strip()
    except GitError:
        raise GitError("the repository has no commit yet: commit once before ingesting onto a branch") from None
    changes = git(root, "status", "--porcelain", "--untracked-files=all", "--", content).splitlines()
    if changes:
        listed = ", ".join(line[3:] for line in changes[:5]) + (" …" if len(changes) > 5 else "")
        raise GitError(f"{content}/ has uncommitted changes ({listed}): commit or stash them first")
    try:
        original, detached = git(root, "symbolic-ref", "--quiet", "--short", "HEAD").strip(), False
    except GitError:
        original, detached = start, True
    return Branch(root, name, original, detached, start)


@contextlib.contextmanager
def on_branch(branch: Branch, written: Callable[[], list[Path]]) -> Iterator[None]:
    """Run the block on the new branch. When it raises (Ctrl+C included), the run is taken back before the
    exception goes on: the files `written()` names are removed, the branch deleted, the editor back where they
    were; the exception gets a note saying so (or what could not be undone)."""
    try:
        git(branch.root, "checkout", "--quiet", "-b", branch.name)
        yield
    except BaseException as error:
        with deferred():
            error.add_note(_take_back(branch, written()))
        raise


def finish(branch: Branch, paths: list[Path], message: str) -> bool:
    """Commit `paths` (only them) on the branch and go back; a branch left without drafts is deleted. A failure
    (a hook refuses the commit, no identity) raises GitError, for on_branch to take the run back."""
    names = [str(path) for path in paths]
    with deferred():  # committed and back, or neither
        if names:
            git(branch.root, "add", "--pathspec-from-file=-", "--pathspec-file-nul", stdin=_nul(names))
            message_file = Path(git(branch.root, "rev-parse", "--absolute-git-dir").strip()) / "EXTRAMILE_INGEST_MSG"
            message_file.write_text(message, encoding="utf-8")
            try:
                git(branch.root, "commit", "--quiet", "-F", str(message_file), "--pathspec-from-file=-",
                    "--pathspec-file-nul", stdin=_nul(names))
            finally:
                message_file.unlink(missing_ok=True)
        _go_back(branch)
        if not names:
            git(branch.root, "branch", "--quiet", "-D", branch.name)
    return bool(names)


def commit_message(entries: list[tuple[str, str]]) -> str:
    """'Ingest N draft stories' and one line per draft: its path and submission id."""
    count = len(entries)
    lines = [f"Ingest {count} draft stor{'y' if count == 1 else 'ies'} from form submissions", ""]
    lines += [f"- {path} ({submission_id})" for path, submission_id in entries]
    return "\n".join(lines) + "\n"


def _take_back(branch: Branch, written: list[Path]) -> str:
    """Undo an unfinished run as far as it got; what was done, for the editor."""
    try:
        tip = _tip(branch.root, branch.name)
        if tip is not None and tip != branch.start:  # the commit was made: keep it, only go back
            _go_back(branch)
            return f"the drafts are committed on branch {branch.name!r}; you are back on {branch.original!r}"
        removed = _remove(branch, written)
        if _current(branch.root) != branch.original:
            _go_back(branch)
        if tip is not None:
            git(branch.root, "branch", "--quiet", "-D", branch.name)
    except (GitError, OSError) as error:
        return (f"the ingest could not be taken back ({error}): check `git status` and `git branch`, "
                f"you started on {branch.original!r}")
    drafts = f"the {removed} draft{'' if removed == 1 else 's'} it wrote removed, " if removed else ""
    return f"nothing was committed: {drafts}branch {branch.name!r} not kept; you are back on {branch.original!r}"


def _remove(branch: Branch, written: list[Path]) -> int:
    """The drafts this run wrote, unstaged and removed (content/ had no uncommitted change when it started)."""
    existing = [path for path in written if path.exists()]
    if existing:
        git(branch.root, "reset", "--quiet", "--pathspec-from-file=-", "--pathspec-file-nul",
            stdin=_nul(str(path) for path in existing))
    for path in existing:
        path.unlink(missing_ok=True)
    return sum(1 for path in existing if path.suffix == ".md")  # drafts; the ledger they were recorded in aside


def _go_back(branch: Branch) -> None:
    git(branch.root, *(["checkout", "--quiet", "--detach", branch.original] if branch.detached
                      else ["checkout", "--quiet", branch.original]))


def _current(root: Path) -> str:
    try:
        return git(root, "symbolic-ref", "--quiet", "--short", "HEAD").strip()
    except GitError:
        return git(root, "rev-parse", "HEAD").strip()


def _tip(root: Path, name: str) -> str | None:
    try:
        return git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}^{{commit}}").strip()
    except GitError:
        return None


def _nul(names) -> str:
    # Paths on stdin, not as arguments: ten thousand drafts would overflow a command line.
    return "".join(f"{name}\0" for name in names)
