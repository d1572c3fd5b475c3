"""The fast path never clears a page the full parse would fault: every injection trips the screen, and on random
markup built from the pieces injections are made of, a page the screen clears has no problem when parsed."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.audit.test_planted_scripts import INJECTIONS

from extramile.audit.drafts import _WORD, words_of
from extramile.audit.markup import scan_markup
from extramile.audit.screen import screen
from extramile.audit.scripts import SiteRef

SITE = SiteRef(Path("/nonexistent"), "http://127.0.0.1:8000/")
PAGE = "<!doctype html>\n<html><head><title>A page</title></head>\n<body><p>Text &amp; more.</p>\n{}\n</body></html>\n"

MORE = [
    '<a href="&#x6A;avascript:x()">x</a>', '<a href="&#0000106avascript:x()">x</a>', "<A HREF=JAVASCRIPT:x()>x</A>",
    "<a\nonclick=x()>x</a>", "<a\fonclick=x()>x</a>", "<img/src=x/onerror=y()>", '<a href=x"onclick=y()>x</a>',
    "<div STYLE='x:expression(y())'>", "<scr<script>ipt>x()</script>", "<script\n>x()</script >", "<ScRiPt>x()",
    "<!--<script>x()</script>-->", "<!-- a --!><script>x()</script>", "<![CDATA[<script>x()</script>]]>",
    "<svg><set attributeName=href to=javascript:x()></svg>", '<a href="java&#x09;script:x()">x</a>',
    '<a href="java&NewLine;script:x()">x</a>', '<a href="&Tab;javascript&colon;x()">x</a>',
    '<form><input type=image formaction="data:text/html,x">', "<base href=//evil.example/>",
    '<meta http-equiv=refresh content="0;url=data:text/html,x">', "<math href=javascript:x()>x</math>",
    '<a href="tel:+441614960000">x</a>', "<style>@import 'x.css';</style>", "<?xml-stylesheet href=x?>",
    '<a href="t&#101;l:+441614960000">x</a>', "<a href=' TEL:+441614960000'>x</a>",
]


@pytest.mark.parametrize("fragment", [fragment for fragment, _ in INJECTIONS.values()] + MORE)
def test_every_injection_trips_the_screen(fragment):
    assert screen(PAGE.format(fragment), "x/index.html", SITE) is None


def test_a_plain_page_is_cleared():
    assert screen(PAGE.format("<p>On the day, I called 0161 496 0000 and wrote to jo@example.org.</p>\n"
                              '<meta content="A night at the hotel: told by the owner">'), "x/index.html", SITE)


PIECES = st.sampled_from([
    "<a", "<img", "<p", "<script", "</script>", "<svg", "<style", "<!--", "-->", "--!>", "<!", "<?", ">", "/>", "/",
    " ", "\n", "\t", "=", '"', "'", "on", "click", "error", "href", "src", "style", "javascript", "java", "script",
    ":", "&#", "x6a;", "106;", "&colon;", "&Tab;", "&amp;", "data", "vbscript", "url(", ")", "\\6a ", "expression(",
    "text", "0161 496 0000", "tel:", "srcdoc", "http-equiv", "refresh", "&lt;", "\x00", "\x01", "<iframe", "<base",
    "<meta", "<![CDATA[", "]]>", "<title>", "</title>", "<textarea>", "<a href=", "x", "#",
])


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=40).map("".join))
def test_what_the_screen_clears_the_parse_finds_clean(fragment):
    page = PAGE.format(fragment)
    if screen(page, "x/index.html", SITE) is not None:
        assert scan_markup(page, "x/index.html", SITE).problems == []


@given(st.text(max_size=200))
def test_words_split_in_c_are_the_patterns_words(text):
    lower = text.lower()
    assert words_of(lower) == [word.encode("utf-8", "surrogatepass") for word in _WORD.findall(lower)]


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    """Audit one page screened and parsed in full, with a draft, an allow-list and a store to look for."""
    from extramile.audit import make_rules
    from extramile.audit.contacts import Allowed
    from extramile.audit.drafts import Draft
    from extramile.audit.scan import scan_file
    from extramile.audit.store_values import StoreValues

    folder = tmp_path_factory.mktemp("both-ways")
    drafts = [Draft("the-late-bus", "content/stories/posts/the-late-bus.md", "The late bus that waited",
                    "The driver waited at the stop for ten minutes while my mother ran for it")]
    store = StoreValues("store", 1, frozenset({"jo@example.org"}), frozenset({"81.2.69.160"}),
                        frozenset({"Mozilla/5.0 (X11) Test/1.0"}), frozenset({"441614960000"}))
    rules = [make_rules(folder, "http://127.0.0.1:8000/", drafts, Allowed(emails=frozenset({"ok@example.org"})), store,
                        parse_all=parse_all) for parse_all in (False, True)]

    def audit(page: str):
        (folder / "index.html").write_text(page, encoding="utf-8")
        return [sorted(scan_file(rule, "index.html")[0]) for rule in rules]

    return audit


WORDS = st.sampled_from([
    "&amp;", "&#64;", "&nbsp;", "&lt;", " ", "\n", "The late", " bus that waited", "the-late-bus/", "x", "hotel:",
    "The driver waited at the stop", " for ten minutes while my mother ran for it", "jo", "@example.org", "ok",
    "0161 496 0000", "+44 161 496 0000", "tel:", "81.2.69.160", "Mozilla/5.0 (X11) Test/1.0", "2024-05-06",
])
ELEMENTS = st.sampled_from([
    "{}", "<p>{}</p>", "<em>{}</em>", "<a href='{}'>x</a>", '<a title="{}">{}</a>', '<img alt="{}" src="x.png">',
    "<!-- {} -->", "<svg><path d='M1 2 3 4'/><text>{}</text></svg>", '<meta content="{}">', "<script>x({})</script>",
    '<div data-x="{}">{}</div>',
])


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(ELEMENTS, st.lists(WORDS, max_size=6).map("".join)), max_size=12))
def test_screened_and_parsed_pages_give_the_same_findings(both_ways, parts):
    """Well-formed pages (on broken markup the parser and browsers part ways, and the screen sides with neither:
    it only ever sends such a page to the parse when it could hide active content)."""
    page = PAGE.format("".join(element.format(text, text) for element, text in parts))
    screened, parsed = both_ways(page)
    assert screened == parsed
