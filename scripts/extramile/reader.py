"""Read a story file: front matter with the line of every field, the body, and reading problems.

Reading never raises for bad content: a byte-order mark, bytes that are not UTF-8, missing or unparseable
front matter and duplicate keys come back as problems with their line, so a checker can report them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BOM = b"\xef\xbb\xbf"
# The same opening and closing lines MkDocs and Material accept.
FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)?(?:\.{3}|-{3})[ \t]*(?:\n|\Z)", re.S)


# libyaml's parser when PyYAML has it: the pure-Python one is most of the cost of reading 10,000 stories.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):
    """Safe YAML, except that an impossible date (2011-02-30) stays text for the schema to report."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


@dataclass(frozen=True)
class ReadProblem:
    line: int
    field: str
    message: str


@dataclass
class StoryFile:
    path: Path
    metadata: dict | None = None
    body: str = ""
    body_line: int = 1
    problems: list[ReadProblem] = field(default_factory=list)
    _root: yaml.Node | None = None

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        """The file line of a field (a schema error location), or of its nearest parent that exists."""
        node, line = self._root, 1
        if node is not None:
            line = node.start_mark.line + 2
        for part in loc:
            child = _child(node, part)
            if child is None:
                break
            key_node, node = child
            line = (key_node or node).start_mark.line + 2  # +1 for the opening ---, +1 for 1-based lines
        return line


def _child(node: yaml.Node | None, part: str | int):
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return None, node.value[part]
    return None


def read_story(path: Path) -> StoryFile:
    story = StoryFile(path=Path(path))
    try:
        raw = story.path.read_bytes()
    except OSError as error:
        story.problems.append(ReadProblem(1, "file", f"cannot be read: {error.strerror}"))
        return story
    if raw.startswith(BOM):
        story.problems.append(ReadProblem(
            1, "file", "starts with a byte-order mark, which hides the front matter from both engines: save as UTF-8 without BOM"))
        raw = raw[len(BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        story.problems.append(ReadProblem(line, "file", f"is not UTF-8 (byte {error.start}): save it as UTF-8"))
        return story
    text = text.replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    if not match:
        story.problems.append(ReadProblem(1, "front matter", "is missing: the file must start with a line of three dashes (---)"))
        return story
    yaml_text = match.group(1) or ""
    story.body = text[match.end():]
    story.body_line = text[: match.end()].count("\n") + 1
    try:
        loader = _Loader(yaml_text)
        try:
            # Compose once: the node tree gives every field's line, and the data is constructed from it.
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 2 if mark else 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        story.problems.append(ReadProblem(line, "front matter", f"is not valid YAML: {reason}"))
        return story
    story._root = root
    story.metadata = data if data is not None else {}
    if isinstance(root, yaml.MappingNode):
        seen: set[str] = set()
        for key, _ in root.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    story.problems.append(ReadProblem(key.start_mark.line + 2, key.value, "is given twice"))
                seen.add(key.value)
    return story
