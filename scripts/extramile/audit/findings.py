"""What the audit reports: one finding per problem, `path:line: message`, the path relative to the site."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    path: str  # relative to the site folder, with forward slashes
    line: int  # 1-based; in a .gz file, the line of its uncompressed content
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class TextChunks:
    """Pieces of a file's text (text nodes, attribute values, JSON strings) joined into one string, so that each
    pattern runs once per file in C, with the line each piece started on, to map a match back to its line."""

    SEPARATOR = "\x00"  # not a word character, in no pattern: a match spans two pieces only as a phrase may
    APART = "\x00_\x00"  # for pieces that are never read as one text (attribute values): no phrase spans them

    def __init__(self, separator: str = SEPARATOR) -> None:
        self.separator = separator
        self.parts: list[str] = []
        self.lines: list[int] = []
        self._starts: list[int] = []
        self._size = 0
        self._text: str | None = None

    def add(self, line: int, text: str) -> None:
        if text:
            self.parts.append(text)
            self.lines.append(line)
            self._starts.append(self._size)
            self._size += len(text) + len(self.separator)
            self._text = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = self.separator.join(self.parts)
        return self._text

    def line_at(self, offset: int) -> int:
        index = bisect_right(self._starts, offset) - 1
        if index < 0:
            return 1
        return self.lines[index] + self.parts[index].count("\n", 0, max(0, offset - self._starts[index]))


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (many or word + 's')}"
