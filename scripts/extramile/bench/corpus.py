"""A deterministic synthetic collection: N valid stories (~500 words each) for benchmarks.

The same N and seed always give the same files, so runs on different days compare like with like.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import frontmatter

from extramile.schema import validate_story
from extramile.vocabulary import Vocabulary

_WORDS = (
    "the a customer staff shop order service phone call email parcel delivery morning evening week manager "
    "counter waited asked offered kindly quickly again problem mistake refund replaced fixed drove brought "
    "noticed remembered name note card gift free extra mile late early rain snow train flight hotel room "
    "table coffee cake bread ring watch bike car boiler pharmacy prescription library book child mother "
    "father neighbour regular village town city store owner team apprentice receptionist driver nurse clerk "
    "because although when after before while then still never always every nobody somebody everyone "
    "small large broken missing wrong right careful patient honest warm generous thoughtful surprised grateful"
).split()


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 18))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def story(index: int, vocabulary: Vocabulary, rng: random.Random) -> frontmatter.Post:
    tags = rng.sample([t.slug for t in vocabulary.tags], rng.randint(1, 4))
    # A few words unique to each story, so a benchmark can search for one story and know the right answer.
    marker = f"zq{index:05d}marker"
    title = f"Story {index}: " + " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 7)))
    data = {
        "title": title[:120].strip(),
        "date": dt.date(2005, 1, 1) + dt.timedelta(days=rng.randint(0, 7300)),
        "description": _sentence(rng),
        "perspective": rng.choice(["customer", "business"]),
        "business": f"Business {rng.randint(1, 500)}",
        "industry": rng.choice(vocabulary.industries).slug,
        "channel": rng.choice(vocabulary.channels).slug,
        "tags": tags,
        "told_by": rng.choice(["Anonymous", "A regular", "The owner", "A nurse", "A driver"]),
        "source": {"kind": "interview"},
        "draft": False,
    }
    checked, problems = validate_story(data, vocabulary)
    assert not problems, problems  # a benchmark over invalid stories would measure the wrong thing
    body = [_paragraph(rng, 3), "<!-- more -->"]
    body += [_paragraph(rng, rng.randint(4, 6)) for _ in range(5)]
    body.insert(3, f"## What happened next\n\nThe {marker} moment came when " + _sentence(rng).lower())
    return frontmatter.Post("\n\n".join(body) + "\n", **checked.front_matter())


def write_corpus(posts_dir: Path, count: int, vocabulary: Vocabulary, seed: int = 2026) -> list[Path]:
    """Write `count` stories into `posts_dir` (which should be empty); returns their paths."""
    rng = random.Random(seed)
    posts_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(1, count + 1):
        path = posts_dir / f"synthetic-story-{index:05d}.md"
        path.write_text(frontmatter.dumps(story(index, vocabulary, rng), sort_keys=False) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
