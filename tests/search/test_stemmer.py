"""The stemmer joins a word's inflections, keeps apart words that differ by a final "e", and is the same in
Python (the build) and JavaScript (the reader's browser): checked over several thousand words, in Node where
it is installed and otherwise in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess


from extramile.search import tokenize
from extramile.search.index import CLIENT
from extramile.search.stemmer import stem
from tests.conftest import REPO, serve_directory

# Words a stemmer that drops every final "e" joins, and a reader means apart.
APART = [("care", "car"), ("note", "not"), ("news", "new"), ("hope", "hop"), ("made", "mad"), ("cute", "cut"),
         ("plane", "plan"), ("rate", "rat"), ("bite", "bit"), ("tone", "ton"), ("wine", "win"), ("use", "us"),
         ("cared", "car"), ("noted", "not"), ("hoping", "hopping"), ("planing", "planning"),
         ("filing", "filling"), ("dining", "dinning"), ("general", "generous"), ("driver", "drive"),
         ("evening", "even"), ("wedding", "wed"), ("paste", "past"), ("pasted", "past"), ("range", "rang"),
         ("ranging", "rang")]
# A word's regular inflections, which must all find one another.
TOGETHER = [("stories", "story"), ("helped", "help", "helping", "helps"), ("drivers", "driver"),
            ("delivered", "deliver", "delivering", "delivers"), ("deliveries", "delivery"),
            ("care", "cares", "cared", "caring"), ("hope", "hopes", "hoped", "hoping"),
            ("hop", "hops", "hopped", "hopping"), ("note", "notes", "noted", "noting"),
            ("stop", "stopped", "stopping", "stops"), ("create", "created", "creating", "creates"),
            ("drive", "drives", "driving"), ("classes", "class"), ("boxes", "box"), ("wishes", "wish"),
            ("carry", "carries", "carried"), ("play", "played", "playing", "plays"), ("agree", "agreed", "agreeing"),
            ("use", "used", "uses", "using"), ("make", "makes", "making"), ("run", "runs", "running"),
            ("tie", "ties", "tied"), ("cry", "cries", "cried"), ("receive", "received", "receiving", "receives"),
            ("cafe", "cafes"), ("evening", "evenings"), ("wedding", "weddings"),
            ("paste", "pastes", "pasted", "pasting"), ("range", "ranges", "ranged", "ranging")]
KEPT = ["news", "bus", "gas", "this", "is", "was", "his", "yes", "need", "speed", "sky", "ring", "thing", "bring",
        "inning", "proceed", "ski", "by", "1990s", "x2", "ab", "ébé", "東京"]

# Edge cases of the rules: y as a consonant, regions, exceptions, doubled letters, -eed/-ly endings.
TRICKY = """yes yelling youth toy toys enjoyed employing says saying crying dying lying tying skis skies sky news
howe atlas cosmos bias andes inning innings outing canning herring earring proceed exceed succeed proceeding
generate generously communal community arsenal arsenic feed feeding agreed agreedly fitted fizzed hissed
buzzed failed fall falling filled fully really only early gently idly singly ugly happily sadly kindly boxed
taxed faxing mixing bowed showing blessed classes glasses buses gases kisses bias biases bye dyed eyed
hoed shoed toed tied ties cries flies dries sprayed annoyed bayed grayness luxuriating abated abeyance
hopeful hopefully carefully careless caretaker carer cares career caress caressed ties lies pies dies""".split()


def word_list() -> list[str]:
    """Several thousand words: every word of the real stories and the synthetic corpus, each also with the
    endings the rules act on, and the tricky ones."""
    base: set[str] = set(TRICKY) | {word for pair in APART for word in pair}
    base |= {word for group in TOGETHER for word in group} | set(KEPT)
    for path in sorted((REPO / "content").rglob("*.md")):
        base |= set(re.findall(r"[a-z]+", path.read_text(encoding="utf-8").lower()))
    corpus = (REPO / "scripts/extramile/bench/corpus.py").read_text(encoding="utf-8")
    base |= set(re.findall(r"[a-z]+", corpus.lower()))
    words = set(base)
    for word in base:
        if word.isalpha() and len(word) >= 3:
            words |= {word + ending for ending in ("s", "es", "ed", "ing", "ly", "edly", "ingly", "ies", "eed")}
            words |= {word[:-1] + "ies", word[:-1] + "ied", word + word[-1] + "ing", word + word[-1] + "ed"}
    return sorted(words)


def test_words_that_differ_by_a_final_e_stay_apart():
    for one, other in APART:
        assert stem(one) != stem(other), (one, other, stem(one))


def test_regular_inflections_meet():
    for group in TOGETHER:
        assert len({stem(word) for word in group}) == 1, {word: stem(word) for word in group}


def test_some_words_are_kept_as_they_are():
    assert {word: stem(word) for word in KEPT} == {word: word for word in KEPT}
    assert tokenize.terms("Stories, STORY and stories' news") == ["stori", "stori", "and", "stori", "news"]


def javascript_stems(words: list[str], request, tmp_path) -> list[str]:
    """client.js's stem of each word: in Node if it is installed, otherwise in headless Chromium."""
    node = shutil.which("node")
    if node:
        module = tmp_path / "search.mjs"
        shutil.copyfile(CLIENT, module)
        script = ("import {stem} from " + json.dumps(module.as_uri()) + ";\n"
                  "let input = ''; process.stdin.on('data', (d) => { input += d; });\n"
                  "process.stdin.on('end', () => process.stdout.write(JSON.stringify(JSON.parse(input).map(stem))));")
        result = subprocess.run([node, "--input-type=module", "-e", script], input=json.dumps(words),
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)
    page = request.getfixturevalue("page")
    shutil.copyfile(CLIENT, tmp_path / "search.js")
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>t</title>", encoding="utf-8")
    with serve_directory(tmp_path) as url:
        page.goto(f"{url}index.html")
        return page.evaluate("async (words) => words.map((await import('./search.js')).stem)", words)


def test_javascript_stemmer_matches_python_on_thousands_of_words(request, tmp_path):
    words = word_list()
    assert len(words) > 3000
    expected = [stem(word) for word in words]
    got = javascript_stems(words, request, tmp_path)
    differences = [(word, python, js) for word, python, js in zip(words, expected, got) if python != js]
    assert not differences, differences[:20]
    # The list does exercise the rules: most words change, and many meet another.
    assert sum(word != term for word, term in zip(words, expected)) > len(words) / 2
