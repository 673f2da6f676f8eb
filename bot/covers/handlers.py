"""/covered and its buttons: a coverer claims a break they covered unpressed; the holder, or a supervisor, answers."""

from __future__ import annotations

from telegram import Update

from bot.core.errors import Refused
from bot.covers import callbacks as cb
from bot.covers import render, service
from bot.covers.parse import parse_claim
from bot.telegram.answers import attempt, attempt_press, refuse_press
from bot.telegram.context import BatonContext, in_group
from bot.telegram.courier import Post
from bot.telegram.routes import command, press
from bot.telegram.supervisors import is_supervisor
from bot.text.layout import plain_text, toast_text
from bot.text.renderer import Renderer


async def covered_command(update: Update, context: BatonContext) -> None:
    """Put the claim to the holder in the team's group; a private claim is answered privately too."""
    try:
        typed = parse_claim(context.args or [])
    except Refused as refused:
        await context.reply(context.render.refusal(refused))
        return
    if typed is None:
        await context.reply(context.render.t("usage.covered"))
        return
    claim = await attempt(context, service.claim_cover, typed.account, typed.day, typed.start, typed.end, refusal=Renderer.timed_refusal)
    if claim is None:
        return
    group = context.baton.config.team.chat_id
    if update.effective_chat is not None and update.effective_chat.id == group:
        await context.reply(*render.claim_question(context.team, claim))
        return
    await context.post(group, Post(*render.claim_question(context.team, claim)))
    await context.reply(render.claim_sent(context.render, claim))


async def claim_press(update: Update, context: BatonContext) -> None:
    """Confirm or decline: a toast to the presser, and the question edited to its answer, buttons gone."""
    query = update.callback_query
    pressed = cb.decode(query.data)
    if pressed is None:
        await refuse_press(query, context, Refused("stale_button"))
        return
    supervisor = await is_supervisor(context, update.effective_user.id)
    answer = service.confirm_cover if pressed.action == cb.CONFIRM else service.decline_cover
    args = (pressed.hold_id, pressed.coverer_id, pressed.start, pressed.end)
    done = await attempt_press(query, context, answer, *args, supervisor=supervisor, refusal=Renderer.timed_refusal)
    if done is None:
        return
    text = render.settled(context.render, done)
    await query.answer(toast_text(plain_text(text)))
    if query.message is not None:
        told = context.team if in_group(query.message.chat_id) else context.render
        await context.edit(query.message, render.settled(told, done))


ROUTES = (
    command("covered", covered_command, menu=True),
    press(claim_press, cb.PATTERN),
)
