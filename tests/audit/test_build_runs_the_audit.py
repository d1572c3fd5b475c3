"""`extramile build` ends with the audit of what it built, for both engines, and fails when the audit fails; and
a site from an engine that published a draft (as one that ignored our plugins would) fails the audit."""

from __future__ import annotations


import pytest

from tests.audit.conftest import ENGINES, audit, found
from tests.conftest import mkdocs_build
from tests.pelican.conftest import copy_pelican_site, pelican_build, run_extramile

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("engine", ENGINES)
def test_a_build_audits_its_output(tmp_path, engine):
    root = copy_pelican_site(tmp_path / "src")
    # A file in content/ that both engines copy as it is: a page of notes with someone's number.
    (root / "content" / "notes.txt").write_text("Call Sam on 07700 900123 about the launch.\n", encoding="utf-8")
    output = tmp_path / "out"
    failed = run_extramile("build", "--engine", engine, "-d", str(output), root=root)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "notes.txt:1: phone number '07700 900123' (not in content/public-contacts.yml)" in failed.stdout
    skipped = run_extramile("build", "--engine", engine, "-d", str(output), "--no-audit", root=root)
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "audit" not in skipped.stdout
    (root / "content" / "notes.txt").unlink()
    clean = run_extramile("build", "--engine", engine, "-d", str(output), root=root)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.strip().splitlines()[-1].startswith("audit OK: ")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_engine_that_published_a_draft(tmp_path, engine, drafts):
    """Build a copy in which the draft is published, as an engine ignoring our plugins would: every place it
    reaches (its page, the listings, the feed, the sitemap, the search index) is named."""
    slug = sorted(drafts)[0]
    root = copy_pelican_site(tmp_path / "src")
    story = root / "content" / "stories" / "posts" / f"{slug}.md"
    story.write_text(story.read_text(encoding="utf-8").replace("draft: true", "draft: false", 1), encoding="utf-8")
    output = tmp_path / "out"
    if engine == "material":
        mkdocs_build(root, output)
    else:
        pelican_build(root, output)
    findings = audit(output)  # the drafts of this repository: the copy's story is still one here
    paths = {f.path for f in findings}
    assert f"stories/{slug}/index.html" in paths
    assert found(findings, f"stories/{slug}/index.html", None, "its title")
    assert found(findings, f"stories/{slug}/index.html", None, "a sentence of its text")
    assert "sitemap.xml" in paths and "stories/index.html" in paths  # the sitemap and the first listing page
    assert any(path.startswith("search/") for path in paths)
    assert any(path.startswith("feed") for path in paths)

