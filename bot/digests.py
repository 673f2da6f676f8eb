"""Posting a digest: at most once per (team chat, kind, period), and a failed send is not lost.

The (kind, period, chat) row is claimed in a committed transaction before sending and gets the
message id after. A send that fails gives the claim back and is retried a little later. A claim
still without a message id means the bot stopped between claiming and sending: nobody can tell
whether the group saw it, so it is never re-posted; it is logged and listed by `unconfirmed`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes, JobQueue

from bot.telegram_bot import may_have_arrived
from bot.context import Deps, deps
from bot.month import score_month
from bot.render_month import monthly_message
from storage import month as months
from storage import repositories as repo
from storage.db import reading, transaction
from storage.models import PostedDigest

log = logging.getLogger(__name__)

DAILY = "daily"
MONTHLY = "monthly"
RETRY_SECONDS = 60
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Due:
    kind: str
    period: str
    late: bool = False  # posted by the catch-up after downtime, and says so
    attempt: int = 1


async def post_daily_digest(
    bot: Bot, d: Deps, day: date, *, late: bool = False, attempt: int = 1, job_queue: JobQueue | None = None
) -> bool:
    """Post the digest for `day` once; False if it was claimed already or its send failed."""
    due = Due(DAILY, day.isoformat(), late, attempt)
    if d.baton.digest_posted(DAILY, due.period):
        return False
    d.baton.compile([day])
    return await deliver(bot, d, due, d.team.digest_message(d.baton.digest(day)), job_queue)


async def post_monthly_digest(
    bot: Bot, d: Deps, month: str, *, late: bool = False, attempt: int = 1, job_queue: JobQueue | None = None
) -> bool:
    """Last month's provisional standings and a reminder to close it; nothing once it is closed."""
    if d.baton.digest_posted(MONTHLY, month) or month_is_closed(d, month):
        return False
    scored = score_month(d.baton, month, d.baton.config.payout.pool_cents)
    return await deliver(bot, d, Due(MONTHLY, month, late, attempt), monthly_message(d.team, scored), job_queue)


def month_is_closed(d: Deps, month: str) -> bool:
    with reading(d.baton.engine) as session:
        return months.is_closed(session, month)


async def deliver(bot: Bot, d: Deps, due: Due, text: str, job_queue: JobQueue | None) -> bool:
    """Claim, send, confirm. True only when this call posted the digest."""
    chat_id = d.baton.config.team.chat_id
    engine = d.baton.engine
    with transaction(engine) as session:
        if not repo.mark_digest_posted(session, due.kind, due.period, chat_id, d.baton.clock.now()):
            return False
    if due.late:
        text += "\n" + d.team.t("digest.late")
    try:
        message = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        if may_have_arrived(exc):
            log.error("the %s digest for %s timed out after it was sent; it stays claimed and is not re-posted", due.kind, due.period)
            return False
        with transaction(engine) as session:
            repo.release_digest(session, due.kind, due.period, chat_id)
        retry_later(due, job_queue, exc)
        return False
    with transaction(engine) as session:
        repo.confirm_digest(session, due.kind, due.period, chat_id, message.message_id)
    return True



def retry_job_name(kind: str, period: str) -> str:
    return f"digest-retry:{kind}:{period}"


def retry_later(due: Due, job_queue: JobQueue | None, exc: TelegramError) -> None:
    if job_queue is None or due.attempt >= MAX_ATTEMPTS:
        log.error("the %s digest for %s was not sent (%s), attempt %s; the next start-up's catch-up posts it", due.kind, due.period, exc, due.attempt)
        return
    log.warning("the %s digest for %s was not sent (%s); retrying in %s s", due.kind, due.period, exc, RETRY_SECONDS)
    job_queue.run_once(retry_digest, when=RETRY_SECONDS, data=replace(due, attempt=due.attempt + 1), name=retry_job_name(due.kind, due.period))


async def retry_digest(context: ContextTypes.DEFAULT_TYPE) -> None:
    due: Due = context.job.data
    d = deps(context)
    if due.kind == DAILY:
        await post_daily_digest(context.bot, d, date.fromisoformat(due.period), late=due.late, attempt=due.attempt, job_queue=context.job_queue)
    else:
        await post_monthly_digest(context.bot, d, due.period, late=due.late, attempt=due.attempt, job_queue=context.job_queue)


def unconfirmed(d: Deps) -> list[PostedDigest]:
    """Digests claimed but never confirmed as sent: for a person to check against the group."""
    with reading(d.baton.engine) as session:
        return repo.unconfirmed_digests(session)


def log_unconfirmed(d: Deps) -> None:
    for claim in unconfirmed(d):
        log.warning(
            "the %s digest for %s was claimed at %s but never confirmed as sent (the bot stopped mid-send); not re-posting it",
            claim.kind, claim.period, claim.posted_at,
        )
