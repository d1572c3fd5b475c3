"""Every pattern the ingest runs over a submitter's text takes time linear in its length, limits are checked before
any runs, and crafted text costs about what ordinary text of the same length costs (timed against each other, so
the machine's speed does not matter)."""

from __future__ import annotations

import time

import pytest

from extramile.contacts import find as find_contacts

from extramile.ingest import normalise as n
from extramile.ingest.prepare import Draft, Rejected, prepare, raw_limit
from extramile.ingest.records import Location, RawRecord
from extramile.ingest.spam import link_farm
from extramile.submission import FIELD_LIMITS
from tests.ingest.conftest import submission

RAW = raw_limit("story")  # 80,100: the most a story may be as given, before the exact limit (20,000) is checked
EXACT = FIELD_LIMITS["story"]
SLACK = 0.03  # seconds: a scheduler's hiccup on a shared machine, never a quadratic scan (seconds at these sizes)


def repeated(piece: str, size: int, end: str = "") -> str:
    return (piece * (size // len(piece) + 1))[: size - len(end)] + end


# Each was quadratic in a pattern (or would be in its obvious spelling): the scans it makes are the comments'.
CRAFTED = {
    "e-mail local part a.a.a…@": lambda size: repeated("a.", size, "@!"),  # `[…]+@` retried from every start
    "e-mail a-a-a…@": lambda size: repeated("a-", size, "@-"),
    "e-mail a@a@a@…": lambda size: repeated("a@", size),
    "e-mail domain x@a.a.a….1": lambda size: "x@" + repeated("a.", size - 2, "1"),
    "phone ' 12/' runs": lambda size: repeated(" 12/", size),  # `[\d ./-]{6,}\d(?![\w/])` backtracked everywhere
    "phone ' 1 1 1…x'": lambda size: repeated(" 1", size, "x"),
    "phone 16-digit runs": lambda size: repeated("1234567890123456 a ", size),
    "phone dates": lambda size: repeated("2024/05/2024 ", size),
    "phone 1.1.1.…x": lambda size: repeated("1.", size, "x"),
    "phone spaces between": lambda size: repeated("1" + " " * 40, size, "x"),
    "link <a <a <a…": lambda size: repeated("<a ", size),  # `<a\s[^>]*href` ran to the end from every `<a`
    "link http://http://…": lambda size: repeated("http://", size),
    "link http:// http:// …": lambda size: repeated("http:// ", size),
    "link www.www.…": lambda size: repeated("www.", size),
    "link [url][url]…": lambda size: repeated("[url]", size),
    "markup ]   …(": lambda size: repeated("]  x", size),
    "markup &#111…": lambda size: repeated("&#" + "1" * 30, size),
    "markup [[[[…": lambda size: "[" * size,
}
ORDINARY = repeated("The assistant phoned three branches, found the coat and sent it to my home the next day. ", RAW)


def best(function, *args, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def patterns(text: str) -> None:
    """What runs over a story's text: the private-detail and link-farm looks, the one-line cleaning."""
    find_contacts(text)
    link_farm("A title", text)
    n.plain_line(text)


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_text_costs_what_ordinary_text_costs(name):
    text = CRAFTED[name](RAW)
    assert len(text) == RAW
    ordinary, crafted = best(patterns, ORDINARY), best(patterns, text)
    assert crafted <= 5 * ordinary + SLACK, f"{name}: {crafted * 1000:.1f} ms against {ordinary * 1000:.1f} ms"


@pytest.mark.parametrize("name", CRAFTED)
def test_four_times_the_text_takes_about_four_times_as_long(name):
    small, large = best(patterns, CRAFTED[name](RAW // 4)), best(patterns, CRAFTED[name](RAW))
    assert large <= 6 * small + SLACK, f"{name}: {small * 1000:.2f} ms, then {large * 1000:.2f} ms"


def record(story: str) -> RawRecord:
    fields = {key: value for key, value in submission(1, story=story).items() if key not in {"id", "email"}}
    return RawRecord(Location("x.jsonl", "line", 1), fields, id="jsonl:1")


def test_the_story_limit_is_checked_before_any_pattern(vocabulary, monkeypatch):
    from extramile.ingest import prepare as module

    def never(*args):
        raise AssertionError("a pattern ran over a story longer than the limit")

    monkeypatch.setattr(module, "spam_reason", never)
    monkeypatch.setattr(module.contacts, "redact", never)
    monkeypatch.setattr(module, "sanitize_markdown", never)
    outcome = prepare(record(repeated("12/ ", EXACT + 1)), vocabulary)
    assert isinstance(outcome, Rejected)
    assert [(problem.field, problem.reason) for problem in outcome.problems] == [
        ("story", f"The story must be at most {EXACT} characters (it has {EXACT + 1}).")]


@pytest.mark.parametrize("name", [name for name in CRAFTED if not name.startswith("markup ]")])
def test_a_crafted_story_at_the_limit_prepares_as_fast_as_an_ordinary_one(name, vocabulary):
    ordinary = best(prepare, record(ORDINARY[:EXACT - 20] + " (story 1)."), vocabulary, repeat=3)
    crafted = best(prepare, record(CRAFTED[name](EXACT)), vocabulary, repeat=3)
    assert crafted <= 5 * ordinary + SLACK, f"{name}: {crafted * 1000:.1f} ms against {ordinary * 1000:.1f} ms"


@pytest.mark.parametrize("story", [repeated("]" + " " * 5000, EXACT, "x"),
                                   "[a]:" + " " * 9000 + "\n" + " " * 9000 + "\n\nx" + "y" * 1900])
def test_sanitizing_a_crafted_story_is_linear_too(story, vocabulary):
    ordinary = best(prepare, record(ORDINARY[:EXACT - 20] + " (story 1)."), vocabulary, repeat=3)
    crafted = best(prepare, record(story), vocabulary, repeat=3)
    assert crafted <= 5 * ordinary + SLACK


def test_ordinary_stories_still_become_drafts(vocabulary):
    assert isinstance(prepare(record(ORDINARY[:EXACT - 20] + " (story 1)."), vocabulary), Draft)
