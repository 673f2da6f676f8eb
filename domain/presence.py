"""Evidence of presence: who was really at the keyboard, and the held time nobody was.

Baton credits the holder; people forget to press. Four rules read what else is known:

- **Idle hours** (`idle_spans`). A hold's time is *idle* when it is after the holder's last sign
  of activity in that hold (its take-over, a case they logged, a move of theirs on any account,
  an imported reply on the account, or their own hand-off or clock-off, which ends the hold) and
  the holder is not expected at the keyboard: no shift of theirs covers the moment (a shift
  counts until its end plus the grace) and either a shift of theirs ended inside the hold (they
  are past their rostered end) or the moment is outside the platform's scoring hours after they
  closed at least once during the hold (the night, not the early morning of a take-over). Once idle,
  the hold stays idle until a shift of the holder's begins again (or the hold ends): an absent
  holder's absence does not end at 09:00 because the platform's day begins. Idle time earns
  neither hours nor cover points.
- **Unanswered stretches** (`unanswered_stretches`): during a hold, at least `minutes` with a
  customer waiting on the account (started, not yet replied to) and no reply on it at all.
- **Backdating** a take-over offered after a refusal (`offered_moment`, `backdate_choices`,
  `backdate_refusal`).
- **Hand-back** (`hand_backs`): someone holding a cover beside their own account while an agent
  rostered on it now is back.

Functions decide; they never persist.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain.collaboration import intersect, subtract, union
from domain.holds import HOLDER, Hold
from domain.scoring_hours import ScoringWindow, outside_scoring_spans, scoring_spans

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Rostered:
    """One concrete shift: `agent_id` is rostered on `account` over [start, end)."""

    account: str
    agent_id: int
    start: datetime
    end: datetime

    def covers(self, at: datetime) -> bool:
        return self.start <= at < self.end


# -- idle hours -------------------------------------------------------------------------------------


def idle_spans(
    hold: Hold,
    *,
    horizon: datetime,
    shifts: Iterable[Rostered],
    activity: Iterable[datetime],
    window: ScoringWindow,
    tz: ZoneInfo,
    grace: timedelta,
    ended_by_holder: bool = False,
) -> list[Span]:
    """The idle stretches of `hold` (see the module's rule), an open hold counted up to `horizon`.

    shifts: the holder's own shifts, on any account. activity: moments the holder showed they
    were there; those outside [start, end) are ignored (a reply at the very end is the next
    holder's), and the hold's start always counts. A hold its holder ended themselves has none.
    """
    start, end = hold.start, hold.end if hold.end is not None else horizon
    if end <= start or (ended_by_holder and hold.end is not None):
        return []
    last = last_activity(hold, activity, horizon)
    own = [s for s in shifts if s.agent_id == hold.agent_id]
    expected = union((s.start, s.end + grace) for s in own)
    idle: list[Span] = []
    for lo, hi in subtract([(last, end)], expected) if last < end else []:
        past_rostered_end = any(start < s.end and s.end + grace <= lo for s in own)
        if past_rostered_end:
            idle.append((lo, hi))
            continue
        # Outside scoring hours, but only once they closed during the hold: the hour before they
        # open, just after a take-over, is not the holder gone home.
        closes = [close for _, close in scoring_spans(window, start, hi, tz) if close < hi]
        if not closes:
            continue
        outside = outside_scoring_spans(window, max(lo, closes[0]), hi, tz)
        if outside:
            idle.append((outside[0][0], hi))
    return idle


def last_activity(hold: Hold, activity: Iterable[datetime], horizon: datetime) -> datetime:
    """The holder's last sign of activity inside the hold: its start at the least."""
    end = hold.end if hold.end is not None else horizon
    return max((a for a in activity if hold.start <= a < end), default=hold.start)


def paid_spans(hold: Hold, idle: Iterable[Span], horizon: datetime) -> list[Span]:
    """What of the hold is paid: all of it but its idle stretches."""
    end = hold.end if hold.end is not None else horizon
    return subtract([(hold.start, end)], union(idle)) if end > hold.start else []


# -- unanswered stretches ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """A customer conversation as the export gives it: when it began and when it was first replied to."""

    account: str
    start: datetime
    first_reply: datetime | None


@dataclass(frozen=True)
class Stretch:
    account: str
    agent_id: int
    hold_id: int | None
    start: datetime
    end: datetime
    waiting: int  # conversations waiting at some moment of the stretch

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


def unanswered_stretches(holds: Iterable[Hold], conversations: Iterable[Waiting], *, horizon: datetime, minutes: float) -> list[Stretch]:
    """Stretches of at least `minutes`, inside a holder's hold, with a customer waiting and no reply on the account.

    A conversation waits from its start to its first reply. One never replied to waits `minutes`
    from its start: long enough to count alone, and no longer, so yesterday's unanswered customer
    does not make every quiet hour of today look deserted. Any reply on the account shows
    someone was there, and cuts the stretch.
    """
    least = timedelta(minutes=minutes)
    by_account: dict[str, list[Waiting]] = {}
    for c in conversations:
        by_account.setdefault(c.account, []).append(c)
    found: list[Stretch] = []
    for hold in holds:
        if hold.role != HOLDER:
            continue
        end = hold.end if hold.end is not None else horizon
        waits = by_account.get(hold.account, [])
        spans = [(c.start, c.first_reply if c.first_reply is not None else c.start + least) for c in waits]
        waiting = intersect(union(s for s in spans if s[1] > s[0]), [(hold.start, end)]) if end > hold.start else []
        replies = sorted(c.first_reply for c in waits if c.first_reply is not None)
        for lo, hi in waiting:
            cuts = [lo] + [r for r in replies if lo < r < hi] + [hi]
            for a, b in itertools.pairwise(cuts):
                if b - a >= least:
                    count = sum(1 for s, e in spans if s < b and e > a)
                    found.append(Stretch(hold.account, hold.agent_id, hold.id, a, b, count))
    return sorted(found, key=lambda s: (s.start, s.account))


# -- a backdated take-over --------------------------------------------------------------------------


def earliest_backdate(now: datetime, holder_start: datetime, last_case: datetime | None, limit: timedelta) -> datetime:
    """How far back a take-over may reach: not before the current hold began, the holder's last
    case on it, or `limit` ago."""
    return max(now - limit, holder_start, last_case or holder_start)


def offered_moment(
    now: datetime, shift_start: datetime | None, holder_start: datetime, last_case: datetime | None, limit: timedelta
) -> datetime:
    """The moment a refused presser is offered to take over from: the start of their current shift,
    brought within the limits (`earliest_backdate`); without a shift, now."""
    if shift_start is None or shift_start >= now:
        return now
    return max(shift_start, earliest_backdate(now, holder_start, last_case, limit))


def backdate_choices(
    now: datetime, offered: datetime, floor: datetime, *, step: timedelta = timedelta(minutes=10), most: int = 8
) -> tuple[datetime, ...]:
    """The moments a take-over offer lets its presser choose from, earliest first, at most `most`:
    the earliest allowed (`floor`, when it is more than half a step ago), the one `offered`, now,
    and whole `step`s of the clock between, spread evenly when there are too many.

    The person at the keyboard knows when they sat down; Baton only knows the bounds. Each choice
    is checked again when it is pressed (`backdate_refusal`).
    """
    floor = min(floor, now)
    picks = {now, min(max(offered, floor), now)}
    if now - floor > step / 2:
        picks.add(floor)
    epoch = datetime(1970, 1, 1, tzinfo=now.tzinfo)
    mark = floor + (-(floor - epoch)) % step
    marks = []
    while mark < now:
        if all(abs(mark - p) >= step / 2 for p in picks):
            marks.append(mark)
        mark += step
    room = max(0, most - len(picks))
    if len(marks) > room:
        marks = [marks[round(i * (len(marks) - 1) / (room - 1))] for i in range(room)] if room > 1 else marks[len(marks) - room :]
    picks.update(marks)
    return tuple(sorted(picks))


def backdate_refusal(at: datetime, now: datetime, holder_start: datetime, last_case: datetime | None, limit: timedelta) -> str | None:
    """Why a take-over from `at` cannot be made now, or None: a code for the refusal."""
    if at > now:
        return "backdate_future"
    if at < holder_start or (last_case is not None and at < last_case):
        return "backdate_before_holder"
    if at < now - limit:
        return "backdate_too_far"
    return None


# -- hand-back --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandBack:
    """`hold` is a cover its holder has kept `after` or longer beside an account of their own, while
    `rostered` (an agent rostered on the account now) shows they are back."""

    hold: Hold
    rostered: int


def hand_backs(
    open_holds: Iterable[Hold],
    shifts_now: Iterable[Rostered],
    present: Mapping[int, bool],
    *,
    now: datetime,
    after: timedelta,
    refused: Mapping[tuple[int, str], datetime] | None = None,
) -> list[HandBack]:
    """Who should hand back which cover to whom, now.

    A cover: a holder hold on an account its holder is not rostered on now, held for `after` or
    longer, while the same person holds at least one other account. `present` says, per agent,
    whether they showed presence (holding another account, a recent press); `refused`, per
    agent and account, when they were last refused a case on it: since the cover began, that is
    presence too.
    """
    refused = refused or {}
    holds = [h for h in open_holds if h.is_open and h.role == HOLDER]
    on_duty = [s for s in shifts_now if s.covers(now)]
    found = []
    for hold in holds:
        if now - hold.start < after or not any(h.agent_id == hold.agent_id and h.account != hold.account for h in holds):
            continue
        rostered = [s.agent_id for s in on_duty if s.account == hold.account]
        if hold.agent_id in rostered:
            continue
        back = sorted({a for a in rostered if present.get(a, False) or refused.get((a, hold.account), hold.start) > hold.start})
        found += [HandBack(hold, agent) for agent in back]
    return found
