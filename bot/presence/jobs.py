"""The presence job: every few minutes, find the hand-back nudges due, and tell each once.

A nudge is claimed in the outbox, committed, then sent, and its message id stored. A send Telegram
refused stays owed and the next run retries it while it is still true, else it is dropped as
obsolete. No transaction is held across a send.
"""

from __future__ import annotations

import asyncio

from telegram.ext import Application

from bot.presence import render, service
from bot.telegram.context import BatonContext, parts_of
from bot.telegram.jobs import JOB_KWARGS
from bot.telegram.outbox import deliver


async def run_presence(context: BatonContext) -> None:
    parts = parts_of(context.application)
    baton = parts.baton
    now = baton.clock.now()
    waiting = {n.key: n for n in await asyncio.to_thread(baton.read, service.due_now)}
    sends = []
    for notice in await asyncio.to_thread(baton.read, service.owed):
        nudge = waiting.pop(notice.key, None)
        if await asyncio.to_thread(baton.run, service.take_again, notice.id, nudge is not None) and nudge is not None:
            sends.append((notice.id, nudge))
    for nudge in waiting.values():
        notice_id = await asyncio.to_thread(baton.run, service.claim, nudge)
        if notice_id is not None:
            sends.append((notice_id, nudge))
    for notice_id, nudge in sends:
        r = parts.in_language(nudge.language_code)
        text, keyboard = render.nudge_text(r, nudge, now), render.nudge_keyboard(r, nudge, notice_id)
        await deliver(
            context.bot, baton, notice_id, nudge.chat_id, text, keyboard, what=f"the hand-back nudge {nudge.key}", pacer=parts.courier.pacer
        )


def schedule(application: Application) -> None:
    minutes = parts_of(application).baton.config.presence.every_minutes
    application.job_queue.run_repeating(
        run_presence, interval=minutes * 60, first=45, name="presence", job_kwargs={**JOB_KWARGS, "max_instances": 1}
    )
