"""/gaps and /assign: supervisors see the windows nobody held, and credit them to someone."""

from __future__ import annotations

from telegram import Update

from bot.core.calendar import parse_day
from bot.core.errors import Refused
from bot.gaps import render, service
from bot.gaps.parse import parse_assign
from bot.telegram.answers import attempt
from bot.telegram.context import BatonContext
from bot.telegram.routes import command
from bot.telegram.supervisors import supervisors_only


@supervisors_only("gaps")
async def gaps_command(update: Update, context: BatonContext) -> None:
    today = context.baton.today()
    try:
        day = parse_day(context.args[0]) if context.args else today
    except Refused as refused:
        await context.reply(context.render.refusal(refused))
        return
    if day is None:
        await context.reply(context.render.t("usage.gaps"))
        return
    gaps = await context.query(service.gaps_on, day)
    await context.reply(render.gaps_text(context.render, day, gaps))


@supervisors_only("assign")
async def assign_command(update: Update, context: BatonContext) -> None:
    try:
        parsed = parse_assign(context.args or [], context.baton.today(), context.baton.tz)
    except Refused as refused:
        await context.reply(context.render.refusal(refused))
        return
    if parsed is None:
        await context.reply(context.render.t("usage.assign"))
        return
    result = await attempt(context, service.assign_window, *parsed, refusal=render.refusal)
    if result is not None:
        await context.reply(render.assigned_text(context.render, result))


ROUTES = (
    command("gaps", gaps_command),
    command("assign", assign_command),
)
