"""Sharing a platform's totals among the people who held the account, by hold time.

On a shared login a per-agent report has one row for the whole team. When a day has no
session-level data, those totals are the only measure of the day's work; they are shared
among the holders in proportion to the time each held the account inside the platform's
scoring hours (``[checks] scoring_hours``: JD 09:00-23:00, Tmall 08:00-24:00; a platform
without a window counts every hour). An hourly report is shared hour by hour.

Everything here is labelled APPORTIONED: it is an estimate from hold time, not conversations
credited to whoever held the account at their moment, and must never be added silently to
per-conversation credit. Counts are shared as whole numbers by largest remainder (the same
rule that splits the bonus pool to the cent), so each slot's shares add up to its total
exactly. A slot nobody held in scoring hours is not shared at all: it is reported, with why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pandas as pd

from domain.checks import watched_spans
from domain.collaboration import intersect, union
from domain.ledger import APPORTIONED
from domain.payouts import split_pool_cents
from domain.reconcile import CONSULTED, RECEIVED, counted_measure, reference_rows
from domain.time import day_bounds

NOBODY_HELD = "nobody_held"
HELD_OUTSIDE_SCORING_HOURS = "held_outside_scoring_hours"

Window = tuple[time, time] | None
Span = tuple[datetime, datetime]

SHARE_COLUMNS = ["account", "day", "hour", "agent_id", "measure", "value", "held_seconds", "basis"]
UNSHARED_COLUMNS = ["account", "day", "hour", "measure", "value", "reason"]


@dataclass(frozen=True)
class Apportionment:
    """``shares``: one row per slot, agent and measure (basis = APPORTIONED);
    ``unshared``: the slots' totals nobody could be given, with the reason."""

    shares: pd.DataFrame
    unshared: pd.DataFrame

    def per_agent(self) -> pd.DataFrame:
        """Each agent's apportioned totals: agent_id x measure, whole numbers."""
        if self.shares.empty:
            return pd.DataFrame()
        return self.shares.pivot_table(index="agent_id", columns="measure", values="value", aggfunc="sum", fill_value=0)


def apportion_totals(
    totals: pd.DataFrame,
    holds: pd.DataFrame,
    measures: Sequence[str],
    *,
    windows: Mapping[str, Window],
    tz: ZoneInfo,
    now: datetime,
) -> Apportionment:
    """Share each slot's ``measures`` among its holders.

    ``totals``: account, day (date), hour (0-23, NA for the whole day) and the measures
    (whole numbers, NA when unknown); several rows of one slot (one per 客服) are added up.
    ``holds``: account, agent_id, start, end (NaT while open: held until ``now``).
    ``windows``: account -> its platform's scoring hours, local [from, to)."""
    slots = _slots(totals, measures)
    spans = _held_spans(holds, now)
    shares: list[tuple] = []
    unshared: list[tuple] = []
    for (account, day, hour), values in slots.items():
        slot = _slot_span(day, hour, tz)
        scoring = _scoring(slot, day, windows.get(account), tz)
        held = {agent: _seconds(intersect(agent_spans, scoring)) for agent, agent_spans in spans.get(account, {}).items()}
        weights = {agent: Fraction(round(seconds * 1e6)) for agent, seconds in held.items() if seconds > 0}
        if not weights:
            anyone = any(intersect(agent_spans, [slot]) for agent_spans in spans.get(account, {}).values())
            reason = HELD_OUTSIDE_SCORING_HOURS if anyone else NOBODY_HELD
            unshared.extend((account, day, hour, measure, value, reason) for measure, value in values.items())
            continue
        for measure, value in values.items():
            for agent, share in split_pool_cents(value, weights).items():
                shares.append((account, day, hour, agent, measure, share, held[agent], APPORTIONED))
    return Apportionment(
        pd.DataFrame(shares, columns=SHARE_COLUMNS).astype({"hour": "Int64"}),
        pd.DataFrame(unshared, columns=UNSHARED_COLUMNS).astype({"hour": "Int64"}),
    )


def without_conversations(totals: pd.DataFrame, conversation_days: pd.DataFrame) -> pd.DataFrame:
    """The totals rows of account-days that have no conversation data (the only days to apportion).

    ``conversation_days``: account, day, one row per account-day with conversations."""
    if totals.empty or conversation_days.empty:
        return totals
    covered = pd.MultiIndex.from_frame(conversation_days[["account", "day"]])
    keys = pd.MultiIndex.from_frame(totals[["account", "day"]])
    return totals.loc[~keys.isin(covered)]


def apportion_days(
    totals: pd.DataFrame,
    conversation_days: pd.DataFrame,
    holds: pd.DataFrame,
    *,
    windows: Mapping[str, Window],
    tz: ZoneInfo,
    now: datetime,
) -> Apportionment:
    """The conversations a report credits where nothing else can: on each account-day with no
    conversation data, the day's platform count shared by hold time.

    The count is the one reconciliation compares (domain.reconcile): 接待人数 (``received``),
    else 咨询人数 (``consulted``), from the day's whole-day rows, else its hourly rows (shared
    hour by hour). ``conversation_days``: account, day of the conversations Baton holds."""
    rows = reference_rows(without_conversations(totals, conversation_days))
    chosen = []
    for _, group in rows.groupby(["account", "day"], sort=True):
        measure = counted_measure(group)
        if measure is not None:
            other = CONSULTED if measure == RECEIVED else RECEIVED
            chosen.append(group.assign(**{other: pd.NA}) if other in group else group)
    frame = pd.concat(chosen, ignore_index=True) if chosen else rows.iloc[0:0]
    return apportion_totals(frame, holds, [m for m in (RECEIVED, CONSULTED) if m in frame], windows=windows, tz=tz, now=now)


def _slots(totals: pd.DataFrame, measures: Sequence[str]) -> dict[tuple, dict[str, int]]:
    slots: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in totals.itertuples(index=False):
        hour = getattr(row, "hour", None)
        key = (row.account, row.day, None if hour is None or pd.isna(hour) else int(hour))
        for measure in measures:
            value = getattr(row, measure, None)
            if value is None or pd.isna(value):
                continue
            if int(value) != value or value < 0:
                raise ValueError(f"{measure} must be a whole number of at least 0, not {value!r}")
            slots[key][measure] = slots[key].get(measure, 0) + int(value)
    return {
        key: values
        for key, values in sorted(slots.items(), key=lambda item: (item[0][0], item[0][1], -1 if item[0][2] is None else item[0][2]))
        if values
    }


def _slot_span(day: date, hour: int | None, tz: ZoneInfo) -> Span:
    if hour is None:
        return day_bounds(day, tz)
    start = datetime.combine(day, time(hour), tzinfo=tz)
    return start.astimezone(UTC), (start + timedelta(hours=1)).astimezone(UTC)


def _scoring(slot: Span, day: date, window: Window, tz: ZoneInfo) -> list[Span]:
    if window is None:
        return [slot]
    return intersect(watched_spans(window, day - timedelta(days=1), day, tz), [slot])


def _held_spans(holds: pd.DataFrame, now: datetime) -> dict[str, dict[int, list[Span]]]:
    """account -> agent -> the agent's holds merged (two holds at once count once)."""
    spans: dict[str, dict[int, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for account, agent, start, end in holds[["account", "agent_id", "start", "end"]].itertuples(index=False):
        stop = now if pd.isna(end) else end.to_pydatetime()
        if stop > start:
            spans[account][int(agent)].append((start.to_pydatetime(), stop))
    return {account: {agent: union(s) for agent, s in agents.items()} for account, agents in spans.items()}


def _seconds(spans: list[Span]) -> float:
    return sum((end - start).total_seconds() for start, end in spans)


__all__ = [
    "APPORTIONED", "HELD_OUTSIDE_SCORING_HOURS", "NOBODY_HELD", "SHARE_COLUMNS", "UNSHARED_COLUMNS",
    "Apportionment", "apportion_days", "apportion_totals", "without_conversations",
]  # fmt: skip
