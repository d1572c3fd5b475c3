"""Contact details in stories: found in linear time, replaced by placeholders, reported by `extramile check` at
their line, accepted when listed in content/public-contacts.yml, and refused by the build."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extramile.contacts import PLACEHOLDERS, find, redact
from tests.pelican.conftest import copy_pelican_site, pelican_build, story_text

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(("text", "kind", "found"), [
    ("Write to jane.doe@example.co.uk.", "e-mail", "jane.doe@example.co.uk"),
    ("call 020 7946 0000 today", "phone", "020 7946 0000"),
    ("on +44 20 7946 0958.", "phone", "+44 20 7946 0958"),
    ("or (555) 123-4567", "phone", "(555) 123-4567"),
    ("at 221B Baker Street in London", "address", "221B Baker Street"),
    ("at 12 rue de la Paix", "address", "12 rue de la Paix"),
])
def test_each_kind_is_found(text, kind, found):
    assert [(c.kind, c.text) for c in find(text)] == [(kind, found)]


@pytest.mark.parametrize("text", [
    "It happened on 2011-11-28, order 12345, and it cost 1,234.56.",
    "In 2019 we drove 300 miles for 2 hours.",
    "Tweet at @bakery or e-mail us",
    "The 16 stories of 2024 and 2025.",
])
def test_ordinary_numbers_and_handles_are_not_contacts(text):
    assert find(text) == []


def test_redact_puts_a_visible_placeholder_in_place_and_returns_the_originals():
    text, removed = redact("Ring 020 7946 0000 or write to a.b@example.org, thanks.")
    assert text == f"Ring {PLACEHOLDERS['phone']} or write to {PLACEHOLDERS['e-mail']}, thanks."
    assert [c.text for c in removed] == ["020 7946 0000", "a.b@example.org"]


def test_an_allowed_contact_is_kept():
    assert find("Order on 020 7946 0000.", frozenset({"020 7946 0000"})) == []


def _seconds(text: str) -> float:
    start = time.perf_counter()
    for _ in range(3):
        find(text)
    return time.perf_counter() - start


@pytest.mark.parametrize("crafted", [
    "1 " * 40_000, "1-" * 40_000, "a" * 80_000 + "@", "a." * 40_000 + "@b", "@a" * 40_000,
    "A " * 40_000 + "Street", ("12 " + "Aa " * 5) * 5_000,
])
def test_finding_is_linear_on_crafted_input(crafted):
    ordinary = ("We drove to the shop and the owner opened early for us. " * 2_000)[: len(crafted)]
    assert _seconds(crafted) <= 20 * _seconds(ordinary) + 0.05  # quadratic would be ~1,000 times


def _check(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "EXTRAMILE_ROOT": str(root)}
    return subprocess.run([sys.executable, "-m", "extramile", "check", *args], cwd=root, env=env,
                          capture_output=True, text=True)


def test_check_fails_a_hand_written_story_and_the_allow_list_accepts_a_public_line(tmp_path):
    root = copy_pelican_site(tmp_path / "src")
    story = root / "content/stories/posts/the-bakery-line.md"
    story.write_text(story_text("Our order line is 020 7946 0000, open from six.\n", title="The bakery line"),
                     encoding="utf-8")
    result = _check(root)
    assert result.returncode == 1
    assert "content/stories/posts/the-bakery-line.md:" in result.stdout
    assert "holds a phone number, '020 7946 0000'" in result.stdout
    (root / "content/public-contacts.yml").write_text(
        'allowed:\n  - text: "020 7946 0000"\n    note: the bakery\'s public order line\n', encoding="utf-8")
    assert _check(root).returncode == 0, _check(root).stdout


def test_a_build_refuses_a_story_with_a_contact_detail(tmp_path):
    root = copy_pelican_site(tmp_path / "src")
    (root / "content/stories/posts/write-to-me.md").write_text(
        story_text("Write to me at someone@example.org whenever.\n", title="Write to me"), encoding="utf-8")
    result = pelican_build(root, tmp_path / "out", check=False)
    assert result.returncode != 0
    assert "write-to-me.md" in result.stdout + result.stderr
    assert "holds an e-mail address" in result.stdout + result.stderr
