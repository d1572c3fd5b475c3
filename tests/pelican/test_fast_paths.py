"""The Pelican reader's fast path accepts exactly what the checker accepts, with the same story and body."""

from __future__ import annotations

from pathlib import Path

import pytest

from extramile.check import check_story
from extramile.pelican.reader import quick_read
from extramile.reader import read_story
from extramile.schema import validate_story

FIXTURES = sorted((Path(__file__).parents[1] / "check" / "fixtures").glob("*.md"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_quick_read_accepts_exactly_what_the_checker_accepts(path, vocabulary):
    findings = check_story(read_story(path), vocabulary, path.name)
    quick = quick_read(path, vocabulary)
    if findings:
        assert quick is None, f"{path.name} has problems the quick reader missed: {findings}"
    else:
        assert quick is not None
        assert quick[0] == validate_story(read_story(path).metadata, vocabulary)[0]


def test_fixtures_cover_both_outcomes():
    assert any(p.stem == "valid-story" for p in FIXTURES) and len(FIXTURES) > 10


def test_quick_read_gives_the_same_story_and_body_for_the_real_collection(repo, vocabulary):
    paths = sorted((repo / "content/stories/posts").glob("*.md"))
    assert paths
    for path in paths:
        story_file = read_story(path)
        story, body = quick_read(path, vocabulary)
        assert story == validate_story(story_file.metadata, vocabulary)[0]
        assert body == story_file.body
