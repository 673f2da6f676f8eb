"""Scheduled work: keep the ledger compiled, post the daily digest, and catch up after downtime."""
from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from telegram.ext import Application, ContextTypes

from bot.context import KEY, Deps, deps
from bot.digests import DAILY, log_unconfirmed, post_daily_digest, post_monthly_digest
from bot.month import previous_month
from storage.connectors import PullSettings, pull_account

log = logging.getLogger(__name__)

# APScheduler drops a job that starts more than 1 s late by default; a busy bot is often later.
MISFIRE_GRACE_SECONDS = 15 * 60


async def compile_ledger(context: ContextTypes.DEFAULT_TYPE) -> None:
    change = deps(context).baton.compile()
    log.info("ledger compiled: %s added, %s removed, %s unchanged", change.added, change.removed, change.unchanged)


async def daily_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    await post_daily_digest(context.bot, d, d.baton.today(), job_queue=context.job_queue)


def digests_due(now_local: datetime, digest_time, posted) -> list[date]:
    """Yesterday's digest if it never went out, and today's if its time has passed."""
    today = now_local.date()
    due = [today - timedelta(days=1)]
    if now_local.time() >= digest_time:
        due.append(today)
    return [day for day in due if not posted(day)]


async def monthly_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    await post_monthly_digest(context.bot, d, previous_month(d.baton.today()), job_queue=context.job_queue)


async def catch_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    """At start-up: post, marked late, the digests that fell due while the bot was down."""
    d = deps(context)
    log_unconfirmed(d)
    now_local = d.baton.clock.now().astimezone(d.baton.tz)
    active = set(d.baton.open_days())
    due = digests_due(now_local, d.baton.config.schedule.daily_digest, lambda day: d.baton.digest_posted(DAILY, day.isoformat()))
    for day in (day for day in due if day in active):
        log.info("catching up the digest for %s", day)
        await post_daily_digest(context.bot, d, day, late=True, job_queue=context.job_queue)
    schedule = d.baton.config.schedule
    month = previous_month(now_local.date())
    due_monthly = (now_local.day, now_local.time()) >= (schedule.monthly_digest_day, schedule.monthly_digest_time)
    if due_monthly and any(f"{day:%Y-%m}" == month for day in active):
        await post_monthly_digest(context.bot, d, month, late=True, job_queue=context.job_queue)


async def pull_conversations(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Fetch an account's new conversations from its pull API, then recompile if any arrived."""
    d = deps(context)
    config = d.baton.config
    account = config.account(context.job.data)
    settings = PullSettings(
        account=account.key, platform=account.platform, url=account.pull.url, token=account.pull.token,
        interval_minutes=account.pull.interval_minutes,
    )
    report = await pull_account(d.baton.engine, settings, tz=d.baton.tz, now=d.baton.clock.now)
    if report.error:
        log.warning("pull %s: %s", account.key, report.error)
    log.info("pull %s: %s pages, %s fetched, %s new, %s duplicates, %s rejected", account.key, report.pages, report.fetched, report.new, report.duplicates, len(report.rejected))
    if report.new:
        d.baton.compile()


def schedule_jobs(application: Application) -> None:
    d: Deps = application.bot_data[KEY]
    schedule = d.baton.config.schedule
    job_kwargs = {"misfire_grace_time": MISFIRE_GRACE_SECONDS, "coalesce": True}
    queue = application.job_queue
    queue.run_repeating(compile_ledger, interval=schedule.compile_every_minutes * 60, first=5, name="compile", job_kwargs=job_kwargs)
    digest_at = schedule.daily_digest.replace(tzinfo=d.baton.tz)
    queue.run_daily(daily_digest, time=digest_at, name="daily-digest", job_kwargs=job_kwargs)
    monthly_at = schedule.monthly_digest_time.replace(tzinfo=d.baton.tz)
    queue.run_monthly(monthly_digest, when=monthly_at, day=schedule.monthly_digest_day, name="monthly-digest", job_kwargs=job_kwargs)
    queue.run_once(catch_up, when=1, name="catch-up")
    for account in d.baton.config.accounts:
        if account.pull is not None:
            queue.run_repeating(
                pull_conversations, interval=account.pull.interval_minutes * 60, first=10, name=f"pull:{account.key}",
                data=account.key, job_kwargs={**job_kwargs, "max_instances": 1},
            )
