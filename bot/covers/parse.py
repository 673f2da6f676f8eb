"""What a coverer types after /covered: the account, an optional day, and the span, HH:MM-HH:MM."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from bot.core.calendar import parse_day, parse_wall

_SPAN = re.compile(r"^(\d{1,2}[:：]\d{2})\s*(?:-|–|—|~|～|至|到|to)\s*(\d{1,2}[:：]\d{2})$", re.IGNORECASE)
MAX_ARGS = 6  # account, day, and a span typed with spaces around its dash: anything longer is not a claim


@dataclass(frozen=True)
class ClaimTyped:
    account: str
    day: date | None  # None: the latest day on which the span has begun by now
    start: time
    end: time


def parse_claim(args: Sequence[str]) -> ClaimTyped | None:
    """`<account> [YYYY-MM-DD] HH:MM-HH:MM`; None when it is not that."""
    words = list(args)
    if len(words) < 2 or len(words) > MAX_ARGS:
        return None
    account, rest = words[0].lower(), words[1:]
    day = parse_day(rest[0])
    if day is not None:
        rest = rest[1:]
    span = _SPAN.match(" ".join(rest))
    if span is None:
        return None
    start, end = parse_wall(span[1]), parse_wall(span[2])
    if start is None or end is None:
        return None
    return ClaimTyped(account, day, start, end)
