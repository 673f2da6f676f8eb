"""The answers to the reminders' questions: still on, when did you leave (a button, just now, a typed
time as a reply or /left), and "Hand off now", which asks that instead of ending the hold at the press.

Each button names its notice, so an answer can only settle the question it was asked on. An
answer is one unit of work that ends the hold (or, when someone else's take-over ended it since,
moves its end earlier; bot.reminders.service.correct), settles the question and writes the audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.console.service import Backdated, take_over_backdated
from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.reminders.service import (
    ASKS_WHEN_LEFT,
    CLOCK_OFF,
    LATE_START,
    LONG_HOLD,
    activity_of,
    correct,
    overdue_for,
    settle_questions,
)
from domain.checks import Activity, closing_refusal, corrected_end, read_left_time
from domain.holds import Hold
from storage.models import OutboxRow


@dataclass(frozen=True)
class Answered:
    account: str
    ended_at: datetime | None  # where the hold now ends; None when it goes on
    chat_id: int | None  # the question's message, so its buttons can be taken away
    message_id: int | None
    at: datetime  # when it was answered
    was: datetime | None = None  # where it ended before the answer moved it earlier (a take-over had ended it)


@dataclass(frozen=True)
class AskLeft:
    """The long-hold question after its "Hand off now": it now asks when they left."""

    notice_id: int
    hold: Hold
    activity: Activity
    at: datetime


def still_on(uow: UnitOfWork, notice_id: int) -> Answered:
    """Still on: to the long-hold question, or to a clock-off question asked while the hold is still open."""
    notice = uow.outbox.get(notice_id)
    hold = _question(uow, notice, ASKS_WHEN_LEFT)
    if not hold.is_open:
        raise Refused("reminder_hold_gone", account=hold.account)
    uow.outbox.resolve(notice.id, uow.now, "still_on")
    return _answered(uow, notice, hold.account, None)


def hand_off_now(uow: UnitOfWork, notice_id: int) -> AskLeft:
    """Hand off now, on the long-hold question: it asks when they left, and ends nothing at the press.

    The question stays open: a time button, "just now", a reply with a time or /left answers it.
    """
    notice = uow.outbox.get(notice_id)
    hold = _question(uow, notice, (LONG_HOLD,))
    return AskLeft(notice.id, hold, activity_of(uow, hold, overdue_for(uow, hold)), uow.now)


def clock_off(uow: UnitOfWork, notice_id: int, at: datetime | None) -> Answered:
    """The holder's answer with the time on the question's button; None is "just now"."""
    notice = uow.outbox.get(notice_id)
    hold = _question(uow, notice, ASKS_WHEN_LEFT)
    return _close(uow, notice, hold, uow.now if at is None else at, "button" if at is not None else "now")


def clock_off_typed(uow: UnitOfWork, wall: time, *, account: str | None = None, replied_to: tuple[int, int] | None = None) -> Answered:
    """A typed HH:MM: as a reply to the question (`replied_to` is its chat and message id) or /left."""
    if account is not None:
        account = uow.account_key(account)
    notice = uow.outbox.by_message(*replied_to) if replied_to is not None else _only_question(uow, account)
    hold = _question(uow, notice, ASKS_WHEN_LEFT)
    at = read_left_time(wall, hold, uow.config.checks.morning, uow.tz)
    return _close(uow, notice, hold, at, "typed")


def take_over_late(uow: UnitOfWork, notice_id: int, at: datetime) -> Backdated:
    """A late start's offer taken: the account from `at`, while the colleague's hold the nudge named
    (its notice's hold) still holds it; the limits are checked as they stand now."""
    notice = uow.outbox.get(notice_id)
    if notice is None or notice.kind != LATE_START or notice.hold_id is None:
        raise Refused("stale_button")
    if uow.me.id != notice.agent_id:
        raise Refused("offer_not_yours")
    hold = uow.holds.get(notice.hold_id)
    done = take_over_backdated(uow, hold.account, hold.id or 0, at, None)
    uow.outbox.resolve(notice.id or 0, uow.now, "taken_over")
    return done


def is_question(uow: UnitOfWork, chat_id: int, message_id: int) -> bool:
    """Whether a message of the bot's asks when its holder left: only a reply to one is an answer."""
    notice = uow.outbox.by_message(chat_id, message_id)
    return notice is not None and notice.kind in ASKS_WHEN_LEFT


def _question(uow: UnitOfWork, notice: OutboxRow | None, kinds: tuple[str, ...]) -> Hold:
    """The hold the question is about, or why the sender cannot answer it.

    A hold someone else's take-over ended since can still be answered about: the answer moves its
    end earlier. One its holder ended themselves needs nothing more, unless they were asked when
    they left before they did (a clock-off question), which they may still answer.
    """
    if notice is None or notice.kind not in kinds or notice.hold_id is None:
        raise Refused("reminder_answered")
    if uow.me.id != notice.agent_id:
        raise Refused("reminder_not_yours")
    if notice.resolved_at is not None:
        raise Refused("reminder_answered")
    hold = uow.holds.get(notice.hold_id)
    if not _answerable(uow, notice, hold):
        raise Refused("reminder_hold_gone", account=hold.account)
    return hold


def _answerable(uow: UnitOfWork, notice: OutboxRow, hold: Hold) -> bool:
    """A clock-off question until it is settled (auto-close settles it in time); a long-hold one
    while its hold is open, or lately ended by someone else's take-over (pressed on waking up,
    after the morning shift took over), never about last week's."""
    if hold.is_open or notice.kind == CLOCK_OFF:
        return True
    if hold.end is None or uow.now - hold.end > _answer_window(uow):
        return False
    taker = uow.holds.taken_over_by(hold.id)
    return taker is not None and taker != hold.agent_id


def _answer_window(uow: UnitOfWork) -> timedelta:
    return timedelta(hours=uow.config.checks.auto_close_hours)


def _only_question(uow: UnitOfWork, account: str | None) -> OutboxRow:
    """The one question /left answers: the sender's clock-off questions, and their recent long-hold ones."""
    recent = uow.now - _answer_window(uow)
    asked = [
        n
        for kind in ASKS_WHEN_LEFT
        for n in uow.outbox.unanswered(kind, uow.me.id)
        if n.hold_id is not None and (kind == CLOCK_OFF or n.created_at >= recent)
    ]
    waiting: dict[int, tuple[OutboxRow, str]] = {}
    for notice in sorted(asked, key=lambda n: (n.kind != CLOCK_OFF, n.id)):  # one hold, two questions: the clock-off one
        hold = uow.holds.get(notice.hold_id)
        if _answerable(uow, notice, hold) and account in (None, hold.account):
            waiting.setdefault(hold.id, (notice, hold.account))
    if not waiting:
        raise Refused("left_nothing_asked")
    if len(waiting) > 1:
        raise Refused("left_which", accounts=sorted(a for _, a in waiting.values()))
    return next(iter(waiting.values()))[0]


def _close(uow: UnitOfWork, notice: OutboxRow, hold: Hold, at: datetime, how: str) -> Answered:
    problem = closing_refusal(hold, at, uow.now)
    if problem is not None:
        # `now` lets the refusal write its times as the asker reads them (today's without a date).
        raise Refused(f"left_{problem}", account=hold.account, at=at, start=hold.start, now=uow.now)
    end = corrected_end(hold, at)
    correct(uow, hold, end)
    # Both questions about the hold are answered by this one answer: no auto-close moves it again.
    uow.outbox.resolve(notice.id, uow.now, "clock_off")
    settle_questions(uow, hold.id, "clock_off")
    detail: dict[str, object] = {"hold": hold.id, "left_at": end.isoformat(), "how": how}
    if hold.end is not None:
        detail["was"] = hold.end.isoformat()
    if notice.kind != CLOCK_OFF:
        detail["via"] = notice.kind
    uow.audit(uow.now, "clock_off", actor_agent_id=uow.me.id, subject=hold.account, **detail)
    return _answered(uow, notice, hold.account, end, was=hold.end)


def _answered(uow: UnitOfWork, notice: OutboxRow, account: str, ended_at: datetime | None, was: datetime | None = None) -> Answered:
    return Answered(account, ended_at, notice.chat_id, notice.message_id, uow.now, was)
