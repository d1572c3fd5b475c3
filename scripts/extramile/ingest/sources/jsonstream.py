"""A streaming reader for one JSON document: the submissions of a list are decoded one at a time, so memory
stays flat however long the export is. The list is the document itself (`[...]`, Netlify's API) or the value
of a top-level key such as `submissions` (Formspree's export). A value over MAX_RECORD characters is stepped
over without being held (TOO_LONG_VALUE stands for it), so one oversized submission is rejected alone."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import TextIO

from extramile.ingest.records import Location, SourceError
from extramile.ingest.sources.textio import MAX_RECORD

LIST_KEYS = ("submissions", "data", "results", "items", "records")
TOO_LONG_VALUE = object()
_WS = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()
_BRACKET = re.compile(r"[\[\]{}]")
_STRING_BODY = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.S)
_SCALAR = re.compile(r"[^,\]}\s]*")


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
                    self._value(skip_long=True)
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
            yield index, self._value(skip_long=True)
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

    def _value(self, skip_long: bool = False) -> object:
        """The next value; one over MAX_RECORD characters is TOO_LONG_VALUE, stepped over (`skip_long`) or refused."""
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as error:
                # Cut off by the buffer's end (an unfinished string, or trouble only at the end), or malformed.
                if self._eof or not (error.msg.startswith("Unterminated string") or error.pos >= len(self._buf) - 16):
                    self._fail(error.msg, error.pos)
            else:
                if end < len(self._buf) or self._eof:  # a number at the buffer's end may go on in the next chunk
                    start, self._pos = self._pos, end
                    if end - start <= MAX_RECORD:
                        return value
                    if not skip_long:
                        self._fail(f"holds a value longer than {MAX_RECORD:,} characters", start)
                    return TOO_LONG_VALUE
            pending = len(self._buf) - self._pos
            if pending > MAX_RECORD:
                if not skip_long:
                    self._fail(f"holds a value longer than {MAX_RECORD:,} characters", self._pos)
                self._skip_value()
                return TOO_LONG_VALUE
            self._fill(min(max(self._chunk, pending), MAX_RECORD + 1 - pending))  # each retry reads as much again

    def _skip_value(self) -> None:
        """Step over the value at the position, reading it a chunk at a time and keeping none of it: strings and
        nesting are followed, nothing else is checked (the value is rejected anyway)."""
        depth, in_string = 0, False
        if self._buf[self._pos] not in '"[{':  # a number or a literal: up to what ends it
            while (end := _SCALAR.match(self._buf, self._pos).end()) == len(self._buf) and not self._eof:
                self._pos = end
                self._fill(self._chunk)
            self._pos = end
            return
        while True:
            buf = self._buf
            while self._pos < len(buf):
                if in_string:  # a string's body and its escapes in one match
                    end = _STRING_BODY.match(buf, self._pos).end()
                    self._pos = end
                    if end == len(buf) or buf[end] == "\\":  # a backslash last: its character is still to come
                        break
                    self._pos, in_string = end + 1, False
                    if depth == 0:
                        return
                    continue
                quote = buf.find('"', self._pos)
                stop = len(buf) if quote < 0 else quote
                part = buf[self._pos:stop]
                closes = part.count("]") + part.count("}")
                if depth - closes > 0:  # the value cannot end before `stop`: count, do not look
                    depth += part.count("[") + part.count("{") - closes
                else:
                    for match in _BRACKET.finditer(buf, self._pos, stop):
                        depth += 1 if match[0] in "[{" else -1
                        if depth == 0:
                            self._pos = match.end()
                            return
                self._pos = stop if quote < 0 else quote + 1
                in_string = quote >= 0
            if self._eof:
                self._fail("ends inside a value", self._pos)
            self._fill(self._chunk)

    # -- the buffer --------------------------------------------------------------------------------------
    def _fill(self, size: int) -> None:
        if self._eof:
            return
        chunk = self._handle.read(max(size, 1))
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
            self._fill(self._chunk)

    def _fail(self, message: str, pos: int) -> None:
        line = self._line_base + self._buf.count("\n", 0, pos)
        column = pos - self._buf.rfind("\n", 0, pos)
        raise SourceError(Location(self._shown), "JSON",
                          f"is malformed at line {line}, column {column}: {message} (nothing from this file was written)")
