"""Fingerprints of the public blog posts that four stories retell, so that tests can prove no story copies them.

The posts themselves are third-party text and stay out of the repository: `seed_fingerprints.json` holds only
hashes of their normalised sentences (12 words or more) and of every run of `RUN` consecutive words. Regenerate
it after adding a retelling, from a folder holding the posts as plain text:

    .venv/bin/python -m tests.content.seeds /path/to/seeds > tests/content/seed_fingerprints.json
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path

FINGERPRINTS = Path(__file__).with_name("seed_fingerprints.json")
SENTENCE_WORDS = 12  # a seed sentence this long must not appear in any story
RUN = 10  # nor may any run of this many consecutive words from a seed

# Which story retells which post, and the names its "Retold from" line must carry: the site, author or title
# the post itself makes public. No post here gives its own title or address.
RETELLINGS = {
    "000_9da6fb949fa671c3.txt": ("free-chocolates-after-a-checkout-bug", ["VerticalResponse Marketing Blog"]),
    "001_eb5edad393682656.txt": ("five-bottles-for-a-wedding-ring-and-two-for-a-kind-word", ["JR Yates"]),
    "002_5556e398184744f8.txt": ("a-sold-out-leappad-and-a-phone-call-from-boots", ["Mr Crossland"]),
    "003_164c2c1f89bbb2a8.txt": ("a-bigger-jar-of-coconut-oil-on-the-house", ["For Those Who Serve"]),
}


def words(text: str) -> list[str]:
    """Lower-case ASCII words: accents folded, apostrophes dropped (don't = dont), any other mark a space."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    return re.findall(r"[a-z0-9]+", re.sub("['`\u2018\u2019]", "", text))


def sentences(text: str) -> list[str]:
    """A text cut at sentence ends and at line ends (the posts have lists and headings without full stops)."""
    return [part for part in re.split(r"(?<=[.!?\u2026])\s+|\n+", text) if part.strip()]


def digest(words_: list[str]) -> str:
    return hashlib.sha256(" ".join(words_).encode("ascii")).hexdigest()[:12]


def fingerprint(text: str) -> dict:
    """`sentences`: "<words>:<digest>" of each long sentence; `runs`: the digest of every RUN-word window."""
    long = {f"{len(w)}:{digest(w)}" for w in map(words, sentences(text)) if len(w) >= SENTENCE_WORDS}
    return {"sentences": sorted(long, key=lambda s: (int(s.split(":")[0]), s)), "runs": sorted(windows(text, RUN))}


def windows(text: str, length: int) -> set[str]:
    """The digest of every `length`-word window of a text."""
    w = words(text)
    return {digest(w[i:i + length]) for i in range(len(w) - length + 1)}


def copied(text: str, print_: dict) -> list[str]:
    """What a text holds of one seed's fingerprint: whole long sentences, and runs of RUN words."""
    found = []
    by_length: dict[int, set[str]] = {}
    for entry in print_["sentences"]:
        length, hash_ = entry.split(":")
        by_length.setdefault(int(length), set()).add(hash_)
    for length, hashes in sorted(by_length.items()):
        found += [f"a {length}-word sentence"] * len(windows(text, length) & hashes)
    runs = len(windows(text, RUN) & set(print_["runs"]))
    return found + ([f"{runs} run(s) of {RUN} consecutive words"] if runs else [])


def load() -> dict[str, dict]:
    return json.loads(FINGERPRINTS.read_text(encoding="utf-8"))["seeds"]


def build(folder: Path) -> dict:
    seeds = {}
    for path in sorted(folder.glob("*.txt")):
        story, names = RETELLINGS.get(path.name, (None, []))
        seeds[path.name] = {"story": story, "names": names, **fingerprint(path.read_text(encoding="utf-8"))}
    return {"about": __doc__.split("\n\n")[0], "sentence_words": SENTENCE_WORDS, "run": RUN, "seeds": seeds}


def dumps(data: dict) -> str:
    """The fingerprint file: one line per key, one line per list of hashes."""
    lines = ["{", f' "about": {json.dumps(data["about"])},', f' "sentence_words": {data["sentence_words"]},',
             f' "run": {data["run"]},', ' "seeds": {']
    for number, (name, seed) in enumerate(data["seeds"].items()):
        lines += [f"  {json.dumps(name)}: {{"] + [f"   {json.dumps(key)}: {json.dumps(seed[key])}," for key in
                                                   ("story", "names", "sentences")]
        lines += [f'   "runs": {json.dumps(seed["runs"])}', "  }" + ("," if number < len(data["seeds"]) - 1 else "")]
    return "\n".join(lines + [" }", "}"]) + "\n"


if __name__ == "__main__":
    sys.stdout.write(dumps(build(Path(sys.argv[1]))))
