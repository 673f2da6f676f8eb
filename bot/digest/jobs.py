"""The daily digest at its hour, retried when Telegram refuses it, caught up after downtime, and
corrected when an import changes its day after it was posted."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import partial

from telegram.ext import Application, JobQueue

from bot.core.baton import UnitOfWork
from bot.digest.render import corrected_digest_message, digest_message
from bot.digest.service import DAILY, corrected, daily_digest, take_corrections
from bot.ledger.service import open_days
from bot.telegram.context import BatonContext, parts_of
from bot.telegram.courier import Post, queue
from bot.telegram.jobs import JOB_KWARGS
from bot.telegram.outbox import Periodic, log_in_doubt, post_once, posted

log = logging.getLogger(__name__)
CORRECTED = "digest-edit"  # the key prefix of a digest's correcting edit in the outbox


async def post_daily_digest(
    application: Application, day: date, *, late: bool = False, attempt: int = 1, job_queue: JobQueue | None = None
) -> bool:
    """Post the digest for `day` once; False if it was claimed already or its send failed."""
    team = parts_of(application).team

    def compose(uow, due: Periodic) -> str:
        return digest_message(team, daily_digest(uow, date.fromisoformat(due.period)), late=due.late)

    return await post_once(application, Periodic(DAILY, day.isoformat(), late, attempt), compose, retry_digest, job_queue)


async def daily_digest_job(context: BatonContext) -> None:
    await post_daily_digest(context.application, parts_of(context.application).baton.today(), job_queue=context.job_queue)


async def retry_digest(context: BatonContext) -> None:
    due: Periodic = context.job.data
    await post_daily_digest(
        context.application, date.fromisoformat(due.period), late=due.late, attempt=due.attempt, job_queue=context.job_queue
    )


async def correct_digests(application: Application) -> int:
    """Edit each posted digest an import has changed the day of (bot/digest/service.owe_corrections)
    with the day as it stands now. The edit is queued in the outbox in the transaction that takes
    the correction, so it is made once, across restarts too, and goes out at the group's pace.
    Run after an import (Parts.imported) and at start-up (after a crash or a `baton import`)."""
    parts = parts_of(application)
    team = parts.team

    def correct(uow: UnitOfWork) -> int:
        corrections = take_corrections(uow)
        for correction in corrections:
            text = corrected_digest_message(team, daily_digest(uow, correction.day), uow.now)
            queue(uow, uow.config.team.chat_id, f"{CORRECTED}:{correction.outbox_id}", Post(text, edit=correction.message_id))
            corrected(uow, correction)
        return len(corrections)

    # In the database's writer thread, queued with the commands (see Courier._write).
    done = await asyncio.get_running_loop().run_in_executor(parts.baton.writer, partial(parts.baton.run, correct))
    if done:
        log.info("%s posted digest(s) corrected after an import", done)
        parts.courier.wake()
    return done


def digests_due(now_local: datetime, digest_time: time, is_posted: Callable[[date], bool]) -> list[date]:
    """Yesterday's digest if it never went out, and today's if its time has passed."""
    today = now_local.date()
    due = [today - timedelta(days=1)]
    if now_local.time() >= digest_time:
        due.append(today)
    return [day for day in due if not is_posted(day)]


async def catch_up(context: BatonContext) -> None:
    """At start-up: post, marked late, the digests that fell due while the bot was down."""
    baton = parts_of(context.application).baton
    log_in_doubt(baton, (DAILY,))
    now_local = baton.clock.now().astimezone(baton.tz)

    def due_days(uow) -> list[date]:
        active = set(open_days(uow))
        return [
            d
            for d in digests_due(now_local, baton.config.schedule.daily_digest, lambda d: posted(uow, DAILY, d.isoformat()))
            if d in active
        ]

    for day in await asyncio.to_thread(baton.read, due_days):
        log.info("catching up the digest for %s", day)
        await post_daily_digest(context.application, day, late=True, job_queue=context.job_queue)
    await correct_digests(context.application)


def schedule(application: Application) -> None:
    baton = parts_of(application).baton
    queue = application.job_queue
    queue.run_daily(
        daily_digest_job, time=baton.config.schedule.daily_digest.replace(tzinfo=baton.tz), name="daily-digest", job_kwargs=JOB_KWARGS
    )
    queue.run_once(catch_up, when=1, name="catch-up")
