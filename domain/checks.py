"""Checks on holds and on the day's data: what the reminders ask about and what the digest flags.

Plain functions over holds, shifts and instants; nothing here sends, stores or reads a clock.
The scheduler (bot/reminders/jobs.py) decides whom to tell and remembers what it told.

- an **unattended gap** is a stretch inside an account's watched hours (its platform's scoring
  hours) that no hold covers;
- a **long hold** is an open hold older than a limit;
- an **overdue hold** ran past its holder's rostered end plus a grace, or past the end of its
  platform's scoring hours plus the grace, whichever comes first (the team's day end when neither
  applies): its holder is asked then when they left, whether it is still open or someone else's
  take-over ended it since, and the answer (or, unanswered, the last activity) corrects its end;
- a **kept cover** is overdue too: a hold on an account someone else is rostered on, kept beside
  an account of the holder's own for longer than a break lasts (`cover_overdue_at`). Covering a
  colleague's break is pressed for; taking the account back on returning is what people forget,
  and then the colleague's shift is credited to the coverer until someone notices;
- a **late start** is a rostered shift its agent has not taken over some minutes after its start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# The domain's one implementation of interval arithmetic; it works on any ordered endpoints.
from domain.collaboration import intersect, subtract, union
from domain.holds import HOLDER, Hold
from domain.scoring_hours import quiet_spans
from domain.time import days_between

Span = tuple[datetime, datetime]
Window = tuple[time, time]  # local [start, end); end <= start runs past midnight (08:00-24:00 is (8:00, 0:00))


# -- unattended accounts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    account: str
    start: datetime
    end: datetime  # `now` while nobody has taken the account yet
    ongoing: bool

    @property
    def length(self) -> timedelta:
        return self.end - self.start


def watched_spans(window: Window | None, first_day: date, last_day: date, tz: ZoneInfo) -> list[Span]:
    """An account's watched hours on those local days, as UTC instants; none without a window."""
    # quiet_spans cuts any local window out of a day; here the window is the part that counts.
    spans = [span for day in days_between(first_day, last_day) for span in quiet_spans(day, window, tz) if span[1] > span[0]]
    return union((start.astimezone(UTC), end.astimezone(UTC)) for start, end in spans)


def uncovered(spans: Iterable[Span], covers: Iterable[Span]) -> list[Span]:
    """The parts of `spans` that none of `covers` touches, merged and sorted."""
    return subtract(union(spans), union(covers))


def unattended_gaps(watched: Mapping[str, Iterable[Span]], holds: Iterable[Hold], now: datetime, longer_than: timedelta) -> list[Gap]:
    """Stretches of watched time, up to now, in which nobody (holder or helper) held the account
    for longer than `longer_than`. Sorted by account, start."""
    held: dict[str, list[Span]] = defaultdict(list)
    for hold in holds:
        held[hold.account].append((hold.start, hold.end if hold.end is not None else max(now, hold.start)))
    gaps = []
    for account, spans in watched.items():
        past = [(start, min(end, now)) for start, end in spans if start < now]
        for start, end in uncovered(past, held[account]):
            if end - start > longer_than:
                gaps.append(Gap(account, start, end, ongoing=end == now))
    return sorted(gaps, key=lambda g: (g.account, g.start))


# -- holds left open -------------------------------------------------------------------------------


def long_holds(holds: Iterable[Hold], now: datetime, longer_than: timedelta) -> list[Hold]:
    return [h for h in holds if h.is_open and now - h.start > longer_than]


def _at(day: date, wall: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def next_local(instant: datetime, wall: time, tz: ZoneInfo) -> datetime:
    """The first moment after `instant` whose local wall-clock time is `wall`."""
    day = instant.astimezone(tz).date()
    candidate = _at(day, wall, tz)
    return candidate if candidate > instant else _at(day + timedelta(days=1), wall, tz)


@dataclass(frozen=True)
class Shift:
    account: str
    agent_id: int
    start: datetime
    end: datetime


ROSTER, SCORING, DAY_END, COVER = "roster", "scoring", "day_end", "cover"


@dataclass(frozen=True)
class Overdue:
    """When a hold outlived what its holder could have meant: `at`, by `reason` (ROSTER, SCORING, DAY_END, COVER)."""

    hold: Hold
    at: datetime
    reason: str


def shift_of(hold: Hold, shifts: Iterable[Shift], early: timedelta) -> Shift | None:
    """The holder's rostered shift on the account the hold belongs to: it began in it, or at most
    `early` before it (a take-over a little before the shift starts is that shift's)."""
    own = sorted((s for s in shifts if s.agent_id == hold.agent_id and s.account == hold.account), key=lambda s: s.start)
    return next((s for s in own if s.start - early <= hold.start < s.end), None)


def scoring_end(start: datetime, window: Window, tz: ZoneInfo) -> datetime:
    """The end of the scoring span `start` lies in, or of the next one when it began outside scoring
    hours (taking over before the hours begin is taking over for them)."""
    day = start.astimezone(tz).date()
    for _, span_end in watched_spans(window, day - timedelta(days=1), day + timedelta(days=2), tz):
        if start < span_end:
            return span_end
    # A window that watches nothing (from == to) never ends; the caller treats it as no window.
    raise ValueError(f"the window {window} watches no time")


def overdue_of(
    hold: Hold,
    shifts: Iterable[Shift],
    window: Window | None,
    grace: timedelta,
    day_end: time,
    tz: ZoneInfo,
    cover_at: datetime | None = None,
) -> Overdue:
    """When `hold` becomes overdue: its holder's rostered end or its platform's scoring end, plus
    `grace`, or the moment it became a kept cover (`cover_overdue_at`), whichever comes first; the
    team's day end only when none applies."""
    candidates = [(cover_at, COVER)] if cover_at is not None else []
    shift = shift_of(hold, shifts, grace)
    if shift is not None:
        candidates.append((shift.end + grace, ROSTER))
    if window is not None and window[0] != window[1]:
        candidates.append((scoring_end(hold.start, window, tz) + grace, SCORING))
    if not candidates:
        return Overdue(hold, next_local(hold.start, day_end, tz), DAY_END)
    at, reason = min(candidates)
    return Overdue(hold, at, reason)


def cover_overdue_at(
    hold: Hold, shifts: Iterable[Shift], beside: Iterable[tuple[datetime, datetime | None]], *, after: timedelta, horizon: datetime
) -> datetime | None:
    """When `hold` has been a cover for `after` without a break, if that is not after `horizon`;
    else None. It is a cover while its holder holds another account too (`beside`: the spans of
    their holds on other accounts, None for one still open), is not rostered on this one, and
    someone else is.

    Beside their own account, because someone who works a colleague's whole shift in their place
    holds only that account, and is not to be asked when they left it.
    """
    if hold.role != HOLDER:
        return None
    here = [s for s in shifts if s.account == hold.account]
    others = union((s.start, s.end) for s in here if s.agent_id != hold.agent_id)
    own = union((s.start, s.end) for s in here if s.agent_id == hold.agent_id)
    beside_spans = [s for s in union((lo, hi if hi is not None else _OPEN_END) for lo, hi in beside) if s[0] < s[1]]
    held = [(hold.start, hold.end if hold.end is not None else _OPEN_END)]
    kept = subtract(intersect(intersect(held, beside_spans), others), own)
    at = next((lo + after for lo, hi in kept if hi - lo >= after), None)
    return at if at is not None and at <= horizon else None


_OPEN_END = datetime.max.replace(tzinfo=UTC)  # the end of a hold still open, for interval arithmetic


def is_forgotten(overdue: Overdue, now: datetime, *, taken_over: bool) -> bool:
    """Whether to ask its holder when they left: it is overdue now, and still open, or ended by
    someone else's take-over only after it was overdue (a take-over cannot answer the question)."""
    hold = overdue.hold
    if overdue.at > now:
        return False
    return hold.is_open or (taken_over and hold.end is not None and hold.end > overdue.at)


START, CASE, CONVERSATION = "start", "case", "conversation"


@dataclass(frozen=True)
class Activity:
    at: datetime
    source: str  # START, CASE or CONVERSATION


def last_activity(hold: Hold, cases: Iterable[datetime], conversations: Iterable[datetime], until: datetime) -> Activity:
    """The latest sign the holder was still at work before `until`.

    `cases` are the holder's own cases on the account; `conversations` the account's. While the
    hold was open every conversation on the account was credited to the holder, so the account's
    conversations during the hold are theirs. Ties go to the start, then to cases.
    """
    found = Activity(hold.start, START)
    for source, moments in ((CASE, cases), (CONVERSATION, conversations)):
        for at in moments:
            if hold.start <= at < until and at > found.at:
                found = Activity(at, source)
    return found


def read_left_time(wall: time, hold: Hold, morning: time, tz: ZoneInfo) -> datetime:
    """The instant a typed HH:MM names, for a hold its holder was asked about once it was overdue.

    It is read on the local day the hold began. A time before `morning` that would fall before the
    start is the small hours after that day (left at 00:30). Any other time before the start stays
    there, for closing_refusal to refuse.
    """
    day = hold.start.astimezone(tz).date()
    at = _at(day, wall, tz)
    if at < hold.start and wall < morning:
        at = _at(day + timedelta(days=1), wall, tz)
    return at


def corrected_end(hold: Hold, at: datetime) -> datetime:
    """Where a hold ends once its holder says they left at `at`: never later than it ends already
    (a take-over ended it, or they handed off), never before it began."""
    at = max(at, hold.start)
    return at if hold.end is None else min(at, hold.end)


def closing_refusal(hold: Hold, at: datetime, now: datetime) -> str | None:
    """Why a hold cannot be closed at `at`: "before_start", "in_future", or None when it can."""
    if at < hold.start:
        return "before_start"
    if at > now:
        return "in_future"
    return None


# -- late starts ------------------------------------------------------------------------------------


def late_starts(shifts: Iterable[Shift], holds: Iterable[Hold], now: datetime, grace: timedelta) -> list[Shift]:
    """Shifts under way for at least `grace` whose agent has held the account at no moment since it began."""
    holds = list(holds)

    def showed_up(shift: Shift) -> bool:
        return any(
            h.account == shift.account and h.agent_id == shift.agent_id and h.start <= now and (h.end is None or h.end > shift.start)
            for h in holds
        )

    return [s for s in shifts if s.start + grace <= now < s.end and not showed_up(s)]


# -- the digest's data checks -----------------------------------------------------------------------


@dataclass(frozen=True)
class Overlap:
    first: Hold
    second: Hold


def overlapping_holds(holds: Iterable[Hold], now: datetime) -> list[Overlap]:
    """Pairs of holder holds on one account that share time; helpers sit beside holders by design."""
    by_account: dict[str, list[Hold]] = defaultdict(list)
    for hold in holds:
        if hold.role == HOLDER:
            by_account[hold.account].append(hold)
    pairs = []
    for account in sorted(by_account):
        ordered = sorted(by_account[account], key=lambda h: (h.start, h.id or 0))
        for i, first in enumerate(ordered):
            first_end = first.end if first.end is not None else now
            for second in ordered[i + 1 :]:
                if second.start >= first_end:
                    break
                pairs.append(Overlap(first, second))
    return pairs


def over_long_holds(holds: Iterable[Hold], now: datetime, longer_than: timedelta) -> list[Hold]:
    """Holds, open or ended, that lasted longer than `longer_than` (an open one up to now)."""
    return [h for h in holds if (h.end if h.end is not None else now) - h.start > longer_than]


def missing_import_days(days: Iterable[date], first_import: Mapping[str, date], imported: Mapping[str, set[date]]) -> dict[str, list[date]]:
    """Per account that takes imports, the days from its first imported day on with no conversation."""
    days = sorted(days)
    missing = {}
    for account, first in sorted(first_import.items()):
        gaps = [day for day in days if day >= first and day not in imported.get(account, set())]
        if gaps:
            missing[account] = gaps
    return missing


__all__ = [
    "Activity",
    "Gap",
    "Overdue",
    "Overlap",
    "Shift",
    "closing_refusal",
    "corrected_end",
    "cover_overdue_at",
    "is_forgotten",
    "last_activity",
    "late_starts",
    "long_holds",
    "missing_import_days",
    "next_local",
    "over_long_holds",
    "overdue_of",
    "overlapping_holds",
    "read_left_time",
    "scoring_end",
    "shift_of",
    "unattended_gaps",
    "uncovered",
    "watched_spans",
]
