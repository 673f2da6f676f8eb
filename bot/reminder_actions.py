"""Answering the reminders, and closing forgotten holds: each one transaction that ends the hold,
settles the question and writes the audit entry together.

Nothing here knows about Telegram; bot/reminder_handlers.py turns presses and typed times into
these calls, and bot/reminders.py calls `auto_close` from the scheduler.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import Session

from bot.services import Baton, Person, Refused
from domain.checks import Activity, ClockOff, clock_off_of, closing_refusal, last_activity, read_left_time
from domain.holds import Hold
from storage import notices
from storage import repositories as repo
from storage.db import reading, transaction
from storage.models import NoticeRow

LONG_HOLD, CLOCK_OFF, AUTO_CLOSED = "long_hold", "clock_off", notices.AUTO_CLOSED


class NotAQuestion(Exception):
    """A reply to a bot message that asked nothing: not an answer, so it is left alone."""


@dataclass(frozen=True)
class Answered:
    account: str
    ended_at: datetime | None  # where the hold now ends; None when it goes on
    chat_id: int | None  # the question's message, so its buttons can be taken away
    message_id: int | None


def hold_key(hold_id: int) -> str:
    return f"hold:{hold_id}"


def clock_off_for(baton: Baton, hold: Hold) -> ClockOff:
    checks = baton.config.checks
    return clock_off_of(hold, checks.day_end, checks.morning, baton.tz)


def activity_before_day_end(session: Session, baton: Baton, hold: Hold) -> Activity:
    """The holder's last sign of work on the day their hold outlived (see domain.checks.last_activity)."""
    until = clock_off_for(baton, hold).day_end
    conversation = notices.last_conversation_at(session, hold.account, hold.start, until)
    cases = notices.case_times(session, hold.agent_id, hold.account, hold.start, until)
    return last_activity(hold, cases, [conversation] if conversation else [], until)


def _question(session: Session, person: Person, notice: NoticeRow | None, kind: str) -> tuple[int, Hold]:
    """The asker's agent id and the open hold the question is about, or why it cannot be answered."""
    if notice is None or notice.kind != kind or notice.hold_id is None:
        raise Refused("reminder_answered")
    agent = repo.agent_by_tg_id(session, person.tg_user_id)
    if agent is None or agent.id != notice.agent_id:
        raise Refused("reminder_not_yours")
    if notice.resolved_at is not None:
        raise Refused("reminder_answered")
    hold = notices.hold(session, notice.hold_id)
    if not hold.is_open:
        raise Refused("reminder_hold_gone", account=hold.account)
    return agent.id, hold


def _answered(notice: NoticeRow, account: str, ended_at: datetime | None) -> Answered:
    return Answered(account, ended_at, notice.chat_id, notice.message_id)


def still_on(baton: Baton, person: Person, notice_id: int, update_id: int | None = None) -> Answered:
    now = baton.clock.now()
    with baton.command(update_id) as session:
        notice = notices.get(session, notice_id)
        _, hold = _question(session, person, notice, LONG_HOLD)
        notices.resolve(session, notice.id, now, "still_on")
        return _answered(notice, hold.account, None)


def hand_off_now(baton: Baton, person: Person, notice_id: int, update_id: int | None = None) -> Answered:
    now = baton.clock.now()
    with baton.command(update_id) as session:
        notice = notices.get(session, notice_id)
        agent_id, hold = _question(session, person, notice, LONG_HOLD)
        notices.end_hold(session, hold.id, now)
        notices.resolve(session, notice.id, now, "handed_off")
        repo.audit(session, now, "hand_off", actor_agent_id=agent_id, subject=hold.account, hold=hold.id, via=LONG_HOLD)
        return _answered(notice, hold.account, now)


def clock_off(baton: Baton, person: Person, notice_id: int, at: datetime, update_id: int | None = None) -> Answered:
    """The holder's answer with the time on the question's button."""
    with baton.command(update_id) as session:
        notice = notices.get(session, notice_id)
        agent_id, hold = _question(session, person, notice, CLOCK_OFF)
        return _close(session, baton, notice, agent_id, hold, at, "button")


def clock_off_typed(baton: Baton, person: Person, wall: time, *, account: str | None = None,
                    replied_to: tuple[int, int] | None = None, update_id: int | None = None) -> Answered:
    """A typed HH:MM: as a reply to the question (`replied_to` is its chat and message id) or /left."""
    if account is not None:
        account = baton.account_key(account)
    with baton.command(update_id) as session:
        if replied_to is not None:
            notice = notices.by_message(session, *replied_to)
            if notice is None or notice.kind != CLOCK_OFF:
                raise NotAQuestion(replied_to)
        else:
            notice = _only_question(session, baton, person, account)
        agent_id, hold = _question(session, person, notice, CLOCK_OFF)
        at = read_left_time(wall, hold, baton.config.checks.morning, baton.tz)
        return _close(session, baton, notice, agent_id, hold, at, "typed")


def is_question(baton: Baton, chat_id: int, message_id: int) -> bool:
    with reading(baton.engine) as session:
        notice = notices.by_message(session, chat_id, message_id)
        return notice is not None and notice.kind == CLOCK_OFF


def _only_question(session: Session, baton: Baton, person: Person, account: str | None) -> NoticeRow:
    agent = repo.agent_by_tg_id(session, person.tg_user_id)
    asked = notices.unanswered(session, CLOCK_OFF, agent.id) if agent is not None else []
    open_ids = {h.id: h.account for h in repo.open_holds(session)}
    waiting = [(n, open_ids[n.hold_id]) for n in asked if n.hold_id in open_ids and account in (None, open_ids[n.hold_id])]
    if not waiting:
        raise Refused("left_nothing_asked")
    if len(waiting) > 1:
        raise Refused("left_which", accounts=sorted(a for _, a in waiting))
    return waiting[0][0]


def _close(session: Session, baton: Baton, notice: NoticeRow, agent_id: int, hold: Hold, at: datetime, how: str) -> Answered:
    now = baton.clock.now()
    problem = closing_refusal(hold, at, now)
    if problem is not None:
        raise Refused(f"left_{problem}", account=hold.account, at=at, start=hold.start)
    notices.end_hold(session, hold.id, at)
    notices.resolve(session, notice.id, now, "clock_off")
    repo.audit(session, now, "clock_off", actor_agent_id=agent_id, subject=hold.account, hold=hold.id, left_at=at.isoformat(), how=how)
    return _answered(notice, hold.account, at)


def auto_close(baton: Baton, now: datetime) -> list[int]:
    """Close the holds whose clock-off question is still unanswered `auto_close_hours` after they began.

    Each closes at its last activity, flagged for review, audited, and with a notice to its holder
    claimed in the same transaction, so telling them cannot be forgotten. Returns the hold ids.
    """
    after = timedelta(hours=baton.config.checks.auto_close_hours)
    closed = []
    with reading(baton.engine) as session:
        asked = [n.id for n in notices.unanswered(session, CLOCK_OFF) if n.hold_id is not None]
    for notice_id in asked:
        with transaction(baton.engine) as session:
            notice = notices.get(session, notice_id)
            hold = notices.hold(session, notice.hold_id)
            if notice.resolved_at is not None or not hold.is_open or now < hold.start + after:
                continue
            activity = activity_before_day_end(session, baton, hold)
            notices.end_hold(session, hold.id, activity.at, flag=notices.AUTO_CLOSED)
            notices.resolve(session, notice.id, now, AUTO_CLOSED)
            repo.audit(session, now, "auto_close", subject=hold.account, hold=hold.id, agent_id=hold.agent_id,
                       start=hold.start.isoformat(), end=activity.at.isoformat(), source=activity.source)
            agent = repo.agents_by_id(session)[hold.agent_id]
            notices.claim(session, AUTO_CLOSED, hold_key(hold.id), now, chat_id=agent.tg_user_id, agent_id=agent.id,
                          hold_id=hold.id, sending=False)
            closed.append(hold.id)
    return closed
