"""Sending what the outbox holds: claim → send → confirm, for digests and reminders alike.

The claim is committed before the send (storage/outbox.py); here the message goes out with no
transaction open, and its fate is written back: sent with its message id, owed again when
Telegram refused it (it never arrived), or unconfirmed after a timeout that may have delivered it.

A periodic post (a daily or monthly digest) is claimed by (kind, period, team chat): posted at
most once, and a refused send is retried a little later, then by the next start-up's catch-up.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram import Bot, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, JobQueue

from bot.core.baton import Baton, UnitOfWork
from bot.telegram.bot import may_have_arrived
from bot.telegram.context import parts_of
from bot.telegram.pacing import Pacer, retry_after_seconds
from storage.models import OutboxRow
from storage.outbox import OWED, UNCONFIRMED

log = logging.getLogger(__name__)

RETRY_SECONDS = 60
MAX_ATTEMPTS = 5


class Delivery(enum.Enum):
    SENT = "sent"
    REFUSED = "refused"  # Telegram said no: it never arrived, and is owed again
    IN_DOUBT = "in_doubt"  # a timeout after sending: it may have arrived, and is never sent again


async def deliver(
    bot: Bot,
    baton: Baton,
    outbox_id: int,
    chat_id: int,
    text: str,
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    what: str,
    pacer: Pacer | None = None,
) -> tuple[Delivery, Message | None]:
    """Send a claimed message, at the chat's pace, and settle it."""
    if pacer is not None:
        await pacer.turn(chat_id)
    try:
        message = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except TelegramError as exc:
        if isinstance(exc, RetryAfter) and pacer is not None:
            pacer.pause(chat_id, retry_after_seconds(exc))
        if may_have_arrived(exc):
            log.error("%s timed out after it was sent; it is not sent again", what)
            await asyncio.to_thread(baton.run, lambda uow: uow.outbox.unconfirmed(outbox_id))
            return Delivery.IN_DOUBT, None
        log.warning("%s was not sent (%s); it stays owed", what, exc)
        await asyncio.to_thread(baton.run, lambda uow: uow.outbox.failed(outbox_id))
        return Delivery.REFUSED, None
    await asyncio.to_thread(baton.run, lambda uow: uow.outbox.sent(outbox_id, message.message_id))
    return Delivery.SENT, message


# -- periodic posts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periodic:
    kind: str  # "daily", "monthly"
    period: str  # "2026-11-02", "2026-11"
    late: bool = False  # posted by the catch-up after downtime, and says so
    attempt: int = 1


Compose = Callable[[UnitOfWork, Periodic], str | None]  # the text, or None when there is nothing to post
Retry = Callable[..., Awaitable[None]]


def periodic_key(period: str, chat_id: int) -> str:
    return f"{period}@{chat_id}"


def posted(uow: UnitOfWork, kind: str, period: str) -> bool:
    """Posted, being posted, or in doubt: anything but a post still owed."""
    row = uow.outbox.find(kind, periodic_key(period, uow.config.team.chat_id))
    return row is not None and row.state != OWED


async def post_once(application: Application, due: Periodic, compose: Compose, retry: Retry, job_queue: JobQueue | None) -> bool:
    """Compose, claim and send `due` unless it was posted already; True only when this call posted it."""
    baton = parts_of(application).baton
    chat_id = baton.config.team.chat_id

    def claim(uow: UnitOfWork) -> tuple[int, str] | None:
        if posted(uow, due.kind, due.period):
            return None
        text = compose(uow, due)
        if text is None:
            return None
        claimed = uow.outbox.claim_or_take(due.kind, periodic_key(due.period, chat_id), uow.now, chat_id=chat_id, text=text)
        return (claimed, text) if claimed is not None else None

    claimed = await asyncio.to_thread(baton.run, claim)
    if claimed is None:
        return False
    pacer = parts_of(application).courier.pacer
    outcome, _ = await deliver(
        application.bot, baton, claimed[0], chat_id, claimed[1], what=f"the {due.kind} post for {due.period}", pacer=pacer
    )
    if outcome is Delivery.REFUSED:
        retry_later(due, retry, job_queue)
    return outcome is Delivery.SENT


def retry_job_name(kind: str, period: str) -> str:
    return f"post-retry:{kind}:{period}"


def retry_later(due: Periodic, retry: Retry, job_queue: JobQueue | None) -> None:
    if job_queue is None or due.attempt >= MAX_ATTEMPTS:
        log.error("the %s post for %s was not sent, attempt %s; the next start-up's catch-up posts it", due.kind, due.period, due.attempt)
        return
    log.warning("retrying the %s post for %s in %s s", due.kind, due.period, RETRY_SECONDS)
    job_queue.run_once(retry, when=RETRY_SECONDS, data=replace(due, attempt=due.attempt + 1), name=retry_job_name(due.kind, due.period))


def in_doubt(baton: Baton, kinds: tuple[str, ...]) -> list[OutboxRow]:
    """Posts claimed but never confirmed as sent: for a person to check against the group."""
    return baton.read(lambda uow: uow.outbox.in_doubt(kinds))


def log_in_doubt(baton: Baton, kinds: tuple[str, ...]) -> None:
    for claim in in_doubt(baton, kinds):
        state = "may have been delivered" if claim.state == UNCONFIRMED else "was claimed but the bot stopped mid-send"
        log.warning("the %s post %s %s (claimed at %s); not posting it again", claim.kind, claim.key, state, claim.created_at)
