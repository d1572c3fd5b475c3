"""The tokenizer gives the same terms in Python (the build) and in JavaScript (the reader's browser)."""

from __future__ import annotations

import shutil
import unicodedata

import pytest

from extramile.search import tokenize
from extramile.search.index import CLIENT
from tests.conftest import serve_directory

SAMPLES = [
    "Café CAFÉ cafe naïve naïveté Zürich mañana ŁÓDŹ Ærø straße ſ",  # accents and case fold away
    "e\u0301te\u0301 vs \u00e9t\u00e9",  # decomposed and precomposed accents are one word
    "don't O’Brien customer's customers' rock ʼn roll",  # apostrophes join, never split
    "İstanbul ΟΔΟΣ Σίσυφος Кофе ЁЖИК",  # Turkish dotted I, Greek final sigma, Cyrillic
    "हिन्दी में कहानी தமிழ் ไทยภาษา",  # scripts whose vowel signs are combining marks
    "東京タワー 한국어 ｶﾀｶﾅ",  # CJK, Hangul, half-width katakana (NFKC widens it)
    "\U00011013\U00011038 x\U000e0100y 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟙𝟚",  # beyond the BMP: Brahmi with its vowel sign, a variation selector
    "١٢٣ ½ x² Ⅻ ２０２０ 1990s 24/7 3.5 no.1",  # digits of every kind
    "ﬁne ﬀ ㎏ ℌ Ⓐ ǅungla",  # compatibility characters
    "snake_case e-mail C++ a–b “quoted” (brackets) emoji😀here tab\tsep\nnew line",
    "deliveries delivered delivering delivery deliver hoping hoped hope stopped stopping agreed agreeing "
    "classes class needed speeding speed happily days running falls missed buzzing is was has bus this uses",
]


def test_stemmer_rules():
    cases = {"deliveries": "deliveri", "delivery": "deliveri", "delivered": "deliver", "delivering": "deliver",
             "hoping": "hop", "hoped": "hop", "hope": "hop", "stopped": "stop", "classes": "class",
             "agreed": "agre", "agreeing": "agre", "need": "need", "needed": "need", "speed": "speed",
             "speeding": "speed", "running": "run", "falling": "fall", "ring": "ring", "the": "th", "is": "is",
             "bus": "bus", "1990s": "1990s", "cafés": "cafés"}
    assert {word: tokenize.stem(word) for word in cases} == cases


def test_folding_joins_accents_apostrophes_and_case():
    assert tokenize.terms("Café CAFÉ don't") == ["caf", "caf", "dont"]
    assert tokenize.words("हिन्दी") == ["हिन्दी"]  # its vowel sign stays inside the word
    assert tokenize.words("snake_case x²") == ["snake", "case", "x2"]


@pytest.mark.browser
def test_javascript_tokenizer_matches_python(tmp_path, page, published):
    shutil.copyfile(CLIENT, tmp_path / "search.js")
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>t</title>", encoding="utf-8")
    texts = SAMPLES + [post.content for post in published.values()]
    # Every code point of the Basic Multilingual Plane's letter-rich blocks, one by one as words; except those
    # Python's Unicode database (14.0 in 3.11) does not know yet and the browser's newer one does.
    texts += [" ".join(chr(code) for code in range(low, low + 512) if unicodedata.category(chr(code)) != "Cn")
              for low in range(0x80, 0x3000, 512)]
    with serve_directory(tmp_path) as url:
        page.goto(f"{url}index.html")
        got = page.evaluate("""async (texts) => {
            const search = await import("./search.js");
            return texts.map((text) => [search.words(text), search.terms(text)]);
        }""", texts)
    for text, (words, terms) in zip(texts, got):
        assert words == tokenize.words(text), text[:80]
        assert terms == tokenize.terms(text), text[:80]
