"""/audit's one argument: how many entries to show."""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_SHOWN = 10
MAX_SHOWN = 50


def parse_count(args: Sequence[str], *, maximum: int | None = MAX_SHOWN) -> int | None:
    """`[n]` → n; None when it is not a whole number from 1 to `maximum`."""
    if not args:
        return DEFAULT_SHOWN
    if len(args) > 1 or not args[0].isdecimal():
        return None
    n = int(args[0])
    return n if n >= 1 and (maximum is None or n <= maximum) else None
