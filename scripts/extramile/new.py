"""Start a new story: a valid draft with a safe slug, never overwriting an existing file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from extramile.atomic import write_new
from extramile.schema import Problem, Story, validate_story
from extramile.slug import slug_key, slugify
from extramile.vocabulary import Vocabulary

BODY_GUIDE = """\
What happened, in two to four sentences. This paragraph is the teaser shown on the home page and in listings.

<!-- more -->

The rest of the story: who was there, what they did that nobody expected, and why it mattered.
"""


@dataclass
class NewStory:
    title: str
    perspective: str = "customer"
    business: str = "Name of the business"
    industry: str = ""
    channel: str = ""
    tags: list[str] = field(default_factory=list)
    told_by: str = "Anonymous"
    description: str = "One sentence on what happened and why it mattered."
    date: dt.date = field(default_factory=dt.date.today)


class StoryExists(FileExistsError):
    pass


def draft_for(new: NewStory, vocabulary: Vocabulary) -> tuple[Story | None, list[Problem]]:
    """The draft's front matter, validated; vocabulary fields left empty take the first term."""
    return validate_story(
        {
            "title": new.title.strip(),
            "date": new.date,
            "description": new.description,
            "perspective": new.perspective,
            "business": new.business,
            "industry": new.industry or vocabulary.industries[0].slug,
            "channel": new.channel or vocabulary.channels[0].slug,
            "tags": new.tags or [vocabulary.tags[0].slug],
            "told_by": new.told_by,
            "source": {"kind": "interview"},
            "draft": True,
        },
        vocabulary,
    )


def write_draft(story: Story, stories_dir: Path) -> Path:
    """Write the story as `<slug>.md`; StoryExists when that slug (in any case) is taken."""
    slug = slugify(story.title)
    taken = {slug_key(p.stem): p for p in stories_dir.glob("*.md")} if stories_dir.is_dir() else {}
    path = stories_dir / f"{slug}.md"
    if slug_key(slug) in taken:
        raise StoryExists(f"{taken[slug_key(slug)]} already exists: give the story another title or edit that file")
    post = frontmatter.Post(BODY_GUIDE, **story.front_matter())
    try:
        write_new(path, frontmatter.dumps(post, sort_keys=False) + "\n")
    except FileExistsError:
        raise StoryExists(f"{path} already exists: give the story another title or edit that file") from None
    return path
