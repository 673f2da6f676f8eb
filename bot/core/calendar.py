"""Dates, months and weeks people type, held to Baton's calendar (domain.time) before anything is computed from them."""

from __future__ import annotations

import re
from datetime import date, time

from bot.core.errors import Refused
from domain.time import FIRST_DAY, LAST_DAY, in_calendar, month_in_calendar

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def outside(typed: str) -> Refused:
    return Refused("out_of_calendar", value=typed, first=FIRST_DAY.year, last=LAST_DAY.year)


def checked_day(day: date, typed: str) -> date:
    """`day` as read from `typed`; refused, quoting what was typed, when it lies outside the calendar."""
    if not in_calendar(day):
        raise outside(typed)
    return day


def checked_month(month: str) -> str:
    """A "YYYY-MM" already matched by domain.time.MONTH; refused when outside the calendar."""
    if not month_in_calendar(month):
        raise outside(month)
    return month


def parse_day(text: str) -> date | None:
    """YYYY-MM-DD; None for anything else, Refused outside the calendar."""
    if not _DATE.match(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return checked_day(day, text)


def parse_wall(text: str) -> time | None:
    match = _TIME.match(text)
    return time(int(match[1]), int(match[2])) if match else None
