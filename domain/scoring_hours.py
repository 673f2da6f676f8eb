"""Hours held inside a platform's scoring hours: the hours_held factor.

JD leaves sessions that start between 23:00 and 09:00 out of its service metrics, so holding
the account at night is not what the month is scored on. A platform's quiet window (local
[start, end), wrapping midnight when end <= start) is cut out of every hold; platforms
without one count every hour.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from domain.time import days_between

QuietWindow = tuple[time, time] | None


def quiet_spans(day: date, window: QuietWindow, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The quiet stretches of one local day, as aware instants."""
    if window is None:
        return []
    start, end = window
    at = lambda d, t: datetime.combine(d, t, tzinfo=tz)  # noqa: E731
    if start < end:
        return [(at(day, start), at(day, end))]
    return [(at(day, time.min), at(day, end)), (at(day, start), at(day + timedelta(days=1), time.min))]


def scoring_seconds(
    holds: pd.DataFrame,
    platform_of: Mapping[str, str],
    quiet_hours: Mapping[str, QuietWindow],
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
) -> dict[int, float]:
    """Seconds each agent held an account within [start, end), minus the platform's quiet hours.

    holds: account, agent_id, start, end (NaT while open: pass `end` as the horizon).
    """
    seconds: dict[int, float] = defaultdict(float)
    for account, agent, hold_start, hold_end in holds[["account", "agent_id", "start", "end"]].itertuples(index=False):
        lo = max(hold_start.to_pydatetime(), start)
        hi = min(end if pd.isna(hold_end) else hold_end.to_pydatetime(), end)
        if hi <= lo:
            continue
        held = (hi - lo).total_seconds()
        window = quiet_hours.get(platform_of.get(account, "other"))
        for day in days_between(lo.astimezone(tz).date() - timedelta(days=1), hi.astimezone(tz).date()):
            for q_lo, q_hi in quiet_spans(day, window, tz):
                overlap = (min(hi, q_hi) - max(lo, q_lo)).total_seconds()
                held -= max(0.0, overlap)
        seconds[int(agent)] += held
    return dict(seconds)


ScoringWindow = tuple[time, time] | None


def scoring_spans(window: ScoringWindow, start: datetime, end: datetime, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end) inside a platform's scoring hours (checks.scoring_hours: local
    [from, to), to <= from running past midnight). A platform without a window scores every hour."""
    if end <= start:
        return []
    if window is None:
        return [(start, end)]
    open_at, close_at = window
    spans = []
    for day in days_between(start.astimezone(tz).date() - timedelta(days=1), end.astimezone(tz).date()):
        lo = datetime.combine(day, open_at, tzinfo=tz)
        hi = datetime.combine(day + timedelta(days=1) if close_at <= open_at else day, close_at, tzinfo=tz)
        lo, hi = max(lo, start), min(hi, end)
        if lo < hi:
            spans.append((lo, hi))
    return sorted(spans)


def outside_scoring_spans(window: ScoringWindow, start: datetime, end: datetime, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end) outside the scoring hours: nothing for a platform without a window."""
    spans, cursor, outside = scoring_spans(window, start, end, tz), start, []
    for lo, hi in spans:
        if lo > cursor:
            outside.append((cursor, lo))
        cursor = max(cursor, hi)
    if cursor < end:
        outside.append((cursor, end))
    return outside
