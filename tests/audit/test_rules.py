"""The audit's rules on their own: patterns that run in linear time, the draft's fingerprints, the trie."""

from __future__ import annotations

import re
import time

import pytest

from extramile.audit.contacts import emails, phones
from extramile.audit.drafts import Draft, DraftRule, body_snippet
from extramile.audit.formats import scan_json, scan_xml
from extramile.audit.markup import scan_markup
from extramile.audit.needles import trie_pattern
from extramile.audit.scripts import active_scheme, css_problem
from extramile.audit.theme_scripts import inline_hash


def test_trie_pattern_matches_exactly_the_needles():
    pattern = re.compile(f"(?:{trie_pattern(['abc', 'abd', 'ab', 'xyz'])})$")
    assert [w for w in ["ab", "abc", "abd", "xyz", "a", "abx", "xy"] if pattern.match(w)] == ["ab", "abc", "abd", "xyz"]
    assert trie_pattern([]) is None


ADVERSARIAL = [
    "a" * 200_000 + "@",  # a local part that never ends
    ("a." * 100_000) + "@b",  # dots and letters
    "x@" + "a-" * 100_000,  # a domain that never ends
    "1 " * 100_000,  # digits and separators
    "0" * 200_000,  # one long number
    "(1)-" * 50_000,
    "<" * 100_000 + "a" * 1000,
    "<a " + 'b="' * 50_000,  # attributes that never close
    "/*" * 100_000,  # CSS comments that never close
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=range(len(ADVERSARIAL)))
def test_patterns_run_in_linear_time(text):
    started = time.perf_counter()
    list(emails(text))
    list(phones(text))
    css_problem(text)
    scan_markup(text, "x.html")
    assert time.perf_counter() - started < 5.0


def test_active_schemes_in_any_spelling():
    for value in ["javascript:x", " JavaScript:x", "\x01java\tscript:x", "java\nscript:x", "\u00a0vbscript:x",
                  "DATA:text/html,x", "java\u200bscript:x"]:
        assert active_scheme(value), value
    for value in ["https://example.org/javascript:x", "/data:/x", "#javascript:", "mailto:x@y.z", ""]:
        assert not active_scheme(value), value


def test_css_rules():
    assert css_problem("color: red; background: url(/a.png)") is None
    assert css_problem("background:url( 'JAVASCRIPT:alert(1)' )")
    assert css_problem("background:url(\\6a avascript:alert(1))")
    assert css_problem("width: expression(alert(1))")
    assert css_problem("background:u/**/rl(data:image/png;base64,AAAA)")


def test_the_snippet_is_plain_words_from_the_body():
    body = ("<!-- a note -->\nDay 1: my **100k** ride. The lad at the [counter](https://x.example) said to give him "
            "twenty minutes, and he trued the wheel while we waited.\n\n<!-- more -->\n")
    snippet = body_snippet(body)
    assert len(snippet) >= 60
    assert snippet.startswith("ride. The lad at the counter said to give him twenty minutes")  # after "100k"
    code = "Short.\n\n```\ncode that is long enough to be a sentence of sixty characters or more\n```"
    assert body_snippet(code) == ""


def test_a_draft_found_across_markup_and_typography():
    rule = DraftRule([Draft("the-late-bus", "content/stories/posts/the-late-bus.md", "The late bus that waited",
                            "The driver waited at the stop for ten minutes while my mother ran for it")])
    page = scan_markup("<h1>THE LATE&nbsp;BUS\n that waited</h1>\n<p>The driver <em>waited</em> at the stop for "
                       "ten minutes while my mother&#8217;s friend ran</p>\n<a href='/stories/the-late-bus/'>x</a>",
                       "x.html")
    found = [(page.text.line_at(offset), message) for offset, message in rule.in_text(page.text.text)]
    assert any(line == 1 and "its title" in message for line, message in found), found
    assert not any("a sentence" in message for _, message in found)  # "my mother's friend" is not the text
    assert [m for _, m in rule.in_text(page.attrs.text) if "its address 'the-late-bus'" in m]
    assert not list(rule.in_text("/stories/the-late-bus-2/ and the-late-bus-stop.html"))


def test_feeds_and_json_are_read_as_a_reader_would():
    atom = ('<?xml version="1.0"?>\n<feed>\n<entry>\n<content type="html">&lt;p&gt;ok&lt;/p&gt;'
            '\n&lt;script&gt;x()&lt;/script&gt;</content>\n</entry>\n</feed>\n')
    assert [line for line, _ in scan_xml(atom, "f.xml").problems] == [4]
    doubly = '<?xml version="1.0"?>\n<feed><content type="html">&amp;lt;script&amp;gt;</content></feed>\n'
    assert scan_xml(doubly, "f.xml").problems == []  # shown as the text "<script>", not run
    broken = "<feed>\n<content>&lt;script&gt;x()&lt;/script&gt;\n"
    assert [line for line, _ in scan_xml(broken, "f.xml").problems] == [2]
    data = '{\n  "a": "x",\n  "column": "<script>",\n  "b": ["<img src=x onerror=y()>"]\n}\n'
    assert [line for line, _ in scan_json(data, "f.json").problems] == [4]


def test_inline_hashes_ignore_materials_page_depth():
    one = '__md_scope=new URL("../..",location),__md_get=1'
    two = '  __md_scope=new URL(".",location),__md_get=1\n'
    assert inline_hash(one) == inline_hash(two)
    assert inline_hash(one) != inline_hash(one.replace("__md_get=1", "__md_get=2"))


@pytest.mark.parametrize("count", [1, 40])
def test_drafts_found_whatever_their_number(tmp_path, count):
    """Few drafts are looked for word by word, many by their first words: both find a title cut by a tag, a
    sentence in an attribute, and nothing in a page without them, screened or parsed in full."""
    from extramile.audit import audit_site, make_rules
    from extramile.audit.contacts import Allowed

    drafts = [Draft(f"story-{n}", f"content/stories/posts/story-{n}.md", f"The kind clerk number {n} of many",
                    f"On a wet morning number {n} the clerk walked the parcel to our door herself")
              for n in range(count)]
    last = count - 1
    (tmp_path / "a.html").write_text(f"<p>x</p>\n<h2>The kind <em>clerk</em> number {last} of many</h2>\n"
                                     f'<img alt="On a wet morning number {last} the clerk walked the parcel to our '
                                     'door herself" src="x.png">\n', encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>The kind clerk number one of many</p>\n", encoding="utf-8")
    for parse_all in (False, True):
        rules = make_rules(tmp_path, "http://127.0.0.1:8000/", drafts, Allowed(), parse_all=parse_all)
        findings = [(f.path, f.line, f.message.split(": ", 1)[1][:12]) for f in audit_site(rules).findings]
        assert findings == [("a.html", 2, "its title 'T"), ("a.html", 3, "a sentence o")], (parse_all, findings)
