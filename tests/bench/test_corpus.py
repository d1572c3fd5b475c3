"""The benchmark's synthetic collection is deterministic and valid, and the plain sites hold the same stories."""

from __future__ import annotations

from extramile.bench.corpus import write_corpus
from extramile.bench.sites import prepare
from extramile.check import check_collection


def test_the_same_size_and_seed_give_the_same_files(tmp_path, vocabulary):
    first = write_corpus(tmp_path / "a", 30, vocabulary)
    second = write_corpus(tmp_path / "b", 30, vocabulary)
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second))
    other = write_corpus(tmp_path / "c", 30, vocabulary, seed=7)
    assert any(a.read_bytes() != c.read_bytes() for a, c in zip(first, other))


def test_every_generated_story_passes_the_checker(tmp_path, vocabulary):
    paths = write_corpus(tmp_path / "posts", 40, vocabulary)
    findings, count = check_collection(paths, vocabulary)
    assert findings == [] and count == 40


def test_plain_sites_hold_the_same_stories(tmp_path, repo):
    sites = prepare(tmp_path / "work", 12, repo)
    ours = sorted(p.name for p in (sites.ours / "content" / "stories" / "posts").glob("*.md"))
    assert len(ours) == 12
    assert sorted(p.name for p in (sites.plain_material / "docs" / "blog" / "posts").glob("*.md")) == ours
    assert sorted(p.name for p in (sites.plain_pelican / "content").glob("*.md")) == ours
    native = (sites.plain_pelican / "content" / ours[0]).read_text(encoding="utf-8")
    assert native.startswith("Title: ") and "\nTags: " in native and "---" not in native.split("\n\n")[0]
    assert "extramile" not in (sites.plain_material / "mkdocs.yml").read_text(encoding="utf-8")
