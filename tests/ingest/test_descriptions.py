"""A generated description reads as the story's first sentence does: links as their text, whatever their style,
and reference definitions (`[r]: https://…`) never in it."""

from __future__ import annotations

import frontmatter

from tests.ingest.conftest import STORY_TEXT, submission, write_jsonl

CAKE = "https://bakery.example/cakes"


def descriptions(project, ingest, tmp_path, stories: dict[int, str]) -> dict[str, str]:
    export = write_jsonl(tmp_path / "jsonl_stories_with_reference_links.jsonl",
                         [submission(number, story=story) for number, story in stories.items()])
    result = ingest(project, "--json", export)
    assert result.code == 0, result.out
    posts = {item["id"]: frontmatter.load(project / item["path"]) for item in result.report["new"]}
    for post in posts.values():
        assert "]: " in post.content  # the body keeps its links: only the description is words
    return {submission_id: post["description"] for submission_id, post in posts.items()}


def test_reference_links_read_as_their_text(project, ingest, tmp_path):
    stories = {
        1: f"I rang to [collect the cake][r] and they had already baked a second one. {STORY_TEXT}\n\n[r]: {CAKE}",
        2: f"[r]: {CAKE}\n\nThe [baker][] stayed late. {STORY_TEXT}\n\n[baker]: https://x.example",
        3: f"  [r]: <{CAKE}> \"Cakes\"\n\nA ![photo][p] of the [box][B] came too. {STORY_TEXT}\n\n[p]: /p\n[b]: /b",
    }
    assert descriptions(project, ingest, tmp_path, stories) == {
        "jsonl:test_00001": "I rang to collect the cake and they had already baked a second one.",
        "jsonl:test_00002": "The baker stayed late.",
        "jsonl:test_00003": "A photo of the box came too.",
    }


def test_a_reference_link_with_a_space_reads_as_its_text(project, ingest, tmp_path):
    stories = {1: f"I rang to [collect the cake] [r] at noon. {STORY_TEXT}\n\n[r]: {CAKE}"}
    assert descriptions(project, ingest, tmp_path, stories) == {"jsonl:test_00001": "I rang to collect the cake at noon."}
