"""Check stories against the schema and the vocabulary; report every problem with its file and line."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from extramile import contacts
from extramile.posts_folder import strays
from extramile.reader import StoryFile, read_story
from extramile.schema import Story, validate_story
from extramile.slug import SITE_RESERVED, is_valid_slug, slug_key
from extramile.vocabulary import Vocabulary


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


def story_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Markdown files named directly, or found below named folders, in a stable order."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*.md") if p.is_file())
        else:
            yield path


def file_name_problem(stem: str) -> str | None:
    """What is wrong with a story's file name (its slug and URL), if anything."""
    if not is_valid_slug(stem):
        return f"{stem!r} must be a lowercase-hyphenated slug such as free-chocolates"
    if stem in SITE_RESERVED:
        return f"{stem!r} is a page the site already has below stories/: rename the file"
    return None


def checked_story(
    story_file: StoryFile, vocabulary: Vocabulary, shown: str, public_contacts: frozenset[str] = frozenset()
) -> tuple[Story | None, list[Finding]]:
    """A story read from its file, and every problem it has on its own: the story only when there is none.

    `public_contacts` are the contact details that may stand in a story (content/public-contacts.yml).
    """
    findings = [Finding(shown, p.line, p.field, p.message) for p in story_file.problems]
    if story_file.metadata is None:
        return None, findings
    name_problem = file_name_problem(story_file.path.stem)
    if name_problem:
        findings.append(Finding(shown, 1, "file name", name_problem))
    story, problems = validate_story(story_file.metadata, vocabulary)
    findings.extend(Finding(shown, story_file.line_of(p.loc), p.field, p.message) for p in problems)
    if not story_file.body.strip():
        findings.append(Finding(shown, story_file.body_line, "body", "is empty: tell the story below the front matter"))
    findings.extend(contact_findings(story_file, shown, public_contacts))
    return (None if findings else story), findings


def contact_findings(story_file: StoryFile, shown: str, allowed: frozenset[str]) -> Iterator[Finding]:
    """A contact detail anywhere in a story is a private detail on its way to git and the site."""
    metadata = story_file.metadata if isinstance(story_file.metadata, dict) else {}
    for name, value in metadata.items():
        if isinstance(value, str):
            for contact in contacts.find(value, allowed):
                yield Finding(shown, story_file.line_of((name,)), name, _contact_message(contact))
    body = story_file.body
    for contact in contacts.find(body, allowed):
        line = story_file.body_line + body.count("\n", 0, contact.start)
        yield Finding(shown, line, "body", _contact_message(contact))


def _contact_message(contact: contacts.Contact) -> str:
    return (f"holds {contacts.DESCRIPTIONS[contact.kind]}, {contact.text!r}: replace it with "
            f"{contacts.PLACEHOLDERS[contact.kind]!r}, or list it in {contacts.ALLOW_LIST_FILE} if it is public")


def check_story(
    story_file: StoryFile, vocabulary: Vocabulary, shown: str, public_contacts: frozenset[str] = frozenset()
) -> list[Finding]:
    """Every problem of one story on its own."""
    return checked_story(story_file, vocabulary, shown, public_contacts)[1]


def check_collection(
    paths: Iterable[Path], vocabulary: Vocabulary, relative_to: Path | None = None,
    public_contacts: frozenset[str] = frozenset(),
) -> tuple[list[Finding], int]:
    """Every problem in every story, and those between stories (a slug or a submission id used twice)."""
    findings: list[Finding] = []
    by_slug: dict[str, str] = {}
    by_source: dict[str, str] = {}
    count = 0
    paths = [Path(path) for path in paths]
    for folder in (path for path in paths if path.is_dir()):
        findings.extend(Finding(_display(stray.path, relative_to), 1, "file", stray.reason) for stray in strays(folder))
    for path in story_files(paths):
        count += 1
        shown = _display(path, relative_to)
        story_file = read_story(path)
        findings.extend(check_story(story_file, vocabulary, shown, public_contacts))
        key = slug_key(path.stem)
        if key in by_slug:
            findings.append(Finding(shown, 1, "file name", f"duplicate slug {path.stem!r}: {by_slug[key]} has the same URL"))
        else:
            by_slug[key] = shown
        source_id = _source_id(story_file)
        if source_id and source_id in by_source:
            line = story_file.line_of(("source", "id"))
            findings.append(Finding(shown, line, "source.id", f"submission {source_id} is already told in {by_source[source_id]}"))
        elif source_id:
            by_source[source_id] = shown
    return sorted(findings), count


def _source_id(story_file: StoryFile) -> str | None:
    metadata = story_file.metadata if isinstance(story_file.metadata, dict) else {}
    source = metadata.get("source")
    return source.get("id") if isinstance(source, dict) and isinstance(source.get("id"), str) else None


def _display(path: Path, relative_to: Path | None) -> str:
    if relative_to:
        # The link itself, not what it points to: a dangling link is reported under its own name.
        own = path.parent.resolve() / path.name
        try:
            return str(own.relative_to(relative_to.resolve()))
        except ValueError:
            pass
    return str(path)
