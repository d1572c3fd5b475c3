"""Featured, latest and related stories: the shared collection logic both engines use."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from extramile import collection
from extramile.collection import Entry
from extramile.schema import validate_story


def related_by_counting(entries, limit=3):
    """The obvious, quadratic definition: the oracle the fast `collection.related` must agree with."""
    result = {}
    for entry in entries:
        shared = Counter()
        lookup = {}
        for other in entries:
            common = len(set(entry.story.tags) & set(other.story.tags))
            if other.key != entry.key and common:
                shared[other.key] = common
                lookup[other.key] = other
        ranked = sorted(shared, key=lambda k: (-shared[k], -lookup[k].story.date.toordinal(), k))
        result[entry.key] = [lookup[k] for k in ranked[:limit]]
    return result


def random_entries(vocabulary, count: int, seed: int) -> list[Entry]:
    rng = random.Random(seed)
    tags = sorted(vocabulary.slugs("tags"))
    entries = []
    for number in range(count):
        data = {"title": f"Story {number}", "date": dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(60)),
                "description": "A story.", "perspective": "customer", "business": "Shop", "industry": "retail",
                "channel": "online", "tags": rng.sample(tags, rng.randint(1, 5)), "told_by": "Sam",
                "source": {"kind": "interview"}, "featured": rng.random() < 0.1}
        story, problems = validate_story(data, vocabulary)
        assert story, problems
        entries.append(Entry(key=f"story-{number:04d}", url=f"stories/story-{number:04d}/", story=story))
    return entries


@pytest.mark.parametrize(("count", "seed", "limit"), [(1, 1, 3), (2, 2, 3), (40, 3, 3), (400, 4, 3), (400, 5, 7)])
def test_related_agrees_with_counting(vocabulary, count, seed, limit):
    entries = random_entries(vocabulary, count, seed)  # 60 days for 400 stories: many ties on the date
    assert collection.related(entries, limit) == related_by_counting(entries, limit)


def test_related_agrees_with_counting_on_the_real_collection(published, vocabulary):
    entries = [Entry(key=slug, url=f"stories/{slug}/", story=validate_story(dict(post.metadata), vocabulary)[0])
               for slug, post in published.items()]
    assert collection.related(entries) == related_by_counting(entries)
    assert all(collection.related(entries).values())


def test_featured_and_latest_are_newest_first_and_do_not_repeat(vocabulary):
    entries = random_entries(vocabulary, 60, 7)
    featured = collection.featured(entries)
    latest = collection.latest(entries, skip=featured)
    assert len(featured) == 3 and all(e.story.featured for e in featured)
    assert [e.story.date for e in featured] == sorted((e.story.date for e in featured), reverse=True)
    assert not {e.key for e in featured} & {e.key for e in latest}
    assert len(latest) == 6
    newest_unfeatured = max((e for e in entries if e.key not in {f.key for f in featured}),
                            key=lambda e: (e.story.date, e.key))
    assert latest[0] == newest_unfeatured


def test_neighbours_are_the_stories_published_just_before_and_after(vocabulary):
    entries = random_entries(vocabulary, 50, 11)
    neighbours = collection.neighbours(entries)
    order = collection.newest_first(entries)[::-1]  # oldest on the site first
    assert neighbours[order[0].key] == (None, order[1])
    assert neighbours[order[-1].key] == (order[-2], None)
    for before, entry, after in zip(order, order[1:], order[2:]):
        assert neighbours[entry.key] == (before, after)
    assert collection.neighbours(entries[:1]) == {entries[0].key: (None, None)}
    assert collection.neighbours([]) == {}
