"""Answers to the reminders: their buttons, a time typed as a reply to the clock-off question, and /left."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, time

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.core.errors import Duplicate, Refused
from bot.reminders import answers, render
from bot.reminders import callbacks as cb
from bot.reminders.parse import parse_left, parse_wall_time
from bot.telegram.answers import attempt, attempt_press, refuse_press
from bot.telegram.context import BatonContext
from bot.telegram.courier import Post
from bot.telegram.routes import command, press, private_reply
from bot.text.layout import plain_text, toast_text
from bot.text.renderer import Renderer


async def reminder_press(update: Update, context: BatonContext) -> None:
    """A reminder's button: answered with a toast, and the reminder edited to say what was done.

    "Hand off now" ends nothing: the reminder becomes the question when they left, with its buttons.
    """
    query = update.callback_query
    pressed = cb.decode(query.data)
    if pressed is None:
        await refuse_press(query, context, Refused("stale_button"))
        return
    r = context.render
    if pressed.action == cb.TAKE_FROM and pressed.at is not None:
        await _take_over_late(query, context, pressed.notice_id, pressed.at)
        return
    if pressed.action == cb.HAND_OFF_NOW:
        asked = await attempt_press(query, context, answers.hand_off_now, pressed.notice_id, refusal=Renderer.timed_refusal)
        if asked is not None:
            await query.answer(render.ask_left_toast(r))
            await _edit_quietly(
                query.edit_message_text(
                    render.ask_left(r, asked), parse_mode=ParseMode.HTML, reply_markup=render.ask_left_keyboard(r, asked)
                )
            )
        return
    if pressed.action in (cb.LEFT_AT, cb.JUST_NOW):
        answered = await attempt_press(query, context, answers.clock_off, pressed.notice_id, pressed.at, refusal=Renderer.timed_refusal)
    else:
        answered = await attempt_press(query, context, answers.still_on, pressed.notice_id, refusal=Renderer.timed_refusal)
    if answered is None:
        return
    await query.answer(render.press_toast(r, answered, pressed.action))
    await _edit_quietly(
        query.edit_message_text(render.answered_question(r, query.message.text_html, answered, pressed.action), parse_mode=ParseMode.HTML)
    )


async def _take_over_late(query: CallbackQuery, context: BatonContext, notice_id: int, at: datetime) -> None:
    """A late start's offer taken: the take-over from the moment pressed; the colleague is told, queued."""
    done = await attempt_press(query, context, answers.take_over_late, notice_id, at, refusal=Renderer.timed_refusal)
    if done is None:
        return
    now = context.baton.clock.now()
    await query.answer(toast_text(plain_text(render.taken_over_late(context.render, done, now))))
    await _edit_quietly(query.edit_message_text(render.taken_over_late(context.render, done, now), parse_mode=ParseMode.HTML))
    told = await context.for_agent(done.previous_tg_id)
    await context.post(done.previous_tg_id, Post(render.taken_over_late_told(told, done, now)), shared=False)


async def left_command(update: Update, context: BatonContext) -> None:
    """/left HH:MM [account]: when the holder really left, for a hold they were asked about, even one a take-over ended since."""
    parsed = parse_left(context.args or [])
    if parsed is None:
        await context.reply(context.render.t("usage.left"))
        return
    wall, account = parsed
    await _answer_typed(context, wall, account=account)


async def typed_reply(update: Update, context: BatonContext) -> None:
    """A private reply to one of the bot's messages; only a reply to a clock-off question is an answer."""
    message = update.effective_message
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return
    try:
        asked = await context.query(answers.is_question, replied.chat_id, replied.message_id)
    except Duplicate:
        return
    if not asked:
        return
    wall = parse_wall_time(message.text or "")
    if wall is None:
        await context.reply(context.render.t("usage.left"))
        return
    await _answer_typed(context, wall, replied_to=(replied.chat_id, replied.message_id))


async def _answer_typed(context: BatonContext, wall: time, **where: object) -> None:
    answered = await attempt(context, answers.clock_off_typed, wall, refusal=Renderer.timed_refusal, **where)
    if answered is None:
        return
    await context.reply(render.outcome(context.render, answered))
    if answered.message_id is not None:
        # The question's button would now close an ended hold; take it away.
        await _edit_quietly(context.bot.edit_message_reply_markup(answered.chat_id, answered.message_id, reply_markup=None))


async def _edit_quietly(edit: Awaitable[object]) -> None:
    try:
        await edit
    except BadRequest as exc:
        # Already edited by an earlier answer, or deleted: nothing left to change.
        if "not modified" not in str(exc).lower() and "not found" not in str(exc).lower():
            raise


ROUTES = (
    press(reminder_press, cb.PATTERN),
    command("left", left_command, menu=True),
    private_reply(typed_reply),
)
