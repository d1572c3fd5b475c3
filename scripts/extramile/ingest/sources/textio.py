"""Reading export files as text: UTF-8 (a byte-order mark is fine), checked before anything is taken from them."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

from extramile.ingest.records import Location, SourceError

CHUNK = 1 << 20
BOM = codecs.BOM_UTF8


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
            rows = sum(1 for _ in csv.reader(prefix))
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
