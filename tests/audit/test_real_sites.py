"""The real collection, built by each engine as CI builds it, passes the audit; the command's output and exit
status are as documented."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.audit.conftest import ENGINES, audit, run_audit
from tests.conftest import REPO

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("engine", ENGINES)
def test_the_real_build_passes(engine_sites, engine):
    assert audit(engine_sites[engine]) == []


@pytest.mark.parametrize("engine", ENGINES)
def test_the_real_build_has_the_draft_to_look_for_and_the_theme_scripts(engine_sites, engine, drafts):
    """The audit is not passing for want of looking: there is a draft, and pages that carry the theme's scripts."""
    assert drafts, "the collection has no draft: the draft rule is not exercised by the real build"
    pages = list(engine_sites[engine].rglob("*.html"))
    assert len(pages) > 20
    assert any("<script" in page.read_text(encoding="utf-8") for page in pages)


def test_ok_is_one_line_and_exit_0(engine_sites):
    code, out = run_audit(engine_sites["material"])
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("audit OK: ")
    assert "1 draft looked for" in lines[0] or "drafts looked for" in lines[0]


def test_the_command_line(engine_sites, tmp_path):
    env = {**os.environ, "EXTRAMILE_ROOT": str(REPO)}
    env.pop("SITE_URL", None)
    ok = subprocess.run([sys.executable, "-m", "extramile", "audit", str(engine_sites["pelican"]), "--no-store"],
                        cwd=REPO, env=env, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("audit OK: ")
    missing = subprocess.run([sys.executable, "-m", "extramile", "audit", str(tmp_path / "nowhere")],
                             cwd=REPO, env=env, capture_output=True, text=True)
    assert missing.returncode == 2
    assert "no such folder" in missing.stderr


def test_findings_are_path_line_message_then_a_total_and_exit_1(site):
    (site / "stories/posts").mkdir(parents=True, exist_ok=True)
    (site / "stories/posts/free-cake.md~").write_text("---\ntitle: Free cake\n---\nText.\n", encoding="utf-8")
    (site / "about/index.html").write_text("<p>Call 0161 496 0000</p>\n", encoding="utf-8")
    code, out = run_audit(site)
    assert code == 1
    lines = out.splitlines()
    assert "about/index.html:1: phone number '0161 496 0000' (not in content/public-contacts.yml)" in lines
    assert any(line.startswith("stories/posts/free-cake.md~:1: ") for line in lines)
    assert lines[-1].startswith("3 problems in 2 files: "), lines[-1]


def test_a_bad_allow_list_or_store_stops_the_audit(engine_sites, tmp_path):
    allow = tmp_path / "allow.yml"
    allow.write_text("allowed: just-one-string\n", encoding="utf-8")
    assert run_audit(engine_sites["material"], allow=allow)[0] == 2
    assert run_audit(engine_sites["material"], store=tmp_path / "no-such.sqlite3")[0] == 2
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    assert run_audit(engine_sites["material"], store=broken)[0] == 2
