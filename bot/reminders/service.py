"""The reminders' use cases: what is due now, correcting forgotten holds, and auto-closing them
(the answers to the questions are bot/reminders/answers.py).

What is due is worked out afresh on every run (domain.checks); a notice is claimed in the outbox,
unique by (kind, key), so running again, or late, or twice, tells nobody twice. The questions keep
their answers there too: each button names its outbox row, so an answer can only ever settle the
question it was asked on. An answer, or an auto-close, is one unit of work that ends the hold (or,
when someone else's take-over ended it since, moves its end earlier), settles the question, writes
the audit entry and marks the ledger days it touched due, together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from bot.console.service import backdate_moments
from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from domain.checks import (
    Activity,
    Gap,
    Overdue,
    Shift,
    Window,
    corrected_end,
    cover_overdue_at,
    is_forgotten,
    last_activity,
    late_starts,
    long_holds,
    overdue_of,
    unattended_gaps,
    watched_spans,
)
from domain.holds import HOLDER, Hold, main_hold
from storage import holds
from storage.models import OutboxRow
from storage.outbox import OBSOLETE

LONG_HOLD, CLOCK_OFF, AUTO_CLOSED = "long_hold", "clock_off", holds.AUTO_CLOSED
UNATTENDED, LATE_START = "unattended", "late_start"
KINDS = (LONG_HOLD, CLOCK_OFF, AUTO_CLOSED, UNATTENDED, LATE_START)
# The questions a time of leaving answers: the clock-off question, and the long-hold question once
# its holder pressed "Hand off now" (or replies to it with a time).
ASKS_WHEN_LEFT = (CLOCK_OFF, LONG_HOLD)
# How long an auto-closed holder keeps being told, when their private chat refuses messages.
TELL_AUTO_CLOSE_FOR = timedelta(days=1)
# The roster read around the holds asked about: a shift a hold belongs to began at most this long before it.
ROSTER_LOOKBACK = timedelta(days=2)


def hold_key(hold_id: int) -> str:
    return f"hold:{hold_id}"


def overdue_of_holds(uow: UnitOfWork, holds_: list[Hold]) -> dict[int, Overdue]:
    """When each hold becomes overdue (domain.checks.overdue_of), by hold id."""
    if not holds_:
        return {}
    checks, tz = uow.config.checks, uow.tz
    windows = {a.key: checks.scoring_hours.get(a.platform) for a in uow.config.accounts}
    since = min(h.start for h in holds_) - ROSTER_LOOKBACK
    shifts = _shifts(uow, since, max(uow.now, max(h.start for h in holds_)) + ROSTER_LOOKBACK)
    grace = timedelta(minutes=checks.handoff_grace_minutes)
    covers = _kept_covers(uow, holds_, shifts)
    return {
        h.id: overdue_of(h, shifts, windows.get(h.account), grace, checks.day_end, tz, cover_at=covers.get(h.id))
        for h in holds_
        if h.id is not None
    }


def _kept_covers(uow: UnitOfWork, holds_: list[Hold], shifts: list[Shift]) -> dict[int, datetime]:
    """When each hold became a kept cover (domain.checks.cover_overdue_at), for those that did."""
    now = uow.now
    starts = [h.start for h in holds_]
    held = [h for h in uow.holds.between(min(starts), now + timedelta(seconds=1)) if h.role == HOLDER]
    after = timedelta(minutes=uow.config.checks.cover_overdue_minutes)
    found = {}
    for hold in holds_:
        beside = [(h.start, h.end) for h in held if h.agent_id == hold.agent_id and h.account != hold.account]
        at = cover_overdue_at(hold, shifts, beside, after=after, horizon=now) if beside else None
        if at is not None and hold.id is not None:
            found[hold.id] = at
    return found


def overdue_for(uow: UnitOfWork, hold: Hold) -> Overdue:
    return overdue_of_holds(uow, [hold])[hold.id]


def activity_of(uow: UnitOfWork, hold: Hold, overdue: Overdue) -> Activity:
    """The holder's last sign of work during the hold (see domain.checks.last_activity).

    Their own cases count until the hold ended (or now); the account's conversations only until it
    was overdue: after that nobody may have been there to answer them, whoever they were credited to.
    """
    until = hold.end if hold.end is not None else uow.now
    conversation = uow.conversations.last_at(hold.account, hold.start, min(until, overdue.at))
    case = uow.cases.last_at(hold.agent_id, hold.account, hold.start, until)
    return last_activity(hold, [case] if case else [], [conversation] if conversation else [], until)


# -- what is due now --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LongHold:
    kind: ClassVar[str] = LONG_HOLD
    hold: Hold


@dataclass(frozen=True)
class ClockOffQuestion:
    kind: ClassVar[str] = CLOCK_OFF
    hold: Hold  # open, or ended by someone else's take-over after it was overdue
    activity: Activity  # the last sign of work, offered as the answer
    overdue_at: datetime  # its holder's rostered end or the scoring hours' end, plus the grace; or a kept cover's hour
    overdue_reason: str  # domain.checks ROSTER, SCORING, DAY_END or COVER


@dataclass(frozen=True)
class AutoClosedHold:
    kind: ClassVar[str] = AUTO_CLOSED
    hold: Hold


@dataclass(frozen=True)
class Unattended:
    kind: ClassVar[str] = UNATTENDED
    gap: Gap
    window: Window  # the account's watched hours


@dataclass(frozen=True)
class LateStart:
    kind: ClassVar[str] = LATE_START
    shift: Shift
    # While a colleague still holds the account: the take-over from when they sat down, offered in one tap.
    offer: LateOffer | None = None


@dataclass(frozen=True)
class LateOffer:
    """A late start's take-over offer: `holder` still holds the account, by hold `seen_hold`; the
    moments to take it over from (bot.console.service.backdate_moments), the suggestion first."""

    holder: str
    seen_hold: int
    moments: tuple[datetime, ...]


Subject = LongHold | ClockOffQuestion | AutoClosedHold | Unattended | LateStart


@dataclass(frozen=True)
class Due:
    """A notice due now: claimed once by (kind, key), sent to `chat_id`."""

    key: str
    chat_id: int
    subject: Subject
    agent_id: int | None = None  # a question's: only they may answer it
    hold_id: int | None = None
    language_code: str | None = None  # a private notice speaks its agent's language; the group hears the team's
    to_team: bool = False

    @property
    def kind(self) -> str:
        return self.subject.kind


@dataclass(frozen=True)
class DueNow:
    now: datetime
    notices: tuple[Due, ...]


def due_now(uow: UnitOfWork) -> DueNow:
    """Everything that needs telling now, whether or not it was told before (the claim decides)."""
    now, checks = uow.now, uow.config.checks
    open_holds = uow.holds.open()
    agents = uow.agents.by_id()
    forgotten = forgotten_now(uow, open_holds)

    def private(agent_id: int, key: str, subject: Subject, hold_id: int | None = None) -> Due:
        agent = agents[agent_id]
        return Due(key, agent.tg_user_id, subject, agent_id, hold_id, agent.language_code)

    due = [private(h.agent_id, hold_key(h.id), AutoClosedHold(h), h.id) for h in _auto_closes_to_tell(uow)]
    for overdue in forgotten:
        hold = overdue.hold
        due.append(
            private(
                hold.agent_id,
                hold_key(hold.id),
                ClockOffQuestion(hold, activity_of(uow, hold, overdue), overdue.at, overdue.reason),
                hold.id,
            )
        )
    # While a clock-off question waits, it is the question; once answered "still on", "still on?" may come later.
    waiting = {o.hold.id for o in forgotten if (n := uow.outbox.find(CLOCK_OFF, hold_key(o.hold.id))) is None or n.resolved_at is None}
    for hold in long_holds(open_holds, now, timedelta(hours=checks.max_hold_hours)):
        if hold.id not in waiting:
            due.append(private(hold.agent_id, hold_key(hold.id), LongHold(hold), hold.id))
    late = []
    for shift in _late_starts(uow):
        offer = late_offer(uow, shift, open_holds)
        key = f"{shift.agent_id}:{shift.account}:{_stamp(shift.start)}"
        late.append(private(shift.agent_id, key, LateStart(shift, offer), offer.seen_hold if offer else None))
    return DueNow(now, tuple(due + _unattended(uow) + late))


def late_offer(uow: UnitOfWork, shift: Shift, open_holds: list[Hold]) -> LateOffer | None:
    """What a late start offers while a colleague still holds the account: the take-over from the
    moment its agent says they sat down. The notice keeps the colleague's hold (its hold id), so a
    tap is honoured only while that hold is still the one on the account."""
    current = main_hold(open_holds, shift.account)
    if current is None or current.agent_id == shift.agent_id or current.id is None:
        return None
    return LateOffer(uow.agents.name_of(current.agent_id), current.id, backdate_moments(uow, current, shift.start))


def forgotten_now(uow: UnitOfWork, open_holds: list[Hold]) -> list[Overdue]:
    """Holds to ask about now: open past their overdue moment, or ended by someone else's take-over after it.

    A take-over is looked for as far back as auto-close reaches: a question that arrives after the
    next shift took over is still the question, and it can still be answered.
    """
    since = uow.now - timedelta(hours=uow.config.checks.auto_close_hours)
    taken = uow.holds.taken_over_between(since, uow.now + timedelta(seconds=1))
    candidates = open_holds + taken
    overdue = overdue_of_holds(uow, candidates)
    return [overdue[h.id] for h in candidates if is_forgotten(overdue[h.id], uow.now, taken_over=not h.is_open)]


def _stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%MZ")


def _auto_closes_to_tell(uow: UnitOfWork) -> list[Hold]:
    owed = uow.outbox.owed((AUTO_CLOSED,))
    return [uow.holds.get(n.hold_id) for n in owed if uow.now - n.created_at < TELL_AUTO_CLOSE_FOR]


def _unattended(uow: UnitOfWork) -> list[Due]:
    now, checks, tz = uow.now, uow.config.checks, uow.tz
    today = uow.today
    windows = {a.key: checks.scoring_hours.get(a.platform) for a in uow.config.accounts}
    watched = {key: watched_spans(w, today - timedelta(days=1), today, tz) for key, w in windows.items() if w}
    if not watched:
        return []
    since = min(span[0] for spans in watched.values() for span in spans)
    holds_since = uow.holds.between(since, now + timedelta(seconds=1))
    gaps = unattended_gaps(watched, holds_since, now, timedelta(minutes=checks.unattended_minutes))
    return [
        Due(f"{gap.account}:{_stamp(gap.start)}", uow.config.team.chat_id, Unattended(gap, windows[gap.account]), to_team=True)
        for gap in gaps
        if gap.ongoing
    ]


def _shifts(uow: UnitOfWork, start: datetime, end: datetime) -> list[Shift]:
    roster = uow.roster.roster_frame(start, end, uow.tz)
    if roster is None:
        return []
    return [Shift(r.account, int(r.agent_id), r.start.to_pydatetime(), r.end.to_pydatetime()) for r in roster.itertuples(index=False)]


def _late_starts(uow: UnitOfWork) -> list[Shift]:
    now = uow.now
    since = now - timedelta(days=2)
    shifts = _shifts(uow, since, now)
    return late_starts(shifts, uow.holds.between(since, now + timedelta(seconds=1)), now, timedelta(minutes=uow.config.checks.late_minutes))


# -- telling: claim, take, drop ---------------------------------------------------------------------


def owed(uow: UnitOfWork) -> list[OutboxRow]:
    """Reminders claimed but not sent: Telegram refused them, or (auto-closes) they were claimed to be sent later."""
    return uow.outbox.owed(KINDS)


def take_again(uow: UnitOfWork, notice_id: int, still_due: bool) -> bool:
    return uow.outbox.take_again(notice_id, uow.now, still_due=still_due)


def claim(uow: UnitOfWork, due: Due) -> int | None:
    """The new notice's outbox id, taken for its send; None when it was claimed before."""
    return uow.outbox.claim(due.kind, due.key, uow.now, chat_id=due.chat_id, agent_id=due.agent_id, hold_id=due.hold_id)


# -- corrections --------------------------------------------------------------------------------------


def correct(uow: UnitOfWork, hold: Hold, end: datetime, *, flag: str | None = None) -> None:
    """End `hold` at `end`, or move its end there when a take-over ended it since (never later);
    the ledger days the change touched are marked due, so the compile job credits them afresh."""
    if hold.is_open:
        if not uow.holds.end(hold.id, end, flag=flag):
            # Taken over or handed off by another writer since this answer read it open.
            raise Refused("reminder_hold_moved", account=hold.account)
        uow.ledger.mark_due(uow.days_spanned(end, max(end, uow.now)), uow.now)
        return
    if end > hold.end:
        raise ValueError("a correction never lengthens a hold")
    days = uow.days_spanned(end, hold.end)
    for day in days:
        if uow.months.is_closed(f"{day:%Y-%m}"):
            raise Refused("month_closed", month=f"{day:%Y-%m}")
    if not uow.holds.move(hold.id, was=hold, start=hold.start, end=end, flag=flag):
        raise Refused("reminder_hold_moved", account=hold.account)
    uow.ledger.mark_due(days, uow.now)


def settle_questions(uow: UnitOfWork, hold_id: int, resolution: str) -> None:
    """The hold's end is settled (its holder answered one question, or a supervisor corrected it):
    every question about it is, so no later answer or auto-close moves it again."""
    for kind in ASKS_WHEN_LEFT:
        notice = uow.outbox.find(kind, hold_key(hold_id))
        if notice is not None and notice.resolved_at is None:
            uow.outbox.resolve(notice.id, uow.now, resolution)


# -- closing what nobody answered -------------------------------------------------------------------


def unanswered_questions(uow: UnitOfWork) -> list[int]:
    """The clock-off questions still waiting for an answer, each a candidate for `auto_close`."""
    return [n.id for n in uow.outbox.unanswered(CLOCK_OFF) if n.hold_id is not None]


def auto_close(uow: UnitOfWork, notice_id: int) -> int | None:
    """Close the hold of a clock-off question still unanswered `auto_close_hours` after the hold began.

    It closes at its last activity, flagged for review, audited, and with a notice to its holder
    claimed owed in the same unit of work, so telling them cannot be forgotten. A hold someone
    else's take-over ended meanwhile is shortened to its last activity the same way (that take-over
    is why this never fired before: it ended the hold, and only open holds were closed). One its
    holder handed off themselves settles the question. The hold's id, or None when the question
    was answered, its holder handed off, or it is too early.
    """
    notice = uow.outbox.get(notice_id)
    hold = uow.holds.get(notice.hold_id)
    after = timedelta(hours=uow.config.checks.auto_close_hours)
    if notice.resolved_at is not None or uow.now < hold.start + after:
        return None
    if not hold.is_open:
        taker = uow.holds.taken_over_by(hold.id)
        if taker is None or taker == hold.agent_id:
            uow.outbox.resolve(notice.id, uow.now, "handed_off")
            return None
    activity = activity_of(uow, hold, overdue_for(uow, hold))
    end = corrected_end(hold, activity.at)
    try:
        correct(uow, hold, end, flag=holds.AUTO_CLOSED)
    except Refused as refused:
        if refused.code == "month_closed":  # its month's credit is final: nothing left to correct
            uow.outbox.resolve(notice.id, uow.now, OBSOLETE)
        return None  # else moved by another writer since it was read: the next run looks again
    uow.outbox.resolve(notice.id, uow.now, AUTO_CLOSED)
    detail: dict[str, object] = {"hold": hold.id, "agent_id": hold.agent_id, "start": hold.start.isoformat(), "end": end.isoformat()}
    if hold.end is not None:
        detail["was"] = hold.end.isoformat()
    uow.audit(uow.now, "auto_close", subject=hold.account, source=activity.source, **detail)
    agent = uow.agents.by_id()[hold.agent_id]
    uow.outbox.claim(AUTO_CLOSED, hold_key(hold.id), uow.now, chat_id=agent.tg_user_id, agent_id=agent.id, hold_id=hold.id, sending=False)
    return hold.id
