"""chat_member updates from the team's group: someone who leaves, or is removed, loses access at once.

Telegram sends chat_member updates only to a bot that is an administrator of the group, and only
when they are asked for in allowed_updates (bot/ops/cli.py). Without them a departure still
counts within a minute: private commands ask getChatMember (bot/telegram/gate.py), and the first
one refused closes what the person held (`departed_unseen`).
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ChatMemberHandler

from bot.members import render, service
from bot.telegram.answers import attempt
from bot.telegram.context import BatonContext
from bot.telegram.routes import Route

log = logging.getLogger(__name__)


async def member_changed(update: Update, context: BatonContext) -> None:
    change = update.chat_member
    if change is None or change.chat.id != context.baton.config.team.chat_id:
        return
    member = change.new_chat_member
    if context.parts.membership.noted(member.user.id, member) or member.user.is_bot:
        await context.record()
        return
    departure = await attempt(context, service.leave_group, member.user.id, change.date, member.status)
    if departure is not None and departure.accounts:
        await tell_supervisors(context, departure)


async def departed_unseen(context: BatonContext, tg_user_id: int) -> None:
    """Telegram answered getChatMember that someone is out of the group: what they held ends now
    (when they left is not known, only that it was by now), and the supervisors are told."""
    baton = context.baton
    run = partial(baton.run, service.leave_group, tg_user_id, baton.clock.now(), "not_in_group")
    departure = await asyncio.get_running_loop().run_in_executor(baton.writer, run)
    if departure.accounts:
        await tell_supervisors(context, departure)


async def tell_supervisors(context: BatonContext, departure: service.Departure) -> None:
    """A private word to each supervisor; one who never started the bot is logged and skipped."""
    for supervisor_id in sorted(context.baton.config.team.supervisors):
        try:
            await context.send(supervisor_id, render.departure_flag(await context.for_agent(supervisor_id), departure))
        except TelegramError as exc:
            log.warning("could not tell supervisor %s that %s left (have they started the bot?): %s", supervisor_id, departure.name, exc)


ROUTES = (Route(ChatMemberHandler(member_changed, ChatMemberHandler.CHAT_MEMBER)),)
