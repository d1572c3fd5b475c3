"""The search tokenizer: the same words out of a text in Python (at build) and in the reader's browser (client.js).

A text is folded (compatibility-decomposed, lowercased, Latin accents and apostrophes dropped, recomposed), so
that "Café", "cafe" and "CAFÉ" are one word and "don't" is "dont"; its words are the runs of letters, combining
marks and digits (Unicode categories L, M, N); each word is stemmed by a few English suffix rules so that
"deliveries", "delivery" and "delivered" meet. client.js does the same steps with `/[\\p{L}\\p{M}\\p{N}]+/gu`;
tests/search/test_tokenizer.py runs both over the same words. Change one, change both, and bump VERSION.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache

VERSION = 1

# Combining diacritics of Latin (and Greek, Cyrillic) letters, and apostrophes: dropped when folding, so that
# accents and contractions never split or change a word. Other marks (Devanagari vowel signs...) are letters' parts.
_DROPPED = re.compile("[\u0300-\u036f'\u2019\u02bc]+")
_ASCII_WORD = re.compile("[a-z]+")


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
    """The folded words of `text`, unstemmed (the form a typed prefix is compared with)."""
    text = fold(text)
    if text.isascii():
        return _ASCII_WORDS.findall(text)
    bmp, every = _patterns()
    return (every if _ASTRAL.search(text) else bmp).findall(text)


def _has_vowel(text: str) -> bool:
    return any(letter in "aeiouy" for letter in text)


def _undouble(word: str) -> str:
    # stopp(ed) -> stop, runn(ing) -> run; but fall(ing), miss(ed), buzz(ing) keep theirs.
    if len(word) >= 2 and word[-1] == word[-2] and word[-1] not in "aeioulsz":
        return word[:-1]
    return word


def stem(word: str) -> str:
    """A few English suffix rules (a small subset of Porter's step 1): plurals, -ed, -ing, -y, a final -e.

    Only for words of ASCII letters; others (accented after folding, non-Latin, with digits) are kept whole.
    """
    if len(word) < 3 or not _ASCII_WORD.fullmatch(word):
        return word
    if word.endswith("sses"):
        word = word[:-2]  # classes -> class
    elif word.endswith("ies"):
        word = word[:-2]  # deliveries -> deliveri (as delivery, below)
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("eed"):
        if _has_vowel(word[:-3]):
            word = word[:-1]  # agreed -> agree; but need, speed stay
    elif word.endswith("ed") and _has_vowel(word[:-2]):
        word = _undouble(word[:-2])
    elif word.endswith("ing") and _has_vowel(word[:-3]):
        word = _undouble(word[:-3])
    if len(word) > 2 and word.endswith("y") and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    if len(word) >= 3 and word.endswith("e"):
        word = word[:-1]  # hope, hoped, hoping -> hop
    return word


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
