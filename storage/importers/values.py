"""Text cells of an export -> typed values, or the reason a cell cannot be read.

Each reader takes the cell text (already stripped of a spreadsheet's decorations) and
returns the value, or raises CellProblem with a stable reason code. The parser turns a
CellProblem into a rejected row.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from domain.metrics import RATINGS as DOMAIN_RATINGS
from storage.importers.errors import (
    BAD_DAY,
    BAD_FLAG,
    BAD_ID,
    BAD_NUMBER,
    BAD_RATING,
    BAD_SENDER,
    BAD_SESSION_TYPE,
    BAD_TIME,
    MISSING_ID,
    MISSING_KEY,
)

# The rating names are the domain's; metrics count the first two as satisfied.
RATINGS = DOMAIN_RATINGS
VERY_SATISFIED, SATISFIED, NEUTRAL, DISSATISFIED, VERY_DISSATISFIED = RATINGS

# Who wrote a message in a chat log.
CUSTOMER, SHOP, SYSTEM = "customer", "shop", "system"

# Cells that mean "no value here" in Chinese back offices: JD prints '-' for not applicable,
# 生意参谋 '暂无数据'.
_BLANKS = frozenset({"", "-", "--", "—", "——", "/", "无", "null", "none", "n/a", "na", "nan", "暂无数据", "暂无"})
MAX_ID_LENGTH = 128  # conversations.external_id
# A metric the platform has not finished counting (赤兔): unknown for now, not wrong.
NOT_FINAL = "延迟统计"
# Excel counts days from 1899-12-30; serials in this range are the years 1954 to 2119.
_EXCEL_EPOCH = datetime(1899, 12, 30)
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_SERIAL_RANGE = (20_000, 80_000)

_TIMESTAMP = re.compile(
    r"""^(?P<year>\d{4})\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?
        (?:\s+|T|\s*日\s*)
        (?P<hour>\d{1,2})\s*[:时]\s*(?P<minute>\d{1,2})
        (?:\s*[:分]\s*(?P<second>\d{1,2})(?:[.,](?P<fraction>\d{1,6})\d*)?\s*秒?)?
        \s*(?P<offset>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$""",
    re.VERBOSE | re.IGNORECASE,
)
_CLOCK_DURATION = re.compile(r"^(?:(?P<hours>\d+):)?(?P<minutes>\d{1,2}):(?P<seconds>\d{1,2}(?:\.\d+)?)$")
_CJK_DURATION = re.compile(
    r"^(?:(?P<hours>\d+(?:\.\d+)?)\s*(?:小时|时|h))?\s*(?:(?P<minutes>\d+(?:\.\d+)?)\s*(?:分钟|分|min|m))?"
    r"\s*(?:(?P<seconds>\d+(?:\.\d+)?)\s*(?:秒|s|sec))?$",
    re.IGNORECASE,
)
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?e\+?\d+$", re.IGNORECASE)


class CellProblem(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}")


def normalise_label(text: str) -> str:
    """The form labels and headers are compared in: full-width folded to ASCII (NFKC turns
    '（秒）' into '(秒)'), case and all whitespace ignored."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(folded.split())


def clean_cell(text: str) -> str:
    """The cell without the wrappers exporters add to stop Excel mangling long numbers:
    a leading tab or apostrophe, or the formula form ="12345"."""
    cell = text.strip().lstrip("'\t").strip()
    if cell.startswith('="') and cell.endswith('"'):
        cell = cell[2:-1].strip()
    return cell


def is_blank(text: str) -> bool:
    return normalise_label(text) in _BLANKS


def read_text(text: str) -> str | None:
    """A free-text cell (a customer, an agent's nickname) without its wrappers, None when empty."""
    cell = " ".join(clean_cell(text).split())
    return None if is_blank(cell) else cell


def read_customer(text: str) -> str:
    """The customer a session or message belongs to: part of its identity, so never empty."""
    cell = read_text(text)
    if cell is None:
        raise CellProblem(MISSING_KEY, "the customer is empty")
    return cell


def read_wangwang(text: str) -> tuple[str, str]:
    """旺旺 written 店铺名:子账号 -> (shop, sub-account); a bare nickname has no shop."""
    cell = read_text(text) or ""
    shop, colon, sub = cell.replace("：", ":").partition(":")
    return (shop.strip(), sub.strip()) if colon else ("", cell)


def read_external_id(text: str) -> str:
    cell = clean_cell(text)
    if is_blank(cell):
        raise CellProblem(MISSING_ID, "the conversation id is empty")
    if _SCIENTIFIC.match(cell):
        # Excel rounded a long id to 15 digits; two different sessions may now share it.
        raise CellProblem(BAD_ID, f"{cell!r} is a long id that Excel turned into a rounded number")
    if len(cell) > MAX_ID_LENGTH:
        raise CellProblem(BAD_ID, f"the id has {len(cell)} characters, more than {MAX_ID_LENGTH}")
    return cell


def read_instant(text: str, tz: ZoneInfo) -> datetime:
    """A timestamp cell -> aware UTC datetime. Naive text is the team's local time."""
    cell = clean_cell(text)
    if is_blank(cell):
        raise CellProblem(BAD_TIME, "the start time is empty")
    serial = _excel_serial(cell)
    if serial is not None:
        return serial.replace(tzinfo=tz).astimezone(UTC)
    match = _TIMESTAMP.match(cell)
    if match is None:
        raise CellProblem(BAD_TIME, f"{cell!r} is not a date and time like 2026-11-03 09:15:02")
    parts = match.groupdict()
    try:
        local = datetime(
            int(parts["year"]),
            int(parts["month"]),
            int(parts["day"]),
            int(parts["hour"]),
            int(parts["minute"]),
            int(parts["second"] or 0),
            int((parts["fraction"] or "0").ljust(6, "0")),
        )
    except ValueError as error:
        raise CellProblem(BAD_TIME, f"{cell!r} is not a real date and time ({error})") from error
    zone = _offset_zone(parts["offset"]) if parts["offset"] else tz
    return local.replace(tzinfo=zone).astimezone(UTC)


def _excel_serial(cell: str) -> datetime | None:
    """A spreadsheet date serial (46329.385416…) as naive local time, to the second."""
    if not _SERIAL.match(cell):
        return None
    days = float(cell)
    if not _SERIAL_RANGE[0] <= days <= _SERIAL_RANGE[1]:
        return None
    return _EXCEL_EPOCH + timedelta(seconds=round(days * 86_400))


_DAY = re.compile(
    r"^(?P<year>\d{4})\s*(?:[-/.年]\s*)?(?P<month>\d{1,2})\s*(?:[-/.月]\s*)?(?P<day>\d{1,2})\s*日?"
    r"(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?$"
)
_HOUR = re.compile(r"^(?P<hour>\d{1,2})\s*(?:[:：]00)?\s*(?:时|点|h)?(?:\s*[-~至到]\s*\d{1,2}\s*(?:[:：]00)?\s*(?:时|点|h)?)?$")


def read_day(text: str) -> date:
    """A report's day: 2026-11-03, 2026/11/3, 2026年11月3日, 20261103, a midnight time or an Excel serial."""
    cell = clean_cell(text)
    serial = _excel_serial(cell)
    if serial is not None:
        return serial.date()
    match = _DAY.match(cell)
    if match is None:
        raise CellProblem(BAD_DAY, f"{cell!r} is not a day like 2026-11-03")
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError as error:
        raise CellProblem(BAD_DAY, f"{cell!r} is not a real day ({error})") from error


def read_hour(text: str) -> int | None:
    """An hourly report's hour: 9, 09, 09:00, 09:00-10:00, 9时, 9点 -> 9; None when empty (the whole day)."""
    cell = clean_cell(text)
    if is_blank(cell):
        return None
    match = _HOUR.match(cell)
    if match is None or int(match["hour"]) > 23:
        raise CellProblem(BAD_DAY, f"{cell!r} is not an hour of the day like 09:00-10:00")
    return int(match["hour"])


def _offset_zone(offset: str) -> timezone:
    if offset.upper() in {"Z", "UTC", "GMT"}:
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def read_seconds(text: str) -> float:
    """A duration cell -> seconds, NaN when empty. Accepts 12, 12.5, 12秒, 1分5秒, 00:01:05."""
    cell = clean_cell(text)
    if is_blank(cell):
        return math.nan
    seconds = _number(cell.replace(",", ""))
    if seconds is None:
        seconds = _duration(cell)
    if seconds is None or not math.isfinite(seconds):
        raise CellProblem(BAD_NUMBER, f"{cell!r} is not a number of seconds")
    if seconds < 0:
        raise CellProblem(BAD_NUMBER, f"{cell!r} is negative")
    return seconds


def _duration(cell: str) -> float | None:
    clock = _CLOCK_DURATION.match(cell)
    if clock:
        return int(clock["hours"] or 0) * 3600 + int(clock["minutes"]) * 60 + float(clock["seconds"])
    worded = _CJK_DURATION.match(cell)
    if worded and any(worded.groupdict().values()):
        return float(worded["hours"] or 0) * 3600 + float(worded["minutes"] or 0) * 60 + float(worded["seconds"] or 0)
    return None


def read_rate(text: str) -> tuple[float, bool] | None:
    """A rate cell -> (number, written with %), None when empty. 99.71%, 0.9971 and 99.71 are
    told apart per column (columns.read_rates), since a bare 1 may be either 1% or 100%."""
    cell = clean_cell(text)
    if is_blank(cell):
        return None
    percent = cell.endswith(("%", "％"))
    number = _number(cell.rstrip("%％").replace(",", "").strip())
    if number is None or not math.isfinite(number) or number < 0:
        raise CellProblem(BAD_NUMBER, f"{cell!r} is not a rate like 99.71%")
    return number, percent


def read_cents(text: str) -> int | None:
    """An amount of money (销售额) -> integer cents, None when empty: ¥1,234.56, 1234.5元, 1.2万."""
    cell = clean_cell(text)
    if is_blank(cell):
        return None
    digits = cell.lstrip("¥￥").removesuffix("元").replace(",", "").strip()
    scale = Decimal(1)
    if digits.endswith("万"):
        digits, scale = digits[:-1].strip(), Decimal(10_000)
    try:
        amount = Decimal(digits) * scale
    except InvalidOperation:
        raise CellProblem(BAD_NUMBER, f"{cell!r} is not an amount of money") from None
    if not amount.is_finite() or amount < 0:
        raise CellProblem(BAD_NUMBER, f"{cell!r} is not an amount of money")
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def read_count(text: str) -> int | None:
    """A message-count cell -> int, None when empty."""
    cell = clean_cell(text)
    if is_blank(cell):
        return None
    number = _number(cell.replace(",", ""))
    if number is None or not math.isfinite(number) or not number.is_integer():
        raise CellProblem(BAD_NUMBER, f"{cell!r} is not a whole number")
    if number < 0:
        raise CellProblem(BAD_NUMBER, f"{cell!r} is negative")
    return int(number)


def _number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None


# What _label finds besides a label's value (which may itself be None: 未评价).
_EMPTY, _UNLABELLED = object(), object()


def _label(text: str, labels: Mapping[str, Any]) -> tuple[str, Any]:
    """(the cell, the value its label maps to): _EMPTY for a blank cell, _UNLABELLED for a word no label has."""
    cell = clean_cell(text)
    if is_blank(cell):
        return cell, _EMPTY
    return cell, labels.get(normalise_label(cell), _UNLABELLED)


def read_rating(text: str, labels: Mapping[str, str | None], stars: bool) -> str | None:
    """A rating cell -> one of RATINGS or None (not rated). ``labels`` are normalised."""
    cell, rating = _label(text, labels)
    if rating is _EMPTY:
        return None
    if rating is not _UNLABELLED:
        return rating
    if stars:
        key = normalise_label(cell)
        number = _number(key.removesuffix("星").removesuffix("stars").removesuffix("star"))
        if number is None and key and set(key) == {"★"}:
            number = float(len(key))
        if number is not None and number.is_integer() and 1 <= number <= 5:
            return RATINGS[5 - int(number)]
    raise CellProblem(BAD_RATING, f"{cell!r} is not a known rating")


def read_flag(text: str, labels: Mapping[str, bool]) -> bool | None:
    """A yes/no cell -> bool, None when empty. ``labels`` are normalised."""
    cell, flag = _label(text, labels)
    if flag is _EMPTY:
        return None
    if flag is not _UNLABELLED:
        return flag
    number = _number(normalise_label(cell))
    if number in (0.0, 1.0):
        return bool(number)
    raise CellProblem(BAD_FLAG, f"{cell!r} is not a yes/no value")


def read_left_message(text: str, labels: Mapping[str, bool]) -> bool:
    """JD's sessionType -> whether the session is a left message (留言, 2) rather than a chat (1).
    An empty cell is a chat: only a marked 留言 leaves the response metrics."""
    cell, left = _label(text, labels)
    if left is _EMPTY:
        return False
    if left is _UNLABELLED:
        raise CellProblem(BAD_SESSION_TYPE, f"{cell!r} is neither an online session (1) nor a left message (2)")
    return left


def read_sender(text: str, labels: Mapping[str, str]) -> str | None:
    """Who sent a message, by its label (买家, 客服, 系统 …): CUSTOMER, SHOP or SYSTEM; None when
    the cell holds a name instead, which the caller compares with the customer."""
    _, sender = _label(text, labels)
    if sender is _EMPTY:
        raise CellProblem(BAD_SENDER, "the sender is empty")
    return None if sender is _UNLABELLED else sender


__all__ = [
    "CUSTOMER",
    "DISSATISFIED",
    "MAX_ID_LENGTH",
    "NEUTRAL",
    "NOT_FINAL",
    "RATINGS",
    "SATISFIED",
    "SHOP",
    "SYSTEM",
    "VERY_DISSATISFIED",
    "VERY_SATISFIED",
    "CellProblem",
    "clean_cell",
    "is_blank",
    "normalise_label",
    "read_cents",
    "read_count",
    "read_customer",
    "read_day",
    "read_external_id",
    "read_flag",
    "read_hour",
    "read_instant",
    "read_left_message",
    "read_rate",
    "read_rating",
    "read_seconds",
    "read_sender",
    "read_text",
    "read_wangwang",
]
