"""Calendar helpers: the team lives in one time zone, the data lives in UTC."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# One datetime unit for every frame in the domain; mixing units makes merge_asof refuse to join.
TS_DTYPE = "datetime64[us, UTC]"


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a calendar day in the team's zone (DST-safe)."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_day(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def month_bounds(year: int, month: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return day_bounds(first, tz)[0], day_bounds(nxt, tz)[0]


def days_between(first: date, last: date) -> list[date]:
    """Every calendar day from first to last, both included."""
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def split_by_day(start: datetime, end: datetime, tz: ZoneInfo) -> list[tuple[date, datetime, datetime]]:
    """Cut [start, end) at the team's midnights, so hours are credited to the day they were worked."""
    pieces: list[tuple[date, datetime, datetime]] = []
    cursor = start
    while cursor < end:
        day = local_day(cursor, tz)
        day_end = day_bounds(day, tz)[1]
        piece_end = min(end, day_end)
        pieces.append((day, cursor, piece_end))
        cursor = piece_end
    return pieces


__all__ = ["TS_DTYPE", "UTC", "day_bounds", "days_between", "local_day", "month_bounds", "split_by_day"]


MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")  # a month as people type it: 2026-11


def month_days(month: str) -> tuple[date, date]:
    """The first and last day of "YYYY-MM"; ValueError for anything else."""
    if not MONTH.match(month or ""):
        raise ValueError(f"not a month: {month!r}")
    first = date.fromisoformat(month + "-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


def previous_month(today: date) -> str:
    return month_of(today.replace(day=1) - timedelta(days=1))


# The calendar Baton answers about. A date a person types is checked against it before any
# arithmetic: the day after date.max, or year 1 in a zone east of UTC, overflows datetime, and a
# year outside this range is a typo anyway. Every parser of a date, month or week uses these.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def in_calendar(day: date) -> bool:
    return FIRST_DAY <= day <= LAST_DAY


def week_in_calendar(monday: date) -> bool:
    """Whether the week starting `monday` has a day in the calendar: 2000-01-01, a Saturday, lies in a week begun in 1999."""
    return FIRST_DAY - timedelta(days=6) <= monday <= LAST_DAY


def month_in_calendar(month: str) -> bool:
    """Whether "YYYY-MM" is a month of Baton's calendar; False for text that is no month at all."""
    try:
        first, last = month_days(month)
    except ValueError:
        return False
    return in_calendar(first) and in_calendar(last)
