"""Helpers for the deploy tests: copies of the site in temporary git repositories, `make` and `extramile` runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, copy_site

# The install stamp of the environment running the tests: `make` must not re-install it from a copy.
STAMP = Path(sys.prefix) / "bin" / ".extramile-installed"
# Variables a developer's shell (or CI) may set that would change what a build or a hook does.
SETTINGS_ENV = ("SITE_URL", "EXTRAMILE_INTAKE_PROVIDER", "EXTRAMILE_INTAKE_URL", "EXTRAMILE_INTAKE_ACTION",
                "EXTRAMILE_ROOT", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_BASE_REF", "BASE")
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "An Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
                "GIT_COMMITTER_NAME": "An Editor", "GIT_COMMITTER_EMAIL": "editor@example.org",
                "GIT_AUTHOR_DATE": "2026-05-01T12:00:00Z", "GIT_COMMITTER_DATE": "2026-05-01T12:00:00Z",
                "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def clean_env(**changes: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS_ENV}
    env.update(NO_MKDOCS_2_WARNING="1", VIRTUAL_ENV=sys.prefix, **GIT_IDENTITY)
    env["PATH"] = f"{Path(sys.prefix) / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env.update(changes)
    return env


def site_copy(destination: Path) -> Path:
    """The site's sources, both engines' settings and the files that deploy it."""
    copy_site(destination)
    for name in ("pelicanconf.py", "publishconf.py", "Makefile"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, destination / name)
    shutil.copytree(REPO / ".githooks", destination / ".githooks")
    return destination


def git(root: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", *args], cwd=root, env=env or clean_env(), capture_output=True, text=True)
    if check:
        assert result.returncode == 0, f"git {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def git_repo(root: Path) -> Path:
    """A git repository of the site copy at `root`, everything committed on `main`."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "The site as it is")
    return root


def make(target: str, cwd: Path, env: dict | None = None, *args: str) -> subprocess.CompletedProcess:
    """Our Makefile's target, run in `cwd` by the environment running the tests (never re-installed here)."""
    return subprocess.run(["make", "-s", "-f", str(REPO / "Makefile"), "-o", str(STAMP), target, *args],
                          cwd=cwd, env=env or clean_env(), capture_output=True, text=True)


def extramile(*args: str, root: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extramile", *args], cwd=root, env=env or clean_env(),
                          capture_output=True, text=True)


def write_story(path: Path, *, title: str, tags: str = "[empathy, off-script]", told_by: str = "A regular",
                draft: str = "true", body: str | None = None) -> Path:
    path.write_text(f"""---
title: {title}
date: 2024-03-02
description: A bakery kept a customer's order warm through a power cut.
perspective: customer
business: The Corner Bakery
industry: food-and-drink
channel: in-person
tags: {tags}
told_by: {told_by}
source: {{kind: interview}}
draft: {draft}
---
{body or "The lights went out as the ovens finished. The baker wrapped my loaves in tea towels and kept them by the stove until I could come back, two hours later, and would not take a penny more."}
""", encoding="utf-8")
    return path
