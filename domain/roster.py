"""The roster: who is scheduled on which shared account, on which weekdays, at which local hours.

``expand_roster`` turns the weekly plan into concrete UTC windows, the ``roster`` frame that
``domain.attribution`` falls back to when nobody held an account:

    account (str), agent_id (int64), start, end (domain.time.TS_DTYPE), each window [start, end)

Shift times are wall-clock times in the team's zone, so a 09:00 shift starts at 09:00 local on
both sides of a daylight-saving change and its UTC length follows the clocks. A wall time that
does not exist (inside a spring-forward gap) is read with the offset in force before the change;
an ambiguous one (fall-back) is its first occurrence.

An occurrence belongs to the local day it starts on: a 22:00-06:00 shift of Friday ends on
Saturday morning. A plan entry is valid on the days [valid_from, valid_to] (open-ended without
valid_to), so its occurrences start only on those days, and none on its skipped days (an
occurrence given to a colleague in an approved swap).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
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
    valid_from: date | None = None  # None: since ever
    valid_to: date | None = None  # None: until further notice; else the last day an occurrence starts
    skipped: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekdays", frozenset(self.weekdays))
        object.__setattr__(self, "skipped", frozenset(self.skipped))
        if not self.weekdays:
            raise ValueError("a roster entry needs at least one weekday")
        if not self.weekdays <= set(range(7)):
            raise ValueError(f"weekdays run from 0 (Monday) to 6 (Sunday), got {sorted(self.weekdays)}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("shift times are wall-clock times in the team's zone, without a tzinfo")
        if self.valid_from is not None and self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"a roster entry valid to {self.valid_to} cannot start on {self.valid_from}")

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def runs_on(self, day: date) -> bool:
        """An occurrence starts on `day`: a weekday of the plan, inside its validity, not skipped."""
        return day.weekday() in self.weekdays and self.valid_on(day) and day not in self.skipped

    def window_on(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The shift starting on `day`, in UTC; None when the agent is off that day."""
        if not self.runs_on(day):
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


# -- changing the plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class Superseded:
    """What is left of an entry once a newer one for the same agent and account takes over.

    keep_until: the old entry's new last day, or None when nothing before the new one is left
    (the old entry is then replaced whole); pieces: the rest of the old plan, as new entries.
    """

    keep_until: date | None
    pieces: tuple[RosterEntry, ...]


def supersede(old: RosterEntry, new: RosterEntry) -> Superseded | None:
    """The newer entry replaces the old one on its own weekdays, over its own validity.

    None when they do not meet: another agent or account, no weekday in common, or validities
    that do not overlap. The old plan goes on unchanged before the new one, on its other weekdays
    while the new one runs, and after the new one ends.
    """
    if (old.agent_id, old.account) != (new.agent_id, new.account) or not old.weekdays & new.weekdays:
        return None
    if not _overlapping(old.valid_from, old.valid_to, new.valid_from, new.valid_to):
        return None
    keep_until = None
    if new.valid_from is not None and (old.valid_from is None or old.valid_from < new.valid_from):
        keep_until = new.valid_from - timedelta(days=1)
    pieces = []
    others = old.weekdays - new.weekdays
    if others:
        pieces.append(
            replace(old, weekdays=others, valid_from=_later(old.valid_from, new.valid_from), valid_to=_earlier(old.valid_to, new.valid_to))
        )
    if new.valid_to is not None and (old.valid_to is None or old.valid_to > new.valid_to):
        pieces.append(replace(old, valid_from=new.valid_to + timedelta(days=1)))
    return Superseded(keep_until, tuple(pieces))


def _overlapping(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    return (a_to is None or b_from is None or b_from <= a_to) and (b_to is None or a_from is None or a_from <= b_to)


def _later(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else max(a, b)


def _earlier(a: date | None, b: date | None) -> date | None:
    return b if a is None else a if b is None else min(a, b)


# -- two people on one account -----------------------------------------------------------------------


@dataclass(frozen=True)
class Overlap:
    """Two agents rostered on one account at the same time: allowed, but worth a look."""

    account: str
    first_agent: int
    second_agent: int
    start: datetime
    end: datetime


def overlaps(windows: pd.DataFrame) -> list[Overlap]:
    """Every pair of windows of different agents on one account that share time, in time order."""
    found = []
    for account, group in windows.groupby("account", sort=True):
        rows = sorted(group.itertuples(index=False), key=lambda r: (r.start, r.agent_id))
        for i, first in enumerate(rows):
            for second in rows[i + 1 :]:
                if second.start >= first.end:
                    break
                if second.agent_id != first.agent_id:
                    a, b = sorted((int(first.agent_id), int(second.agent_id)))
                    found.append(Overlap(account, a, b, second.start.to_pydatetime(), min(first.end, second.end).to_pydatetime()))
    return sorted(found, key=lambda o: (o.start, o.account, o.first_agent, o.second_agent))


# -- the notation people type -------------------------------------------------------------------------

_DAY_WORDS = {
    "daily": "1-7",
    "everyday": "1-7",
    "all": "1-7",
    "每天": "1-7",
    "每日": "1-7",
    "天天": "1-7",
    "weekdays": "1-5",
    "工作日": "1-5",
    "weekend": "6-7",
    "weekends": "6-7",
    "周末": "6-7",
}
_DAY_CHARS = {**{str(n): n for n in range(1, 8)}, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}
_RANGE = re.compile(r"[~～至到—–]")
_LIST = re.compile(r"[,，、;；/ ]+")
_PREFIX = re.compile(r"星期|礼拜|周")
_HOURS = re.compile(r"^([01]?\d|2[0-4])[:：]([0-5]\d)\s*(?:-|~|～|–|—|至|到)\s*([01]?\d|2[0-4])[:：]([0-5]\d)$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_weekdays(text: str) -> frozenset[int] | None:
    """Weekdays as people write them, 1 = Monday … 7 = Sunday: 1-5, 1,3,5, 6-7, 一至五, 周六日, 工作日.

    A range that wraps (5-1) runs over the weekend. The result counts 0 = Monday, as
    date.weekday(); None for anything else.
    """
    text = _DAY_WORDS.get(text.strip().lower(), text.strip().lower())
    text = _PREFIX.sub("", _RANGE.sub("-", text))
    days: set[int] = set()
    for item in _LIST.split(text):
        if not item:
            continue
        ends = item.split("-")
        if len(ends) == 2 and all(e in _DAY_CHARS for e in ends):
            first, last = _DAY_CHARS[ends[0]], _DAY_CHARS[ends[1]]
            days.update((first - 1 + n) % 7 for n in range((last - first) % 7 + 1))
        elif len(ends) == 1 and all(ch in _DAY_CHARS for ch in item):
            days.update(_DAY_CHARS[ch] - 1 for ch in item)
        else:
            return None
    return frozenset(days) or None


def weekdays_text(weekdays: Iterable[int]) -> str:
    """The shortest way to write the weekdays back: 1-5, 1,3,5, 1-3,6 (1 = Monday)."""
    numbers = sorted(d + 1 for d in set(weekdays))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ",".join(map(str, r)) for r in runs)


def parse_hours(text: str) -> tuple[time, time] | None:
    """HH:MM-HH:MM in local wall-clock time; 24:00 ends at midnight; an end at or before the start is the next day."""
    match = _HOURS.match(text.strip())
    if match is None:
        return None
    start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
    if start_h == 24 or (end_h == 24 and end_m):
        return None
    return time(start_h, start_m), time(end_h % 24, end_m)


def parse_week(text: str, today: date) -> date | None:
    """The Monday of the ISO week `text` names (2026-W48) or a date (YYYY-MM-DD) lies in; empty: this week."""
    text = text.strip()
    if not text:
        day = today
    elif match := _WEEK.match(text):
        try:
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            return None
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return None
    return day - timedelta(days=day.weekday())


__all__ = [
    "ROSTER_COLUMNS",
    "Overlap",
    "RosterEntry",
    "Superseded",
    "expand_roster",
    "overlaps",
    "parse_hours",
    "parse_week",
    "parse_weekdays",
    "supersede",
    "weekdays_text",
]
