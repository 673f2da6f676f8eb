"""A workbook's zip archive measured by what it really holds, before any reader opens it.

calamine turns a sheet into one dense grid from A1 to its last cell, allocated before the first
row is read: a 5 KB workbook with a cell at XFD1048576 asks for 17 billion cells and the process
is gone (Rust aborts on a failed allocation; nothing can catch it). And a zip's directory may
lie about how large its members are. So every member is inflated here as a stream, a slice at a
time and nothing kept, counting the bytes that really come out, and the sheets' XML is scanned
on the way for its ``<dimension>``, its row numbers, its cell references and its number of
cells. Whatever crosses a limit stops the scan at once: the work done is bounded by the limits,
not by the file.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from storage.importers.errors import BAD_FORMAT, EXPANDS_TOO_MUCH, TOO_MANY_CELLS, TOO_MANY_ROWS, ExportUnreadable

_SLICE = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s22xHH")
_SHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})?(\d*):?([A-Z]{1,3})?(\d*)"')
# A cell's reference (letters and row) or a row's number (row only): the only attributes named r.
_ROW_NUMBER = re.compile(rb'\sr="[A-Z]{0,3}(\d{1,10})"')
_COLUMN = re.compile(rb'\sr="([A-Z]{1,3})\d')
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>", b":c ")
# A tag cut in two by a slice boundary is found again in the next slice, carried over this far.
_CARRY = 256


@dataclass(frozen=True)
class ArchiveLimits:
    inflated_bytes: int
    rows: int
    cells: int


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def check_members(data: bytes, members: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    """Inflate every member as a stream; refuse the archive as soon as it crosses a limit."""
    inflated = 0
    for member in members:
        sheet = _SheetShape(member.filename, limits) if _SHEET.match(member.filename) else None
        for piece in _inflated(data, member):
            inflated += len(piece)
            if inflated > limits.inflated_bytes:
                raise ExportUnreadable(
                    EXPANDS_TOO_MUCH,
                    f"the members inflate past {limits.inflated_bytes} bytes",
                    inflated=inflated,
                    limit=limits.inflated_bytes,
                )
            if sheet is not None:
                sheet.scan(piece)
        if sheet is not None:
            sheet.check()


def _inflated(data: bytes, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes as they really inflate, from its local header on; declared sizes are not trusted."""
    if member.flag_bits & 0x1:
        return  # encrypted: the reader refuses it as password protected
    try:
        signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, member.header_offset)
    except struct.error as error:
        raise ExportUnreadable(BAD_FORMAT, f"{member.filename}: no local header") from error
    if signature != b"PK\x03\x04":
        raise ExportUnreadable(BAD_FORMAT, f"{member.filename}: no local header")
    start = member.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    stream = io.BytesIO(data)
    stream.seek(start)
    left = member.compress_size
    if member.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            piece = stream.read(min(left, _SLICE))
            if not piece:
                return
            left -= len(piece)
            yield piece
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise ExportUnreadable(BAD_FORMAT, f"{member.filename}: compression method {member.compress_type}")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        while left > 0 and not inflater.eof:
            packed = stream.read(min(left, 64 * 1024))
            if not packed:
                break
            left -= len(packed)
            # max_length bounds what one call may produce: a megabyte, not the whole bomb.
            piece = inflater.decompress(packed, _SLICE)
            while piece:
                yield piece
                piece = inflater.decompress(inflater.unconsumed_tail, _SLICE) if inflater.unconsumed_tail else b""
    except zlib.error as error:
        raise ExportUnreadable(BAD_FORMAT, f"{member.filename}: damaged compressed data: {error}") from error


class _SheetShape:
    """The extent of one sheet's grid as calamine would allocate it, from A1 to its last cell."""

    def __init__(self, name: str, limits: ArchiveLimits) -> None:
        self.name = name
        self.limits = limits
        self.rows = 0
        self.columns = 0
        self.cells = 0
        self.carry = b""
        self.dimension_seen = False

    def scan(self, piece: bytes) -> None:
        text = self.carry + piece
        if not self.dimension_seen:
            dimension = _DIMENSION.search(text)
            if dimension is not None:
                self.dimension_seen = True
                self._extend(dimension[4] or dimension[2], dimension[3] or dimension[1])
            elif b"<sheetData" in text or b":sheetData" in text:
                self.dimension_seen = True
        # A cell wholly inside the carried tail was counted with the slice before; maxima do not mind.
        self.cells += sum(text.count(tag) - self.carry.count(tag) for tag in _CELL_TAGS)
        rows = _ROW_NUMBER.findall(text)
        if rows:
            self.rows = max(self.rows, max(map(int, rows)))
        columns = set(_COLUMN.findall(text))
        if columns:
            self.columns = max(self.columns, max(column_number(c.decode()) for c in columns))
        self.carry = text[-_CARRY:]
        self._check_running()

    def _extend(self, row: bytes | None, letters: bytes | None) -> None:
        if row:
            self.rows = max(self.rows, int(row))
        if letters:
            self.columns = max(self.columns, column_number(letters.decode()))
        self._check_running()

    def _check_running(self) -> None:
        if self.rows > self.limits.rows:
            raise ExportUnreadable(TOO_MANY_ROWS, f"{self.name} reaches row {self.rows}", limit=self.limits.rows)
        grid = self.rows * max(self.columns, 1)
        if max(grid, self.cells) > self.limits.cells:
            raise ExportUnreadable(
                TOO_MANY_CELLS,
                f"{self.name} spans {self.rows} rows by {self.columns} columns",
                cells=max(grid, self.cells),
                limit=self.limits.cells,
            )

    def check(self) -> None:
        self._check_running()


__all__ = ["ArchiveLimits", "check_members", "column_number"]
