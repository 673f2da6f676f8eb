"""The checks job: every few minutes, close what nobody answered, find what needs telling, and tell it once.

Each run works out everything that is due now (bot.reminders.service.due_now). A due notice is
claimed in the outbox, committed, then sent, and its message id stored. A send Telegram refused
stays owed and the next run retries it, while it is still true, else it is dropped as obsolete;
one that may have arrived unseen (a timeout after sending) is never sent again. No transaction is
held across a send.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.ext import Application

from bot.core.baton import Baton
from bot.reminders import render, service
from bot.reminders.service import Due, DueNow
from bot.telegram.context import BatonContext, Parts, parts_of
from bot.telegram.jobs import JOB_KWARGS
from bot.telegram.outbox import deliver

log = logging.getLogger(__name__)


async def run_checks(context: BatonContext) -> None:
    parts = parts_of(context.application)
    closed = await asyncio.to_thread(close_forgotten, parts.baton)
    if closed:
        log.info("auto-closed holds %s", closed)
    due = await asyncio.to_thread(parts.baton.read, service.due_now)
    await tell(context.bot, parts, due)


def close_forgotten(baton: Baton) -> list[int]:
    """Auto-close each hold whose clock-off question went unanswered too long, each in its own unit of work."""
    closed = (baton.run(service.auto_close, notice_id) for notice_id in baton.read(service.unanswered_questions))
    return [hold_id for hold_id in closed if hold_id is not None]


async def tell(bot: Bot, parts: Parts, due: DueNow) -> None:
    """Retry what is owed and still due, drop what no longer is, then claim and send the new."""
    baton = parts.baton
    waiting = {(d.kind, d.key): d for d in due.notices}
    for notice in await asyncio.to_thread(baton.read, service.owed):
        item = waiting.pop((notice.kind, notice.key), None)
        if await asyncio.to_thread(baton.run, service.take_again, notice.id, item is not None):
            await _send(bot, parts, notice.id, item, due)
    for item in waiting.values():
        notice_id = await asyncio.to_thread(baton.run, service.claim, item)
        if notice_id is not None:
            await _send(bot, parts, notice_id, item, due)


async def _send(bot: Bot, parts: Parts, notice_id: int, item: Due, due: DueNow) -> None:
    r = parts.team if item.to_team else parts.in_language(item.language_code)
    text = render.notice_text(r, item.subject, due.now)
    keyboard = render.notice_keyboard(r, item, notice_id, due.now)
    await deliver(
        bot, parts.baton, notice_id, item.chat_id, text, keyboard, what=f"the {item.kind} notice {item.key}", pacer=parts.courier.pacer
    )


def schedule(application: Application) -> None:
    minutes = parts_of(application).baton.config.checks.every_minutes
    application.job_queue.run_repeating(
        run_checks, interval=minutes * 60, first=30, name="checks", job_kwargs={**JOB_KWARGS, "max_instances": 1}
    )
