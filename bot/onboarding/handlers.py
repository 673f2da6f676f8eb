"""The setup checklist, posted where the bot is added.

Being added to a group is how a team starts, usually before `[team] chat_id` names that group,
so the checklist runs ahead of the gate (bot/app.py): the gate would refuse a group it does not
know, and registering whoever added the bot as an agent would be wrong.
"""

from __future__ import annotations

import asyncio

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.ext import ApplicationHandlerStop, ChatMemberHandler

from bot.onboarding.render import checklist
from bot.telegram.context import BatonContext
from bot.telegram.routes import Route

_ABSENT = (ChatMember.LEFT, ChatMember.BANNED)
_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)


def bot_was_added(change: ChatMemberUpdated | None) -> bool:
    return change is not None and change.old_chat_member.status in _ABSENT and change.new_chat_member.status in _PRESENT


async def bot_added(update: Update, context: BatonContext) -> None:
    """Post the checklist where the bot was just added; every my_chat_member update stops here."""
    change = update.my_chat_member
    baton = context.baton
    if not await asyncio.to_thread(baton.seen, update.update_id) and bot_was_added(change):
        as_admin = change.new_chat_member.status == ChatMember.ADMINISTRATOR
        text = checklist(context.render, baton.config, change.chat.id, bool(context.bot.can_read_all_group_messages), as_admin)
        await context.send(change.chat.id, text)
    await asyncio.get_running_loop().run_in_executor(baton.writer, baton.record, update.update_id)  # queued as a write
    raise ApplicationHandlerStop


# Ahead of the gate (group -2): joining a group not configured yet is how setup starts.
ROUTES = (Route(ChatMemberHandler(bot_added, ChatMemberHandler.MY_CHAT_MEMBER), group=-3),)
