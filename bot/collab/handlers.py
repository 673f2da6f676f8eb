"""/thanks, /note and /join: the collaboration commands."""

from __future__ import annotations

import logging

from telegram import Message, Update, User
from telegram.error import TelegramError

from bot.collab import render, service
from bot.collab.parse import text_after_command
from bot.core.errors import Refused
from bot.telegram.answers import attempt
from bot.telegram.context import BatonContext, person_of
from bot.telegram.routes import command

log = logging.getLogger(__name__)


def replied_author(message: Message) -> User | None:
    """Who wrote the message this one replies to, if it replies to one."""
    replied = message.reply_to_message
    # In forum topics every message "replies" to the topic's first message; that is no thanks.
    if replied is None or replied.forum_topic_created is not None:
        return None
    return replied.from_user


async def thanks_command(update: Update, context: BatonContext) -> None:
    words = list(context.args or [])
    author = replied_author(update.effective_message)
    colleague = author if author is not None and not author.is_bot else None
    if not words and colleague is None:
        if author is not None:
            await context.reply(context.render.refusal(Refused("thanks_bot")))
        else:
            await context.reply(context.render.t("usage.thanks"))
        return
    given = await attempt(context, service.give_thanks, person_of(colleague) if colleague else None, words)
    if given is None:
        return
    await context.reply(render.thanks_line(context.render, given))
    await context.tell_group(lambda team: render.thanks_line(team, given))
    if given.flag is not None:
        await tell_supervisors(context, given.flag)


async def tell_supervisors(context: BatonContext, flag: service.ReciprocalFlag) -> None:
    """A private word to each supervisor; one who never started the bot is logged and skipped."""
    for supervisor_id in sorted(context.baton.config.team.supervisors):
        try:
            await context.send(supervisor_id, render.reciprocal_flag_text(await context.for_agent(supervisor_id), flag))
        except TelegramError as exc:
            log.warning("could not flag mutual thanks to supervisor %s (have they started the bot?): %s", supervisor_id, exc)


async def note_command(update: Update, context: BatonContext) -> None:
    text = text_after_command(update.effective_message.text)
    if not text.strip():
        await context.reply(context.render.t("usage.note", minutes=service.NOTE_WINDOW_MINUTES))
        return
    noted = await attempt(context, service.add_note, text)
    if noted is not None:
        await context.reply(render.noted_text(context.render, noted))


async def join_command(update: Update, context: BatonContext) -> None:
    if not context.args:
        await context.reply(context.render.t("usage.join", keys=context.render.keys()))
        return
    joined = await attempt(context, service.join_account, context.args[0].lower())
    if joined is not None:
        await context.reply(render.joined_text(context.render, joined))


ROUTES = (
    command("thanks", thanks_command, menu=True),
    command("note", note_command, menu=True),
    command("join", join_command, menu=True),
)
