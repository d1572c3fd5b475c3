"""The few git operations Extra Mile's commands make: run git, see whether files are uncommitted, commit them."""

from __future__ import annotations

import subprocess
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


def is_work_tree(root: Path) -> bool:
    try:
        return git(root, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except GitError:
        return False


def uncommitted(root: Path, *paths: str) -> list[str]:
    """Paths below `paths` with changes not yet committed (tracked or not)."""
    lines = git(root, "status", "--porcelain", "--untracked-files=all", "--", *paths).splitlines()
    return [line[3:] for line in lines]


def commit(root: Path, paths: list[str], message: str) -> None:
    """Stage exactly `paths` (written or deleted) and commit only them."""
    git(root, "add", "--all", "--", *paths)
    git(root, "commit", "--quiet", "-F", "-", "--", *paths, stdin=message)
