"""Per-agent service metrics, built from attribution credits and the platform's conversation facts.

Inputs
``credits``
    conversation_id, agent_id, share: ``Attribution.credits`` (held and roster credits alike).
``facts``
    conversation_id (int64, unique), platform (str: "jd", "tmall", "vip" …), start (TS_DTYPE),
    first_response_s (float, NaN when unknown), rating (one of RATINGS or None),
    resolved (bool, NA when unknown), inquiry (bool), paid (bool), and optionally
    left_message (bool, False when absent): JD's 留言.

Every count is share-weighted: a conversation split between two holders counts 0.5 for each,
and each of them carries half of its ratings, replies and payments. Per agent:

conversations
    Σ share: conversations credited.
response_conversations
    Σ share over conversations that count for response metrics: those with a known
    first_response_s that did not start in their platform's quiet hours (local time, ``tz``)
    and are not left messages. JD leaves sessions starting 23:00–09:00 and 留言 out of its
    response metrics; other platforms count every hour unless ``quiet_hours`` says otherwise.
    A left message still counts as a conversation, and its rating and payment count.
avg_first_response_s
    Σ share·first_response_s / response_conversations.
first_reply_30s_rate
    Σ share over response conversations with first_response_s <= 30 / response_conversations.
rated
    Σ share over conversations with a rating.
satisfaction_raw
    good / rated, where good = Σ share over 'very_satisfied' and 'satisfied' ratings
    (JD's 满意度 = (非常满意 + 满意) / 评价量).
satisfaction
    The same rate shrunk toward the team's, so a handful of ratings cannot top the table:
    (good + k·team_rate) / (rated + k), team_rate = Σ good / Σ rated over the whole team,
    k = ``satisfaction_prior`` (default 5). It is the team rate for an agent with no ratings.
inquiries
    Σ share over inquiry conversations (询单).
inquiry_conversion
    Σ share over inquiries that led to payment / inquiries (询单转化率).
resolved_rate
    Σ share over resolved conversations / Σ share over conversations whose resolution is known.

A rate whose denominator is zero is NaN: no data, not zero. The result is indexed by agent_id,
sorted, and carries the team's satisfaction rate in ``attrs["team_satisfaction"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from types import MappingProxyType
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from domain.attribution import as_ts

RATINGS = ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")
GOOD_RATINGS = ("very_satisfied", "satisfied")
FAST_REPLY_SECONDS = 30
DEFAULT_SATISFACTION_PRIOR = 5.0

QuietHours = Mapping[str, tuple[time, time] | None]
# Local [start, end) per platform; end <= start wraps past midnight.
DEFAULT_QUIET_HOURS: QuietHours = MappingProxyType({"jd": (time(23, 0), time(9, 0))})

METRIC_COLUMNS = [
    "conversations",
    "response_conversations",
    "avg_first_response_s",
    "first_reply_30s_rate",
    "rated",
    "satisfaction_raw",
    "satisfaction",
    "inquiries",
    "inquiry_conversion",
    "resolved_rate",
]


def agent_metrics(
    credits: pd.DataFrame,
    facts: pd.DataFrame,
    *,
    tz: ZoneInfo,
    since: datetime | None = None,
    until: datetime | None = None,
    satisfaction_prior: float = DEFAULT_SATISFACTION_PRIOR,
    quiet_hours: QuietHours = DEFAULT_QUIET_HOURS,
) -> pd.DataFrame:
    """One row per credited agent over the conversations that started in [since, until)."""
    if satisfaction_prior < 0:
        raise ValueError("satisfaction_prior is a count of pseudo-ratings and cannot be negative")
    facts = _period(_checked(facts), since, until)
    joined = credits[["conversation_id", "agent_id", "share"]].merge(facts, on="conversation_id", how="inner")
    share = joined["share"].to_numpy(dtype=np.float64)

    response = (
        joined["first_response_s"].notna().to_numpy()
        & ~_in_quiet_hours(joined, tz, quiet_hours)
        & ~joined["left_message"].to_numpy(dtype=bool)
    )
    seconds = joined["first_response_s"].fillna(0.0).to_numpy(dtype=np.float64)
    rating = joined["rating"]
    inquiry = joined["inquiry"].to_numpy(dtype=bool)
    resolved = joined["resolved"]
    weighted = pd.DataFrame(
        {
            "agent_id": joined["agent_id"].to_numpy(dtype=np.int64),
            "conversations": share,
            "response_conversations": share * response,
            "response_seconds": share * response * seconds,
            "fast_replies": share * (response & (seconds <= FAST_REPLY_SECONDS)),
            "rated": share * rating.notna().to_numpy(),
            "good": share * rating.isin(GOOD_RATINGS).to_numpy(),
            "inquiries": share * inquiry,
            "paid_inquiries": share * (inquiry & joined["paid"].to_numpy(dtype=bool)),
            "resolution_known": share * resolved.notna().to_numpy(),
            "resolved": share * resolved.fillna(False).to_numpy(dtype=bool),
        }
    )
    sums = weighted.groupby("agent_id").sum().sort_index()

    team_rated = sums["rated"].sum()
    team_rate = sums["good"].sum() / team_rated if team_rated > 0 else np.nan
    table = pd.DataFrame(index=sums.index)
    table["conversations"] = sums["conversations"]
    table["response_conversations"] = sums["response_conversations"]
    table["avg_first_response_s"] = _rate(sums["response_seconds"], sums["response_conversations"])
    table["first_reply_30s_rate"] = _rate(sums["fast_replies"], sums["response_conversations"])
    table["rated"] = sums["rated"]
    table["satisfaction_raw"] = _rate(sums["good"], sums["rated"])
    table["satisfaction"] = _rate(sums["good"] + satisfaction_prior * team_rate, sums["rated"] + satisfaction_prior)
    table["inquiries"] = sums["inquiries"]
    table["inquiry_conversion"] = _rate(sums["paid_inquiries"], sums["inquiries"])
    table["resolved_rate"] = _rate(sums["resolved"], sums["resolution_known"])
    table.attrs["team_satisfaction"] = float(team_rate)
    return table


def in_quiet_hours(local_times: pd.Series, window: tuple[time, time] | None) -> np.ndarray:
    """Whether each local time of day falls in [start, end); a window with end <= start wraps midnight."""
    if window is None:
        return np.zeros(len(local_times), dtype=bool)
    start, end = (_seconds_of_day(moment) for moment in window)
    seconds = (
        local_times.dt.hour * 3600 + local_times.dt.minute * 60 + local_times.dt.second + local_times.dt.microsecond / 1e6
    ).to_numpy()
    if start < end:
        return (seconds >= start) & (seconds < end)
    return (seconds >= start) | (seconds < end)


def _in_quiet_hours(joined: pd.DataFrame, tz: ZoneInfo, quiet_hours: QuietHours) -> np.ndarray:
    quiet = np.zeros(len(joined), dtype=bool)
    local = joined["start"].dt.tz_convert(tz)
    platform = joined["platform"].to_numpy(dtype=object)
    for name, window in quiet_hours.items():
        on_platform = platform == name
        if window is not None and on_platform.any():
            quiet[on_platform] = in_quiet_hours(local[on_platform], window)
    return quiet


def _checked(facts: pd.DataFrame) -> pd.DataFrame:
    if facts["conversation_id"].duplicated().any():
        raise ValueError("each conversation must appear once in the facts")
    unknown = set(facts["rating"].dropna().unique()) - set(RATINGS)
    if unknown:
        raise ValueError(f"unknown ratings {sorted(unknown)}; expected one of {RATINGS} or None")
    facts = facts.copy()
    facts["start"] = as_ts(facts["start"])
    facts["first_response_s"] = pd.to_numeric(facts["first_response_s"]).astype("float64")
    facts["rating"] = facts["rating"].astype(object).where(facts["rating"].notna(), None)
    facts["resolved"] = facts["resolved"].astype("boolean")
    if "left_message" not in facts:
        facts["left_message"] = False
    for flag in ("inquiry", "paid", "left_message"):
        facts[flag] = facts[flag].astype("boolean").fillna(False).astype(bool)
    return facts


def _period(facts: pd.DataFrame, since: datetime | None, until: datetime | None) -> pd.DataFrame:
    kept = pd.Series(True, index=facts.index)
    if since is not None:
        kept &= facts["start"] >= pd.Timestamp(since)
    if until is not None:
        kept &= facts["start"] < pd.Timestamp(until)
    return facts[kept]


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return (numerator / denominator).where(denominator > 0)


def _seconds_of_day(moment: time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


__all__ = [
    "DEFAULT_QUIET_HOURS",
    "DEFAULT_SATISFACTION_PRIOR",
    "FAST_REPLY_SECONDS",
    "GOOD_RATINGS",
    "METRIC_COLUMNS",
    "RATINGS",
    "agent_metrics",
    "in_quiet_hours",
]
