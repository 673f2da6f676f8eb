"""Collaboration points as ledger entries, derived from what is stored: holds, notes, thanks, load.

The compile (bot/ledger/service.py) adds them to the hours, cases and conversations of each day;
the commands that leave this evidence (/thanks, /note, /join) are the collab feature's.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from domain.collaboration import (
    COVER,
    HANDOVER,
    PEAK_HELP,
    THANKS,
    CollaborationPolicy,
    cover_minutes,
    cover_points,
    handover_points,
    peak_help_minutes,
    peak_help_points,
    thanks_points,
)
from domain.holds import HOLDER
from domain.ledger import Entry, to_millipoints
from domain.time import TS_DTYPE, day_bounds
from storage.uow import Tables

HOLD_COLUMNS = ["account", "agent_id", "start", "end"]


def collaboration_entries(
    tables: Tables,
    *,
    days: Iterable[date],
    tz: ZoneInfo,
    now: datetime,
    policy: CollaborationPolicy,
    roster_windows: pd.DataFrame | None,
    conversations: pd.DataFrame,
    not_cover: Iterable[tuple[object, int | None, datetime, datetime]] = (),
) -> list[Entry]:
    """The cover, handover, thanks and peak-help entries of `days`: one per agent, day and kind.

    roster_windows: account, agent_id, start, end, reaching over the days (None: no roster, so
    nobody can cover for anyone). conversations: conversation_id, account, start, covering the
    days, for the load per account and hour. not_cover: (account, agent_id or None, start, end),
    held time that is never cover (bot/ledger/idle.not_cover: outside scoring hours, idle hours).
    Monthly caps are the month scoring's business.
    """
    days = sorted(set(days))
    if not days:
        return []
    start, end = day_bounds(days[0], tz)[0], day_bounds(days[-1], tz)[1]
    holds = tables.holds.with_roles_between(start, end)
    entries = (
        _cover(holds, roster_windows, policy, now, tz, list(not_cover))
        + _handovers(tables.holds.noted_hand_offs(start, end), policy, tz)
        + _thanks(tables.thanks.history(start, end, tz), policy)
        + _peak_help(holds, conversations, policy, now, tz)
    )
    wanted = set(days)
    return sorted((e for e in entries if e.day in wanted), key=lambda e: (e.day, e.agent_id, e.kind))


def _cover(
    holds: pd.DataFrame,
    roster: pd.DataFrame | None,
    policy: CollaborationPolicy,
    now: datetime,
    tz: ZoneInfo,
    not_cover: list[tuple[object, int | None, datetime, datetime]],
) -> list[Entry]:
    if roster is None or not len(roster):
        return []
    # A helper sits beside a holder by definition; what helpers do is paid as peak help.
    main = holds.loc[holds["role"] == HOLDER, HOLD_COLUMNS]
    minutes = cover_minutes(main, roster, now=now, tz=tz, min_minutes=policy.cover_min_minutes, excluded=not_cover)
    per_day = minutes.groupby(["agent_id", "day"])["minutes"].sum()
    if policy.cover_daily_cap_minutes is not None:
        per_day = per_day.clip(upper=policy.cover_daily_cap_minutes)
    return _as_entries(cover_points(minutes, policy), COVER, per_day)


def _handovers(noted: pd.DataFrame, policy: CollaborationPolicy, tz: ZoneInfo) -> list[Entry]:
    points = handover_points(noted, policy, tz)
    return _as_entries(points, HANDOVER, _counted(points, policy.handover_points))


def _thanks(history: pd.DataFrame, policy: CollaborationPolicy) -> list[Entry]:
    points = thanks_points(history, policy.thanks)
    return _as_entries(points, THANKS, _counted(points, policy.thanks.points))


def _peak_help(holds: pd.DataFrame, conversations: pd.DataFrame, policy: CollaborationPolicy, now: datetime, tz: ZoneInfo) -> list[Entry]:
    load = hourly_load(conversations, tz)
    minutes = peak_help_minutes(holds[HOLD_COLUMNS], load, policy.peak_threshold, now=now, tz=tz)
    per_day = minutes.groupby(["agent_id", "day"])["minutes"].sum()
    return _as_entries(peak_help_points(minutes, policy), PEAK_HELP, per_day)


def hourly_load(conversations: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Conversations per account and local clock hour: account, hour_start (UTC instant), conversations."""
    if not len(conversations):
        return pd.DataFrame(
            {"account": pd.Series(dtype=object), "hour_start": pd.Series(dtype=TS_DTYPE), "conversations": pd.Series(dtype="int64")}
        )
    start = pd.to_datetime(conversations["start"], utc=True).astype(TS_DTYPE)
    local = start.dt.tz_convert(tz).dt.tz_localize(None)
    # The instant the local clock last showed :00, so half-hour zones get their own hours.
    hour_start = start - (local - local.dt.floor("h")).to_numpy()
    frame = pd.DataFrame({"account": conversations["account"].to_numpy(dtype=object), "hour_start": hour_start.to_numpy()})
    frame["hour_start"] = frame["hour_start"].astype(TS_DTYPE)
    return frame.groupby(["account", "hour_start"], as_index=False).size().rename(columns={"size": "conversations"})


def _counted(points: pd.DataFrame, each: float) -> pd.Series:
    """How many handovers or thanks earned the points (after any cap)."""
    if not len(points):
        return pd.Series(dtype="float64")
    return (points["points"] / each).round().set_axis(pd.MultiIndex.from_frame(points[["agent_id", "day"]]))


def _as_entries(points: pd.DataFrame, kind: str, quantities: pd.Series) -> list[Entry]:
    entries = []
    for agent_id, day, points_earned in zip(points["agent_id"], points["day"], points["points"], strict=True):
        quantity = round(float(quantities.get((agent_id, day), 0.0)), 6)
        entries.append(Entry(int(agent_id), day, kind, f"{kind}:{day.isoformat()}", to_millipoints(float(points_earned)), quantity))
    return entries
