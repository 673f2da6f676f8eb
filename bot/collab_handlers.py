"""/thanks, /note and /join: the collaboration commands. `register` adds them to the Application."""
from __future__ import annotations

import logging
from html import escape

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler, ContextTypes

from bot import collab
from bot.context import deps, person
from bot.handlers import attempt, refuse, reply
from bot.render import Renderer
from bot.services import Person, Refused

log = logging.getLogger(__name__)

COMMANDS = ("thanks", "note", "join")
_REGISTERED = "collab_handlers_registered"


def register(application: Application) -> None:
    """Add the collaboration commands (group 0); calling it twice adds nothing twice."""
    if application.bot_data.get(_REGISTERED):
        return
    application.bot_data[_REGISTERED] = True
    application.add_handler(CommandHandler("thanks", thanks_command))
    application.add_handler(CommandHandler("note", note_command))
    application.add_handler(CommandHandler("join", join_command))


# -- /thanks ----------------------------------------------------------------------------------------


def thanked_author(message: Message) -> Person | None | bool:
    """The colleague whose message this one replies to; False when that is a bot; None when no reply."""
    replied = message.reply_to_message
    # In forum topics every message "replies" to the topic's first message; that is no thanks.
    if replied is None or replied.forum_topic_created is not None or replied.from_user is None:
        return None
    if replied.from_user.is_bot:
        return False
    return person(replied.from_user)


async def thanks_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    words = list(context.args or [])
    receiver = thanked_author(update.effective_message)
    if receiver is False and not words:
        await refuse(update, context, Refused("thanks_bot"))
        return
    if receiver in (None, False) and not words:
        await reply(update, d.render.t("usage.thanks"))
        return
    given = await attempt(update, d.render.refusal, lambda: collab.give_thanks(d.baton, person(update.effective_user), receiver or None, words, update.update_id))
    if given is None:
        return
    await reply(update, thanks_line(d.render, given))
    team_chat = d.baton.config.team.chat_id
    if update.effective_chat.id != team_chat:
        await context.bot.send_message(team_chat, thanks_line(d.team, given), parse_mode=ParseMode.HTML)
    if given.flag is not None:
        await tell_supervisors(context, given.flag)


def thanks_line(render: Renderer, given: collab.ThanksGiven) -> str:
    names = {"giver": escape(given.giver), "receiver": escape(given.receiver)}
    if given.reason:
        return render.t("collab.thanked_for", reason=escape(given.reason), **names)
    return render.t("collab.thanked", **names)


async def tell_supervisors(context: ContextTypes.DEFAULT_TYPE, flag: collab.ReciprocalFlag) -> None:
    """A private word to each supervisor; one who never started the bot is logged and skipped."""
    d = deps(context)
    for supervisor_id in sorted(d.baton.config.team.supervisors):
        text = d.for_agent(supervisor_id).t(
            "collab.reciprocal_flag", month=flag.month, first=escape(flag.first), second=escape(flag.second),
            first_to_second=flag.first_to_second, second_to_first=flag.second_to_first, threshold=flag.threshold,
        )
        try:
            await context.bot.send_message(supervisor_id, text, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            log.warning("could not flag mutual thanks to supervisor %s (have they started the bot?): %s", supervisor_id, exc)


# -- /note --------------------------------------------------------------------------------------------


async def note_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    minutes = int(collab.NOTE_WINDOW.total_seconds() // 60)
    # The raw text after the command, so a note keeps its line breaks.
    parts = (update.effective_message.text or "").split(maxsplit=1)
    text = parts[1] if len(parts) > 1 else ""
    if not text.strip():
        await reply(update, d.render.t("usage.note", minutes=minutes))
        return
    noted = await attempt(update, d.render.refusal, lambda: collab.add_note(d.baton, person(update.effective_user), text, update.update_id))
    if noted is None:
        return
    labels = d.render.listed(escape(d.render.label(a)) for a in noted.accounts)
    await reply(update, d.render.t("collab.noted", name=escape(noted.agent), labels=labels, note=escape(noted.note)))


# -- /join ---------------------------------------------------------------------------------------------


async def join_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    if not context.args:
        await reply(update, d.render.t("usage.join", keys=", ".join(a.key for a in d.baton.config.accounts)))
        return
    joined = await attempt(update, d.render.refusal, lambda: collab.join_account(d.baton, person(update.effective_user), context.args[0].lower(), update.update_id))
    if joined is None:
        return
    await reply(
        update,
        d.render.t("collab.joined", name=escape(joined.agent), label=escape(d.render.label(joined.account)), holder=escape(joined.holder)),
    )
