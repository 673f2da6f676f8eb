"""Idle hours, read from what is stored: the part of a hold after its holder's last sign of activity
while they were not expected at the keyboard (domain.presence.idle_spans). The compile pays them
no hours and no cover; the digest and /why name them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd

from domain.holds import Hold
from domain.presence import Rostered, Span, idle_spans, last_activity
from domain.scoring_hours import outside_scoring_spans
from storage import holds as hold_rows
from storage.uow import Tables

# A hold reaching this far back before the compiled days is read whole, its activity with it.
LOOK_BACK = timedelta(days=3)


@dataclass(frozen=True)
class IdleHold:
    hold: Hold
    spans: tuple[Span, ...]
    last_activity: datetime

    @property
    def seconds(self) -> float:
        return sum((hi - lo).total_seconds() for lo, hi in self.spans)


def shifts_of(roster: pd.DataFrame | None) -> list[Rostered]:
    if roster is None or not len(roster):
        return []
    return [
        Rostered(str(r.account), int(r.agent_id), r.start.to_pydatetime(), r.end.to_pydatetime()) for r in roster.itertuples(index=False)
    ]


def idle_holds(tables: Tables, holds: Iterable[Hold], *, start: datetime, end: datetime, now: datetime, config, tz) -> list[IdleHold]:
    """The holds among `holds` (those overlapping [start, end)) with idle stretches, as of `now`."""
    holds = [h for h in holds if h.id is not None]
    if not holds:
        return []
    since = max(min(h.start for h in holds), start - LOOK_BACK)
    until = min(max(h.end or now for h in holds), now)
    vouched = hold_rows.assigned(tables.holds, (h.id for h in holds if h.id is not None))
    around = tables.holds.between(since, until + timedelta(seconds=1))
    self_ended = hold_rows.ended_by_holder(tables.holds, {h.id for h in [*holds, *around] if h.id is not None})
    shifts = shifts_of(tables.roster.roster_frame(since, until, tz))
    # Their moves: every take-over or join, and every hand-off they made themselves, on any account.
    moves: dict[int, list[datetime]] = {}
    for h in around:
        moves.setdefault(h.agent_id, []).append(h.start)
        if h.id in self_ended and h.end is not None:
            moves[h.agent_id].append(h.end)
    for case in tables.cases.between(since, until + timedelta(seconds=1)):
        moves.setdefault(case.agent_id, []).append(case.at)
    replies = {account: sorted(times) for account, times in _replies(tables, since, until).items()}
    moves = {agent: sorted(times) for agent, times in moves.items()}
    platform = {a.key: a.platform for a in config.accounts}
    grace = timedelta(minutes=config.presence.idle_grace_minutes)
    found = []
    for hold in holds:
        if hold.id in vouched:
            continue
        end = hold.end or now
        # Only the last sign inside the hold matters: found by bisection, months of replies are cheap.
        activity = [a for a in (_last_before(moves.get(hold.agent_id, []), end), _last_before(replies.get(hold.account, []), end)) if a]
        window = config.checks.scoring_hours.get(platform.get(hold.account, ""))
        spans = idle_spans(
            hold, horizon=now, shifts=shifts, activity=activity, window=window, tz=tz, grace=grace, ended_by_holder=hold.id in self_ended
        )
        spans = [(max(lo, since), min(hi, now)) for lo, hi in spans if min(hi, now) > max(lo, since)]
        if spans:
            found.append(IdleHold(hold, tuple(spans), last_activity(hold, activity, now)))
    return found


def _last_before(times: list[datetime], end: datetime) -> datetime | None:
    """The latest of sorted `times` before `end`."""
    index = bisect_left(times, end)
    return times[index - 1] if index else None


def _replies(tables: Tables, since: datetime, until: datetime) -> dict[str, list[datetime]]:
    """First replies on each account in [since, until]: of conversations begun up to a day before."""
    moments = tables.conversations.moments(since - timedelta(days=1), until + timedelta(seconds=1))
    replied = moments[moments["first_reply_at"].notna()]
    found: dict[str, list[datetime]] = {}
    for account, at in zip(replied["account"], replied["first_reply_at"], strict=True):
        found.setdefault(str(account), []).append(at.to_pydatetime())
    return found


def not_cover(
    idle: Iterable[IdleHold], *, start: datetime, end: datetime, config, tz
) -> list[tuple[object, int | None, datetime, datetime]]:
    """What holding is never cover: every account's hours outside its scoring hours, and idle hours."""
    excluded: list[tuple[object, int | None, datetime, datetime]] = []
    for account in config.accounts:
        window = config.checks.scoring_hours.get(account.platform)
        excluded += [(account.key, None, lo, hi) for lo, hi in outside_scoring_spans(window, start, end, tz)]
    for item in idle:
        excluded += [(item.hold.account, item.hold.agent_id, lo, hi) for lo, hi in item.spans]
    return excluded
