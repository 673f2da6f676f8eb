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
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from domain.metrics import RATINGS as DOMAIN_RATINGS
from storage.importers.errors import BAD_FLAG, BAD_ID, BAD_NUMBER, BAD_RATING, BAD_TIME, MISSING_ID

# The rating names are the domain's; metrics count the first two as satisfied.
RATINGS = DOMAIN_RATINGS
VERY_SATISFIED, SATISFIED, NEUTRAL, DISSATISFIED, VERY_DISSATISFIED = RATINGS

# Cells that mean "no value here" in Chinese back offices: JD prints '-' for not applicable.
_BLANKS = frozenset({"", "-", "--", "—", "/", "无", "null", "none", "n/a", "na", "nan"})

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


def read_external_id(text: str) -> str:
    cell = clean_cell(text)
    if is_blank(cell):
        raise CellProblem(MISSING_ID, "the conversation id is empty")
    if _SCIENTIFIC.match(cell):
        # Excel rounded a long id to 15 digits; two different sessions may now share it.
        raise CellProblem(BAD_ID, f"{cell!r} is a long id that Excel turned into a rounded number")
    return cell


def read_instant(text: str, tz: ZoneInfo) -> datetime:
    """A timestamp cell -> aware UTC datetime. Naive text is the team's local time."""
    cell = clean_cell(text)
    if is_blank(cell):
        raise CellProblem(BAD_TIME, "the start time is empty")
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


def read_rating(text: str, labels: Mapping[str, str | None], stars: bool) -> str | None:
    """A rating cell -> one of RATINGS or None (not rated). ``labels`` are normalised."""
    cell = clean_cell(text)
    if is_blank(cell):
        return None
    key = normalise_label(cell)
    if key in labels:
        return labels[key]
    if stars:
        number = _number(key.removesuffix("星").removesuffix("stars").removesuffix("star"))
        if number is not None and number.is_integer() and 1 <= number <= 5:
            return RATINGS[5 - int(number)]
    raise CellProblem(BAD_RATING, f"{cell!r} is not a known rating")


def read_flag(text: str, labels: Mapping[str, bool]) -> bool | None:
    """A yes/no cell -> bool, None when empty. ``labels`` are normalised."""
    cell = clean_cell(text)
    if is_blank(cell):
        return None
    key = normalise_label(cell)
    if key in labels:
        return labels[key]
    number = _number(key)
    if number in (0.0, 1.0):
        return bool(number)
    raise CellProblem(BAD_FLAG, f"{cell!r} is not a yes/no value")


__all__ = [
    "DISSATISFIED",
    "NEUTRAL",
    "RATINGS",
    "SATISFIED",
    "VERY_DISSATISFIED",
    "VERY_SATISFIED",
    "CellProblem",
    "clean_cell",
    "is_blank",
    "normalise_label",
    "read_count",
    "read_external_id",
    "read_flag",
    "read_instant",
    "read_rating",
    "read_seconds",
]
