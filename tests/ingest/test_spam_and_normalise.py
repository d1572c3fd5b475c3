"""Spam heuristics and field normalisation, one function at a time."""

from __future__ import annotations

import pytest

from extramile.ingest import normalise as n
from extramile.ingest.records import Location, RawRecord
from extramile.ingest.spam import link_farm, spam_reason
from tests.ingest.conftest import STORY_TEXT


@pytest.mark.parametrize("title,story,spam", [
    ("A coat", STORY_TEXT, False),
    ("A coat", STORY_TEXT + " See [the shop](https://northwind.example) and [link](https://x.example/a).", False),
    ("Cheap https://pills.example", STORY_TEXT, True),
    ("A coat", STORY_TEXT + " [url=https://pills.example]pills[/url]", True),
    ("A coat", STORY_TEXT + " [url]https://pills.example[/url]", True),
    ("A coat", " ".join(f"https://site{i}.example" for i in range(9)), True),
    ("A coat", "Great https://a.example/aaaaaaaaaaaaaaaaaaaaaaaa https://b.example/bbbbbbbbbbbbbbbbbbbbbbbbbbb "
               "https://c.example/cccccccccccccccccccccccc", True),
])
def test_link_farm(title, story, spam):
    assert (link_farm(title, story) is not None) is spam


def test_spam_reasons_in_order():
    record = RawRecord(Location("x"), {}, spam="marked as spam by Netlify", honeypot="bot")
    assert spam_reason(record, "t", STORY_TEXT) == "marked as spam by Netlify"
    record.spam = None
    assert spam_reason(record, "t", STORY_TEXT) == "honeypot field filled in"
    record.honeypot = "  "
    assert spam_reason(record, "t", STORY_TEXT) is None


@pytest.mark.parametrize("value,expected", [
    ("  Plain   title \n on two lines ", "Plain title on two lines"),
    ("<b>Bold</b> <script>alert(1)</script>title", "Bold title"),
    ("a &lt;b&gt; c", "a \u2039b\u203a c"),
    ("Fish &amp; chips", "Fish & chips"),
    ("Tom &copy; Jerry", "Tom © Jerry"),
    ("Right\u202eto\u2066left\u200b\ufeff\u00ad", "Righttoleft"),
    ("Nul\x00byte\x07bell", "Nulbytebell"),
    ('He said "hi"', "He said \u201chi\u201d"),
    ("line\u2028separator", "line separator"),
])
def test_plain_line(value, expected):
    assert n.plain_line(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("2024-05", "2024-05"), ("2024-05-17", "2024-05"), ("5/17/2024", "2024-05"), ("May 2024", "2024-05"),
    ("2024/05/17", "2024-05"), ("17.05.2024", "2024-05"), ("yesterday", "yesterday"),
])
def test_month(value, expected):
    assert n.month(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("customer", "customer"), ("Told by the business", "business"), ("I was the customer", "customer"),
    ("I work there", "business"), ("both customer and staff", "both customer and staff"),
])
def test_perspective(value, expected):
    assert n.match_perspective(value) == expected


@pytest.mark.parametrize("value,expected", [
    ("on", True), ("Yes, you may publish it", True), (True, True), ("1", True), ("checked", True),
    ("", False), ("no", False), (None, False), (False, False), (["yes"], True),
])
def test_truthy(value, expected):
    assert n.truthy(value) is expected


def test_split_list():
    assert n.split_list("a, b; c|d\ne") == ["a", "b", "c", "d", "e"]
    assert n.split_list(["a", "", " b "]) == ["a", "b"]
    assert n.split_list(None) == []


@pytest.mark.parametrize("text,found", [
    ("write to jo@example.com please", ["an e-mail address"]),
    ("call +44 20 7946 0958 today", ["a phone number"]),
    ("call 06 12 34 56 78", ["a phone number"]),
    ("on 2011-11-28 at 10:30, order 12345", []),
    ("in 2019 we paid 1,250 pounds", []),
])
def test_private_details(text, found):
    from extramile.contacts import DESCRIPTIONS, find

    assert [DESCRIPTIONS[c.kind] for c in find(text)] == found


def test_fingerprint_ignores_case_and_spacing_only():
    assert n.fingerprint("A Coat", "Some  story\ntext") == n.fingerprint("a coat", "some story text")
    assert n.fingerprint("A Coat", "Some story") != n.fingerprint("A Coat", "Some other story")


def test_a_title_written_with_entities_stays_text_and_passes_the_schema(vocabulary):
    from extramile.schema import validate_story

    title = n.plain_line("How we fixed the &lt;div&gt; bug")
    assert title == "How we fixed the \u2039div\u203a bug"
    story = {"title": title, "date": "2024-01-02", "description": "A bug fixed.", "perspective": "business",
             "business": "A shop", "industry": "retail", "channel": "online", "tags": ["mistake-recovery"],
             "told_by": "Sam", "source": {"kind": "interview"}}
    assert validate_story(story, vocabulary)[1] == []
    assert n.plain_line("<b>Great</b> service &amp; a <script>x</script>cake") == "Great service & a cake"
