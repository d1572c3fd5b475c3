"""`--branch NAME`: the new drafts on a new branch from HEAD, in one commit, then back to where the editor was."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


class GitError(Exception):
    pass


def git(root: Path, *args: str, stdin: str | None = None) -> str:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, text=True,
                                check=False)
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


def check_branch(root: Path, name: str, content: str = "content") -> Branch:
    """Refuse (GitError) unless `root` is a git work tree with a commit, `name` is a new valid branch name and
    `content/` has no uncommitted change (tracked or not)."""
    try:
        git(root, "rev-parse", "--is-inside-work-tree")
    except GitError:
        raise GitError(f"{root} is not a git work tree: --branch needs one") from None
    try:
        git(root, "check-ref-format", "--branch", name)
    except GitError:
        raise GitError(f"{name!r} is not a valid branch name") from None
    if git(root, "branch", "--list", name).strip():
        raise GitError(f"branch {name!r} already exists: choose another name")
    try:
        git(root, "rev-parse", "--verify", "--quiet", "HEAD")
    except GitError:
        raise GitError("the repository has no commit yet: commit once before ingesting onto a branch") from None
    changes = git(root, "status", "--porcelain", "--untracked-files=all", "--", content).splitlines()
    if changes:
        listed = ", ".join(line[3:] for line in changes[:5]) + (" …" if len(changes) > 5 else "")
        raise GitError(f"{content}/ has uncommitted changes ({listed}): commit or stash them first")
    try:
        original, detached = git(root, "symbolic-ref", "--quiet", "--short", "HEAD").strip(), False
    except GitError:
        original, detached = git(root, "rev-parse", "HEAD").strip(), True
    return Branch(root, name, original, detached)


def start(branch: Branch) -> None:
    git(branch.root, "checkout", "--quiet", "-b", branch.name)


def finish(branch: Branch, paths: list[Path], message: str) -> bool:
    """Commit `paths` (only them) on the branch and go back; a branch left without drafts is deleted.

    If the commit fails (a hook refuses it, no identity), GitError is raised and the editor is left on the
    branch with the drafts staged, to fix and commit by hand."""
    names = [str(path) for path in paths]
    if names:
        git(branch.root, "add", "--", *names)
        git(branch.root, "commit", "--quiet", "-F", "-", "--", *names, stdin=message)
    git(branch.root, *(["checkout", "--quiet", "--detach", branch.original] if branch.detached
                      else ["checkout", "--quiet", branch.original]))
    if not names:
        git(branch.root, "branch", "--quiet", "-D", branch.name)
    return bool(names)


def commit_message(entries: list[tuple[str, str]]) -> str:
    """'Ingest N draft stories' and one line per draft: its path and submission id."""
    count = len(entries)
    lines = [f"Ingest {count} draft stor{'y' if count == 1 else 'ies'} from form submissions", ""]
    lines += [f"- {path} ({submission_id})" for path, submission_id in entries]
    return "\n".join(lines) + "\n"
