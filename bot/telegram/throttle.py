"""The allowance, checked before anything else an update does (bot/telegram/fairness.py).

A person past their allowance hears one notice, in their own language, and then nothing while
the flood lasts; a press past it is still answered (every press is), with an empty toast. A
typed notice goes only to the team's group or a private chat: the gate answers any other chat.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.telegram.context import BatonContext
from bot.telegram.courier import Post
from bot.telegram.fairness import Verdict
from bot.text.layout import toast_text

log = logging.getLogger(__name__)


def is_command(message: Message | None) -> bool:
    if message is None:
        return False
    entities = message.entities or message.caption_entities or ()
    return any(e.type == MessageEntityType.BOT_COMMAND and e.offset == 0 for e in entities) or (
        (message.caption or "").startswith("/")  # a document's caption is no command to Telegram
    )


async def within_allowance(update: Update, context: BatonContext) -> None:
    """Let the update through, or stop it here: one notice past the allowance, then silence."""
    user, query, message, chat = update.effective_user, update.callback_query, update.message, update.effective_chat
    if user is None or user.is_bot or chat is None:
        return  # membership changes and the like: not something a person asks of the bot
    fairness = context.parts.fairness
    if query is not None:
        allowance = fairness.presses
    elif message is not None and (chat.type == ChatType.PRIVATE or is_command(message)):
        allowance = fairness.commands
    else:
        return
    verdict = allowance.admit(user.id)
    if verdict is Verdict.GO:
        return
    text = context.for_user(user).t("fairness.slow_down", seconds=allowance.seconds_to_next(user.id))
    try:
        if query is not None:  # every press is answered, wherever it was pressed
            await query.answer(toast_text(text) if verdict is Verdict.NOTICE else None)
        elif verdict is Verdict.NOTICE and chat.type == ChatType.PRIVATE:
            await context.reply(text)
        elif verdict is Verdict.NOTICE and chat.id == context.baton.config.team.chat_id:
            # Ahead of the flooder's own answers, which wait for their share: once per flood.
            await context.post(chat.id, Post(text), shared=False)
    except TelegramError as exc:
        log.warning("could not answer update %s past its sender's allowance: %s", update.update_id, exc)
    raise ApplicationHandlerStop
