"""The search stemmer: Porter2's (Snowball English) inflectional steps only, the same in client.js.

Porter2 steps 1a (plurals), 1b (-ed, -ing with its "e" put back and doubled consonants undone), 1c (y -> i)
and 5 (a final "e" or "ll"), with its regions R1 and R2 and its exceptional words (and a few of our own); not
steps 2-4, which strip derivational endings (-ness, -ful, -ation, -ive...) and so join words a reader means
apart ("general" and "generous", "organ" and "organisation"). So the inflections of one word meet —
stories/story, helped/helping/help, drivers/driver, hoping/hoped/hope, created/create — while words that only
differ by a final "e" stay apart: step 5 keeps the "e" after a short syllable (care/car, note/not, hope/hop,
made/mad), and "news" is one of Porter2's invariant words (not "new"). Where Porter2 still joins two common
words (paste/past, range/rang, evening/even, wedding/wed), the longer one is an exception here.

Only words of the letters a-z are stemmed; anything else (digits, non-Latin scripts, CJK) is kept whole.
client.js's `stem` is this, rule for rule: tests/search/test_stemmer.py runs both over several thousand words.
"""

from __future__ import annotations

import re

VOWELS = "aeiouy"  # "Y", a y that acts as a consonant (marked before stemming), is not one
_WORD = re.compile("[a-z]{3,}")
# Porter2's exceptional words: irregular forms, and words that only look like a plural. Then ours: words whose
# stem would be another, common word ("evening" is not "even" + "ing", "pasted" would be "past", "range" "rang").
_EXCEPTIONS = {"skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
               "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos",
               "bias": "bias", "andes": "andes",
               **dict.fromkeys(("evening", "evenings"), "evening"), **dict.fromkeys(("wedding", "weddings"), "wedding"),
               **dict.fromkeys(("paste", "pastes", "pasted", "pasting"), "paste"),
               **dict.fromkeys(("range", "ranges", "ranged", "ranging"), "range")}
# ...and words left alone after step 1a, which step 1b would cut wrongly ("inning" is not "inn" + "ing").
_KEPT_AFTER_1A = frozenset({"inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"})
_R1_PREFIXES = ("gener", "commun", "arsen")  # R1 starts after these, not after their first syllable
_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
_STEP_1B = ("eedly", "ingly", "edly", "eed", "ing", "ed")  # longest first: the longest ending that fits


def _after_syllable(word: str, start: int) -> int:
    """Where a region begins: after the first non-vowel that follows a vowel, at or after `start`."""
    for at in range(start + 1, len(word)):
        if word[at] not in VOWELS and word[at - 1] in VOWELS:
            return at + 1
    return len(word)


def _short_syllable(word: str) -> bool:
    """Whether `word` ends in a short syllable: non-vowel, vowel, non-vowel other than w, x or Y; or it is a
    vowel and a non-vowel."""
    if len(word) == 2:
        return word[0] in VOWELS and word[1] not in VOWELS
    return (len(word) > 2 and word[-1] not in VOWELS and word[-1] not in "wxY" and word[-2] in VOWELS
            and word[-3] not in VOWELS)


def _has_vowel(text: str) -> bool:
    return any(letter in VOWELS for letter in text)


def stem(word: str) -> str:
    """The word's stem (for words of three or more letters a-z; any other word is returned as it is)."""
    if not _WORD.fullmatch(word):
        return word
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    if "y" in word:  # a y at the start or after a vowel is a consonant: "Y" while stemming
        letters = list(word)
        for at, letter in enumerate(letters):
            if letter == "y" and (at == 0 or letters[at - 1] in VOWELS):
                letters[at] = "Y"
        word = "".join(letters)
    r1 = next((len(prefix) for prefix in _R1_PREFIXES if word.startswith(prefix)), None)
    if r1 is None:
        r1 = _after_syllable(word, 0)
    r2 = _after_syllable(word, r1)

    # Step 1a: plurals.
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith(("ied", "ies")):
        word = word[:-3] + ("i" if len(word) > 4 else "ie")  # cries -> cri, ties -> tie
    elif word.endswith(("us", "ss")):
        pass
    elif word.endswith("s") and _has_vowel(word[:-2]):  # gaps -> gap; gas, this stay
        word = word[:-1]
    if word in _KEPT_AFTER_1A:
        return word

    # Step 1b: -eed, -ed, -ing (and with -ly).
    ending = next((suffix for suffix in _STEP_1B if word.endswith(suffix)), None)
    if ending in ("eed", "eedly"):
        if len(word) - len(ending) >= r1:
            word = word[:-len(ending)] + "ee"  # agreed -> agree; but need, speed stay
    elif ending is not None and _has_vowel(word[:-len(ending)]):
        word = word[:-len(ending)]
        if word.endswith(("at", "bl", "iz")):
            word += "e"  # created -> create
        elif word.endswith(_DOUBLES):
            word = word[:-1]  # hopped -> hop
        elif len(word) == r1 and _short_syllable(word):
            word += "e"  # hoped -> hope, cared -> care

    # Step 1c: a final y after a non-vowel that is not the first letter.
    if len(word) > 2 and word[-1] in "yY" and word[-2] not in VOWELS:
        word = word[:-1] + "i"  # story, stories -> stori

    # Step 5: a final "e" in R2, or in R1 and not after a short syllable; a final "ll" in R2.
    if word.endswith("e"):
        at = len(word) - 1
        if at >= r2 or (at >= r1 and not _short_syllable(word[:-1])):
            word = word[:-1]  # create -> creat (as created); care, hope, made keep theirs
    elif word.endswith("ll") and len(word) - 1 >= r2:
        word = word[:-1]
    return word.replace("Y", "y")
