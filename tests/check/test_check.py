"""`extramile check`: every kind of bad story is reported at its line; golden output beside each fixture."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from extramile.check import check_collection

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted([*FIXTURES.glob("*.md"), FIXTURES / "duplicate-slug"])


@pytest.mark.parametrize("target", CASES, ids=lambda p: p.stem)
def test_findings_match_golden(target, vocabulary):
    golden = (FIXTURES / f"{target.stem}.expected").read_text(encoding="utf-8")
    findings, _ = check_collection([target], vocabulary, relative_to=FIXTURES)
    assert "".join(f"{finding}\n" for finding in findings) == golden


def test_every_bad_fixture_has_a_problem_and_the_valid_one_none(vocabulary):
    for target in CASES:
        findings, _ = check_collection([target], vocabulary)
        assert bool(findings) == (target.stem != "valid-story"), target.name


def test_all_problems_of_one_story_are_reported(vocabulary):
    findings, _ = check_collection([FIXTURES / "many-problems.md"], vocabulary)
    assert {f.field for f in findings} == {"title", "told_by", "industry", "draft"}


def run_check(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extramile", "check", *args], cwd=cwd, capture_output=True, text=True)


def test_command_prints_every_problem_then_a_total_and_exits_1(repo):
    result = run_check(str(FIXTURES / "many-problems.md"), str(FIXTURES / "unknown-tag.md"), cwd=repo)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "5 problems in 2 of 2 stories"
    assert lines[0].startswith("tests/check/fixtures/many-problems.md:2: title: ")
    assert any(line.startswith("tests/check/fixtures/unknown-tag.md:11: tags.1: 'free-stuff'") for line in lines)


def test_command_passes_the_real_collection(repo, stories):
    result = run_check(cwd=repo)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == f"{len(stories)} stories checked: all valid"


def test_command_refuses_a_missing_path(repo):
    result = run_check("no/such/story.md", cwd=repo)
    assert result.returncode == 2
    assert "no such file or folder: no/such/story.md" in result.stderr
