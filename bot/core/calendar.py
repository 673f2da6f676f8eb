"""Dates, months and weeks people type, held to Baton's calendar (domain.time) before anything is computed from them."""

from __future__ import annotations

from datetime import date

from bot.core.errors import Refused
from domain.time import FIRST_DAY, LAST_DAY, in_calendar, month_in_calendar


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
