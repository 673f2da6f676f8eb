"""Bytes of a CSV or XLSX export -> a frame of strings, indexed by spreadsheet row number.

Every cell stays text so pandas never guesses: a session id like 0012345 keeps its zeros
and 1234567890123456789 keeps its digits. XLSX cells are turned into text once, here, with
one rule per cell type, so the parser downstream sees the same shapes whichever format the
file came in (datetime cells become ISO text 'YYYY-MM-DD HH:MM:SS').
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time

import pandas as pd

from storage.importers.encoding import UTF8, decode_text
from storage.importers.errors import ExportUnreadable

XLSX_MAGIC = b"PK\x03\x04"
LEGACY_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
FIRST_DATA_ROW = 2  # the header is spreadsheet row 1
_DELIMITERS = (",", "\t", ";")


def is_xlsx(data: bytes, filename: str) -> bool:
    """Magic bytes decide; the extension only breaks the tie for empty files."""
    if data.startswith(XLSX_MAGIC):
        return True
    return not data and filename.lower().endswith((".xlsx", ".xlsm"))


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """The export as strings: columns are the header cells (stripped, duplicates suffixed
    '.1', '.2' like pandas does), the index is the spreadsheet row number (named
    'row_number'), fully blank rows are dropped. Empty input gives a frame with no columns.
    The encoding used is in ``frame.attrs['encoding']``."""
    table, encoding = read_table_with_encoding(data, filename)
    table.attrs["encoding"] = encoding
    return table


def read_table_with_encoding(data: bytes, filename: str) -> tuple[pd.DataFrame, str]:
    if data.startswith(LEGACY_XLS_MAGIC):
        raise ExportUnreadable("unsupported_format", f"{filename} is a legacy Excel 97-2003 workbook; save it as .xlsx or CSV")
    if is_xlsx(data, filename):
        # The workbook's XML is UTF-8 by specification: there is nothing to detect.
        return _frame(_xlsx_rows(data, filename)), UTF8
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ExportUnreadable("bad_format", f"{filename} is named like a workbook but is not an XLSX file")
    text, encoding = decode_text(data)
    if text.lstrip().lower().startswith(("<html", "<!doctype", "<table", "<?xml")):
        raise ExportUnreadable("unsupported_format", f"{filename} is a web page saved as a spreadsheet; save it as .xlsx or CSV")
    return _frame(_csv_rows(text, filename)), encoding


def _csv_rows(text: str, filename: str) -> list[list[str]]:
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count) if first_line else ","
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise ExportUnreadable("bad_format", f"{filename}: {error}") from error


def _xlsx_rows(data: bytes, filename: str) -> list[list[str]]:
    try:
        sheet = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object, engine="openpyxl", na_filter=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ExportUnreadable("bad_format", f"{filename} is not a readable XLSX workbook: {error}") from error
    return [[_cell_text(value) for value in row] for row in sheet.itertuples(index=False)]


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds" if value.microsecond else "seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(index=pd.RangeIndex(0, name="row_number"))
    header = _unique([cell.strip().lstrip("\ufeff") for cell in rows[0]])
    width = len(header)
    body: list[list[str]] = []
    numbers: list[int] = []
    for offset, row in enumerate(rows[1:]):
        row_number = FIRST_DATA_ROW + offset
        cells = [cell if isinstance(cell, str) else str(cell) for cell in row]
        # Many exporters end data rows with a stray delimiter: an empty extra cell is harmless.
        while len(cells) > width and cells[-1].strip() == "":
            cells.pop()
        if len(cells) > width:
            raise ExportUnreadable("bad_format", f"row {row_number} has {len(cells)} cells but the header has {width} columns")
        if all(cell.strip() == "" for cell in cells):
            continue
        body.append(cells + [""] * (width - len(cells)))
        numbers.append(row_number)
    index = pd.Index(numbers, dtype="int64", name="row_number")
    return pd.DataFrame(body, columns=header, index=index, dtype=object)


def _unique(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique: list[str] = []
    for header in headers:
        count = seen.get(header, 0)
        seen[header] = count + 1
        unique.append(header if count == 0 else f"{header}.{count}")
    return unique


__all__ = ["FIRST_DATA_ROW", "is_xlsx", "read_table", "read_table_with_encoding"]
