"""`extramile new "Title"`: a valid draft with a safe slug, and never an overwrite."""

from __future__ import annotations

import os
import subprocess
import sys

import frontmatter
import pytest

from extramile.check import check_collection

from ..conftest import copy_site


@pytest.fixture
def site(tmp_path):
    root = copy_site(tmp_path / "site")
    for story in (root / "content/stories/posts").glob("*.md"):
        story.unlink()
    return root


def run_new(root, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EXTRAMILE_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "extramile", "new", *args], cwd=root, env=env,
                          capture_output=True, text=True)


def test_new_writes_a_valid_draft(site, vocabulary):
    result = run_new(site, "Crème brûlée for a stranded guest", "--perspective", "business",
                     "--industry", "hospitality", "--channel", "in-person", "--tag", "empathy", "--tag", "off-script")
    assert result.returncode == 0, result.stderr
    path = site / "content/stories/posts/creme-brulee-for-a-stranded-guest.md"
    post = frontmatter.load(path)
    assert post["title"] == "Crème brûlée for a stranded guest"
    assert post["draft"] is True
    assert (post["perspective"], post["industry"], post["channel"]) == ("business", "hospitality", "in-person")
    assert post["tags"] == ["empathy", "off-script"]
    assert list(post.metadata)[:3] == ["title", "date", "description"]  # schema order, not sorted
    raw = path.read_bytes()
    assert raw.startswith(b"---\n") and raw.endswith(b"\n") and not raw.endswith(b"\n\n")
    assert "<!-- more -->" in post.content
    findings, count = check_collection([path], vocabulary)
    assert (findings, count) == ([], 1)


def test_new_refuses_to_overwrite_and_leaves_the_file_alone(site):
    assert run_new(site, "A kind pharmacist").returncode == 0
    path = site / "content/stories/posts/a-kind-pharmacist.md"
    path.write_text(path.read_text(encoding="utf-8") + "Edited by the editor.\n", encoding="utf-8")
    before = path.read_bytes()
    again = run_new(site, "A KIND Pharmacist!")
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["a-kind-pharmacist.md"]


@pytest.mark.parametrize("title, slug", [
    ("../../mkdocs.yml", "mkdocs-yml"),
    ("CON", "con-story"),
    ("😀🎉", "story"),
    ("Кофе для соседки", "kofe-dlia-sosedki"),
])
def test_new_makes_a_safe_slug_from_any_title(site, title, slug):
    result = run_new(site, title)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (site / "content/stories/posts").iterdir()] == [f"{slug}.md"]
    assert not (site / "mkdocs.md").exists()


def test_new_refuses_a_title_with_html(site):
    result = run_new(site, "Free <script>alert(1)</script> cake")
    assert result.returncode == 1
    assert "title: must be plain text" in result.stderr
    assert list((site / "content/stories/posts").iterdir()) == []


def test_new_refuses_an_unknown_tag(site):
    result = run_new(site, "Good service", "--tag", "nice")
    assert result.returncode == 1
    assert "tags.0: 'nice' is not in the vocabulary's tags" in result.stderr
