"""The reader maps a story's front matter to Pelican's metadata; Markdown links written for MkDocs work here."""

from __future__ import annotations

import html

import pytest
from pelican.settings import read_settings

from extramile.pelican.reader import StoryReader
from extramile.pelican.site import SITE_LINK, Renderer

from .conftest import story_text


@pytest.fixture(scope="module")
def settings(repo):
    return read_settings(str(repo / "pelicanconf.py"))


def test_a_story_becomes_pelican_metadata(settings, repo, published, vocabulary):
    slug, post = sorted(published.items())[0]
    content, metadata = StoryReader(settings).read(str(repo / "content/stories/posts" / f"{slug}.md"))
    assert metadata["slug"] == slug and metadata["status"] == "published"
    assert metadata["title"] == post["title"]
    assert metadata["date"].date() == post["date"]
    assert metadata["summary"] == html.escape(post["description"], quote=False)
    perspective = {"customer": "told-by-the-customer", "business": "told-by-the-business"}[post["perspective"]]
    assert (metadata["category"].slug, metadata["category"].name.lower()) == (perspective, perspective.replace("-", " "))
    assert [t.slug for t in metadata["tags"]] == post["tags"]
    assert [t.name for t in metadata["tags"]] == [vocabulary.label("tags", t) for t in post["tags"]]
    assert metadata["story"].industry == post["industry"] and metadata["readtime"] >= 1
    assert str(metadata["author"]) == post["told_by"]
    assert "<p>" in content and "<!-- more -->" not in content


def test_a_draft_is_skipped_unrendered(settings, repo, drafts):
    reader = StoryReader(settings)
    for slug in drafts:
        assert reader.read(str(repo / "content/stories/posts" / f"{slug}.md")) == (None, {"status": "skip"})
    assert reader.findings == []


def test_an_invalid_story_is_skipped_and_reported_with_its_line(settings, tmp_path):
    story = tmp_path / "content/stories/posts/bad-story.md"
    story.parent.mkdir(parents=True)
    story.write_text(story_text(industry="space-travel", colour="red"), encoding="utf-8")
    reader = StoryReader({**settings, "EXTRAMILE_ROOT": str(tmp_path), "PATH": str(tmp_path / "content")})
    assert reader.read(str(story)) == (None, {"status": "skip"})
    shown = [str(finding) for finding in reader.findings]
    assert "content/stories/posts/bad-story.md:7: industry: 'space-travel' is not in the vocabulary" in shown[0], shown
    assert any(s.startswith("content/stories/posts/bad-story.md:14: colour: is not a known field") for s in shown), shown


@pytest.mark.parametrize(("source", "markdown", "expected"), [
    ("stories/posts/a.md", "[b](b.md)", "{filename}/stories/posts/b.md"),
    ("stories/posts/a.md", "[b](b.md#part)", "{filename}/stories/posts/b.md#part"),
    ("stories/posts/a.md", "[about](../../about.md)", "../../about/"),
    ("stories/posts/a.md", "[tags](../../tags/index.md)", "../../tags/"),
    ("stories/posts/a.md", "[x](https://example.org/a.md)", "https://example.org/a.md"),
    ("stories/posts/a.md", "[x](#here)", "#here"),
    ("stories/posts/a.md", "![photo](photo.jpg)", "{static}/stories/posts/photo.jpg"),
    ("stories/posts/a.md", "[photo](../../images/p.png?v=2)", "{static}/images/p.png?v=2"),
])
def test_links_between_markdown_files_in_a_story(settings, source, markdown, expected):
    html_text = Renderer(settings).render(markdown, source)
    assert f'href="{expected}"' in html_text or f'src="{expected}"' in html_text


@pytest.mark.parametrize(("source", "markdown", "expected"), [
    ("about.md", "[submit](submit.md)", f"{SITE_LINK}submit/"),
    ("stories/index.md", "[tag](../tags/index.md)", f"{SITE_LINK}tags/"),
    ("about.md", "[home](index.md)", f"{SITE_LINK}"),
    ("about.md", "[a story](stories/posts/b.md)", f"{SITE_LINK}stories/b/"),
    ("about.md", "[a picture](images/p.png)", f"{SITE_LINK}images/p.png"),
])
def test_links_in_a_page_text_wait_for_the_page_address(settings, source, markdown, expected):
    assert f'href="{expected}"' in Renderer(settings).render(markdown, source, story=False)
