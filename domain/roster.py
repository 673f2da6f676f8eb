"""The roster: who is scheduled on which shared account, on which weekdays, at which local hours.

``expand_roster`` turns the weekly plan into concrete UTC windows, the ``roster`` frame that
``domain.attribution`` falls back to when nobody held an account:

    account (str), agent_id (int64), start, end (domain.time.TS_DTYPE), each window [start, end)

Shift times are wall-clock times in the team's zone, so a 09:00 shift starts at 09:00 local on
both sides of a daylight-saving change and its UTC length follows the clocks. A wall time that
does not exist (inside a spring-forward gap) is read with the offset in force before the change;
an ambiguous one (fall-back) is its first occurrence.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from domain.time import TS_DTYPE, days_between

ROSTER_COLUMNS = ["account", "agent_id", "start", "end"]


@dataclass(frozen=True)
class RosterEntry:
    """One agent on one account on some weekdays (0 = Monday … 6 = Sunday, as date.weekday()).

    When end <= start the shift crosses midnight and ends the next day (equal times: 24 hours).
    The weekday is the day the shift starts.
    """

    agent_id: int
    account: str
    weekdays: frozenset[int]
    start: time
    end: time

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        if not self.weekdays:
            raise ValueError("a roster entry needs at least one weekday")
        if not self.weekdays <= set(range(7)):
            raise ValueError(f"weekdays run from 0 (Monday) to 6 (Sunday), got {sorted(self.weekdays)}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("shift times are wall-clock times in the team's zone, without a tzinfo")

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def window_on(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The shift starting on `day`, in UTC; None when the agent is off that weekday."""
        if day.weekday() not in self.weekdays:
            return None
        end_day = day + timedelta(days=1) if self.crosses_midnight else day
        start = datetime.combine(day, self.start, tzinfo=tz).astimezone(UTC)
        end = datetime.combine(end_day, self.end, tzinfo=tz).astimezone(UTC)
        return start, end


def expand_roster(entries: Iterable[RosterEntry], first_day: date, last_day: date, tz: ZoneInfo) -> pd.DataFrame:
    """Concrete UTC windows for every shift starting on a local day from first_day to last_day.

    A night shift that started the evening before first_day is not included: pass the day before
    to cover the early hours of first_day. Sorted by account, start, agent_id.
    """
    plan = list(entries)
    # A shift squeezed to nothing by a spring-forward gap schedules nobody.
    rows = [
        (entry.account, entry.agent_id, *window)
        for day in days_between(first_day, last_day)
        for entry in plan
        if (window := entry.window_on(day, tz)) is not None and window[1] > window[0]
    ]
    frame = pd.DataFrame(rows, columns=ROSTER_COLUMNS)
    frame = frame.astype({"account": object, "agent_id": "int64"})
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column], utc=True).astype(TS_DTYPE)
    return frame.sort_values(["account", "start", "agent_id"], ignore_index=True)


__all__ = ["ROSTER_COLUMNS", "RosterEntry", "expand_roster"]
