"""Compiling the ledger: holds and cases become point entries per agent and day.

Points are kept in integer millipoints so that sums are exact and the same input always
compiles to the same ledger, on SQLite and PostgreSQL alike.
Each derived entry carries a `source` that names what it was derived from; together with
agent, day and kind it is the entry's identity, so recompiling never duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from domain.attribution import Attribution
from domain.collaboration import COVER, HANDOVER, PEAK_HELP, THANKS, subtract, union
from domain.holds import Hold
from domain.time import day_bounds, local_day, split_by_day

MILLI = 1000

HOURS = "hours"
CASE = "case"
CONVERSATION = "conversation"
ADJUSTMENT = "adjustment"
# A platform's day total shared among the holders by hold time (domain.apportion) where the day
# has no conversation data: an estimate, kept apart from conversations credited one by one.
APPORTIONED = "apportioned"
# Kinds the compile job derives and may replace; anything else is written by people and kept.
DERIVED_KINDS = frozenset({HOURS, CASE, CONVERSATION, APPORTIONED, COVER, HANDOVER, THANKS, PEAK_HELP})


@dataclass(frozen=True)
class PointRates:
    per_case: float = 1.0
    per_hour: float = 1.0
    per_conversation: float = 0.5

    def __post_init__(self) -> None:
        if min(self.per_case, self.per_hour, self.per_conversation) < 0:
            raise ValueError("point rates cannot be negative")


@dataclass(frozen=True)
class LoggedCase:
    id: int
    agent_id: int
    account: str
    at: datetime
    case_type: str


@dataclass(frozen=True)
class Entry:
    agent_id: int
    day: date
    kind: str
    source: str
    millipoints: int
    quantity: float  # seconds held for HOURS, 1 per case for CASE, points for manual kinds

    @property
    def key(self) -> tuple[int, date, str, str]:
        return (self.agent_id, self.day, self.kind, self.source)


def to_millipoints(points: float) -> int:
    return round(points * MILLI)


def compile_day(
    day: date,
    tz: ZoneInfo,
    holds: Iterable[Hold],
    cases: Iterable[LoggedCase],
    rates: PointRates,
    now: datetime,
    idle: Mapping[int, Sequence[tuple[datetime, datetime]]] | None = None,
) -> list[Entry]:
    """The derived entries of one calendar day, in a stable order.

    An open hold counts up to `now`; a day in the future of `now` compiles to nothing.
    A hold's idle stretches (`idle`, by hold id: domain.presence.idle_spans) earn no hours.
    A case is credited to the agent who logged it: the bot only accepts a case from the
    account's holder, so the logger is the holder at that moment.
    """
    day_start, day_end = day_bounds(day, tz)
    horizon = min(day_end, now)
    entries: list[Entry] = []
    for hold in holds:
        end = hold.end if hold.end is not None else now
        seconds = 0.0
        for lo, hi in subtract([(hold.start, end)], union((idle or {}).get(hold.id or 0, ()))):
            for piece_day, start, stop in split_by_day(max(lo, day_start), min(hi, horizon), tz):
                if piece_day == day and stop > start:
                    seconds += (stop - start).total_seconds()
        if seconds > 0:
            entries.append(Entry(hold.agent_id, day, HOURS, f"hold:{hold.id}", to_millipoints(rates.per_hour * seconds / 3600), seconds))
    for case in cases:
        if local_day(case.at, tz) == day and case.at < now:
            entries.append(Entry(case.agent_id, day, CASE, f"case:{case.id}", to_millipoints(rates.per_case), 1.0))
    return sorted(entries, key=lambda e: (e.agent_id, e.kind, e.source))


def conversation_entries(
    attribution: Attribution,
    tz: ZoneInfo,
    rates: PointRates,
    days: Iterable[date],
    idle: Iterable[tuple[str, int, datetime, datetime]] = (),
) -> list[Entry]:
    """Credited conversations per agent, day, account and status (held or roster), as entries.

    One entry per group rather than per conversation keeps the ledger small; which conversation
    went to whom is recomputed by attribution whenever it is asked for. A conversation credited
    to a holder at a moment of their idle hours (`idle`: account, agent_id, start, end) earns
    them nothing: any reply during a hold is a sign of its holder, so only a conversation nobody
    answered while they were gone lands there.
    """
    wanted = set(days)
    if attribution.credits.empty:
        return []
    moments = attribution.statuses[[attribution.id_column, "account", "at"]]
    credited = attribution.credits.merge(moments, on=attribution.id_column)
    for account, agent_id, start, end in idle:
        gone = (
            (credited["account"] == account)
            & (credited["agent_id"] == agent_id)
            & (credited["status"].astype(str) == "held")
            & (credited["at"] >= pd.Timestamp(start))
            & (credited["at"] < pd.Timestamp(end))
        )
        credited = credited[~gone]
    if credited.empty:
        return []
    credited["day"] = credited["at"].dt.tz_convert(tz).dt.date
    credited["status"] = credited["status"].astype(str)
    grouped = credited.groupby(["agent_id", "day", "account", "status"], sort=True)["share"].sum()
    entries = []
    for (agent_id, day, account, status), share in grouped.items():
        if day in wanted:
            entries.append(
                Entry(
                    int(agent_id),
                    day,
                    CONVERSATION,
                    f"conversations:{account}:{status}",
                    to_millipoints(rates.per_conversation * share),
                    round(float(share), 6),
                )
            )
    return entries


def apportioned_entries(shares: pd.DataFrame, rates: PointRates, days: Iterable[date]) -> list[Entry]:
    """Apportioned conversations per agent, day and account (domain.apportion's shares), as
    entries of their own kind: worth ``per_conversation`` each, like a credited conversation,
    and never counted among the credited ones."""
    wanted = set(days)
    if shares.empty:
        return []
    grouped = shares.groupby(["agent_id", "day", "account"], sort=True)["value"].sum()
    return [
        Entry(
            int(agent_id),
            day,
            APPORTIONED,
            f"{APPORTIONED}:{account}",
            to_millipoints(rates.per_conversation * count),
            float(count),
        )
        for (agent_id, day, account), count in grouped.items()
        if day in wanted and count > 0
    ]
