"""Bytes of an export -> its rows as text, a chunk at a time, each row numbered as a spreadsheet shows it.

Workbooks (.xlsx, .xlsm, .xlsb, .ods and legacy .xls) are read with calamine, the reader
behind pandas' ``engine="calamine"``, in a process of its own (storage.importers.isolated): it ignores the styles that make openpyxl give up (an
empty ``<fill/>`` in styles.xml raises TypeError there) and reads BIFF8 .xls too. Its rows
are taken from ``CalamineSheet.iter_rows`` rather than ``pandas.read_excel``, which would turn
the whole sheet into Python objects at once (measured: 480 MB for 200,000 rows). CSV and tab-
separated text are read with pandas' C parser in chunks.

Every cell becomes text, once, with one rule per cell type, so the parser sees the same
shapes whichever format the file came in: a session id like 0012345 keeps its zeros, a
datetime cell becomes 'YYYY-MM-DD HH:MM:SS', a duration cell its seconds. Blank rows are
kept here (they number the rows); the header search and the readers skip them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd

from storage.importers.encoding import UTF8, detect_encoding
from storage.importers.errors import (
    BAD_FORMAT,
    UNSUPPORTED_FORMAT,
    ExportUnreadable,
)
from storage.importers.isolated import read_sheet
from storage.importers.limits import DEFAULT_LIMITS, ReadLimits, check_archive, check_rows, check_size

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls, and any workbook encrypted with a password
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")
_DELIMITERS = (",", "\t", ";")
_SNIFF_CHARS = 65_536


@dataclass(frozen=True)
class Grid:
    """A sheet's rows as text. ``chunks`` yields frames of str cells with columns 0..width-1
    and the spreadsheet row number (from 1) as index; read them once, in order."""

    file_format: str  # csv, xlsx, xlsm, xlsb, ods, xls
    encoding: str  # the codec of a CSV; 'utf-8' for workbooks, whose XML always is
    chunks: Iterator[pd.DataFrame]


def read_grid(data: bytes, filename: str, limits: ReadLimits = DEFAULT_LIMITS) -> Grid:
    check_size(data, limits)
    suffix = "." + filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if data.startswith(ZIP_MAGIC):
        check_archive(data, limits)
        return _workbook(data, _zip_format(data, suffix), limits)
    if data.startswith(OLE_MAGIC):
        return _workbook(data, "xls", limits)
    if suffix in WORKBOOK_SUFFIXES:
        raise ExportUnreadable(BAD_FORMAT, f"{filename} is named like a workbook but is not one")
    return _csv(data, filename, limits)


# -- workbooks ---------------------------------------------------------------------------------------


def _zip_format(data: bytes, suffix: str) -> str:
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "mimetype" in names or "content.xml" in names:
        return "ods"
    return "xlsm" if suffix == ".xlsm" else "xlsx"


def _workbook(data: bytes, file_format: str, limits: ReadLimits) -> Grid:
    extent, chunks = read_sheet(data, file_format, limits.rows_per_chunk)
    if extent is not None:
        try:
            check_rows(extent[0] + 1, limits, extent[1] + 1)
        except ExportUnreadable:
            chunks.close()
            raise
    return Grid(file_format, UTF8, _sheet_chunks(chunks))


def _sheet_chunks(chunks: Iterator[Sequence[Sequence[object]]]) -> Iterator[pd.DataFrame]:
    # The reader's rows start at the sheet's first row whatever the first used cell, so row i is row i + 1.
    first = 1
    for rows in chunks:
        if rows:
            yield _as_text(_frame(rows, first))
            first += len(rows)
    if first == 1:
        yield _as_text(_frame([], first))


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Every cell as text, column by column: whole columns of numbers or datetimes are
    converted at once, and only a mixed remainder cell by cell (cell_text)."""
    for name in frame.columns:
        values = frame[name].to_numpy(dtype=object)
        typed = ~np.fromiter((type(value) is str for value in values), dtype=bool, count=len(values))
        if typed.any():
            values = values.copy()
            values[typed] = _texts(values[typed])
            frame[name] = values
    return frame


def _texts(values: np.ndarray) -> list[str]:
    kind = pd.api.types.infer_dtype(values, skipna=False)
    if kind == "integer":
        return [str(v) for v in values.tolist()]
    if kind in ("floating", "mixed-integer-float"):
        numbers = values.astype(np.float64)
        whole = (np.floor(numbers) == numbers) & (np.abs(numbers) < 1e15)
        return [str(int(n)) if w else "" if n != n else str(n) for n, w in zip(numbers.tolist(), whole.tolist(), strict=True)]
    if kind == "datetime":
        try:
            stamps = pd.DatetimeIndex(values)
        except (pd.errors.OutOfBoundsDatetime, OverflowError, ValueError):
            stamps = None  # a year pandas cannot hold: cell by cell
        if stamps is not None and not stamps.microsecond.any():
            return stamps.strftime("%Y-%m-%d %H:%M:%S").tolist()
    return [cell_text(value) for value in values]


def cell_text(value: object) -> str:
    """A workbook cell as the text a CSV of it would hold."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds" if value.microsecond else "seconds")
    if isinstance(value, timedelta):
        return f"{value.total_seconds():g}"
    if isinstance(value, date):
        # calamine returns a date for a datetime cell at midnight: keep the time it stood for.
        return f"{value.isoformat()} 00:00:00"
    if isinstance(value, time):
        return value.isoformat()
    return str(value).strip()


def _frame(rows: Sequence[Sequence[object]], first: int) -> pd.DataFrame:
    index = pd.RangeIndex(first, first + len(rows), name="row_number")
    return pd.DataFrame(rows, index=index, dtype=object) if rows else pd.DataFrame(index=index)


# -- CSV ---------------------------------------------------------------------------------------------


def _csv(data: bytes, filename: str, limits: ReadLimits) -> Grid:
    encoding = detect_encoding(data)
    sample = _sample(data, encoding)
    if sample.lstrip().lower().startswith(("<html", "<!doctype", "<table", "<?xml")):
        raise ExportUnreadable(UNSUPPORTED_FORMAT, f"{filename} is a web page saved as a spreadsheet")
    delimiter, width = _shape(sample)
    return Grid("csv", encoding, _csv_chunks(data, encoding, delimiter, width, limits))


def _sample(data: bytes, encoding: str) -> str:
    head = data[: _SNIFF_CHARS * 4]
    text = head.decode(encoding, errors="ignore")
    if len(head) < len(data) and "\n" in text:
        text = text[: text.rindex("\n")]  # the last line may be cut mid-row
    return text.lstrip("\ufeff")


def _shape(sample: str) -> tuple[str, int]:
    """The delimiter (the one a header-like line has most of) and the widest row of the sample."""
    lines = sample.splitlines()
    delimiter = max(_DELIMITERS, key=lambda d: max((line.count(d) for line in lines), default=0))
    try:
        width = max((len(row) for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)), default=1)
    except csv.Error:
        width = max((line.count(delimiter) + 1 for line in lines), default=1)
    return delimiter, max(width, 1)


def _csv_chunks(data: bytes, encoding: str, delimiter: str, width: int, limits: ReadLimits) -> Iterator[pd.DataFrame]:
    # One spare column takes the empty cell of a trailing delimiter, which many exporters write.
    try:
        # The C parser reads its first rows here already: a quote that never closes fails now.
        reader = pd.read_csv(
            io.BytesIO(data), encoding=encoding, sep=delimiter, header=None, names=list(range(width + 1)), index_col=False,
            dtype=str, keep_default_na=False, na_filter=False, skip_blank_lines=False, engine="c",
            chunksize=limits.chunk_rows(width + 1),
        )  # fmt: skip
    except _UNSPLITTABLE as error:
        raise _cannot_split(error) from error
    first = 1
    while (chunk := _next_chunk(reader)) is not None:
        check_rows(first - 1 + len(chunk), limits, width)
        spare = (chunk[width] != "").to_numpy()
        if spare.any():
            row = first + int(spare.argmax())
            raise ExportUnreadable(BAD_FORMAT, f"row {row} has more cells than the widest of the first rows", row=row)
        frame = chunk.drop(columns=[width]).astype(object)
        frame.index = pd.RangeIndex(first, first + len(frame), name="row_number")
        first += len(frame)
        yield frame
    if first == 1:
        yield _frame([], 1)


def _next_chunk(reader) -> pd.DataFrame | None:
    try:
        return next(reader)
    except StopIteration:
        return None
    except _UNSPLITTABLE as error:
        raise _cannot_split(error) from error


_UNSPLITTABLE = (pd.errors.ParserError, UnicodeDecodeError, ValueError)


def _cannot_split(error: Exception) -> ExportUnreadable:
    return ExportUnreadable(BAD_FORMAT, f"the CSV cannot be split into rows: {error}")


__all__ = ["Grid", "cell_text", "read_grid"]
