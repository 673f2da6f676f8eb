"""What supervisors type after /adjust, /close_month and /reopen_month, and the pool `baton close-month` takes."""

from __future__ import annotations

import re

from domain.time import MONTH

_POINTS = re.compile(r"^[+-]\d+(\.\d+)?$")


def parse_pool(text: str) -> int | None:
    """An amount in yuan, at most two decimals, as integer cents."""
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", text or ""):
        return None
    whole, _, fraction = text.partition(".")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


def parse_adjust(args: list[str], replied_to: str | None) -> tuple[str, float, str | None, str] | None:
    """`@name ±points [YYYY-MM] reason`, or `±points [YYYY-MM] reason` as a reply → (handle, points, month, reason)."""
    words = list(args)
    handle = replied_to
    if handle is None:
        if not words:
            return None
        handle = words.pop(0)
    if not words or not _POINTS.match(words[0]):
        return None
    points = float(words.pop(0))
    month = words.pop(0) if words and MONTH.match(words[0]) else None
    return handle, points, month, " ".join(words)


def parse_close(args: list[str], default_month: str, default_pool: int) -> tuple[str, int] | None:
    """`[YYYY-MM] [pool]` in either order → (month, pool in cents)."""
    month, pool = default_month, default_pool
    for word in args:
        if MONTH.match(word):
            month = word
        elif (cents := parse_pool(word)) is not None:
            pool = cents
        else:
            return None
    return month, pool


def parse_reopen(args: list[str]) -> tuple[str, str] | None:
    """`YYYY-MM reason…` → (month, reason)."""
    if len(args) < 2 or not MONTH.match(args[0]):
        return None
    return args[0], " ".join(args[1:])
