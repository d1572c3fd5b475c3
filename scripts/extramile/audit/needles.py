"""Many literal needles in one linear-time regular expression: a trie of them, written as nested groups.

Each position of the text is tried against the trie's branches, which part at the first differing atom, so the
cost per position is the length of the longest common prefix, not the number of needles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_END = object()


def trie_pattern(needles: Iterable[Sequence[str]], separator: str = "") -> str | None:
    """A pattern (no groups that capture) matching any of `needles`, each a sequence of atoms (characters, or
    words) given as literal text; `separator` is a regular expression put between two atoms."""
    root: dict = {}
    for needle in needles:
        if not needle:
            continue
        node = root
        for atom in needle:
            node = node.setdefault(atom, {})
        node[_END] = {}
    if not root:
        return None
    return _emit(root, separator)


def _emit(node: dict, separator: str) -> str:
    branches = []
    for atom in sorted(key for key in node if key is not _END):
        chain, child = [re.escape(atom)], node[atom]
        while _END not in child and len(child) == 1:  # a single path: one literal run, no group
            (atom, child), = child.items()
            chain.append(re.escape(atom))
        part = separator.join(chain)
        rest = {key: value for key, value in child.items() if key is not _END}
        if rest:
            tail = separator + _emit(rest, separator)
            part += f"(?:{tail})?" if _END in child else tail
        branches.append(part)
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def word_start(text: str, start: int, joiners: str = "") -> bool:
    """Whether `start` begins a word: the character before it is neither a word character nor a joiner.

    The patterns check this in Python after a match rather than with a look-behind: a pattern that starts with
    a look-behind is tried at every position, one that starts with a literal is scanned for in C."""
    if start == 0:
        return True
    before = text[start - 1]
    return not (before.isalnum() or before == "_" or before in joiners)


def lowered(text: str) -> str | None:
    """The text in lower case when that keeps every offset (it nearly always does), else None."""
    lower = text.lower()
    return lower if len(lower) == len(text) else None
