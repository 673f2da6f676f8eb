"""The gate: Baton answers in the team's group and in its members' private chats, nowhere else.

It runs before every other handler, ahead of the group that registers people, so a stranger
is never written down as an agent. The one exception, the bot's own my_chat_member updates, is
taken earlier by bot/onboarding.py: being added to a group not configured yet is how setup
starts, so it posts its checklist there and stops the update. A foreign group hears one short
refusal and then silence; a button pressed there gets a refusal toast, as every press must be
answered; a stranger writing privately is told the bot is the team's, and so is someone removed
from the group since: membership is asked of Telegram, not remembered. Text no database can
store is refused here too. A person past their allowance was stopped earlier still
(bot/telegram/throttle.py), before anything here reads the database.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.telegram.context import BatonContext
from bot.text.layout import toast_text

log = logging.getLogger(__name__)

_REFUSED_CHATS = "gate_refused_chats"


async def admit(update: Update, context: BatonContext) -> None:
    """Let the update through, or answer it with a refusal and stop it here."""
    chat, user, query = update.effective_chat, update.effective_user, update.callback_query
    if chat is None and query is None:
        return  # no chat and no press: nothing any handler here answers
    if chat is not None and chat.type == ChatType.PRIVATE and user is not None:
        context.parts.reach.heard_from(user.id)  # they wrote privately: the chat is there to write to
    if chat is not None and chat.id == context.baton.config.team.chat_id:
        return await _check_text(update, context)
    if await asyncio.to_thread(context.baton.seen, update.update_id):
        raise ApplicationHandlerStop  # a redelivery of an update answered (or refused) before
    private = chat is not None and chat.type == ChatType.PRIVATE and user is not None
    if private and await is_team_member(context, user.id):
        return await _check_text(update, context)
    log.info("update %s from chat %s (user %s) refused at the gate", update.update_id, chat.id if chat else None, user.id if user else None)
    await refuse(update, context)
    departed = context.parts.departed
    if private and departed is not None and context.parts.membership.known_out(user.id):
        # Without chat_member updates (Baton not an admin), this is when Baton learns of it.
        await departed(context, user.id)
    await asyncio.get_running_loop().run_in_executor(context.baton.writer, context.baton.record, update.update_id)  # queued as a write
    raise ApplicationHandlerStop


async def _check_text(update: Update, context: BatonContext) -> None:
    """PostgreSQL cannot store a NUL character: such a message is refused before any handler tries."""
    message = update.effective_message
    if message is None or update.callback_query is not None or "\x00" not in (message.text or message.caption or ""):
        return
    await context.reply(context.render.t("access.unstorable"))
    await context.record()
    raise ApplicationHandlerStop


async def is_team_member(context: BatonContext, user_id: int) -> bool:
    """A supervisor, or in the team group per Telegram now (asked at most once a minute).

    Having once been an agent or on the roster is no longer enough: someone removed from the group
    has lost access. Only when Telegram cannot say are the people Baton knows let in, so an
    outage of getChatMember locks out none of the team.
    """
    config = context.baton.config
    if user_id in config.team.supervisors:
        return True
    inside = await context.parts.membership.is_member(context.bot, user_id)
    if inside is not None:
        return inside
    if any(r.tg_user_id == user_id for r in config.roster):
        return True
    return await asyncio.to_thread(context.baton.read, lambda uow: uow.agents.by_tg_id(user_id)) is not None


async def refuse(update: Update, context: BatonContext) -> None:
    chat, user, query = update.effective_chat, update.effective_user, update.callback_query
    # A stranger is refused in their own language when Baton speaks it, else the team's.
    render = context.for_user(user)
    private = chat is not None and chat.type == ChatType.PRIVATE
    key = "access.not_member" if private else "access.foreign_chat"
    text = render.t(key, team=escape(context.baton.config.team.name))
    try:
        if query is not None:
            await query.answer(toast_text(text), show_alert=True)
        elif update.effective_message is not None and (private or _first_refusal(context, chat.id)):
            await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=False)
    except TelegramError as exc:
        log.warning("could not refuse update %s: %s", update.update_id, exc)


def _first_refusal(context: BatonContext, chat_id: int) -> bool:
    """True once per foreign group (per run): after one refusal the bot keeps quiet there."""
    refused = context.application.bot_data.setdefault(_REFUSED_CHATS, set())
    if chat_id in refused:
        return False
    refused.add(chat_id)
    return True
