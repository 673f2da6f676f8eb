"""Every update is remembered once, so a redelivery after a crash is never answered twice.

A command records its update id in its own transaction (context.command); a read checks it
(context.query). This handler runs after every other group and remembers the updates whose
handlers wrote nothing, with their sender, who is registered as an agent on first sight.
"""

from __future__ import annotations

import logging

from telegram import Update

from bot.core.errors import Duplicate
from bot.telegram.context import BatonContext
from bot.telegram.processor import next_in_line

log = logging.getLogger(__name__)


async def remember_processed(update: Update, context: BatonContext) -> None:
    # All the update's work is done: only its record is left, and in a busy writer it waits behind
    # every press queued before it. The sender's next update (a private /help every few seconds) need not.
    next_in_line()
    await context.record()


async def on_error(update: object, context: BatonContext) -> None:
    if isinstance(context.error, Duplicate):
        # A read found the update handled before: a redelivery, and nothing to answer.
        log.info("update %s was handled before; not answered again", getattr(update, "update_id", None))
        return
    log.error("error while handling %r", update, exc_info=context.error)
