"""Answers to the reminders: their buttons, a time typed as a reply to the clock-off question, and /left."""
from __future__ import annotations

import re
from datetime import datetime, time

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import reminder_actions as actions
from bot import reminder_callbacks as rcb
from bot import render_reminders as text
from bot.context import deps, person
from bot.handlers import attempt, reply
from bot.render import Renderer, toast_text
from bot.services import Duplicate, Refused

# 18:30, 9:05 or 18：30 (a Chinese keyboard's colon).
_WALL_TIME = re.compile(r"^\s*([01]?\d|2[0-3])\s*[:：]\s*([0-5]\d)\s*$")

_DONE = {rcb.STILL_ON: "reminder.still_on_done", rcb.HAND_OFF_NOW: "reminder.handed_off_done", rcb.LEFT_AT: "reminder.clocked_off"}


def parse_wall_time(word: str) -> time | None:
    match = _WALL_TIME.match(word)
    return time(int(match[1]), int(match[2])) if match else None


def refusal_text(render: Renderer, refusal: Refused, now: datetime) -> str:
    params = {k: text.when(render, v, now) if isinstance(v, datetime) else v for k, v in refusal.params.items()}
    return render.refusal(Refused(refusal.code, **params))


async def reminder_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reminder's button: answered with a toast, and the reminder edited to say what was done."""
    query = update.callback_query
    d = deps(context)
    press = rcb.decode(query.data)
    if press is None:
        await query.answer(d.render.t("error.stale_button"), show_alert=True)
        return
    who = person(query.from_user)
    try:
        if press.action == rcb.STILL_ON:
            answered = actions.still_on(d.baton, who, press.notice_id, update.update_id)
        elif press.action == rcb.HAND_OFF_NOW:
            answered = actions.hand_off_now(d.baton, who, press.notice_id, update.update_id)
        else:
            answered = actions.clock_off(d.baton, who, press.notice_id, press.at, update.update_id)
    except Refused as refusal:
        await query.answer(toast_text(refusal_text(d.render, refusal, d.baton.clock.now())), show_alert=True)
        return
    except Duplicate:
        return
    done = text.outcome(d.render, _DONE[press.action], answered.account, answered.ended_at, d.baton.clock.now())
    await query.answer(toast_text(done))
    await _edit_quietly(query.edit_message_text(f"{query.message.text_html}\n\n{done}", parse_mode=ParseMode.HTML))


async def left_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/left HH:MM [account]: when the holder really left, for a hold asked about in the morning."""
    d = deps(context)
    words = list(context.args or [])
    wall = next((w for w in map(parse_wall_time, words) if w is not None), None)
    rest = [w for w in words if parse_wall_time(w) is None]
    if wall is None or len(rest) > 1:
        await reply(update, d.render.t("usage.left"))
        return
    await _answer_typed(update, context, wall, account=rest[0].lower() if rest else None)


async def typed_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private reply to one of the bot's messages; only a reply to a clock-off question is an answer."""
    message = update.effective_message
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    wall = parse_wall_time(message.text or "")
    try:
        await _answer_typed(update, context, wall, replied_to=(replied.chat_id, replied.message_id))
    except actions.NotAQuestion:
        return


async def _answer_typed(update: Update, context: ContextTypes.DEFAULT_TYPE, wall: time | None, **where) -> None:
    d = deps(context)
    if wall is None:
        if where.get("replied_to") is not None and not actions.is_question(d.baton, *where["replied_to"]):
            return
        await reply(update, d.render.t("usage.left"))
        return
    answered = await attempt(
        update, lambda refusal: refusal_text(d.render, refusal, d.baton.clock.now()),
        lambda: actions.clock_off_typed(d.baton, person(update.effective_user), wall, update_id=update.update_id, **where),
    )
    if answered is None:
        return
    await reply(update, text.outcome(d.render, "reminder.clocked_off", answered.account, answered.ended_at, d.baton.clock.now()))
    if answered.message_id is not None:
        # The question's button would now close an ended hold; take it away.
        await _edit_quietly(context.bot.edit_message_reply_markup(answered.chat_id, answered.message_id, reply_markup=None))


async def _edit_quietly(edit) -> None:
    try:
        await edit
    except BadRequest as exc:
        # Already edited by an earlier answer, or deleted: nothing left to change.
        if "not modified" not in str(exc).lower() and "not found" not in str(exc).lower():
            raise


def register(application: Application) -> None:
    """Before the console's catch-all button handler, which would take these presses for its own."""
    application.add_handler(CallbackQueryHandler(reminder_press, pattern=rcb.PATTERN))
    application.add_handler(CommandHandler("left", left_command))
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.REPLY & filters.TEXT & ~filters.COMMAND, typed_reply))
