"""A grid under its header: the data rows as a frame of text named by the header cells.

Every cell stays text so pandas never guesses: a session id like 0012345 keeps its zeros
and 1234567890123456789 keeps its digits. Fully blank rows are dropped; the index keeps the
spreadsheet row number of each row, so a rejected row is named the way a spreadsheet shows it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from storage.importers.errors import BAD_FORMAT, ExportUnreadable
from storage.importers.grid import read_grid
from storage.importers.header import HEADER_SEARCH_ROWS, Header, find_header, unique
from storage.importers.limits import DEFAULT_LIMITS, ReadLimits

FIRST_DATA_ROW = 2  # when the header is spreadsheet row 1


@dataclass(frozen=True)
class Table:
    """``frames`` yields the data rows in chunks, read once, in order."""

    file_format: str
    encoding: str
    header: Header
    frames: Iterator[pd.DataFrame]


def read_export_table(data: bytes, filename: str, known_headers: Iterable[str], limits: ReadLimits = DEFAULT_LIMITS) -> Table:
    """The export's header, found among its first rows by the headers presets know, and its data rows."""
    grid = read_grid(data, filename, limits)
    first = next(grid.chunks)
    header = find_header(first.head(HEADER_SEARCH_ROWS), known_headers)
    return Table(grid.file_format, grid.encoding, header, _data(itertools.chain([first], grid.chunks), header))


def read_table(data: bytes, filename: str, limits: ReadLimits = DEFAULT_LIMITS) -> pd.DataFrame:
    """A small sheet whose first row is its header, whole: columns are the header cells
    (stripped, duplicates suffixed '.1', '.2' like pandas does), the index is the spreadsheet
    row number (named 'row_number'), fully blank rows are dropped. Empty input gives a frame
    with no columns. The encoding used is in ``frame.attrs['encoding']``."""
    grid = read_grid(data, filename, limits)
    first = next(grid.chunks)
    names = [str(cell).strip().lstrip("\ufeff") for cell in first.iloc[0]] if len(first) else []
    while names and not names[-1]:
        names.pop()
    header = Header((1,), tuple(unique(names)), ())
    frames = list(_data(itertools.chain([first], grid.chunks), header))
    table = pd.concat(frames) if frames else _empty(header)
    table.attrs["encoding"] = grid.encoding
    return table


def _data(chunks: Iterable[pd.DataFrame], header: Header) -> Iterator[pd.DataFrame]:
    for chunk in chunks:
        body = chunk.loc[chunk.index > header.last_row]
        if body.empty:
            continue
        yield _named(body, header)


def _named(body: pd.DataFrame, header: Header) -> pd.DataFrame:
    width = len(header.names)
    if body.shape[1] > width:
        beyond = body.iloc[:, width:]
        stray = (beyond != "").any(axis=1).to_numpy().copy()
        if stray.any():
            stray[stray] = [any(str(cell).strip() for cell in row) for row in beyond.loc[stray].itertuples(index=False)]
        if stray.any():
            row = int(body.index[stray][0])
            raise ExportUnreadable(BAD_FORMAT, f"row {row} has cells beyond the header's {width} columns", row=row)
        body = body.iloc[:, :width]
    elif body.shape[1] < width:
        body = body.reindex(columns=range(width), fill_value="")
    body = body.set_axis(list(header.names), axis=1)
    if not width:
        return body.iloc[0:0]
    # One join per row, not a strip per cell: a row is blank when all its text is whitespace.
    joined = ["".join(cells) for cells in zip(*(body[name].tolist() for name in body.columns), strict=True)]
    filled = np.fromiter((bool(text.strip()) for text in joined), dtype=bool, count=len(joined))
    return body.loc[filled]


def _empty(header: Header) -> pd.DataFrame:
    return pd.DataFrame(columns=list(header.names), index=pd.Index([], dtype="int64", name="row_number"), dtype=object)


__all__ = ["FIRST_DATA_ROW", "Table", "read_export_table", "read_table"]
