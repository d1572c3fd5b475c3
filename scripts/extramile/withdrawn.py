"""Withdrawn stories: what both engines publish at the address of a story withdrawn at the teller's request.

An editor withdraws a published story by deleting its file; the ledger records the decision (state "withdrawn",
`path` the story file's path from the project root). For every such decision whose file is gone, each engine
writes a short page at the story's old address (`stories/<slug>/`): it says the story was withdrawn, links home
and to the stories, asks search engines not to index it, and is in no navigation, listing, feed, sitemap or search
index. It shows nothing of the story: the ledger holds neither its title nor its text, and this page never will.

If the file is there again (a revert, a restored story), the story wins: no page is made for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from extramile.ledger import load
from extramile.paths import STORIES_DIR

# The page, the same on both sites.
TITLE = "Story withdrawn"
MESSAGE = "This story was withdrawn at the teller's request."
ROBOTS = "noindex"
# Where the page's links go: site-relative addresses (the home page, the stories listing), with their text.
LINKS = (("Home", ""), ("All stories", "stories/"))

# A story slug as we generate them (extramile.slug): anything else is no address we publish at.
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Withdrawals:
    slugs: tuple[str, ...]  # a withdrawn page for each: the story file is gone
    restored: tuple[str, ...]  # withdrawn, but the story file exists again: the story wins, no page
    unusable: tuple[str, ...]  # ledger paths of withdrawn decisions that name no story file (no page)


def address(slug: str) -> str:
    """The story's old address, site-relative: where its withdrawn page goes."""
    return f"stories/{slug}/"


def save_as(slug: str) -> str:
    return f"{address(slug)}index.html"


def story_slug(path: str | None) -> str | None:
    """The slug of a story file's path (`content/stories/posts/<slug>.md`), or None for any other path."""
    if not path:
        return None
    pure = PurePosixPath(path)
    if pure.parent != PurePosixPath(STORIES_DIR) or pure.suffix != ".md" or not _SLUG.match(pure.stem):
        return None
    return pure.stem


def withdrawals(root: Path) -> Withdrawals:
    """The ledger's withdrawn decisions, sorted by slug: pages to publish, restored stories, unusable paths."""
    slugs: set[str] = set()
    restored: set[str] = set()
    unusable: set[str] = set()
    for decision in load(root):
        if decision.state != "withdrawn":
            continue
        slug = story_slug(decision.path)
        if slug is None:
            unusable.add(decision.path or f"(no path, submission {decision.id})")
        elif (root / decision.path).exists():
            restored.add(slug)
        else:
            slugs.add(slug)
    return Withdrawals(tuple(sorted(slugs)), tuple(sorted(restored)), tuple(sorted(unusable)))


def withdrawn_slugs(root: Path) -> list[str]:
    """The slugs of the withdrawn stories whose file is gone: a withdrawn page is published for each."""
    return list(withdrawals(root).slugs)
