"""Where the header is: past title rows, 统计时间/统计周期 lines and blank rows, maybe on two levels.

Reports put a title (接待明细报表), a period line (统计周期：2026-11-03 ~ 2026-11-03) and blank
rows above the header, and some group columns under a merged cell (服务满意度评价 over 很满意,
满意, 一般, 不满, 很不满). The header is the row among the first 15 whose cells match the most
headers some preset knows, alone or joined with the row above it (the merged cell's text
carried across the columns it spans); without a known header it is the first row that looks
like one. Header cells lose their line breaks and repeated spaces; full-width brackets stay
as written and are matched by normalise_label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from storage.importers.values import normalise_label

HEADER_SEARCH_ROWS = 15
_MIN_KNOWN = 2  # one matching cell may be chance (a title that reads 满意度); two make a header
_PERIOD_WORDS = ("统计周期", "统计时间", "统计日期", "时间范围", "日期范围", "查询时间")
_DAY_TEXT = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_PERIOD = re.compile(_DAY_TEXT + r"[^\d]{1,12}?" + _DAY_TEXT)
_ONE_DAY = re.compile(_DAY_TEXT)


@dataclass(frozen=True)
class Header:
    """``rows``: the spreadsheet rows the header was read from (two for a merged header);
    ``names``: the column names, unique (a repeated name gets .1, .2 like pandas);
    ``titles``: the text of the non-blank rows above it."""

    rows: tuple[int, ...]
    names: tuple[str, ...]
    titles: tuple[str, ...]

    @property
    def last_row(self) -> int:
        return self.rows[-1] if self.rows else 0


def find_header(top: pd.DataFrame, known: Iterable[str]) -> Header:
    """The header among the first rows of a grid chunk; ``known`` are the normalised headers of the presets."""
    known = frozenset(known)
    rows = [
        (int(number), [_clean(cell) for cell in cells])
        for number, cells in zip(top.index, top.itertuples(index=False, name=None), strict=True)
    ]
    rows = rows[:HEADER_SEARCH_ROWS]
    best: tuple[int, int, int] | None = None  # (score, -levels, -position)
    chosen: tuple[int, list[str], int] | None = None
    for position, (_number, cells) in enumerate(rows):
        if not any(cells):
            continue
        candidates = [(cells, 1)]
        if position > 0 and any(rows[position - 1][1]):
            candidates.append((join_levels(rows[position - 1][1], cells), 2))
        for names, levels in candidates:
            score = sum(normalise_label(name) in known for name in names if name)
            rank = (score, -levels, -position)
            if best is None or rank > best:
                best, chosen = rank, (position, names, levels)
    if chosen is None or best is None or best[0] < _MIN_KNOWN:
        chosen = _looks_like_a_header(rows)
    if chosen is None:
        return Header((), (), tuple(_line(cells) for _, cells in rows if any(cells)))
    position, names, levels = chosen
    numbers = tuple(number for number, _ in rows[position - levels + 1 : position + 1])
    titles = tuple(_line(cells) for _, cells in rows[: position - levels + 1] if any(cells))
    return Header(numbers, tuple(unique(_trimmed(names))), titles)


def join_levels(upper: Sequence[str], lower: Sequence[str]) -> list[str]:
    """A two-level header as one: a group name (merged over its columns, so written once)
    carried right over the sub-headers under it, and put in front of each."""
    joined, group = [], ""
    for top, bottom in zip(upper, lower, strict=True):
        if top:
            group = top
        elif not bottom:
            group = ""
        carried = top or (group if bottom else "")
        joined.append(carried + bottom if carried != bottom else bottom)
    return joined


def period_of(titles: Iterable[str], filename: str) -> tuple[date, date] | None:
    """The first and last day a report covers, from a 统计周期/统计时间 line or the file name."""
    lines = [t for t in titles if any(word in t for word in _PERIOD_WORDS)] + [filename]
    for line in lines:
        match = _PERIOD.search(line)
        try:
            if match:
                return _day(match.groups()[:3]), _day(match.groups()[3:])
            one = _ONE_DAY.search(line)
            if one and line is not filename:
                return _day(one.groups()), _day(one.groups())
        except ValueError:
            continue
    return None


def unique(headers: Iterable[str]) -> list[str]:
    seen: dict[str, int] = {}
    result: list[str] = []
    for header in headers:
        count = seen.get(header, 0)
        seen[header] = count + 1
        result.append(header if count == 0 else f"{header}.{count}")
    return result


def _looks_like_a_header(rows: list[tuple[int, list[str]]]) -> tuple[int, list[str], int] | None:
    """The first row with at least two cells and at least half as many as the fullest row: a
    title or period line has one."""
    filled = [sum(bool(c) for c in cells) for _, cells in rows]
    if not filled or max(filled) == 0:
        return None
    for position, (_, cells) in enumerate(rows):
        if filled[position] >= max(2, (max(filled) + 1) // 2) or filled[position] == max(filled):
            return position, cells, 1
    return None


def _clean(cell: object) -> str:
    return " ".join(str(cell).split()).lstrip("\ufeff")


def _trimmed(names: list[str]) -> list[str]:
    end = len(names)
    while end and not names[end - 1]:
        end -= 1
    return names[:end]


def _line(cells: list[str]) -> str:
    return " ".join(c for c in cells if c)


def _day(parts: Sequence[str]) -> date:
    return date(int(parts[0]), int(parts[1]), int(parts[2]))


__all__ = ["HEADER_SEARCH_ROWS", "Header", "find_header", "join_levels", "period_of", "unique"]
