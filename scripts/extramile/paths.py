"""Where things live in an Extra Mile project."""

from __future__ import annotations

import os
from pathlib import Path

CONTENT_DIR = "content"
STORIES_DIR = "content/stories/posts"
VOCABULARY_FILE = "content/vocabulary.yml"


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` that holds mkdocs.yml.

    EXTRAMILE_ROOT wins, so that tests and CI can point the command at any copy of the site.
    """
    if env := os.environ.get("EXTRAMILE_ROOT"):
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    raise FileNotFoundError(f"no mkdocs.yml in {here} or any folder above it: run extramile inside an Extra Mile site")
