"""Whole columns of text -> typed values, with the same answers as the per-cell readers in values.

A 200,000-row export has 200,000 start times but a handful of distinct ratings, yes/no words
and message counts. So each column is read in two passes: a vectorised fast path for the
shapes exports almost always use (2026-11-03 09:15:02, plain numbers), then the per-cell
reader once per *distinct* remaining text. The per-cell readers stay the single definition
of what a cell means; the fast paths only ever accept a subset of what they accept, with the
same result (tests/storage/test_import_columns.py checks that on random text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from domain.time import TS_DTYPE
from storage.importers.errors import BAD_NUMBER, RejectedRow
from storage.importers.values import NOT_FINAL, CellProblem, read_instant, read_rate

# A plain cell reads as itself: no wrapper to strip, no full-width form to fold (CJK Unified
# Ideographs are unchanged by NFKC), not a blank word nor a number Excel rounded.
_PLAIN_TEXT = r"[0-9A-Za-z_\-.@\u4e00-\u9fff]{1,128}"  # an id may not be longer (MAX_ID_LENGTH)
_SCIENTIFIC = r"\d(?:\.\d+)?[eE]\+?\d+"
_BLANK_WORDS = ["-", "--", "null", "none", "n/a", "na", "nan", "无", "暂无数据", "暂无"]
_NOT_FINAL_CELLS = [NOT_FINAL, f" {NOT_FINAL}", f"{NOT_FINAL} ", f" {NOT_FINAL} "]

# The layouts platforms write times in, tried in this order before the general reader.
_FAST_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class ColumnRead:
    """``values`` aligned with the column's rows (missing where blank, not final or unreadable);
    ``problems`` holds the CellProblem of each unreadable cell, None elsewhere; ``not_final``
    marks the 延迟统计 cells."""

    values: pd.Series
    problems: np.ndarray
    not_final: np.ndarray

    @property
    def unreadable(self) -> np.ndarray:
        return pd.notna(self.problems)


def read_cells(texts: pd.Series, reader: Callable[[str], Any]) -> ColumnRead:
    """Any column, each distinct text read once; values stay Python objects."""
    texts, not_final = _without_not_final(texts)
    values, problems = _by_distinct(texts, reader)
    return ColumnRead(pd.Series(values, index=texts.index, dtype=object), problems, not_final)


def read_numbers(texts: pd.Series, reader: Callable[[str], float | int | None], *, whole: bool = False) -> ColumnRead:
    """A numeric column (seconds, counts, cents) as float64, NaN where missing."""
    texts, not_final = _without_not_final(texts)
    fast = pd.to_numeric(texts, errors="coerce").to_numpy(dtype=np.float64)
    plain = np.isfinite(fast) & (fast >= 0)
    if whole:
        plain = plain & np.equal(np.floor(fast), fast)
    values = np.where(plain, fast, np.nan)
    problems = np.full(len(texts), None, dtype=object)
    rest = ~plain
    if rest.any():
        slow, slow_problems = _by_distinct(texts[rest], reader)
        values[rest] = np.array([np.nan if v is None else float(v) for v in slow], dtype=np.float64)
        problems[rest] = slow_problems
    return ColumnRead(pd.Series(values, index=texts.index, dtype="float64"), problems, not_final)


def read_instants(texts: pd.Series, tz: ZoneInfo, *, required: bool) -> ColumnRead:
    """A time column as UTC instants (TS_DTYPE). Naive text is the team's local time. An empty
    cell is a problem when ``required`` (a start), NaT otherwise (a reply that never came)."""
    texts, not_final = _without_not_final(texts)
    local = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[us]")
    for layout in _FAST_TIME_FORMATS:
        todo = np.isnat(local)
        if not todo.any():
            break
        local[todo] = pd.to_datetime(texts[todo], format=layout, errors="coerce").to_numpy(dtype="datetime64[us]")
    # An hour that a daylight-saving change skips or repeats goes to the general reader, which decides it.
    utc = pd.DatetimeIndex(local).tz_localize(tz, ambiguous="NaT", nonexistent="NaT").tz_convert(None)
    instants = utc.to_numpy(dtype="datetime64[us]").copy()
    problems = np.full(len(texts), None, dtype=object)
    rest = np.isnat(instants)
    if not required:
        rest = rest & texts.str.strip().ne("").to_numpy(dtype=bool)

    def instant(text: str):
        if not required and not text.strip():
            return None
        return read_instant(text, tz)

    if rest.any():
        slow, slow_problems = _by_distinct(texts[rest], instant)
        instants[rest] = pd.DatetimeIndex(pd.to_datetime(list(slow), utc=True)).tz_convert(None).to_numpy(dtype="datetime64[us]")
        problems[rest] = slow_problems
    values = pd.Series(instants, index=texts.index).dt.tz_localize("UTC").astype(TS_DTYPE)
    return ColumnRead(values, problems, not_final)


def read_rates(texts: pd.Series) -> ColumnRead:
    """A rate column as fractions 0..1. 99.71% is always a percentage; a bare number is one
    too when any bare number of the column is above 1 (99.71), else a fraction (0.9971, 1.0)."""
    cells = read_cells(texts, read_rate)
    bare = [v[0] for v in cells.values if v is not None and not v[1]]
    percent_column = any(number > 1 for number in bare)
    fractions = np.array(
        [np.nan if v is None else (v[0] / 100 if v[1] or percent_column else v[0]) for v in cells.values], dtype=np.float64
    )
    problems = cells.problems.copy()
    too_big = fractions > 1 + 1e-9
    for position in np.flatnonzero(too_big):
        problems[position] = CellProblem(BAD_NUMBER, f"{texts.iloc[position]!r} is more than 100%")
    fractions[too_big] = np.nan
    return ColumnRead(pd.Series(fractions, index=texts.index, dtype="float64"), problems, cells.not_final)


def first_problems(
    read: Mapping[str, ColumnRead], order: Iterable[str], headers: Mapping[str, str], frame: pd.DataFrame
) -> dict[int, RejectedRow]:
    """position -> why that row is rejected: its first unreadable cell, in ``order`` of fields."""
    rejected: dict[int, RejectedRow] = {}
    for name in order:
        if name not in read:
            continue
        for position in np.flatnonzero(read[name].unreadable).tolist():
            if position not in rejected:
                problem, header = read[name].problems[position], headers[name]
                text = str(frame[header].iloc[position])
                row = int(frame.index[position])
                rejected[position] = RejectedRow(row, problem.reason, f"{header}: {problem.detail}", header, text)
    return rejected


def not_final_rows(read: Mapping[str, ColumnRead], frame: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """field -> the rows whose cell reads 延迟统计."""
    rows = frame.index.to_numpy(dtype=np.int64)
    return {name: tuple(int(r) for r in rows[column.not_final]) for name, column in read.items() if column.not_final.any()}


def read_plain_texts(texts: pd.Series, reader: Callable[[str], Any]) -> ColumnRead:
    """A text column (ids, customers) whose cells are mostly plain: letters, digits, CJK and
    -_.@: such a cell reads as itself, and only the others (blank, wrapped ="…", 1.23E+18,
    full-width) go to ``reader``, once per distinct text."""
    texts, not_final = _without_not_final(texts)
    plain = (
        texts.str.fullmatch(_PLAIN_TEXT).to_numpy(dtype=bool)
        & ~texts.str.fullmatch(_SCIENTIFIC).to_numpy(dtype=bool)
        & ~texts.str.lower().isin(_BLANK_WORDS).to_numpy(dtype=bool)
    )
    values = texts.to_numpy(dtype=object).copy()
    problems = np.full(len(texts), None, dtype=object)
    rest = ~plain
    if rest.any():
        values[rest], problems[rest] = _by_distinct(texts[rest], reader)
    return ColumnRead(pd.Series(values, index=texts.index, dtype=object), problems, not_final)


def _without_not_final(texts: pd.Series) -> tuple[pd.Series, np.ndarray]:
    texts = texts.astype(object)
    # A hash lookup per cell, not a substring search: the C loop matters at 200,000 rows x 13 columns.
    not_final = texts.isin(_NOT_FINAL_CELLS).to_numpy(dtype=bool)
    if not_final.any():
        texts = texts.where(~not_final, "")
    return texts, not_final


def _by_distinct(texts: pd.Series, reader: Callable[[str], Any]) -> tuple[np.ndarray, np.ndarray]:
    codes, distinct = pd.factorize(texts.astype(object), use_na_sentinel=False)
    values = np.full(len(distinct), None, dtype=object)
    problems = np.full(len(distinct), None, dtype=object)
    for position, text in enumerate(distinct):
        try:
            values[position] = reader(str(text))
        except CellProblem as problem:
            # Without its traceback: kept, it would keep every frame of the chunk's reading alive.
            problems[position] = problem.with_traceback(None)
    return values[codes], problems[codes]


__all__ = [
    "ColumnRead",
    "first_problems",
    "not_final_rows",
    "read_cells",
    "read_instants",
    "read_numbers",
    "read_plain_texts",
    "read_rates",
]
