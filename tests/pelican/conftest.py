"""Fixtures for the Pelican site: the real collection built with Pelican, and copies of the sources to break."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from tests.conftest import REPO, copy_site

from extramile.commands.build import pelican_command

ATOM = "{http://www.w3.org/2005/Atom}"


def pelican_build(root: Path, output: Path, public: bool = False, env: dict | None = None,
                  check: bool = True) -> subprocess.CompletedProcess:
    """Pelican as `extramile build --engine pelican` runs it: any warning fails the build."""
    environment = {**os.environ, "COLUMNS": "400", **(env or {})}  # Pelican's log wraps at the terminal width
    if not env or "SITE_URL" not in env:
        environment.pop("SITE_URL", None)
    result = subprocess.run(pelican_command(root, output, public=public), cwd=root, env=environment,
                            capture_output=True, text=True)
    if check:
        assert result.returncode == 0, f"pelican failed:\n{result.stdout}\n{result.stderr}"
        assert "WARNING" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def copy_pelican_site(destination: Path) -> Path:
    """A copy of the site's sources (both engines' settings, content, theme) that a test may change freely."""
    copy_site(destination)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(REPO / name, destination / name)
    return destination


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def story_slug(href: str) -> str | None:
    """The story a link points to, from any relative or absolute link to stories/<slug>/."""
    parts = [part for part in href.split("#")[0].split("/") if part and part != ".."]
    if "stories" in parts:
        parts = parts[parts.index("stories"):]
    if len(parts) == 2 and parts[0] == "stories" and parts[1] not in {"archive", "told-by", "page"}:
        return parts[1]
    return None


def listed_stories(site: Path, path: str) -> list[str]:
    """The stories a Pelican listing shows as cards, following its pagination (page/2/, page/3/, ...)."""
    found: list[str] = []
    folder, number = site / path, 1
    while (folder / "index.html").exists():
        found += [story_slug(a["href"]) for a in soup(folder / "index.html").select("main .em-card__title a")]
        number += 1
        folder = site / path / "page" / str(number)
    return found


# pelican_site and pelican_url, the real collection built once for the session: tests/conftest.py.


def run_extramile(*args: str, root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "EXTRAMILE_ROOT": str(root)}
    env.pop("SITE_URL", None)
    return subprocess.run([sys.executable, "-m", "extramile", *args], cwd=root, env=env,
                          capture_output=True, text=True)


STORY = {
    "title": "A test story",
    "date": datetime.date(2020, 2, 2),
    "description": "A story written by the tests.",
    "perspective": "customer",
    "business": "Test Shop",
    "industry": "retail",
    "channel": "in-person",
    "tags": ["loyalty"],
    "told_by": "Tester",
    "source": {"kind": "interview"},
}


def story_text(body: str = "A body written by the tests, long enough to read.\n", **changes) -> str:
    """A story file: valid front matter (with `changes`; None removes a field), then `body`."""
    data = {**STORY, **changes}
    data = {key: value for key, value in data.items() if value is not None}
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True) + "---\n" + body
