"""What people type after /stats."""

from __future__ import annotations

from datetime import date

from bot.core.calendar import checked_day, checked_month
from domain.time import MONTH, month_days


def parse_period(text: str) -> tuple[str, date, date] | None:
    """YYYY-MM-DD (that day) or YYYY-MM (that month) → (label, first day, last day); Refused outside the calendar."""
    if MONTH.match(text):
        return text, *month_days(checked_month(text))
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return text, checked_day(day, text), day
