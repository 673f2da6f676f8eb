"""What supervisors type after /adjust, /close_month and /reopen_month, and the pool `baton close-month` takes."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal

from bot.core.calendar import checked_month
from domain.time import MONTH

_POINTS = re.compile(r"^[+-]\d+(\.\d+)?$")
# Points are shown with two decimals (standings, /me, /why), so an adjustment is recorded as shown:
# a finer amount would be invisible, or would print as +1e-07.
POINTS_SHOWN = Decimal("0.01")


def shown_points(text: str) -> float:
    """±points as typed, rounded half away from zero to the hundredths that are displayed."""
    # Precision to spare for any length typed: a 400-digit amount is refused by the use case's bound, not here.
    return float(Decimal(text).quantize(POINTS_SHOWN, rounding=ROUND_HALF_UP, context=Context(prec=len(text) + 3)))


def parse_pool(text: str) -> int | None:
    """An amount in yuan, at most two decimals, as integer cents."""
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", text or ""):
        return None
    whole, _, fraction = text.partition(".")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


def month_argument(text: str) -> str:
    """A month given on the command line: one that reads YYYY-MM is Refused outside the calendar; the
    use case refuses one that does not."""
    return checked_month(text) if MONTH.match(text) else text


def parse_adjust(args: list[str], replied_to: str | None) -> tuple[str, float, str | None, str] | None:
    """`@name ±points [YYYY-MM] reason`, or `±points [YYYY-MM] reason` as a reply → (handle, points, month, reason).

    The points come back rounded to hundredths; a month outside the calendar is Refused.
    """
    words = list(args)
    handle = replied_to
    if handle is None:
        if not words:
            return None
        handle = words.pop(0)
    if not words or not _POINTS.match(words[0]):
        return None
    points = shown_points(words.pop(0))
    month = checked_month(words.pop(0)) if words and MONTH.match(words[0]) else None
    return handle, points, month, " ".join(words)


def parse_close(args: list[str], default_month: str, default_pool: int) -> tuple[str, int] | None:
    """`[YYYY-MM] [pool]` in either order → (month, pool in cents); a month outside the calendar is Refused."""
    month, pool = default_month, default_pool
    for word in args:
        if MONTH.match(word):
            month = checked_month(word)
        elif (cents := parse_pool(word)) is not None:
            pool = cents
        else:
            return None
    return month, pool


def parse_reopen(args: list[str]) -> tuple[str, str] | None:
    """`YYYY-MM reason…` → (month, reason); a month outside the calendar is Refused."""
    if len(args) < 2 or not MONTH.match(args[0]):
        return None
    return checked_month(args[0]), " ".join(args[1:])
