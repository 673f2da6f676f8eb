"""Onboarding: /start introduces Baton privately, and joining a group posts the setup checklist there.

Being added to a group is how a team starts, usually before `[team] chat_id` names that group,
so the checklist runs ahead of the gate (see register in bot/app.py): the gate would refuse a
group it does not know, and drop_redelivered would register whoever added the bot as an agent.
"""
from __future__ import annotations

from html import escape

from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import handlers as h
from bot.config import Config
from bot.context import deps
from bot.render import Renderer

_ABSENT = (ChatMember.LEFT, ChatMember.BANNED)
_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)


async def start_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Privately: three lines on what Baton is, then the console; in the group /start stays /help."""
    if update.effective_chat.type != ChatType.PRIVATE:
        return await h.help_command(update, context)
    d = deps(context)
    await h.reply(update, d.render.t("onboarding.intro", team=escape(d.baton.config.team.name)))
    await h.console_command(update, context)


def bot_was_added(change: ChatMemberUpdated | None) -> bool:
    return (change is not None and change.old_chat_member.status in _ABSENT
            and change.new_chat_member.status in _PRESENT)


async def bot_added(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Post the checklist where the bot was just added; every my_chat_member update stops here."""
    d = deps(context)
    change = update.my_chat_member
    if not d.baton.already_processed(update.update_id) and bot_was_added(change):
        as_admin = change.new_chat_member.status == ChatMember.ADMINISTRATOR
        text = checklist(d.render, d.baton.config, change.chat.id, bool(context.bot.can_read_all_group_messages), as_admin)
        await context.bot.send_message(change.chat.id, text, parse_mode=ParseMode.HTML)
    d.baton.mark_processed(update.update_id)
    raise ApplicationHandlerStop


def checklist(render: Renderer, config: Config, chat_id: int, reads_all: bool, as_admin: bool) -> str:
    team = config.team
    configured = "onboarding.chat_configured" if chat_id == team.chat_id else "onboarding.chat_unconfigured"
    privacy = "onboarding.privacy_off" if reads_all else "onboarding.privacy_admin" if as_admin else "onboarding.privacy_on"
    who = [f"<code>{uid}</code>" for uid in sorted(team.supervisors)]
    if team.supervisors_include_group_admins:
        who.append(render.t("onboarding.group_admins"))
    return render.t(
        "onboarding.checklist",
        configured=render.t(configured, chat_id=chat_id),
        privacy=render.t(privacy),
        supervisors=render.t("onboarding.supervisors", who=", ".join(who) or render.t("onboarding.no_supervisors")),
    )
