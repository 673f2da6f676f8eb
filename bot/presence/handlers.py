"""The hand-back nudge's buttons: the holder hands the cover back, the rostered agent takes it back."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.core.errors import Refused
from bot.presence import callbacks as cb
from bot.presence import render, service
from bot.telegram.answers import attempt_press, refuse_press
from bot.telegram.context import BatonContext
from bot.telegram.routes import press
from bot.text.layout import toast_text


async def presence_press(update: Update, context: BatonContext) -> None:
    """Answered with a toast; the nudge is edited to say what was done, its button gone."""
    query = update.callback_query
    pressed = cb.decode(query.data)
    if pressed is None:
        await refuse_press(query, context, Refused("stale_button"))
        return
    if pressed.action == cb.HAND_BACK:
        done = await attempt_press(query, context, service.hand_back, pressed.notice_id)
        text = None if done is None else render.handed_back_text(context.render, done)
    else:
        took = await attempt_press(query, context, service.take_back, pressed.notice_id)
        text = None if took is None else render.taken_back_text(context.render, took.account)
    if text is None:
        return
    await query.answer(toast_text(render.toast(text)))
    if query.message is not None:
        try:
            await query.edit_message_text(query.message.text_html + "\n" + text, parse_mode=ParseMode.HTML)
        except BadRequest as exc:
            # Already edited by an earlier answer, or deleted: nothing left to change.
            if "not modified" not in str(exc).lower() and "not found" not in str(exc).lower():
                raise


ROUTES = (press(presence_press, cb.PATTERN),)
