"""Property tests: whatever a submitter sends, the result is a safe draft under the drafts folder (or a
reported rejection), slugs are total and collision-free, and the sanitizer's output is inert."""

from __future__ import annotations

import re

import markdown
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from extramile.ingest.dedupe import Index
from extramile.ingest.prepare import Draft, Rejected, Spam, prepare
from extramile.ingest.records import STORY_FIELDS, Location, RawRecord
from extramile.ingest.write import DraftWriter
from extramile.sanitize import MARKDOWN_TAGS, is_safe_url, sanitize_html, sanitize_markdown
from extramile.schema import validate_story
from extramile.slug import MAX_LENGTH, is_valid_slug, slug_key, slugify, story_slug, unique_slug
from extramile.vocabulary import load_vocabulary
from tests.ingest.conftest import REPO, STORY_KEYS, STORY_TEXT

VOCABULARY = load_vocabulary(REPO / "content/vocabulary.yml")
PROPERTY = settings(deadline=None, max_examples=150, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])

# Pieces that matter to YAML, HTML, Markdown, paths and Unicode handling, mixed with arbitrary text.
FRAGMENTS = [
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<b>", "</b>", "<abbr title='x' onclick=y>", "<!--",
    "-->", "<!-- more -->", "<svg>", "<a href=\"javascript:alert(1)\">", "javascript:", "JaVaScRiPt&#58;", "data:",
    "[x](", "](", ")", "![", "{: onclick=x}", "{{", "}}", "\n---\n", "---", "...", "!!python/object:os.system",
    "&a", "*a", "%YAML", ": ", "- ", "#", "'", '"', "`", "\\", "\x00", "\u202e", "\u200b", "\u2028", "\ufeff", "\r\n",
    "../../", "/etc/passwd", "CON", "é", "日本", "🎂", "<", ">", "&amp;", "&lt;script&gt;", "https://example.com",
    "<https://example.com>", "<javascript:x>", "--8<--", "\t",
]
hostile_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=25).map("".join)
hostile_line = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=8).map("".join)


@st.composite
def submissions(draw) -> RawRecord:
    fields: dict[str, object] = {
        "title": draw(hostile_line) + " Title",
        "story": STORY_TEXT + draw(hostile_text) + draw(hostile_text),
        "business": draw(hostile_line) + " Shop",
        "told_by": draw(st.one_of(st.just(""), hostile_line.map(lambda t: t + " Name"))),
        "perspective": draw(st.sampled_from(["customer", "business", "Told by the customer"])),
        "industry": draw(st.sampled_from(["retail", "Food & drink", "travel"])),
        "channel": draw(st.sampled_from(["online", "In person", "phone"])),
        "tags": draw(st.lists(st.sampled_from(["loyalty", "Mistake recovery", "empathy", "unknown"]), min_size=1,
                              max_size=4)),
        "month": draw(st.sampled_from(["2023-11", "2020-01-15", "May 2021"])),
        "anonymous": draw(st.booleans()),
        "consent": True,
    }
    extra = draw(st.dictionaries(st.sampled_from(["description", "template", "save_as"]), hostile_text, max_size=2))
    fields.update({k: v for k, v in extra.items() if k in STORY_FIELDS})
    return RawRecord(location=Location("x.jsonl", "line", 1), fields=fields, id=draw(st.one_of(
        st.none(), st.text(max_size=30).map(lambda t: f"jsonl:{t}" if re.fullmatch(r"[A-Za-z0-9_.:-]{0,70}", t) else None))),
        dropped=[k for k in extra if k not in STORY_FIELDS], backend="jsonl")


@PROPERTY
@given(record=submissions())
def test_any_submission_gives_a_valid_draft_under_the_drafts_folder_or_a_reason(record, tmp_path_factory):
    outcome = prepare(record, VOCABULARY)
    if isinstance(outcome, (Rejected, Spam)):
        problems = outcome.problems if isinstance(outcome, Rejected) else [outcome.reason]
        event(f"rejected or spam: {getattr(problems[0], 'field', 'spam')}")
        assert problems and all(str(problem) for problem in problems)
        return
    event("draft")
    assert isinstance(outcome, Draft)
    folder = tmp_path_factory.mktemp("posts")
    writer = DraftWriter(folder, Index(), batch=1)
    path = writer.submit(outcome)
    [(draft, written)] = list(writer.finish())
    assert written == path and path.resolve().parent == folder.resolve()
    assert is_valid_slug(path.stem) and len(path.stem) <= MAX_LENGTH
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n") and text.endswith("\n")
    head, body = text[4:].split("\n---\n", 1)
    data = yaml.safe_load(head)
    assert list(data) == STORY_KEYS
    assert data["draft"] is True and data["source"]["kind"] == "form"
    story, problems = validate_story(data, VOCABULARY)
    assert story is not None, problems
    assert body.strip() == outcome.body


@PROPERTY
@given(titles=st.lists(st.text(), max_size=30))
def test_slugs_are_total_valid_and_collision_free(titles):
    taken: set[str] = set()
    for title in titles:
        slug = unique_slug(story_slug(title), taken)
        assert is_valid_slug(slug) and slug.isascii() and len(slug) <= MAX_LENGTH
        assert slug_key(slug) not in taken
        taken.add(slug_key(slug))


@PROPERTY
@given(title=st.text(), number=st.integers(min_value=2, max_value=10_000))
def test_long_and_numbered_slugs_stay_in_bounds(title, number):
    base = slugify(title * 20)
    taken = {slug_key(base)} | {slug_key(f"{base[:MAX_LENGTH - len(str(i)) - 1].rstrip('-')}-{i}") for i in range(2, number)}
    slug = unique_slug(base, taken)
    assert is_valid_slug(slug) and slug_key(slug) not in taken


@PROPERTY
@given(text=hostile_text)
def test_sanitized_markdown_renders_inert_and_is_stable(text):
    cleaned = sanitize_markdown(text)
    assert sanitize_markdown(cleaned) == cleaned
    for match in re.finditer(r"<(/?)([A-Za-z][A-Za-z0-9-]*)", re.sub(r"<https?://[^\s<>]+>", "", cleaned)):
        assert match[2] in MARKDOWN_TAGS, cleaned
    _assert_inert(markdown.markdown(cleaned, extensions=["abbr", "footnotes", "tables", "attr_list", "md_in_html"]))


@PROPERTY
@given(text=hostile_text)
def test_sanitized_html_is_inert(text):
    _assert_inert(sanitize_html(text))


def _assert_inert(html: str) -> None:
    soup = BeautifulSoup(f"<div>{html}</div>", "html.parser")
    for element in soup.find_all(True):
        assert element.name not in {"script", "svg", "math", "iframe", "object", "embed", "form", "style"}, element
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on") and name != "style", element
            if name in {"href", "src"}:
                assert is_safe_url(value), element
