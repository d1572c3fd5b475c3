"""The search tokenizer: the same words out of a text in Python (at build) and in the reader's browser (client.js).

A text is folded (compatibility-decomposed, lowercased, Latin accents and apostrophes dropped, recomposed), so
that "Café", "cafe" and "CAFÉ" are one word and "don't" is "dont"; its words are the runs of letters, combining
marks and digits (Unicode categories L, M, N). Chinese and Japanese put no space between words, and a Korean
word takes endings: a run of CJK characters (Han, kana, Hangul: CJK_RANGES) is split into its overlapping pairs
of characters plus its last character alone ("東京タワー": 東京 京タ タワ ワー ー), so that any two neighbouring
characters typed find it, and one character typed finds it too (a pair starts with it, or it ends the run).
Each word of the letters a-z is stemmed (stemmer.py: Porter2's inflectional steps), so that "stories" finds
"story" and "helped" finds "helping", but "care" never finds "car".

client.js does the same steps with `/[\\p{L}\\p{M}\\p{N}]+/gu` and the same ranges; tests/search/test_tokenizer.py
and test_stemmer.py run both over the same texts. Change one, change both, and bump VERSION (the index names
it, and a reader's client refuses an index of another version).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

from extramile.search.stemmer import stem

VERSION = 2

# The scripts written without spaces between words, as ranges of code points (the same list in client.js):
# Hangul Jamo, CJK radicals, 々〆〇 and the other ideographic marks, kana, Hangul compatibility Jamo, CJK
# extension A, unified ideographs, Hangul syllables and Jamo extensions, compatibility ideographs, half-width
# kana and Hangul, kana supplements and the ideographs beyond the Basic Multilingual Plane. Only letters
# (and marks, digits) of these blocks are ever seen here: the rest never makes part of a word.
CJK_RANGES = ((0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3021, 0x3029), (0x3031, 0x3035),
              (0x3038, 0x303C), (0x3041, 0x30FF), (0x3131, 0x318E), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
              (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFF66, 0xFFDC),
              (0x1B000, 0x1B16F), (0x20000, 0x323AF))
_CJK_CLASS = "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in CJK_RANGES)
_CJK = re.compile(f"[{_CJK_CLASS}]")
_CJK_OR_NOT = re.compile(f"[{_CJK_CLASS}]+|[^{_CJK_CLASS}]+")

# Combining diacritics of Latin (and Greek, Cyrillic) letters, and apostrophes: dropped when folding, so that
# accents and contractions never split or change a word. Other marks (Devanagari vowel signs...) are letters' parts.
_DROPPED = re.compile("[\u0300-\u036f'\u2019\u02bc]+")


def _marks(low: int, high: int) -> str:
    ranges: list[list[int]] = []
    for code in range(low, high):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in ranges)


@cache
def _patterns() -> tuple[re.Pattern, re.Pattern]:
    """Words in a text of the Basic Multilingual Plane, and in any text.

    Python's \\w is exactly categories L and N (plus "_", which folding turns into a space); the marks (M) are
    added from the Unicode database, scanned on first use (~0.1 s). Two patterns: a class holding astral
    code points makes every character's test 2.5 times slower, and few stories hold one.
    """
    bmp = _marks(0, 0x10000)
    astral = _marks(0x10000, 0x20000) + _marks(0xE0000, 0xE1000)  # no mark is assigned elsewhere
    return re.compile(f"[\\w{bmp}]+"), re.compile(f"(?:[\\w{bmp}]|[{astral}])+")


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASCII_WORDS = re.compile("[a-z0-9]+")


def fold(text: str) -> str:
    """The text as it is matched: decomposed, lowercased, without Latin accents or apostrophes, recomposed."""
    if text.isascii():  # the same result, without the three passes over a long text
        return text.lower().replace("'", "").replace("_", " ")
    text = unicodedata.normalize("NFKD", text).lower()
    return unicodedata.normalize("NFC", _DROPPED.sub("", text)).replace("_", " ")


def words(text: str) -> list[str]:
    """The folded words of `text`, unstemmed (the form a typed prefix is compared with), CJK runs split."""
    text = fold(text)
    if text.isascii():
        return _ASCII_WORDS.findall(text)
    bmp, every = _patterns()
    found = (every if _ASTRAL.search(text) else bmp).findall(text)
    return _split_cjk(found) if _CJK.search(text) else found


def _split_cjk(found: list[str]) -> list[str]:
    """Each CJK run of the words: its pairs of neighbouring characters, then its last character."""
    out: list[str] = []
    for word in found:
        if not _CJK.search(word):
            out.append(word)
            continue
        for piece in _CJK_OR_NOT.findall(word):
            if _CJK.match(piece):
                out.extend(piece[at:at + 2] for at in range(len(piece) - 1))
                out.append(piece[-1])
            else:
                out.append(piece)
    return out


class Stemmer(dict):
    """`stem` with a memory (word -> term): a collection repeats its words, so most were stemmed before."""

    def __missing__(self, word: str) -> str:
        term = self[word] = stem(word)
        return term

    def counts(self, text: str) -> Counter:
        """How often each stemmed term occurs in `text`."""
        return Counter(map(self.__getitem__, words(text)))  # no Python-level loop per word: 10,000 stories


def terms(text: str) -> list[str]:
    """The stemmed terms of `text`, in order (what the index holds and what a query looks up)."""
    return [stem(word) for word in words(text)]
