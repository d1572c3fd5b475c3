"""What may stand in the posts folder, and so what either engine may publish from it: an allow-list.

A story is `<slug>.md`, exactly. Beside the stories, raster images (a photo a story shows) are published.
Anything else (an editor's backup `x.md~`, `#x.md#`, `x.md.orig` from a merge, `x.md.bak`, `x.MD`, `x.mkd`)
is a copy of a story that no one checks: it is never published, and `extramile check` names it.
SVG is not on the list: it can carry script.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

STORY_SUFFIX = ".md"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"})


def kind_of(name: str) -> str | None:
    """"story", "image", or None for a file name that must not be published from the posts folder."""
    base = PurePosixPath(name).name
    suffix = PurePosixPath(base).suffix
    if base.startswith(".") or not suffix or base.startswith("#"):
        return None
    if suffix == STORY_SUFFIX:
        return "story"
    if suffix in IMAGE_SUFFIXES:
        return "image"
    return None


@dataclass(frozen=True)
class Stray:
    path: Path
    reason: str


def strays(folder: Path) -> Iterator[Stray]:
    """Every entry below `folder` that is not a story or an image, and every link that leads nowhere."""
    for path in sorted(folder.rglob("*")):
        if path.name.startswith("."):  # hidden files (an editor's swap file) are skipped by both engines
            continue
        if path.is_symlink() and not path.exists():
            yield Stray(path, "is a link to nothing: remove it or restore what it points to")
        elif path.is_file() and kind_of(path.name) is None:
            yield Stray(path, _reason(path.name))


def _reason(name: str) -> str:
    if ".md" in name.lower() or name.lower().endswith((".markdown", ".mkd", ".mdown", ".mkdn")):
        what = "looks like a copy of a story (a backup, a merge leftover or another spelling of .md)"
    else:
        what = "is neither a story (<slug>.md) nor an image (" + ", ".join(sorted(IMAGE_SUFFIXES)) + ")"
    return f"{what}: neither engine publishes it; delete it or move it out of the posts folder"
