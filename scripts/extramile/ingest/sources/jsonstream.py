"""A streaming reader for one JSON document: the submissions of a list are decoded one at a time, so memory
stays flat however long the export is. The list is the document itself (`[...]`, Netlify's API) or the value
of a top-level key such as `submissions` (Formspree's export)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TextIO

from extramile.ingest.records import Location, SourceError

LIST_KEYS = ("submissions", "data", "results", "items", "records")
MAX_VALUE = 8 << 20  # one submission larger than this is refused
_WS = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()


class JsonStream:
    def __init__(self, handle: TextIO, shown: str, chunk: int = 1 << 16):
        self._handle, self._shown, self._chunk = handle, shown, chunk
        self._buf, self._pos, self._eof = "", 0, False
        self._line_base = 1  # the line the buffer starts on

    # -- the document ------------------------------------------------------------------------------------
    def submissions(self) -> Iterator[tuple[int, object]]:
        """(1-based index, value) of every item of the document's list of submissions."""
        first = self._peek()
        if first == "[":
            self._pos += 1
            yield from self._array()
        elif first == "{":
            self._pos += 1
            found = False
            for key in self._members():
                if not found and key in LIST_KEYS and self._peek() == "[":
                    self._pos += 1
                    found = True
                    yield from self._array()
                else:
                    self._value()
            if not found:
                self._fail(f"has no list of submissions (looked for a key {', '.join(LIST_KEYS)})", self._pos)
        elif first == "":
            self._fail("is empty", self._pos)
        else:
            self._fail("must hold a list of submissions, or an object with one", self._pos)
        if self._peek() != "":
            self._fail("has more data after the end of the document", self._pos)

    # -- the grammar -------------------------------------------------------------------------------------
    def _array(self) -> Iterator[tuple[int, object]]:
        if self._peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            index += 1
            yield index, self._value()
            char = self._peek()
            self._pos += 1
            if char == "]":
                return
            if char != ",":
                self._fail(f"expects ',' or ']' after item {index}", self._pos - 1)

    def _members(self) -> Iterator[str]:
        if self._peek() == "}":
            self._pos += 1
            return
        while True:
            if self._peek() != '"':
                self._fail("expects a quoted key", self._pos)
            key = self._value()
            if self._peek() != ":":
                self._fail(f"expects ':' after the key {key!r}", self._pos)
            self._pos += 1
            yield key
            char = self._peek()
            self._pos += 1
            if char == "}":
                return
            if char != ",":
                self._fail("expects ',' or '}' between keys", self._pos - 1)

    def _value(self) -> object:
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as error:
                if self._eof:
                    self._fail(error.msg, error.pos)
            else:
                if end < len(self._buf) or self._eof:  # a number at the buffer's end may go on in the next chunk
                    self._pos = end
                    return value
            if len(self._buf) - self._pos > MAX_VALUE:
                self._fail(f"holds a value larger than {MAX_VALUE >> 20} MB (or a value that never ends)", self._pos)
            self._fill()

    # -- the buffer --------------------------------------------------------------------------------------
    def _fill(self) -> None:
        if self._eof:
            return
        chunk = self._handle.read(self._chunk)
        if not chunk:
            self._eof = True
            return
        if self._pos > self._chunk:
            self._line_base += self._buf.count("\n", 0, self._pos)
            self._buf = self._buf[self._pos:]
            self._pos = 0
        self._buf += chunk

    def _peek(self) -> str:
        while True:
            self._pos = _WS.match(self._buf, self._pos).end()
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if self._eof:
                return ""
            self._fill()

    def _fail(self, message: str, pos: int) -> None:
        line = self._line_base + self._buf.count("\n", 0, pos)
        column = pos - self._buf.rfind("\n", 0, pos)
        raise SourceError(Location(self._shown), "JSON",
                          f"is malformed at line {line}, column {column}: {message} (nothing from this file was written)")
