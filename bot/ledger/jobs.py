"""The compile job: every few minutes the open days' ledger is recompiled from what is stored."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application

from bot.ledger.service import compile_days, due_days
from bot.telegram.context import BatonContext, parts_of
from bot.telegram.jobs import JOB_KWARGS

log = logging.getLogger(__name__)


async def compile_ledger(context: BatonContext) -> None:
    baton = parts_of(context.application).baton
    change = await asyncio.to_thread(baton.run, compile_days)
    log.info("ledger compiled: %s added, %s removed, %s unchanged", change.added, change.removed, change.unchanged)
    # Days an import left due (a crash between its store and its compile), older ones too: one
    # short transaction each, so no command waits behind a month of them. The first run is at start.
    for day in await asyncio.to_thread(baton.read, due_days):
        await asyncio.to_thread(baton.run, compile_days, [day])


def schedule(application: Application) -> None:
    minutes = parts_of(application).baton.config.schedule.compile_every_minutes
    application.job_queue.run_repeating(compile_ledger, interval=minutes * 60, first=5, name="compile", job_kwargs=JOB_KWARGS)
