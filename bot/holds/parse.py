"""What a supervisor types after /fix_hold: an account and a day to list, or a hold, its new times and why."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from bot.core.calendar import parse_day, parse_wall

_HOLD = re.compile(r"^#?(\d{1,18})$")
_FIELD = re.compile(r"^(start|end)=(.*)$", re.IGNORECASE)

Typed = tuple[date | None, time]  # a time typed, on a day or not (domain.holds.fixed_span reads it)


@dataclass(frozen=True)
class ListHolds:
    account: str
    day: date | None  # None: today


@dataclass(frozen=True)
class FixHold:
    hold_id: int
    start: Typed | None
    end: Typed | None
    reason: str  # may be empty: the use case refuses that, in words


def parse_fix_hold(args: Sequence[str]) -> ListHolds | FixHold | None:
    """`<account> [YYYY-MM-DD]` or `#<hold> [start=<t>] [end=<t>] <reason…>`; None when it is neither.

    A time <t> is HH:MM, YYYY-MM-DDTHH:MM, or YYYY-MM-DD followed by HH:MM as the next word.
    """
    words = list(args)
    if not words:
        return None
    hold = _HOLD.match(words[0])
    if hold is None:
        if len(words) > 2:
            return None
        day = parse_day(words[1]) if len(words) == 2 else None
        if len(words) == 2 and day is None:
            return None
        return ListHolds(words[0].lower(), day)
    values: dict[str, Typed] = {}
    rest = words[1:]
    while rest and (field := _FIELD.match(rest[0])) is not None:
        name, value = field[1].lower(), field[2]
        rest = rest[1:]
        typed = _typed(value, rest)
        if typed is None or name in values:
            return None
        if typed[0] is not None and "T" not in value.upper() and rest and parse_wall(rest[0]) is not None:
            rest = rest[1:]
        values[name] = typed
    if not values:
        return None
    return FixHold(int(hold[1]), values.get("start"), values.get("end"), " ".join(rest).strip())


def _typed(value: str, following: Sequence[str]) -> Typed | None:
    wall = parse_wall(value)
    if wall is not None:
        return None, wall
    day_text, _, wall_text = value.upper().partition("T")
    if not wall_text:
        wall_text = following[0] if following else ""
    day, wall = parse_day(day_text), parse_wall(wall_text)
    if day is None or wall is None:
        return None
    return day, wall
