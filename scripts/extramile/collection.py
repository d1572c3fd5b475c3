"""The published collection as readers browse it: featured, latest, related stories and tag counts.

Pure functions over `Entry` values, so that both engines (Material and Pelican) share them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from extramile.schema import Story


@dataclass(frozen=True)
class Entry:
    """A story and where it is published."""

    key: str  # the story's file stem: unique in the collection
    url: str
    story: Story


def newest_first(entries: Sequence[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.story.date, e.key), reverse=True)


def featured(entries: Sequence[Entry], limit: int = 3) -> list[Entry]:
    return [e for e in newest_first(entries) if e.story.featured][:limit]


def latest(entries: Sequence[Entry], limit: int = 6, skip: Sequence[Entry] = ()) -> list[Entry]:
    skipped = {e.key for e in skip}
    return [e for e in newest_first(entries) if e.key not in skipped][:limit]


def related(entries: Sequence[Entry], limit: int = 3) -> dict[str, list[Entry]]:
    """For each story, up to `limit` others sharing the most tags; ties go to the newest."""
    by_tag: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for tag in entry.story.tags:
            by_tag[tag].append(entry)
    result = {}
    for entry in entries:
        shared: Counter[str] = Counter()
        lookup = {}
        for tag in entry.story.tags:
            for other in by_tag[tag]:
                if other.key != entry.key:
                    shared[other.key] += 1
                    lookup[other.key] = other
        ranked = sorted(shared, key=lambda k: (-shared[k], -lookup[k].story.date.toordinal(), k))
        result[entry.key] = [lookup[k] for k in ranked[:limit]]
    return result


def tag_counts(entries: Sequence[Entry]) -> Counter[str]:
    return Counter(tag for entry in entries for tag in entry.story.tags)
