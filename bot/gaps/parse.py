"""What supervisors type after /gaps and /assign: a day, and a window on an account for someone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.core.calendar import parse_day

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


def parse_assign(args: Sequence[str], today: date, tz: ZoneInfo) -> tuple[str, datetime, datetime, str] | None:
    """`<account> [YYYY-MM-DD] <from> <to> @agent` → (account, start, end, handle)."""
    words = list(args)
    if len(words) < 4:
        return None
    account = words.pop(0).lower()
    day: date | None = today
    if _DATE.match(words[0]):
        day = parse_day(words.pop(0))
        if day is None:
            return None
    if len(words) < 3 or not (_TIME.match(words[0]) and _TIME.match(words[1])):
        return None
    start = datetime.combine(day, time.fromisoformat(words[0].zfill(5)), tzinfo=tz)
    end = datetime.combine(day, time.fromisoformat(words[1].zfill(5)), tzinfo=tz)
    return account, start, end, " ".join(words[2:])
