"""The reminders' use cases: what is due now, answering the questions, and closing forgotten holds.

What is due is worked out afresh on every run (domain.checks); a notice is claimed in the outbox,
unique by (kind, key), so running again, or late, or twice, tells nobody twice. The questions keep
their answers there too: each button names its outbox row, so an answer can only ever settle the
question it was asked on. An answer, or an auto-close, is one unit of work that ends the hold,
settles the question and writes the audit entry together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import ClassVar

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from domain.checks import (
    Activity,
    ClockOff,
    Gap,
    Shift,
    Window,
    clock_off_of,
    closing_refusal,
    forgotten_clock_offs,
    last_activity,
    late_starts,
    long_holds,
    read_left_time,
    unattended_gaps,
    watched_spans,
)
from domain.holds import Hold
from storage import holds
from storage.models import OutboxRow

LONG_HOLD, CLOCK_OFF, AUTO_CLOSED = "long_hold", "clock_off", holds.AUTO_CLOSED
UNATTENDED, LATE_START = "unattended", "late_start"
KINDS = (LONG_HOLD, CLOCK_OFF, AUTO_CLOSED, UNATTENDED, LATE_START)
OBSOLETE = "obsolete"
# How long an auto-closed holder keeps being told, when their private chat refuses messages.
TELL_AUTO_CLOSE_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Answered:
    account: str
    ended_at: datetime | None  # where the hold now ends; None when it goes on
    chat_id: int | None  # the question's message, so its buttons can be taken away
    message_id: int | None
    at: datetime  # when it was answered


def hold_key(hold_id: int) -> str:
    return f"hold:{hold_id}"


def clock_off_for(uow: UnitOfWork, hold: Hold) -> ClockOff:
    checks = uow.config.checks
    return clock_off_of(hold, checks.day_end, checks.morning, uow.tz)


def activity_before_day_end(uow: UnitOfWork, hold: Hold) -> Activity:
    """The holder's last sign of work on the day their hold outlived (see domain.checks.last_activity)."""
    until = clock_off_for(uow, hold).day_end
    conversation = uow.conversations.last_at(hold.account, hold.start, until)
    cases = uow.cases.times(hold.agent_id, hold.account, hold.start, until)
    return last_activity(hold, cases, [conversation] if conversation else [], until)


# -- what is due now --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LongHold:
    kind: ClassVar[str] = LONG_HOLD
    hold: Hold


@dataclass(frozen=True)
class ClockOffQuestion:
    kind: ClassVar[str] = CLOCK_OFF
    hold: Hold
    activity: Activity  # the last sign of work, offered as the answer


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
    forgotten = forgotten_clock_offs(open_holds, now, checks.day_end, checks.morning, uow.tz)

    def private(agent_id: int, key: str, subject: Subject, hold_id: int | None = None) -> Due:
        agent = agents[agent_id]
        return Due(key, agent.tg_user_id, subject, agent_id, hold_id, agent.language_code)

    due = [private(h.agent_id, hold_key(h.id), AutoClosedHold(h), h.id) for h in _auto_closes_to_tell(uow)]
    for c in forgotten:
        activity = activity_before_day_end(uow, c.hold)
        due.append(private(c.hold.agent_id, hold_key(c.hold.id), ClockOffQuestion(c.hold, activity), c.hold.id))
    asked = {c.hold.id for c in forgotten}
    for hold in long_holds(open_holds, now, timedelta(hours=checks.max_hold_hours)):
        if hold.id not in asked:  # the morning question covers it
            due.append(private(hold.agent_id, hold_key(hold.id), LongHold(hold), hold.id))
    late = [private(s.agent_id, f"{s.agent_id}:{s.account}:{_stamp(s.start)}", LateStart(s)) for s in _late_starts(uow)]
    return DueNow(now, tuple(due + _unattended(uow) + late))


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


def _late_starts(uow: UnitOfWork) -> list[Shift]:
    now = uow.now
    since = now - timedelta(days=2)
    roster = uow.roster.roster_frame(since, now, uow.tz)
    if roster is None:
        return []
    shifts = [Shift(r.account, int(r.agent_id), r.start.to_pydatetime(), r.end.to_pydatetime()) for r in roster.itertuples(index=False)]
    return late_starts(shifts, uow.holds.between(since, now + timedelta(seconds=1)), now, timedelta(minutes=uow.config.checks.late_minutes))


# -- telling: claim, take, drop ---------------------------------------------------------------------


def owed(uow: UnitOfWork) -> list[OutboxRow]:
    """Reminders claimed but not sent: Telegram refused them, or (auto-closes) they were claimed to be sent later."""
    return uow.outbox.owed(KINDS)


def take_again(uow: UnitOfWork, notice_id: int, still_due: bool) -> bool:
    """Take an owed reminder for another send while it is still true; one that no longer is is dropped."""
    if not still_due:
        uow.outbox.resolve(notice_id, uow.now, OBSOLETE)
        return False
    return uow.outbox.take(notice_id)


def claim(uow: UnitOfWork, due: Due) -> int | None:
    """The new notice's outbox id, taken for its send; None when it was claimed before."""
    return uow.outbox.claim(due.kind, due.key, uow.now, chat_id=due.chat_id, agent_id=due.agent_id, hold_id=due.hold_id)


# -- answers ----------------------------------------------------------------------------------------


def still_on(uow: UnitOfWork, notice_id: int) -> Answered:
    notice = uow.outbox.get(notice_id)
    hold = _question(uow, notice, LONG_HOLD)
    uow.outbox.resolve(notice.id, uow.now, "still_on")
    return _answered(uow, notice, hold.account, None)


def hand_off_now(uow: UnitOfWork, notice_id: int) -> Answered:
    notice = uow.outbox.get(notice_id)
    hold = _question(uow, notice, LONG_HOLD)
    _end(uow, hold, uow.now)
    uow.outbox.resolve(notice.id, uow.now, "handed_off")
    uow.audit(uow.now, "hand_off", actor_agent_id=uow.me.id, subject=hold.account, hold=hold.id, via=LONG_HOLD)
    return _answered(uow, notice, hold.account, uow.now)


def clock_off(uow: UnitOfWork, notice_id: int, at: datetime) -> Answered:
    """The holder's answer with the time on the question's button."""
    notice = uow.outbox.get(notice_id)
    hold = _question(uow, notice, CLOCK_OFF)
    return _close(uow, notice, hold, at, "button")


def clock_off_typed(uow: UnitOfWork, wall: time, *, account: str | None = None, replied_to: tuple[int, int] | None = None) -> Answered:
    """A typed HH:MM: as a reply to the question (`replied_to` is its chat and message id) or /left."""
    if account is not None:
        account = uow.account_key(account)
    notice = uow.outbox.by_message(*replied_to) if replied_to is not None else _only_question(uow, account)
    hold = _question(uow, notice, CLOCK_OFF)
    at = read_left_time(wall, hold, uow.config.checks.morning, uow.tz)
    return _close(uow, notice, hold, at, "typed")


def is_question(uow: UnitOfWork, chat_id: int, message_id: int) -> bool:
    """Whether a message of the bot's asked when its holder left: only a reply to one is an answer."""
    notice = uow.outbox.by_message(chat_id, message_id)
    return notice is not None and notice.kind == CLOCK_OFF


def _question(uow: UnitOfWork, notice: OutboxRow | None, kind: str) -> Hold:
    """The open hold the question is about, or why the sender cannot answer it."""
    if notice is None or notice.kind != kind or notice.hold_id is None:
        raise Refused("reminder_answered")
    if uow.me.id != notice.agent_id:
        raise Refused("reminder_not_yours")
    if notice.resolved_at is not None:
        raise Refused("reminder_answered")
    hold = uow.holds.get(notice.hold_id)
    if not hold.is_open:
        raise Refused("reminder_hold_gone", account=hold.account)
    return hold


def _only_question(uow: UnitOfWork, account: str | None) -> OutboxRow:
    asked = uow.outbox.unanswered(CLOCK_OFF, uow.me.id)
    open_ids = {h.id: h.account for h in uow.holds.open()}
    waiting = [(n, open_ids[n.hold_id]) for n in asked if n.hold_id in open_ids and account in (None, open_ids[n.hold_id])]
    if not waiting:
        raise Refused("left_nothing_asked")
    if len(waiting) > 1:
        raise Refused("left_which", accounts=sorted(a for _, a in waiting))
    return waiting[0][0]


def _close(uow: UnitOfWork, notice: OutboxRow, hold: Hold, at: datetime, how: str) -> Answered:
    problem = closing_refusal(hold, at, uow.now)
    if problem is not None:
        # `now` lets the refusal write its times as the asker reads them (today's without a date).
        raise Refused(f"left_{problem}", account=hold.account, at=at, start=hold.start, now=uow.now)
    _end(uow, hold, at)
    uow.outbox.resolve(notice.id, uow.now, "clock_off")
    uow.audit(uow.now, "clock_off", actor_agent_id=uow.me.id, subject=hold.account, hold=hold.id, left_at=at.isoformat(), how=how)
    return _answered(uow, notice, hold.account, at)


def _end(uow: UnitOfWork, hold: Hold, at: datetime) -> None:
    if not uow.holds.end(hold.id, at):
        # Taken over or handed off by another writer since this answer read it open.
        raise Refused("reminder_hold_gone", account=hold.account)


def _answered(uow: UnitOfWork, notice: OutboxRow, account: str, ended_at: datetime | None) -> Answered:
    return Answered(account, ended_at, notice.chat_id, notice.message_id, uow.now)


# -- closing what nobody answered -------------------------------------------------------------------


def unanswered_questions(uow: UnitOfWork) -> list[int]:
    """The clock-off questions still waiting for an answer, each a candidate for `auto_close`."""
    return [n.id for n in uow.outbox.unanswered(CLOCK_OFF) if n.hold_id is not None]


def auto_close(uow: UnitOfWork, notice_id: int) -> int | None:
    """Close the hold of a clock-off question still unanswered `auto_close_hours` after the hold began.

    It closes at its last activity, flagged for review, audited, and with a notice to its holder
    claimed owed in the same unit of work, so telling them cannot be forgotten. The hold's id, or
    None when the question was answered, the hold ended, or it is too early.
    """
    notice = uow.outbox.get(notice_id)
    hold = uow.holds.get(notice.hold_id)
    after = timedelta(hours=uow.config.checks.auto_close_hours)
    if notice.resolved_at is not None or not hold.is_open or uow.now < hold.start + after:
        return None
    activity = activity_before_day_end(uow, hold)
    if not uow.holds.end(hold.id, activity.at, flag=holds.AUTO_CLOSED):
        return None
    uow.outbox.resolve(notice.id, uow.now, AUTO_CLOSED)
    uow.audit(
        uow.now,
        "auto_close",
        subject=hold.account,
        hold=hold.id,
        agent_id=hold.agent_id,
        start=hold.start.isoformat(),
        end=activity.at.isoformat(),
        source=activity.source,
    )
    agent = uow.agents.by_id()[hold.agent_id]
    uow.outbox.claim(AUTO_CLOSED, hold_key(hold.id), uow.now, chat_id=agent.tg_user_id, agent_id=agent.id, hold_id=hold.id, sending=False)
    return hold.id
