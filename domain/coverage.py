"""Coverage: how much of a day each account was held."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.holds import Hold
from domain.time import day_bounds


@dataclass(frozen=True)
class Coverage:
    account: str
    held_seconds: float
    elapsed_seconds: float  # the part of the day that has happened: all of it once it is over

    @property
    def ratio(self) -> float:
        return self.held_seconds / self.elapsed_seconds if self.elapsed_seconds > 0 else 0.0


def coverage(day: date, tz: ZoneInfo, accounts: Iterable[str], holds: Iterable[Hold], now: datetime) -> list[Coverage]:
    """Held time per account within the day, merging overlaps so nothing counts twice."""
    day_start, day_end = day_bounds(day, tz)
    horizon = max(day_start, min(day_end, now))
    by_account: dict[str, list[tuple[datetime, datetime]]] = {a: [] for a in accounts}
    for hold in holds:
        start = max(hold.start, day_start)
        end = min(hold.end if hold.end is not None else now, horizon)
        if hold.account in by_account and end > start:
            by_account[hold.account].append((start, end))
    result = []
    for account, spans in by_account.items():
        held = 0.0
        cursor = day_start
        for start, end in sorted(spans):
            start = max(start, cursor)
            if end > start:
                held += (end - start).total_seconds()
                cursor = end
        result.append(Coverage(account, held, (horizon - day_start).total_seconds()))
    return result
