"""The monthly digest on its day: last month's provisional standings and a reminder to close it,
posted once, retried when Telegram refuses it, and caught up after downtime."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application, JobQueue

from bot.core.baton import UnitOfWork
from bot.ledger.service import open_days
from bot.month.render import monthly_message
from bot.month.service import provisional_standings
from bot.telegram.context import BatonContext, parts_of
from bot.telegram.jobs import JOB_KWARGS
from bot.telegram.outbox import Periodic, log_in_doubt, post_once
from domain.time import month_of, previous_month

log = logging.getLogger(__name__)

MONTHLY = "monthly"
# The daily digest's catch-up runs at 1 s; last month's digest goes out after yesterday's.
CATCH_UP_AFTER_SECONDS = 2


async def post_monthly_digest(
    application: Application, month: str, *, late: bool = False, attempt: int = 1, job_queue: JobQueue | None = None
) -> bool:
    """Post the digest for `month` once; nothing once the month is closed, False if its send failed."""
    team = parts_of(application).team

    def compose(uow: UnitOfWork, due: Periodic) -> str | None:
        scored = provisional_standings(uow, due.period)
        return None if scored is None else monthly_message(team, scored, late=due.late)

    return await post_once(application, Periodic(MONTHLY, month, late, attempt), compose, retry_monthly_digest, job_queue)


async def monthly_digest(context: BatonContext) -> None:
    baton = parts_of(context.application).baton
    await post_monthly_digest(context.application, previous_month(baton.today()), job_queue=context.job_queue)


async def retry_monthly_digest(context: BatonContext) -> None:
    due: Periodic = context.job.data
    await post_monthly_digest(context.application, due.period, late=due.late, attempt=due.attempt, job_queue=context.job_queue)


async def catch_up(context: BatonContext) -> None:
    """At start-up: last month's digest, marked late, if its time passed while the bot was down and last month saw work."""
    baton = parts_of(context.application).baton
    log_in_doubt(baton, (MONTHLY,))
    schedule = baton.config.schedule
    now_local = baton.clock.now().astimezone(baton.tz)
    month = previous_month(now_local.date())
    if (now_local.day, now_local.time()) < (schedule.monthly_digest_day, schedule.monthly_digest_time):
        return
    active = await asyncio.to_thread(baton.read, open_days)
    if any(month_of(day) == month for day in active):
        log.info("catching up the monthly digest for %s", month)
        await post_monthly_digest(context.application, month, late=True, job_queue=context.job_queue)


def schedule(application: Application) -> None:
    baton = parts_of(application).baton
    settings = baton.config.schedule
    queue = application.job_queue
    queue.run_monthly(
        monthly_digest,
        when=settings.monthly_digest_time.replace(tzinfo=baton.tz),
        day=settings.monthly_digest_day,
        name="monthly-digest",
        job_kwargs=JOB_KWARGS,
    )
    queue.run_once(catch_up, when=CATCH_UP_AFTER_SECONDS, name="monthly-catch-up")
