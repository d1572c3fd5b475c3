"""Draft stories (`draft: true` in content/stories/posts/) and how to recognise one in a built site.

A draft is recognised three ways, so that an engine which renders it differently is still caught:
- its slug in an address: `/<slug>/`, `<slug>.html`, `<slug>.md` ... in any page, feed, sitemap or index, and in
  the output's own file paths;
- its title, word for word (case, quotes, dashes and white space aside), when it is at least MIN_TITLE long;
- a sentence of its text: the first run of plain words of at least SNIPPET characters (a run without digits
  or symbols, which Markdown and the engines' typography extensions leave as it is).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from extramile.audit.needles import trie_pattern, word_start
from extramile.reader import read_story

MIN_TITLE = 10  # characters; a shorter title ("Thanks") is a common phrase, and the slug and text still count
SNIPPET = 60  # characters of plain words taken from the body
MAX_ANCHORS = 12  # up to this many distinct words to look for, one search each; beyond, a set of words
NARROW_FROM = 4  # more candidate phrases than this in a text: keep those whose first words it has in a row
_WORD = re.compile(r"\w+")
_GAP = r"[^\w<>]{1,8}"  # between two words: a space, punctuation, an entity's character; never a tag
_TRUE = {"true", "yes", "on", "1"}
_PLAIN_RUN = re.compile(r"(?<!\w)[^\W\d_]+(?:[ ,;:.!?'\"\u2018\u2019\u201c\u201d-]{1,3}[^\W\d_]+){5,}(?!\w)")
_MARKUP = (
    (re.compile(r"^[ \t]{0,3}(`{3,}|~{3,}).*?(?:^[ \t]{0,3}\1|\Z)", re.S | re.M), "\n\n"),  # fenced code
    (re.compile(r"<!--.*?(?:-->|\Z)", re.S), " "),
    (re.compile(r"!?\[([^\]\n]{0,300})\]\([^)\n]{0,500}\)"), r"\1"),  # [text](url) and images
    (re.compile(r"^(?:[ \t]{0,3}(?:#{1,6}|>|[-*+]|[0-9]{1,9}[.)]))+[ \t]+", re.M), ""),  # headings, quotes, lists
    (re.compile(r"[*_`~]+"), ""),  # emphasis and code marks
)


Phrase = tuple  # (first three words, encoded; pattern over lower-case text; pattern in any case)


@dataclass(frozen=True)
class Draft:
    slug: str
    source: str  # the story file, as given (relative to the project when it can be)
    title: str
    snippet: str


def is_draft(metadata: dict | None) -> bool:
    value = (metadata or {}).get("draft")
    return value is True or str(value).strip().lower() in _TRUE


def body_snippet(body: str) -> str:
    """The first run of at least SNIPPET characters of plain words in the body (empty when there is none)."""
    for pattern, replacement in _MARKUP:
        body = pattern.sub(replacement, body)
    for paragraph in re.split(r"\n[ \t]*\n", body):
        if paragraph.lstrip().startswith(("```", "~~~", "|", "<")) or paragraph.startswith("    "):
            continue  # code, tables and raw HTML are rendered differently by each engine, or not at all
        for run in _PLAIN_RUN.finditer(" ".join(paragraph.split())):
            if len(run[0]) >= SNIPPET:
                cut = run[0].find(" ", SNIPPET)
                return run[0] if cut < 0 else run[0][:cut]
    return ""


def load_drafts(posts: Path, relative_to: Path | None = None) -> list[Draft]:
    """Every draft story in the posts folder (and its subfolders)."""
    drafts = []
    for path in sorted(Path(posts).rglob("*.md")) if Path(posts).is_dir() else ():
        if not _may_be_draft(path):
            continue
        story = read_story(path)
        if not isinstance(story.metadata, dict) or not is_draft(story.metadata):
            continue
        try:
            shown = path.relative_to(relative_to).as_posix() if relative_to else str(path)
        except ValueError:
            shown = str(path)
        title = story.metadata.get("title")
        drafts.append(Draft(slug=path.stem, source=shown, title=title.strip() if isinstance(title, str) else "",
                            snippet=body_snippet(story.body)))
    return drafts


_DRAFT_KEY = re.compile(rb"(?m)^draft[ \t]*:(.*)$")
_NOT_DRAFT = re.compile(rb"[ \t]*(?:false|no|off|0)?[ \t]*(?:#.*)?\r?", re.I)


def _may_be_draft(path: Path) -> bool:
    """False only for a file whose front matter plainly says `draft: false` (or has no draft key): reading the
    YAML of 10,000 published stories to find none would take seconds. Anything else is read in full."""
    try:
        head = path.read_bytes()[:20_000]
    except OSError:
        return True
    keys = _DRAFT_KEY.findall(head)
    return not (len(keys) <= 1 and all(_NOT_DRAFT.fullmatch(value) for value in keys)) or b"\n" not in head


class DraftRule:
    """Finds any of the drafts in a file's path and text."""

    def __init__(self, drafts: list[Draft]):
        self.drafts = drafts
        self._slugs = {draft.slug: draft for draft in drafts}
        self._phrases: dict[tuple[str, ...], tuple[Draft, str]] = {}
        for draft in drafts:
            if len(draft.title) >= MIN_TITLE and len(_key(draft.title)) >= 2:
                self._phrases.setdefault(_key(draft.title), (draft, f"its title {draft.title!r}"))
            if len(_key(draft.snippet)) >= 2:
                self._phrases.setdefault(_key(draft.snippet), (draft, f"a sentence of its text {draft.snippet!r}"))
        slugs = trie_pattern(sorted(self._slugs))
        self._slug = re.compile(rf"({slugs})(?=/|\.[A-Za-z]|#)") if slugs else None
        # Which phrases a text may hold: those whose every word it holds (so that a text made of some of its words,
        # the same text with its tags taken out, holds no other either). With few drafts, the longest word of each
        # (its anchor) is looked for, one substring search in C each; with many, the text's words are split in C
        # into a set, and each phrase whose anchor is in it must have all its words there. Each candidate's own
        # pattern then says where, over the lower-case text.
        # A phrase is (its first three words, encoded; its pattern over lower-case text; the same in any case).
        self._by_anchor: dict[str, list[tuple[frozenset[bytes], Phrase]]] = {}
        for words in self._phrases:
            body = _GAP.join(map(re.escape, words)) + r"(?!\w)"
            encoded = tuple(word.encode("utf-8", "surrogatepass") for word in words)
            phrase = (encoded[:3], re.compile(body), re.compile(body, re.I))
            self._by_anchor.setdefault(max(words, key=len), []).append((frozenset(encoded), phrase))
        self._anchors = {anchor.encode("utf-8", "surrogatepass"): anchor for anchor in self._by_anchor}
        self.few = len(self._by_anchor) <= MAX_ANCHORS
        self._last: tuple[str | None, list[bytes]] = (None, [])

    def __bool__(self) -> bool:
        return bool(self.drafts)

    def in_path(self, path: str) -> str | None:
        for part in path.split("/"):
            slug = part.split(".", 1)[0]
            if slug in self._slugs and (part == slug or part.startswith(slug + ".")):
                return _message(self._slugs[slug], f"a file named after it ({part})")
        return None

    @property
    def phrases(self) -> bool:
        return bool(self._phrases)

    def candidates(self, lower: str) -> list[Phrase]:
        """The phrases a text (in lower case) may hold; a text made of some of its words (the same text with its
        tags taken out) holds no other phrase either."""
        if not self._phrases:
            return []
        if self.few:
            return [phrase for anchor, group in self._by_anchor.items() if anchor in lower for _, phrase in group]
        listed = self._words(lower)
        words = set(listed)
        return [phrase for anchor in sorted(self._anchors.keys() & words)
                for needed, phrase in self._by_anchor[self._anchors[anchor]] if needed <= words]

    def narrow(self, phrases: list[Phrase], lower: str) -> list[Phrase]:
        """Of many candidate phrases, those whose first words this text (in lower case) has in a row: two set
        intersections with its word triples and pairs, in C, instead of one pattern each."""
        if len(phrases) <= NARROW_FROM:
            return phrases
        words = self._words(lower)
        starts = {phrase[0] for phrase in phrases}
        present = starts.intersection(zip(words, words[1:], words[2:])) | starts.intersection(zip(words, words[1:]))
        return [phrase for phrase in phrases if phrase[0] in present]

    def _words(self, lower: str) -> list[bytes]:
        """words_of(lower), remembered for the last text (candidates() then narrow() read the same one)."""
        if self._last[0] is not lower:
            self._last = (lower, words_of(lower))
        return self._last[1]

    def in_text(self, text: str, lower: str | None = None, slugs: bool = True,
                candidates: list | None = None) -> Iterator[tuple[int, str]]:
        """(offset, message) for every draft in the text; `lower` is the text in lower case, if known."""
        if slugs and self._slug is not None:
            for match in self._slug.finditer(text):
                if word_start(text, match.start(), "-"):
                    yield match.start(), _message(self._slugs[match[1]], f"its address {match[1]!r}")
        if not self._phrases:
            return
        lower = text.lower() if lower is None else lower
        same = len(lower) == len(text)  # nearly always: then offsets in the lower-case text are the text's
        for _, exact, any_case in self.narrow(self.candidates(lower) if candidates is None else candidates, lower):
            for match in (exact.finditer(lower) if same else any_case.finditer(text)):
                if word_start(text, match.start()):
                    draft, what = self._phrases[_key(match[0])]
                    yield match.start(), _message(draft, what)


def _key(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD.findall(text))


# The words of a text as _WORD finds them, but split in C: every character that is not part of a word becomes a
# space (ASCII ones by a byte table, the few others one by one), then bytes.split(). Several times faster.
_ASCII_GAPS = bytes.maketrans(bytes(c for c in range(128) if not (chr(c).isalnum() or c == 0x5F)),
                              b" " * sum(1 for c in range(128) if not (chr(c).isalnum() or c == 0x5F)))
_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def words_of(lower: str) -> list[bytes]:
    if not lower.isascii():  # the characters outside ASCII that are not part of a word: £ ’ — “ no-break space
        for odd in set(_NOT_ASCII.findall(lower)):
            if not (odd.isalnum() or odd == "_"):
                lower = lower.replace(odd, " ")
    return lower.encode("utf-8", "surrogatepass").translate(_ASCII_GAPS).split()


def _message(draft: Draft, what: str) -> str:
    return f"draft story {draft.slug!r} ({draft.source}) is published: {what}"
