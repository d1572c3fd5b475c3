"""The one vocabulary: tags, industries and channels, each with slug, label and description.

Everything that offers or checks a term (form, tags plugin, checker, ingest, both engines) reads it from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KINDS = ("tags", "industries", "channels")


@dataclass(frozen=True)
class Term:
    slug: str
    label: str
    description: str


@dataclass(frozen=True)
class Vocabulary:
    tags: tuple[Term, ...]
    industries: tuple[Term, ...]
    channels: tuple[Term, ...]

    def terms(self, kind: str) -> tuple[Term, ...]:
        return getattr(self, kind)

    def __post_init__(self) -> None:
        # Asked several times per story (schema, form, ingest): each set is made once, not at every call.
        object.__setattr__(self, "_slug_sets", {kind: frozenset(t.slug for t in self.terms(kind)) for kind in KINDS})

    def slugs(self, kind: str) -> frozenset[str]:
        return self._slug_sets[kind] if kind in self._slug_sets else frozenset(t.slug for t in self.terms(kind))

    def label(self, kind: str, slug: str) -> str:
        for term in self.terms(kind):
            if term.slug == slug:
                return term.label
        raise KeyError(f"{slug!r} is not in the vocabulary's {kind}")


class VocabularyError(ValueError):
    pass


def parse_vocabulary(data: object, source: str = "vocabulary") -> Vocabulary:
    if not isinstance(data, dict):
        raise VocabularyError(f"{source}: must be a mapping with keys {', '.join(KINDS)}")
    unknown = set(data) - set(KINDS)
    if unknown:
        raise VocabularyError(f"{source}: unknown section(s): {', '.join(sorted(unknown))}")
    sections = {}
    for kind in KINDS:
        entries = data.get(kind)
        if not isinstance(entries, list) or not entries:
            raise VocabularyError(f"{source}: {kind} must be a non-empty list")
        seen: set[str] = set()
        terms = []
        for index, entry in enumerate(entries):
            where = f"{source}: {kind}[{index}]"
            if not isinstance(entry, dict) or set(entry) != {"slug", "label", "description"}:
                raise VocabularyError(f"{where} must have exactly slug, label and description")
            slug, label, description = entry["slug"], entry["label"], entry["description"]
            if not isinstance(slug, str) or not SLUG_RE.match(slug):
                raise VocabularyError(f"{where}: slug {slug!r} must be lowercase-hyphenated")
            if slug in seen:
                raise VocabularyError(f"{where}: slug {slug!r} is listed twice")
            if not isinstance(label, str) or not label.strip() or not isinstance(description, str):
                raise VocabularyError(f"{where}: label and description must be text")
            seen.add(slug)
            terms.append(Term(slug, label.strip(), description.strip()))
        sections[kind] = tuple(terms)
    return Vocabulary(**sections)


@lru_cache(maxsize=8)
def load_vocabulary(path: Path) -> Vocabulary:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise VocabularyError(f"{path}: cannot read the vocabulary: {error.strerror}") from error
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise VocabularyError(f"{path}: not valid YAML: {error}") from error
    return parse_vocabulary(data, str(path))
