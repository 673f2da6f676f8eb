"""The reminders job: every few minutes, find what needs telling (domain.checks) and tell it once.

Each run works out everything that is due now. A due notice is claimed in the notices table,
committed, then sent, and its message id stored. The claim is unique by (kind, key), so running
again, or late, or twice, tells nobody twice. A send Telegram refused stays owed and the next run
retries it, while it is still true; one that may have arrived unseen (a timeout after sending) is
never retried. No transaction is held across a send.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot import render_reminders as text
from bot.telegram_bot import may_have_arrived
from bot.context import KEY, Deps, deps
from bot.jobs import MISFIRE_GRACE_SECONDS
from bot.reminder_actions import AUTO_CLOSED, CLOCK_OFF, LONG_HOLD, activity_before_day_end, auto_close, hold_key
from domain.checks import Shift, forgotten_clock_offs, late_starts, long_holds, unattended_gaps, watched_spans
from domain.holds import Hold
from domain.time import local_day
from storage import notices
from storage import repositories as repo
from storage.db import reading, transaction

log = logging.getLogger(__name__)

UNATTENDED, LATE_START = "unattended", "late_start"
OBSOLETE = "obsolete"
# How long an auto-closed holder keeps being told, when their private chat refuses messages.
TELL_AUTO_CLOSE_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Due:
    kind: str
    key: str
    chat_id: int
    text: str
    agent_id: int | None = None
    hold_id: int | None = None
    keyboard: Callable[[int], InlineKeyboardMarkup] | None = None  # built from the notice id


def _stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%MZ")


async def run_checks(context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    now = d.baton.clock.now()
    closed = auto_close(d.baton, now)
    if closed:
        log.info("auto-closed holds %s", closed)
    await send(context.bot, d, due_now(d, now), now)


def due_now(d: Deps, now: datetime) -> list[Due]:
    baton, checks = d.baton, d.baton.config.checks
    with reading(baton.engine) as session:
        open_holds = repo.open_holds(session)
        agents = repo.agents_by_id(session)
        forgotten = forgotten_clock_offs(open_holds, now, checks.day_end, checks.morning, baton.tz)
        activities = {c.hold.id: activity_before_day_end(session, baton, c.hold) for c in forgotten}
        told = _auto_closes_to_tell(session, now)
    due: list[Due] = []
    for hold in told:
        due.append(Due(AUTO_CLOSED, hold_key(hold.id), agents[hold.agent_id].tg_user_id, text.auto_closed(d.speaking_to(agents[hold.agent_id]), hold, now)))
    for c in forgotten:
        activity, render = activities[c.hold.id], d.speaking_to(agents[c.hold.agent_id])
        due.append(Due(
            CLOCK_OFF, hold_key(c.hold.id), agents[c.hold.agent_id].tg_user_id, text.clock_off(render, c.hold, activity, now),
            c.hold.agent_id, c.hold.id, lambda notice_id, a=activity, r=render: text.clock_off_keyboard(r, notice_id, a, now),
        ))
    asked = {c.hold.id for c in forgotten}
    for hold in long_holds(open_holds, now, timedelta(hours=checks.max_hold_hours)):
        if hold.id not in asked:  # the morning question covers it
            render = d.speaking_to(agents[hold.agent_id])
            due.append(Due(
                LONG_HOLD, hold_key(hold.id), agents[hold.agent_id].tg_user_id, text.long_hold(render, hold, now),
                hold.agent_id, hold.id, lambda notice_id, r=render: text.long_hold_keyboard(r, notice_id),
            ))
    return due + _unattended(d, now) + _late(d, now)


def _auto_closes_to_tell(session, now: datetime) -> list[Hold]:
    owed = notices.unsent(session)
    return [notices.hold(session, n.hold_id) for n in owed if n.kind == AUTO_CLOSED and now - n.sent_at < TELL_AUTO_CLOSE_FOR]


def _unattended(d: Deps, now: datetime) -> list[Due]:
    baton, checks = d.baton, d.baton.config.checks
    today = local_day(now, baton.tz)
    windows = {a.key: checks.scoring_hours.get(a.platform) for a in baton.config.accounts}
    watched = {key: watched_spans(w, today - timedelta(days=1), today, baton.tz) for key, w in windows.items() if w}
    if not watched:
        return []
    since = min(span[0] for spans in watched.values() for span in spans)
    with reading(baton.engine) as session:
        holds = repo.holds_between(session, since, now + timedelta(seconds=1))
    gaps = unattended_gaps(watched, holds, now, timedelta(minutes=checks.unattended_minutes))
    return [
        Due(UNATTENDED, f"{gap.account}:{_stamp(gap.start)}", baton.config.team.chat_id,
            text.unattended(d.team, gap, windows[gap.account], now))
        for gap in gaps if gap.ongoing
    ]


def _late(d: Deps, now: datetime) -> list[Due]:
    baton = d.baton
    since = now - timedelta(days=2)
    with reading(baton.engine) as session:
        roster = baton.roster_frame(session, since, now)
        holds = repo.holds_between(session, since, now + timedelta(seconds=1))
        agents = repo.agents_by_id(session)
    if roster is None:
        return []
    shifts = [
        Shift(r.account, int(r.agent_id), r.start.to_pydatetime(), r.end.to_pydatetime())
        for r in roster.itertuples(index=False)
    ]
    return [
        Due(LATE_START, f"{s.agent_id}:{s.account}:{_stamp(s.start)}", agents[s.agent_id].tg_user_id,
            text.late_start(d.speaking_to(agents[s.agent_id]), s, now), s.agent_id)
        for s in late_starts(shifts, holds, now, timedelta(minutes=baton.config.checks.late_minutes))
    ]


async def send(bot: Bot, d: Deps, due: list[Due], now: datetime) -> None:
    """Retry what is owed and still due, drop what no longer is, then claim and send the new."""
    engine = d.baton.engine
    waiting = {(x.kind, x.key): x for x in due}
    with reading(engine) as session:
        owed = notices.unsent(session)
    for notice in owed:
        item = waiting.pop((notice.kind, notice.key), None)
        with transaction(engine) as session:
            if item is None:
                notices.resolve(session, notice.id, now, OBSOLETE)
                continue
            taken = notices.take(session, notice.id)
        if taken:
            await deliver(bot, d, notice.id, item)
    for item in waiting.values():
        with transaction(engine) as session:
            notice_id = notices.claim(session, item.kind, item.key, now, chat_id=item.chat_id, agent_id=item.agent_id, hold_id=item.hold_id)
        if notice_id is not None:
            await deliver(bot, d, notice_id, item)


async def deliver(bot: Bot, d: Deps, notice_id: int, item: Due) -> None:
    """Send a notice taken for sending, then settle it: sent, owed again, or unconfirmed."""
    markup = item.keyboard(notice_id) if item.keyboard is not None else None
    try:
        message = await bot.send_message(item.chat_id, item.text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except TelegramError as exc:
        with transaction(d.baton.engine) as session:
            if may_have_arrived(exc):
                log.error("%s notice %s timed out after it was sent; it is not sent again", item.kind, item.key)
                notices.mark_unconfirmed(session, notice_id)
            else:
                log.warning("%s notice %s was not sent (%s); the next run retries it", item.kind, item.key, exc)
                notices.mark_failed(session, notice_id)
        return
    with transaction(d.baton.engine) as session:
        notices.mark_sent(session, notice_id, message.message_id)



def schedule_checks(application: Application) -> None:
    d: Deps = application.bot_data[KEY]
    job_kwargs = {"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True, "max_instances": 1}
    application.job_queue.run_repeating(
        run_checks, interval=d.baton.config.checks.every_minutes * 60, first=30, name="checks", job_kwargs=job_kwargs
    )
