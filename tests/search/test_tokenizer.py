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
    "care car note not news new hope hop made mad cared caring noted hopping yelling enjoyed skies dying",
    "東京タワーに行った。東京駅の駅員さんが財布を届けてくれました。京都、大阪々。",  # Japanese: Han and kana
    "我们在北京的咖啡店等了一个小时 服务员很好",  # Chinese
    "서울에서 택배가 도착했어요 고맙습니다",  # Korean: Hangul, particles attached to words
    "abc東京def 東 x 1東2 ｶﾀｶﾅ ﾊﾝｶｸ 𠀋𠀋𠀋 㐀㐁 丽 ㄱㄴ ᄀᄁ",  # mixed, single, half-width, beyond the BMP
]


def _cjk_boundaries() -> str:
    """Around each end of each CJK range: the characters just outside it and just inside, run together."""
    pieces = []
    for low, high in tokenize.CJK_RANGES:
        codes = [low - 1, low, low + 1, high - 1, high, high + 1]
        pieces.append("".join(chr(code) for code in codes if unicodedata.category(chr(code))[0] in "LMN"))
    return " ".join(pieces) + " " + "ab".join(pieces)


def test_stemmer_rules():
    cases = {"deliveries": "deliveri", "delivery": "deliveri", "delivered": "deliver", "delivering": "deliver",
             "hoping": "hope", "hoped": "hope", "hope": "hope", "hopping": "hop", "stopped": "stop",
             "classes": "class", "agreed": "agre", "agreeing": "agre", "need": "need", "needed": "need",
             "speed": "speed", "speeding": "speed", "running": "run", "falling": "fall", "ring": "ring",
             "the": "the", "is": "is", "bus": "bus", "1990s": "1990s", "cafés": "cafés", "care": "care",
             "car": "car", "news": "news", "new": "new", "made": "made", "stories": "stori", "story": "stori"}
    assert {word: tokenize.stem(word) for word in cases} == cases


def test_folding_joins_accents_apostrophes_and_case():
    assert tokenize.terms("Café CAFÉ don't") == ["cafe", "cafe", "dont"]
    assert tokenize.words("हिन्दी") == ["हिन्दी"]  # its vowel sign stays inside the word
    assert tokenize.words("snake_case x²") == ["snake", "case", "x2"]


def test_cjk_runs_are_split_into_pairs_and_their_last_character():
    assert tokenize.words("東京タワー") == ["東京", "京タ", "タワ", "ワー", "ー"]
    assert tokenize.words("東 京") == ["東", "京"]  # a run of one character is itself
    assert tokenize.words("ｶﾀ") == ["カタ", "タ"]  # half-width kana widened first
    assert tokenize.words("iPhone用の箱 2020年") == ["iphone", "用の", "の箱", "箱", "2020", "年"]
    assert tokenize.words("서울에서") == ["서울", "울에", "에서", "서"]
    assert tokenize.words("𠀋𠀋") == ["𠀋𠀋", "𠀋"]  # by code point, beyond the Basic Multilingual Plane too
    assert tokenize.terms("東京 stories") == ["東京", "京", "stori"]


@pytest.mark.browser
def test_javascript_tokenizer_matches_python(tmp_path, page, published):
    shutil.copyfile(CLIENT, tmp_path / "search.js")
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>t</title>", encoding="utf-8")
    texts = SAMPLES + [_cjk_boundaries()] + [post.content for post in published.values()]
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
