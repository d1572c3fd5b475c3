"""Reading export files as text: UTF-8 (a byte-order mark is fine), checked before anything is taken from them,
and a record at a time, never holding more than MAX_RECORD characters of one (a 200 MB cell is skipped, not read
into memory)."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from extramile.ingest.records import Location, SourceError

CHUNK = 1 << 20
BOM = codecs.BOM_UTF8
# The most characters one record may take: a CSV row, a JSON Lines line, one submission of a JSON document. No
# story field can come near it (the longest, the story, is refused over 80,100 characters as given, 20,000 once
# cleaned), even written as JSON escapes of six characters each; a longer one is skipped, never held whole.
MAX_RECORD = 1 << 20
TOO_LONG = f"is longer than {MAX_RECORD:,} characters, more than any submission can hold: skipped"
_LINE_ENDS = ("\n", "\r")


def first_bad_byte(path: Path) -> tuple[int, int] | None:
    """(byte offset, line) of the first byte that is not UTF-8, or None; reads the file a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line = 0, 1
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                data = pending + chunk
                bad = offset - len(pending) + error.start
                return bad, line + data[: error.start].count(b"\n") - pending.count(b"\n")
            if not chunk:
                return None
            offset += len(chunk)
            line += chunk.count(b"\n")


class _Prefix(io.RawIOBase):
    """The first `limit` bytes of a binary file, as a stream."""

    def __init__(self, handle, limit: int):
        self._handle, self._left = handle, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._left <= 0:
            return 0
        data = self._handle.read(min(len(buffer), self._left))
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)


def csv_row_at(path: Path, offset: int) -> int:
    """The CSV row (the header is row 1) that holds byte `offset`, counting rows as a CSV reader does."""
    with open(path, "rb") as handle:
        with io.TextIOWrapper(io.BufferedReader(_Prefix(handle, offset)), encoding="utf-8-sig", newline="") as prefix:
            rows = sum(1 for _ in csv_records(prefix))
    return rows + 1 if offset == 0 or _ends_with_newline(path, offset) else max(rows, 1)


def _ends_with_newline(path: Path, offset: int) -> bool:
    with open(path, "rb") as handle:
        handle.seek(max(offset - 1, 0))
        return handle.read(1) in (b"\n", b"\r")


def require_utf8(path: Path, shown: str, *, csv_rows: bool = False) -> None:
    """SourceError naming the byte offset, line (and CSV row) of the first byte that is not UTF-8."""
    bad = first_bad_byte(path)
    if bad is None:
        return
    offset, line = bad
    where = f"row {csv_row_at(path, offset)}, line {line}" if csv_rows else f"line {line}"
    raise SourceError(Location(shown), "file",
                      f"is not UTF-8: byte {offset} ({where}) cannot be read; export or save it as UTF-8 "
                      "(nothing from this file was written)")


def open_text(path: Path):
    """The file as text: UTF-8, its byte-order mark dropped, line ends kept for the CSV reader."""
    return open(path, encoding="utf-8-sig", newline="")


def bounded_lines(handle: TextIO, limit: int = MAX_RECORD) -> Iterator[str | None]:
    """Each line of `handle` with its line end, or None for a line over `limit` characters: that one is read
    through a chunk at a time and dropped, so no more than `limit` characters of it are ever held."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(_LINE_ENDS):
            yield line
            continue
        while (rest := handle.readline(CHUNK)) and not rest.endswith(_LINE_ENDS):
            pass
        yield None


# Where a CSV reader is in a record, as Python's csv module reads one (quotes open a cell only at its start; "" in
# a quoted cell is a quote; a line end inside quotes is part of the cell).
_FIELD_START, _IN_FIELD, _QUOTED, _QUOTE_IN_QUOTED = range(4)


def csv_records(handle: TextIO, limit: int = MAX_RECORD) -> Iterator[str | None]:
    """The text of each CSV record (a quoted cell may hold line ends), as csv.reader would split them, or None for
    a record over `limit` characters, read through and dropped. `handle` is opened with newline=""."""
    parts: list[str] = []
    size, state, too_long, after_cr = 0, _FIELD_START, False, False
    while True:
        piece = handle.readline(CHUNK if too_long else limit + 1 - size)
        if not piece:
            if parts or too_long:
                yield None if too_long else "".join(parts)
            return
        if after_cr and piece == "\n":  # the \n of a \r\n that a length limit cut in two
            after_cr = False
            continue
        ends_line = piece.endswith(_LINE_ENDS)
        after_cr = piece.endswith("\r")
        state = _csv_state(piece.rstrip("\r\n") if ends_line else piece, state)
        if not too_long:
            size += len(piece)
            if size > limit:
                too_long, parts = True, []
            else:
                parts.append(piece)
        if ends_line and state != _QUOTED:
            yield None if too_long else "".join(parts)
            parts, size, state, too_long = [], 0, _FIELD_START, False


def _csv_state(text: str, state: int) -> int:
    """The reader's state after `text` (no line end in it), from `state`: jumps from quote to quote."""
    pos, end = 0, len(text)
    while True:
        if state == _QUOTED:
            quote = text.find('"', pos)
            if quote < 0:
                return _QUOTED
            pos, state = quote + 1, _QUOTE_IN_QUOTED
        elif state == _QUOTE_IN_QUOTED:
            if pos == end:
                return state
            char = text[pos]
            if char == '"':
                pos, state = pos + 1, _QUOTED
            elif char == ",":
                pos, state = pos + 1, _FIELD_START
            else:
                state = _IN_FIELD  # "a"b reads as a"b: the quote closed, the cell goes on
        else:
            quote = text.find('"', pos)
            if quote < 0:
                if pos == end:
                    return state
                return _FIELD_START if text.endswith(",") else _IN_FIELD
            at_start = (quote == pos and state == _FIELD_START) or (quote > pos and text[quote - 1] == ",")
            pos, state = quote + 1, _QUOTED if at_start else _IN_FIELD
