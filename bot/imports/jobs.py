"""The pull connectors: every few minutes, each account with a pull API brings in its new conversations."""

from __future__ import annotations

import asyncio
import logging

from telegram.ext import Application

from bot.ledger.service import compile_days
from bot.telegram.context import BatonContext, parts_of
from bot.telegram.jobs import JOB_KWARGS
from storage.connectors import PullSettings, pull_account

log = logging.getLogger(__name__)


async def pull_conversations(context: BatonContext) -> None:
    """Fetch an account's new conversations from its pull API, then recompile if any arrived."""
    baton = parts_of(context.application).baton
    account = baton.config.account(context.job.data)
    settings = PullSettings(
        account=account.key,
        platform=account.platform,
        url=account.pull.url,
        token=account.pull.token,
        interval_minutes=account.pull.interval_minutes,
    )
    # The connector commits page by page, each page with its cursor: no transaction spans a fetch.
    report = await pull_account(baton.engine, settings, tz=baton.tz, now=baton.clock.now)
    if report.error:
        log.warning("pull %s: %s", account.key, report.error)
    log.info(
        "pull %s: %s pages, %s fetched, %s new, %s duplicates (%s updated), %s rejected",
        account.key,
        report.pages,
        report.fetched,
        report.new,
        report.duplicates,
        report.updated,
        len(report.rejected),
    )
    if report.new or report.updated:
        await asyncio.to_thread(baton.run, compile_days)


def schedule(application: Application) -> None:
    for account in parts_of(application).baton.config.accounts:
        if account.pull is not None:
            # One run per account at a time: two would race for the same cursor.
            application.job_queue.run_repeating(
                pull_conversations,
                interval=account.pull.interval_minutes * 60,
                first=10,
                name=f"pull:{account.key}",
                data=account.key,
                job_kwargs={**JOB_KWARGS, "max_instances": 1},
            )
