"""The published collection as readers browse it: featured, latest, related stories and tag counts.

Pure functions over `Entry` values, so that both engines (Material and Pelican) share them.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from extramile.schema import Story


@dataclass(frozen=True)
class Entry:
    """A story and where it is published."""

    key: str  # the story's file stem: unique in the collection
    url: str
    story: Story


def published_on(story: Story) -> dt.date:
    """When a story went on the site; a story from before `published` was recorded went up when it happened."""
    return story.published or story.date


def newest_first(entries: Sequence[Entry]) -> list[Entry]:
    """Most recently published first ("latest" means new on the site, not recent events); then by when it
    happened, then by key, so that the order never depends on how the entries came."""
    return sorted(entries, key=lambda e: (published_on(e.story), e.story.date, e.key), reverse=True)


def featured(entries: Sequence[Entry], limit: int = 3) -> list[Entry]:
    return [e for e in newest_first(entries) if e.story.featured][:limit]


def latest(entries: Sequence[Entry], limit: int = 6, skip: Sequence[Entry] = ()) -> list[Entry]:
    skipped = {e.key for e in skip}
    return [e for e in newest_first(entries) if e.key not in skipped][:limit]


def related(entries: Sequence[Entry], limit: int = 3) -> dict[str, list[Entry]]:
    """For each story, up to `limit` others sharing the most tags; ties go to the newest, then by key.

    Counting every other story that shares a tag and sorting them all is quadratic (15 million steps at
    5,000 stories). Instead the candidates are found level by level, with set intersections: those sharing
    all of a story's tags, then one fewer, and so on, stopping as soon as the list is full.
    """
    # A story's rank is its place in the tie-break order: smaller ranks win.
    ordered = sorted(entries, key=lambda e: (-e.story.date.toordinal(), e.key))
    rank = {entry.key: number for number, entry in enumerate(ordered)}
    by_tag: dict[str, set[int]] = {}
    for entry in entries:
        for tag in entry.story.tags:
            by_tag.setdefault(tag, set()).add(rank[entry.key])
    result = {}
    for entry in entries:
        tag_sets = [by_tag[tag] for tag in entry.story.tags]
        chosen: list[int] = []
        taken = {rank[entry.key]}
        for shared in range(len(tag_sets), 0, -1):
            if len(chosen) >= limit:
                break
            level: set[int] = set()
            for group in combinations(tag_sets, shared):
                level |= set.intersection(*group)
            level -= taken
            chosen += heapq.nsmallest(limit - len(chosen), level)
            taken |= level
        result[entry.key] = [ordered[number] for number in chosen]
    return result


def tag_counts(entries: Sequence[Entry]) -> Counter[str]:
    return Counter(tag for entry in entries for tag in entry.story.tags)


def neighbours(entries: Sequence[Entry]) -> dict[str, tuple[Entry | None, Entry | None]]:
    """Each story's previous and next story in publication order (newest_first, read backwards): the story
    published just before it and the one published just after it; None at either end of the collection."""
    ordered = newest_first(entries)[::-1]
    return {entry.key: (ordered[number - 1] if number else None,
                        ordered[number + 1] if number + 1 < len(ordered) else None)
            for number, entry in enumerate(ordered)}
