"""What people give the roster, read into requests: the words after /shift and /swap, and a roster sheet.

A sheet (CSV or XLSX, one row per shift) is read whole before anything is written: every row
with a problem is reported by its spreadsheet row number, and then none is imported. What cannot
be read is Refused, as a use case refuses, so it is answered in the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, time

from bot.core.calendar import checked_day
from bot.core.errors import Refused
from bot.core.settings import ImportSettings
from domain.roster import parse_hours, parse_weekdays
from storage.importers.errors import ExportUnreadable
from storage.importers.table import read_table

FROM_WORDS = ("from", "从", "自", "起")
TO_WORDS = ("to", "until", "至", "到")
OFF_WORDS = ("off", "停", "休", "remove")
MAX_SHEET_ROWS = 500
MAX_SHEET_GRID_ROWS = 10_000  # blank and stray rows included
MAX_SHEET_CELLS = 200_000
_DAY = re.compile(r"^(?:(\d{4})[-/])?(\d{1,2})[-/](\d{1,2})$")
_CELL_DAY = re.compile(r"^(\d{4}[-/]\d{1,2}[-/]\d{1,2})(?:[ T]00:00(?::00)?)?$")
_CELL_TIME = re.compile(r"^(\d{1,2}[:：]\d{2})(?:[:：]00)?$")
# The sheet's columns, by any of the headers people use for them (compared lower-case, spaces removed).
COLUMNS = {
    "agent": ("agent", "name", "person", "username", "tg", "tgid", "姓名", "人员", "客服", "名字", "用户名"),
    "account": ("account", "账号", "账户", "店铺"),
    "weekdays": ("weekdays", "days", "weekday", "星期", "工作日", "周几"),
    "start": ("start", "starttime", "开始", "上班", "开始时间", "上班时间"),
    "end": ("end", "endtime", "结束", "下班", "结束时间", "下班时间"),
    "from": ("from", "validfrom", "生效", "生效日期", "开始日期", "起始日期"),
    "to": ("to", "validto", "until", "截止", "截止日期", "结束日期"),
}
REQUIRED = ("agent", "account", "weekdays", "start", "end")


@dataclass(frozen=True)
class ShiftRequest:
    """A /shift or a sheet row, read; the agent is still as typed. weekdays None: take them off."""

    handle: str
    account: str
    weekdays: frozenset[int] | None
    start: time | None
    end: time | None
    valid_from: date
    valid_to: date | None = None


@dataclass(frozen=True)
class SwapRequest:
    """A /swap, read: the day and account of the offerer's shift, and the colleague as typed."""

    day: date
    account: str
    handle: str


# -- /shift ------------------------------------------------------------------------------------------------


def parse_date(text: str, today: date) -> date | None:
    """YYYY-MM-DD, YYYY/MM/DD, or MM-DD in this year; None for anything else, Refused outside the calendar."""
    match = _DAY.match(text.strip())
    if match is None:
        return None
    try:
        day = date(int(match[1]) if match[1] else today.year, int(match[2]), int(match[3]))
    except ValueError:
        return None
    return checked_day(day, text.strip())


def parse_shift(words: Sequence[str], accounts: Iterable[str], today: date) -> ShiftRequest:
    """`@name account weekdays HH:MM-HH:MM [from DATE] [to DATE]`, or `@name account off [from DATE]`."""
    keys = set(accounts)
    at = next((i for i, w in enumerate(words) if i > 0 and w.lower() in keys), None)
    if at is None:
        raise Refused("roster_shift_usage", keys=", ".join(sorted(keys)))
    handle, account, rest = " ".join(words[:at]), words[at].lower(), list(words[at + 1 :])
    if rest and rest[0].lower() in OFF_WORDS:
        dates = _dates(rest[1:], today)
        if dates[1] is not None:
            raise Refused("roster_shift_usage", keys=", ".join(sorted(keys)))
        return ShiftRequest(handle, account, None, None, None, dates[0])
    if len(rest) < 2:
        raise Refused("roster_shift_usage", keys=", ".join(sorted(keys)))
    weekdays = parse_weekdays(rest[0])
    if weekdays is None:
        raise Refused("roster_bad_weekdays", value=rest[0])
    hours = parse_hours(rest[1])
    if hours is None:
        raise Refused("roster_bad_hours", value=rest[1])
    valid_from, valid_to = _dates(rest[2:], today)
    return ShiftRequest(handle, account, weekdays, *hours, valid_from, valid_to)


def _dates(words: list[str], today: date) -> tuple[date, date | None]:
    """`from DATE` and `to DATE`, in either order, each at most once; from defaults to today."""
    found: dict[str, date] = {}
    if len(words) % 2:
        raise Refused("roster_bad_date", value=" ".join(words))
    for keyword, value in zip(words[::2], words[1::2], strict=True):
        kind = "from" if keyword.lower() in FROM_WORDS else "to" if keyword.lower() in TO_WORDS else None
        day = parse_date(value, today)
        if kind is None or kind in found or day is None:
            raise Refused("roster_bad_date", value=f"{keyword} {value}")
        found[kind] = day
    valid_from, valid_to = found.get("from", today), found.get("to")
    if valid_to is not None and valid_to < valid_from:
        raise Refused("roster_to_before_from", start=valid_from.isoformat(), end=valid_to.isoformat())
    return valid_from, valid_to


# -- /swap ---------------------------------------------------------------------------------------------------


def parse_swap(words: Sequence[str], accounts: Iterable[str], today: date) -> SwapRequest:
    """`DATE ACCOUNT @colleague`, date and account in either order."""
    keys = set(accounts)
    if len(words) >= 3:
        first, second = (words[1], words[0]) if words[0].lower() in keys else (words[0], words[1])
        day = parse_date(first, today)
        if day is not None and second.lower() in keys:
            return SwapRequest(day, second.lower(), " ".join(words[2:]))
    raise Refused("swap_usage", keys=", ".join(sorted(keys)))


# -- a roster sheet ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRow:
    number: int  # the spreadsheet row
    request: ShiftRequest


Problem = tuple[int, str, dict]  # spreadsheet row, refusal code, its params


@dataclass(frozen=True)
class Sheet:
    """A roster sheet, read: its rows as shifts, and the problems of the rows that are not."""

    filename: str
    rows: tuple[SheetRow, ...]
    problems: tuple[Problem, ...]


def read_sheet(data: bytes, filename: str, accounts: Iterable[str], today: date, imports: ImportSettings | None = None) -> Sheet:
    """The sheet's rows as shifts, and every bad row's problem; Refused when the file or a column is wrong."""
    limits = (imports or ImportSettings()).limits()
    # A roster is a few hundred rows: a sheet far longer is refused before it is read whole.
    limits = replace(limits, max_rows=min(limits.max_rows, MAX_SHEET_GRID_ROWS), max_cells=min(limits.max_cells, MAX_SHEET_CELLS))
    try:
        table = read_table(data, filename, limits)
    except ExportUnreadable as exc:
        raise Refused("roster_sheet_unreadable", reason=exc.reason, **exc.params) from None
    found = {_header(h): h for h in table.columns}
    columns = {field: next((found[a] for a in aliases if a in found), None) for field, aliases in COLUMNS.items()}
    missing = [field for field in REQUIRED if columns[field] is None]
    if missing:
        raise Refused("roster_sheet_columns", missing=missing, found=[str(h) for h in table.columns])
    if table.empty:
        raise Refused("roster_sheet_empty")
    if len(table) > MAX_SHEET_ROWS:
        raise Refused("roster_sheet_too_long", limit=MAX_SHEET_ROWS)
    keys = set(accounts)
    rows, problems = [], []
    for number, record in table.iterrows():
        cells = {field: str(record[column]).strip() if column is not None else "" for field, column in columns.items()}
        try:
            rows.append(SheetRow(int(number), _row(cells, keys, today)))
        except Refused as refusal:
            problems.append((int(number), refusal.code, dict(refusal.params)))
    return Sheet(filename, tuple(rows), tuple(problems))


def _header(text: object) -> str:
    return re.sub(r"[\s_]+", "", str(text)).lower()


def _row(cells: dict[str, str], keys: set[str], today: date) -> ShiftRequest:
    if not cells["agent"]:
        raise Refused("roster_missing_agent")
    account = cells["account"].lower()
    if account not in keys:
        raise Refused("roster_unknown_account", value=cells["account"])
    weekdays = parse_weekdays(cells["weekdays"])
    if weekdays is None:
        raise Refused("roster_bad_weekdays", value=cells["weekdays"])
    start, end = (_CELL_TIME.sub(r"\1", cells[f]) for f in ("start", "end"))
    hours = parse_hours(f"{start}-{end}")
    if hours is None:
        raise Refused("roster_bad_hours", value=f"{cells['start']}-{cells['end']}")
    words = [w for f, k in (("from", "from"), ("to", "to")) if cells[f] for w in (k, _CELL_DAY.sub(r"\1", cells[f]))]
    return ShiftRequest(cells["agent"], account, weekdays, *hours, *_dates(words, today))
