"""What the holder types to say when they left: a time of day, and for /left perhaps an account."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time

# 18:30, 9:05 or 18：30 (a Chinese keyboard's colon).
_WALL_TIME = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:：]\s*([0-5]\d)\s*$")


def parse_wall_time(word: str) -> time | None:
    match = _WALL_TIME.match(word)
    return time(int(match[1]), int(match[2])) if match else None


def parse_left(args: Sequence[str]) -> tuple[time, str | None] | None:
    """`/left HH:MM [account]`, in either order → (time, account); None when it is not that."""
    wall = next((w for w in map(parse_wall_time, args) if w is not None), None)
    rest = [w for w in args if parse_wall_time(w) is None]
    if wall is None or len(rest) > 1:
        return None
    return wall, rest[0].lower() if rest else None
