"""A closed month as an XLSX workbook for payroll: payouts, factors and the detail behind them.

Every sheet is one plain table with its header in row 1, so payroll can filter it or read
it with any tool. On the payouts sheet the month's identity (month, rules version, scheme,
pool, checksum) sits in two rows to the right of the table, one empty column apart, and is
also stored in the workbook's custom document properties for programs.

Money is integer cents in the data. The payouts sheet shows yuan for people and keeps the
exact cents beside them, so nothing depends on a float adding up.

Excel has no time zones: instants are shown as naive datetimes in the team's zone.

Names, reasons and notes are what people typed: every text cell is stored as a string (never a
formula or an error value, whatever it starts with), one starting like a formula carries Excel's
quote prefix so editing it keeps it text, and characters XML cannot hold are left out.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.packaging.custom import IntProperty, StringProperty
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.text.i18n import scheme_name, t, t_or
from domain.snapshot import Snapshot

YUAN = "0.00"
CENTS = "0"
POINTS = "0.00"
WHOLE = "0"
SHARE = "0.0000"
DAY = "yyyy-mm-dd"
INSTANT = "yyyy-mm-dd hh:mm:ss"
GENERAL = "General"

MAX_COLUMN_WIDTH = 60
# What makes Excel (or LibreOffice) read a typed cell as a formula: "=cmd|' /C calc'!A0", "+1+1", "@SUM(…)".
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

# conversations: credited one by one; apportioned: a platform's day total shared by hold time (no session data that day).
DAILY_COLUMNS = ("day", "agent_id", "hours", "conversations", "apportioned", "cases", "points")
ADJUSTMENT_COLUMNS = ("at", "agent_id", "points", "reason", "by")
COLLABORATION_COLUMNS = ("day", "agent_id", "kind", "points", "detail")


Cell = object
Table = list[Sequence[Cell]]


def month_workbook(
    snapshot: Snapshot,
    names: Mapping[int, str],
    *,
    daily: pd.DataFrame,
    adjustments: pd.DataFrame,
    collaboration: pd.DataFrame,
    tz: ZoneInfo,
    lang: str = "zh",
    apportioned: Mapping[int, float] | None = None,
) -> bytes:
    """The closed month as XLSX bytes: payouts, factors, daily detail, adjustments, collaboration.

    ``apportioned``: per agent, the conversations of the month that were a platform total shared by
    hold time; the factors sheet names them beside the conversations factor they are part of."""
    workbook = Workbook()
    payouts = workbook.active
    payouts.title = _label(lang, "sheet.payouts")
    _payouts_sheet(payouts, snapshot, names, tz, lang)
    _factors_sheet(workbook.create_sheet(_label(lang, "sheet.factors")), snapshot, names, lang, apportioned or {})
    _daily_sheet(workbook.create_sheet(_label(lang, "sheet.daily")), daily, names, lang)
    _adjustments_sheet(workbook.create_sheet(_label(lang, "sheet.adjustments")), adjustments, names, tz, lang)
    _collaboration_sheet(workbook.create_sheet(_label(lang, "sheet.collaboration")), collaboration, names, lang)
    _properties(workbook, snapshot, tz)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _payouts_sheet(sheet: Worksheet, snapshot: Snapshot, names: Mapping[int, str], tz: ZoneInfo, lang: str) -> None:
    headers = [_label(lang, key) for key in ("rank", "agent", "tier", "score", "payout", "payout_cents")]
    rows: Table = [
        (row.rank, _agent(names, row.agent_id), row.tier, row.score, _yuan(row.payout_cents), row.payout_cents) for row in snapshot.rows
    ]
    if snapshot.team_fund_cents:
        fund = snapshot.team_fund_cents
        rows.append((None, _label(lang, "team_fund"), None, None, _yuan(fund), fund))
    rows.append((None, _label(lang, "total"), None, None, _yuan(snapshot.pool_cents), snapshot.pool_cents))
    _write_table(sheet, headers, rows, (WHOLE, GENERAL, GENERAL, POINTS, YUAN, CENTS), filter_rows=False)
    for cell in sheet[len(rows) + 1]:
        cell.font = Font(bold=True)

    metadata: list[tuple[str, Cell, str]] = [
        ("meta.month", snapshot.month, GENERAL),
        ("meta.rules_version", snapshot.rules_version, WHOLE),
        ("meta.scheme", scheme_name(lang, snapshot.scheme), GENERAL),
        ("meta.pool", _yuan(snapshot.pool_cents), YUAN),
        ("meta.pool_cents", snapshot.pool_cents, CENTS),
        ("meta.team_fund_cents", snapshot.team_fund_cents, CENTS),
        ("meta.time_zone", tz.key, GENERAL),
        ("meta.checksum", snapshot.checksum, GENERAL),
    ]
    # One empty column apart, and laid out across (labels over values) so that the block
    # never reaches below the table, whose every row is then a payout line.
    first_column = len(headers) + 2
    for column, (key, value, number_format) in enumerate(metadata, start=first_column):
        label = _text_cell(sheet.cell(row=1, column=column, value=_storable(_label(lang, key))))
        label.font = Font(bold=True)
        _text_cell(sheet.cell(row=2, column=column, value=_storable(value))).number_format = number_format
        _fit_widths(sheet, column, [label.value, value])


def _factors_sheet(sheet: Worksheet, snapshot: Snapshot, names: Mapping[int, str], lang: str, apportioned: Mapping[int, float]) -> None:
    headers = [_label(lang, key) for key in ("agent", "factor", "raw", "normalised", "weight", "points", "of_which_apportioned")]
    rows: Table = [
        (
            _agent(names, row.agent_id),
            _label_or(lang, f"factor.{line.factor}", line.factor),
            line.raw,
            line.normalised,
            line.weight,
            line.points,
            apportioned.get(row.agent_id) if line.factor == "conversations" else None,
        )
        for row in snapshot.rows
        for line in row.factors
    ]
    _write_table(sheet, headers, rows, (GENERAL, GENERAL, GENERAL, SHARE, POINTS, POINTS, POINTS))


def _daily_sheet(sheet: Worksheet, daily: pd.DataFrame, names: Mapping[int, str], lang: str) -> None:
    headers = [_label(lang, key) for key in ("day", "agent", "hours", "conversations", "apportioned", "cases", "points")]
    rows: Table = [
        (
            _day(record.day),
            _agent(names, int(record.agent_id)),
            _number(record.hours),
            _number(record.conversations),
            _number(record.apportioned),
            _whole(record.cases),
            _number(record.points),
        )
        for record in _records(daily, DAILY_COLUMNS, "daily", order=("day", "agent_id"))
    ]
    _write_table(sheet, headers, rows, (DAY, GENERAL, POINTS, POINTS, POINTS, WHOLE, POINTS))


def _adjustments_sheet(sheet: Worksheet, adjustments: pd.DataFrame, names: Mapping[int, str], tz: ZoneInfo, lang: str) -> None:
    headers = [_label(lang, key) for key in ("at", "agent", "points", "reason", "by")]
    rows: Table = [
        (
            _local(record.at, tz),
            _agent(names, int(record.agent_id)),
            _number(record.points),
            _text(record.reason),
            _text(record.by),
        )
        for record in _records(adjustments, ADJUSTMENT_COLUMNS, "adjustments", order=("at", "agent_id"))
    ]
    _write_table(sheet, headers, rows, (INSTANT, GENERAL, POINTS, GENERAL, GENERAL))


def _collaboration_sheet(sheet: Worksheet, collaboration: pd.DataFrame, names: Mapping[int, str], lang: str) -> None:
    headers = [_label(lang, key) for key in ("day", "agent", "kind", "points", "detail")]
    rows: Table = [
        (
            _day(record.day),
            _agent(names, int(record.agent_id)),
            _label_or(lang, f"kind.{record.kind}", str(record.kind)),
            _number(record.points),
            _text(record.detail),
        )
        for record in _records(collaboration, COLLABORATION_COLUMNS, "collaboration", order=("day", "agent_id", "kind"))
    ]
    _write_table(sheet, headers, rows, (DAY, GENERAL, GENERAL, POINTS, GENERAL))


def _write_table(sheet: Worksheet, headers: Sequence[str], rows: Table, formats: Sequence[str], *, filter_rows: bool = True) -> None:
    sheet.append([_storable(header) for header in headers])
    for cell in sheet[1]:
        _text_cell(cell).font = Font(bold=True)
    for values in rows:
        sheet.append([_storable(value) for value in values])
        for cell in sheet[sheet.max_row]:
            _text_cell(cell)
    for column, number_format in enumerate(formats, start=1):
        if number_format != GENERAL:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=len(rows) + 1, min_col=column, max_col=column):
                cell.number_format = number_format
        _fit_widths(sheet, column, [headers[column - 1], *(values[column - 1] for values in rows)])
    sheet.freeze_panes = "A2"
    if filter_rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(rows) + 1}"


def _storable(value: Cell) -> Cell:
    """Text without the control characters an xlsx file cannot hold (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _text_cell(cell: SheetCell) -> SheetCell:
    """A text cell as a string: openpyxl would make "=…" a formula and "#N/A" an error value."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_LEADS):
            cell.quotePrefix = True
    return cell


def _fit_widths(sheet: Worksheet, column: int, values: Iterable[Cell]) -> None:
    widest = max((_display_width(value) for value in values), default=0)
    sheet.column_dimensions[get_column_letter(column)].width = min(max(widest + 2, 8), MAX_COLUMN_WIDTH)


def _display_width(value: Cell) -> int:
    """Columns the value takes on screen: a CJK character is two wide."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return len("2025-01-31 23:59:59")
    if isinstance(value, date):
        return len("2025-01-31")
    text = f"{value:,.2f}" if isinstance(value, float) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _records(frame: pd.DataFrame, columns: Sequence[str], what: str, *, order: Sequence[str]) -> Iterable:
    if frame.empty:
        return ()
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"the {what} frame lacks columns: {', '.join(missing)}")
    return frame.sort_values(list(order), kind="stable").itertuples(index=False)


def _properties(workbook: Workbook, snapshot: Snapshot, tz: ZoneInfo) -> None:
    workbook.properties.title = f"Baton {snapshot.month}"
    workbook.properties.creator = "Baton"
    workbook.properties.keywords = snapshot.checksum
    workbook.custom_doc_props.append(StringProperty(name="month", value=snapshot.month))
    workbook.custom_doc_props.append(IntProperty(name="rules_version", value=snapshot.rules_version))
    workbook.custom_doc_props.append(StringProperty(name="scheme", value=snapshot.scheme))
    # As text: a pool beyond 2**31 cents would not fit the integer property type.
    workbook.custom_doc_props.append(StringProperty(name="pool_cents", value=str(snapshot.pool_cents)))
    workbook.custom_doc_props.append(StringProperty(name="team_fund_cents", value=str(snapshot.team_fund_cents)))
    workbook.custom_doc_props.append(StringProperty(name="time_zone", value=tz.key))
    workbook.custom_doc_props.append(StringProperty(name="checksum", value=snapshot.checksum))


def _local(instant: object, tz: ZoneInfo) -> datetime:
    stamp = pd.Timestamp(instant)
    if stamp.tzinfo is None:
        raise ValueError(f"naive adjustment time {instant!r}: instants must be timezone-aware")
    return stamp.tz_convert(tz).tz_localize(None).to_pydatetime()


def _day(value: object) -> date:
    return value if type(value) is date else pd.Timestamp(value).date()


def _yuan(cents: int) -> float:
    return cents / 100


def _number(value: object) -> float | None:
    number = float(value)  # type: ignore[arg-type]
    # Excel has no NaN; an empty cell says "no value" instead of corrupting the file.
    return number if math.isfinite(number) else None


def _whole(value: object) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _agent(names: Mapping[int, str], agent_id: int) -> str:
    return names.get(agent_id) or f"#{agent_id}"


def _label(lang: str, key: str) -> str:
    return t(lang, f"workbook.{key}")


def _label_or(lang: str, key: str, fallback: str) -> str:
    return t_or(lang, f"workbook.{key}", fallback)


__all__ = ["ADJUSTMENT_COLUMNS", "COLLABORATION_COLUMNS", "DAILY_COLUMNS", "month_workbook"]
