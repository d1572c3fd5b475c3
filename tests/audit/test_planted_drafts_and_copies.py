"""A draft, or a story file copied instead of rendered, planted in a copy of each engine's real build, is found
and named by file and line: in a page, a feed, the sitemap, the search index and the output's file names."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.audit.conftest import audit, found, plant, story_page

from extramile.audit.drafts import body_snippet


@pytest.fixture(scope="module")
def draft(drafts):
    slug, post = sorted(drafts.items())[0]
    return slug, post["title"], body_snippet(post.content)


def test_a_drafts_title_in_a_page(site, draft):
    slug, title, _ = draft
    rel = story_page(site)
    line = plant(site, rel, f"<p>Read next: <em>{title}</em></p>")
    assert found(audit(site), rel, line, f"draft story {slug!r}")
    assert found(audit(site), rel, line, "its title")


def test_a_drafts_title_typeset_differently(site, draft):
    """Case, white space and an entity for a character do not hide it."""
    slug, title, _ = draft
    rel = "index.html"
    spelled = title.upper().replace(" ", "\n   ", 2).replace("E", "&#69;")
    line = plant(site, rel, f"<h2>{spelled}</h2>")
    assert found(audit(site), rel, line, "its title")


def test_a_sentence_of_a_drafts_text(site, draft):
    slug, _, snippet = draft
    assert len(snippet) >= 60
    rel = story_page(site)
    words = snippet.split()
    line = plant(site, rel, "<p>" + " ".join(words[:4]) + " <strong>" + " ".join(words[4:]) + "</strong></p>")
    assert found(audit(site), rel, line, "a sentence of its text")


def test_a_link_to_a_drafts_address(site, draft):
    slug, _, _ = draft
    rel = "stories/index.html"
    line = plant(site, rel, f'<a href="../{slug}/">more</a>')
    assert found(audit(site), rel, line, "its address")


def test_a_draft_in_the_sitemap(site, draft):
    slug, _, _ = draft
    entry = f"<url><loc>http://127.0.0.1:8000/stories/{slug}/</loc></url>"
    line = plant(site, "sitemap.xml", entry, before="</urlset>")
    assert found(audit(site), "sitemap.xml", line, "its address")


def test_a_draft_in_the_feed(site, draft):
    slug, title, _ = draft
    feed = "feed_rss_created.xml" if (site / "feed_rss_created.xml").exists() else "feeds/all.atom.xml"
    closing = "</channel>" if feed.endswith("rss_created.xml") else "</feed>"
    line = plant(site, feed, f"<entry><title>{title}</title></entry>", before=closing)
    assert found(audit(site), feed, line, "its title")


def test_a_draft_in_the_search_index(site, draft):
    slug, title, snippet = draft
    folder = next((site / "search").glob("d.*"))
    record = {"url": f"stories/{slug}/", "meta": {"title": title}, "text": [snippet]}
    (folder / "999.gz").write_bytes(gzip.compress(json.dumps(record).encode()))
    rel = f"search/{folder.name}/999.gz"
    findings = audit(site)
    for what in ("its address", "its title", "a sentence of its text"):
        assert found(findings, rel, 1, what), (what, findings)


def test_a_drafts_page_by_its_path(site, draft):
    slug, _, _ = draft
    (site / "stories" / slug).mkdir()
    (site / "stories" / slug / "index.html").write_text("<p>moved</p>\n", encoding="utf-8")
    assert found(audit(site), f"stories/{slug}/index.html", 1, "a file named after it")


@pytest.mark.parametrize("name", ["x.md~", "x.md", "#x.md#", "x.md.orig", "x.MD", "x.mkd", "x.markdown",
                                  "x.md.bak", ".#x.md", "x.rej"])
def test_a_copied_story_file_by_its_name(site, name):
    (site / "stories/posts").mkdir(parents=True, exist_ok=True)
    (site / "stories/posts" / name).write_text("A few words.\n", encoding="utf-8")
    assert found(audit(site), f"stories/posts/{name}", 1, "a story file's copy")


def test_a_copy_anywhere_else_by_its_name(site):
    (site / "about" / "index.md~").write_text("A few words.\n", encoding="utf-8")
    assert found(audit(site), "about/index.md~", 1, "a story file's copy")


def test_any_non_image_under_the_posts_output_path(site):
    (site / "stories/posts").mkdir(parents=True, exist_ok=True)
    (site / "stories/posts/photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (site / "stories/posts/drawing.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    findings = audit(site)
    assert found(findings, "stories/posts/drawing.svg", 1, "only images are published")
    assert not [f for f in findings if f.path == "stories/posts/photo.jpg"]


@pytest.mark.parametrize("name", ["notes.txt", "story.json", "assets/leftover"])
def test_front_matter_in_a_file_that_is_not_a_page(site, name):
    (site / name).parent.mkdir(parents=True, exist_ok=True)
    (site / name).write_text("Some preamble\n---\ndate: 2020-02-02\ntitle: Free cake\n---\nBody.\n", encoding="utf-8")
    assert found(audit(site), name, 2, "front matter")


def test_a_symbolic_link_in_the_output(site, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("nothing", encoding="utf-8")
    (site / "linked.txt").symlink_to(secret)
    assert found(audit(site), "linked.txt", 1, "symbolic link")
