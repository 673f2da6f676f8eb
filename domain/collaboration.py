"""Collaboration points (协作积分): covering, clean handovers, peer thanks, help at peak load.

Each kind is proven by records the bot already keeps (holds, roster, hand-offs, thanks)
and becomes points per agent and day, ready for the ledger. Every value and cap is in
CollaborationPolicy, read from config.

- cover: time an agent held an account while not rostered on it, and while nobody who
  was rostered on it was holding it too. Sitting beside the rostered colleague is help,
  not cover; at peak load that is what peak help pays for. Stretches shorter than the
  minimum window are ignored. Only counted time covers: the caller passes what is not
  (`excluded`): the hours outside the platform's scoring hours, and a holder's idle hours
  (domain.presence), so holding an account overnight, or after going home, is never cover.
- handover: a hand-off with a note (at least `handover_min_note_chars` characters after
  trimming), credited to the agent who wrote it, at most `handover_daily_cap` a day.
- thanks: see check_thanks; only thanks that were accepted belong in the history.
- peak help: while an account's load is above the threshold (strictly more conversations
  in the hour than `peak_threshold`), every concurrent holder except the one who took the
  account first is helping. Equal start instants are ordered by agent id.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from numbers import Real
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd

from domain.attribution import as_ts
from domain.time import split_by_day

COVER, HANDOVER, THANKS, PEAK_HELP = "cover", "handover", "thanks", "peak_help"
ENTRY_COLUMNS = ("agent_id", "day", "kind", "points")

Interval = tuple[int, int]  # [start, end) in microseconds since the epoch, UTC
_US_PER_MINUTE = 60_000_000
_HOUR_US = 60 * _US_PER_MINUTE


@dataclass(frozen=True)
class ThanksPolicy:
    daily_allowance: int = 3
    pair_monthly_cap: int = 4
    points: float = 0.5
    reciprocal_threshold: int = 3


@dataclass(frozen=True)
class ThanksDecision:
    ok: bool
    reason: Literal["self", "daily_allowance", "pair_cap"] | None = None


@dataclass(frozen=True)
class CollaborationPolicy:
    # An ordinary held hour earns a six-person team's agent about 0.27 points (their share of the
    # volume factors plus their quality points, over about 150 hours a month), and a cover hour
    # earns that too. 0.25 on top makes a cover hour worth about twice an ordinary one, overtime's
    # multiple. At 1.0 it was worth nearly five: 29 cover hours were 9% of the pool, and a cover
    # nobody pressed for moved more money than any other mistake (README, bench/credit.py).
    cover_points_per_hour: float = 0.25
    cover_min_minutes: float = 15.0
    cover_daily_cap_minutes: float | None = None
    handover_points: float = 0.5
    handover_daily_cap: int = 2
    handover_min_note_chars: int = 1
    peak_points_per_hour: float = 1.0
    peak_threshold: float = 20.0
    monthly_cap: float | None = None
    thanks: ThanksPolicy = field(default_factory=ThanksPolicy)

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name == "thanks" or value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, Real) or value < 0:
                raise ValueError(f"collaboration {spec.name} must be a non-negative number, not {value!r}")
        if self.handover_min_note_chars < 1:
            raise ValueError("an empty note is never a clean handover: handover_min_note_chars >= 1")
        t = self.thanks
        for name in ("daily_allowance", "pair_monthly_cap", "reciprocal_threshold"):
            value = getattr(t, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"thanks {name} must be a non-negative whole number")
        if isinstance(t.points, bool) or not isinstance(t.points, Real) or t.points < 0:
            raise ValueError("thanks points must be a non-negative number")

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> CollaborationPolicy:
        """From config: the flat keys of this class, plus a `thanks` table with ThanksPolicy's keys."""
        known = {f.name for f in fields(cls)}
        unknown = set(mapping) - known
        if unknown:
            raise ValueError(f"unknown collaboration keys: {', '.join(sorted(map(str, unknown)))}")
        values = {k: v for k, v in mapping.items() if k != "thanks"}
        thanks = mapping.get("thanks", {})
        if not isinstance(thanks, Mapping):
            raise ValueError("collaboration thanks must be a table")
        unknown = set(thanks) - {f.name for f in fields(ThanksPolicy)}
        if unknown:
            raise ValueError(f"unknown thanks keys: {', '.join(sorted(map(str, unknown)))}")
        return cls(**values, thanks=ThanksPolicy(**thanks))  # type: ignore[arg-type]


# --- cover -----------------------------------------------------------------------------


def cover_minutes(
    holds: pd.DataFrame,
    roster_windows: pd.DataFrame,
    *,
    now: datetime,
    tz: ZoneInfo,
    min_minutes: float = 0.0,
    excluded: Iterable[tuple[object, int | None, datetime, datetime]] = (),
) -> pd.DataFrame:
    """Minutes each agent covered, per account and local day: (agent_id, account, day, minutes).

    holds: account, agent_id, start, end (NaT while open: held up to `now`).
    roster_windows: account, agent_id, start, end.
    excluded: (account, agent_id or None for everyone, start, end): held time that is not cover.
    """
    held = _merged(_spans(holds, now, "holds"))
    rostered = _merged(_spans(roster_windows, None, "roster windows"))
    on_duty = {key: intersect(windows, held.get(key, [])) for key, windows in rostered.items()}
    cut: dict[tuple[object, int | None], list[Interval]] = defaultdict(list)
    for account, agent, lo, hi in excluded:
        cut[(account, agent)].append((_us(lo), _us(hi)))
    rows = []
    for (account, agent), intervals in held.items():
        others = union([iv for (acc, who), ivs in on_duty.items() if acc == account and who != agent for iv in ivs])
        not_counted = union(cut.get((account, None), []) + cut.get((account, agent), []))
        covered = subtract(subtract(subtract(intervals, rostered.get((account, agent), [])), others), not_counted)
        for start, end in covered:
            if end - start >= min_minutes * _US_PER_MINUTE:
                rows.extend(_by_day(agent, account, start, end, tz))
    return _minutes_frame(rows)


def cover_points(cover: pd.DataFrame, policy: CollaborationPolicy) -> pd.DataFrame:
    """Points per agent and day from cover_minutes, the daily cap applied across accounts."""
    per_day = cover.groupby(["agent_id", "day"], as_index=False)["minutes"].sum()
    if policy.cover_daily_cap_minutes is not None:
        per_day["minutes"] = per_day["minutes"].clip(upper=policy.cover_daily_cap_minutes)
    return _entries(per_day, COVER, per_day["minutes"] / 60 * policy.cover_points_per_hour)


# --- handovers -------------------------------------------------------------------------


def handover_points(handovers: pd.DataFrame, policy: CollaborationPolicy, tz: ZoneInfo) -> pd.DataFrame:
    """handovers: agent_id (who handed off), at, note. Noted ones earn points, capped per day."""
    notes = handovers["note"].astype("object").where(handovers["note"].notna(), "").astype(str).str.strip()
    clean = handovers[notes.str.len() >= policy.handover_min_note_chars]
    days = as_ts(clean["at"]).dt.tz_convert(tz).dt.date
    counts = clean.assign(day=days).groupby(["agent_id", "day"], as_index=False).size()
    counts["size"] = counts["size"].clip(upper=policy.handover_daily_cap)
    return _entries(counts, HANDOVER, counts["size"] * policy.handover_points)


# --- thanks ----------------------------------------------------------------------------


def check_thanks(giver: int, receiver: int, at_day: date, history: pd.DataFrame, policy: ThanksPolicy | None = None) -> ThanksDecision:
    """May `giver` thank `receiver` on `at_day`? history: giver, receiver, day of accepted thanks."""
    policy = policy or ThanksPolicy()
    if giver == receiver:
        return ThanksDecision(False, "self")
    days = _days(history["day"])
    by_giver = history["giver"] == giver
    if int((by_giver & (days == at_day)).sum()) >= policy.daily_allowance:
        return ThanksDecision(False, "daily_allowance")
    same_month = days.map(lambda d: d.year * 12 + d.month) == at_day.year * 12 + at_day.month
    if int((by_giver & (history["receiver"] == receiver) & same_month).sum()) >= policy.pair_monthly_cap:
        return ThanksDecision(False, "pair_cap")
    return ThanksDecision(True)


def reciprocal_pairs(history: pd.DataFrame, month: str, threshold: int) -> list[tuple[int, int, tuple[int, int]]]:
    """Pairs (a < b) who each thanked the other at least `threshold` times in the month.

    A flag for the supervisor to look at, not a block: colleagues who really do help each
    other a lot look exactly like this. counts = (a thanked b, b thanked a).
    """
    in_month = history[_days(history["day"]).map(lambda d: f"{d:%Y-%m}") == month]
    counts: defaultdict[tuple[int, int], int] = defaultdict(int)
    for giver, receiver in zip(in_month["giver"], in_month["receiver"], strict=True):
        counts[(int(giver), int(receiver))] += 1
    flagged = []
    for (a, b), forward in counts.items():
        backward = counts.get((b, a), 0)
        if a < b and forward >= threshold and backward >= threshold:
            flagged.append((a, b, (forward, backward)))
    return sorted(flagged)


def thanks_points(history: pd.DataFrame, policy: ThanksPolicy) -> pd.DataFrame:
    """Points to each receiver per day for the accepted thanks in `history`."""
    received = history.assign(day=_days(history["day"])).rename(columns={"receiver": "agent_id"})
    counts = received.groupby(["agent_id", "day"], as_index=False).size()
    return _entries(counts, THANKS, counts["size"] * policy.points)


# --- peak help -------------------------------------------------------------------------


def peak_help_minutes(holds: pd.DataFrame, load: pd.DataFrame, threshold: float, *, now: datetime, tz: ZoneInfo) -> pd.DataFrame:
    """Minutes of help at peak load: (agent_id, account, day, minutes).

    load: account, hour_start, conversations; an hour is busy when conversations > threshold.
    """
    busy_rows = load[load["conversations"] > threshold]
    busy: dict[object, list[Interval]] = defaultdict(list)
    for account, hour in zip(busy_rows["account"], _as_us(as_ts(busy_rows["hour_start"])), strict=True):
        busy[account].append((hour, hour + _HOUR_US))
    by_account: dict[object, list[tuple[int, int, int]]] = defaultdict(list)
    for account, agent, start, end in _spans(holds, now, "holds"):
        by_account[account].append((start, end, agent))
    helped: dict[tuple[object, int], list[Interval]] = defaultdict(list)
    for account, hours in busy.items():
        spans = by_account.get(account, [])
        for window_start, window_end in union(hours):
            cuts = sorted({window_start, window_end} | {t for s, e, _ in spans for t in (s, e) if window_start < t < window_end})
            for t0, t1 in itertools.pairwise(cuts):
                joined: dict[int, int] = {}
                for s, e, agent in spans:
                    if s <= t0 and e >= t1:
                        joined[agent] = min(s, joined.get(agent, s))
                for agent in sorted(joined, key=lambda a: (joined[a], a))[1:]:
                    helped[(account, agent)].append((t0, t1))
    rows = []
    for (account, agent), pieces in helped.items():
        for start, end in union(pieces):
            rows.extend(_by_day(agent, account, start, end, tz))
    return _minutes_frame(rows)


def peak_help_points(peak: pd.DataFrame, policy: CollaborationPolicy) -> pd.DataFrame:
    per_day = peak.groupby(["agent_id", "day"], as_index=False)["minutes"].sum()
    return _entries(per_day, PEAK_HELP, per_day["minutes"] / 60 * policy.peak_points_per_hour)


# --- totals ----------------------------------------------------------------------------


def collaboration_totals(entries: Iterable[pd.DataFrame], monthly_cap: float | None = None) -> pd.Series:
    """Points per agent_id over the period, all kinds together, capped if the policy says so."""
    frames = [frame for frame in entries if len(frame)]
    if not frames:
        return pd.Series(dtype="float64", index=pd.Index([], dtype="int64", name="agent_id"), name="collaboration")
    totals = pd.concat(frames, ignore_index=True).groupby("agent_id")["points"].sum().astype("float64")
    if monthly_cap is not None:
        totals = totals.clip(upper=monthly_cap)
    return totals.rename("collaboration")


# --- interval arithmetic on [start, end) pairs: microseconds here, aware instants in domain.checks ---

Point = TypeVar("Point", int, datetime)


def union(intervals: Iterable[tuple[Point, Point]]) -> list[tuple[Point, Point]]:
    merged: list[tuple[Point, Point]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif end > start:
            merged.append((start, end))
    return merged


def intersect(a: list[tuple[Point, Point]], b: list[tuple[Point, Point]]) -> list[tuple[Point, Point]]:
    return union((max(s1, s2), min(e1, e2)) for s1, e1 in a for s2, e2 in b if max(s1, s2) < min(e1, e2))


def subtract(base: list[tuple[Point, Point]], cut: list[tuple[Point, Point]]) -> list[tuple[Point, Point]]:
    result: list[tuple[Point, Point]] = []
    for start, end in base:
        cursor = start
        for cut_start, cut_end in cut:
            if cut_end <= cursor or cut_start >= end:
                continue
            if cut_start > cursor:
                result.append((cursor, cut_start))
            cursor = max(cursor, cut_end)
        if cursor < end:
            result.append((cursor, end))
    return result


def _spans(frame: pd.DataFrame, now: datetime | None, what: str) -> list[tuple[object, int, int, int]]:
    """(account, agent_id, start_us, end_us) per row; open ends close at `now`, empty rows drop."""
    if len(frame) == 0:
        return []
    start, end = as_ts(frame["start"]), as_ts(frame["end"])
    if start.isna().any():
        raise ValueError(f"{what}: every row needs a start")
    if end.isna().any():
        if now is None:
            raise ValueError(f"{what}: every row needs an end")
        end = end.fillna(pd.Timestamp(now).tz_convert(UTC))
    return [
        (account, int(agent), s, e)
        for account, agent, s, e in zip(frame["account"], frame["agent_id"], _as_us(start), _as_us(end), strict=True)
        if e > s
    ]


def _merged(spans: list[tuple[object, int, int, int]]) -> dict[tuple[object, int], list[Interval]]:
    grouped: dict[tuple[object, int], list[Interval]] = defaultdict(list)
    for account, agent, start, end in spans:
        grouped[(account, agent)].append((start, end))
    return {key: union(intervals) for key, intervals in grouped.items()}


def _by_day(agent: int, account: object, start: int, end: int, tz: ZoneInfo) -> list[tuple]:
    pieces = split_by_day(_instant(start), _instant(end), tz)
    return [(agent, account, day, (e - s) / timedelta(minutes=1)) for day, s, e in pieces]


def _minutes_frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["agent_id", "account", "day", "minutes"])
    frame = frame.groupby(["agent_id", "account", "day"], as_index=False, sort=True)["minutes"].sum()
    return frame.astype({"agent_id": "int64", "minutes": "float64"})


def _entries(keys: pd.DataFrame, kind: str, points: pd.Series) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "agent_id": keys["agent_id"].astype("int64").to_numpy(),
            "day": keys["day"].astype("object").to_numpy(),
            "kind": kind,
            "points": points.astype("float64").to_numpy(),
        },
        columns=list(ENTRY_COLUMNS),
    )
    return frame[frame["points"] > 0].reset_index(drop=True)


def _as_us(values: pd.Series) -> list[int]:
    naive_utc = values.dt.tz_convert(UTC).dt.tz_localize(None)
    return [int(v) for v in naive_utc.to_numpy(dtype="datetime64[us]").view("int64")]


def _us(instant: datetime) -> int:
    return (instant - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def _instant(microseconds: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=microseconds)


def _days(values: pd.Series) -> pd.Series:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        raise ValueError("thanks days are calendar days in the team's zone, not instants")
    return pd.Series([v.date() if isinstance(v, datetime) else v for v in values], index=values.index, dtype="object")


__all__ = [
    "COVER",
    "ENTRY_COLUMNS",
    "HANDOVER",
    "PEAK_HELP",
    "THANKS",
    "CollaborationPolicy",
    "ThanksDecision",
    "ThanksPolicy",
    "check_thanks",
    "collaboration_totals",
    "cover_minutes",
    "cover_points",
    "handover_points",
    "peak_help_minutes",
    "peak_help_points",
    "reciprocal_pairs",
    "thanks_points",
]
