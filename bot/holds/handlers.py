"""/fix_hold: supervisors list a day's holds on an account, and correct one's start or end with a reason."""

from __future__ import annotations

from telegram import Update

from bot.core.errors import Refused
from bot.holds import render, service
from bot.holds.parse import ListHolds, parse_fix_hold
from bot.telegram.answers import attempt
from bot.telegram.context import BatonContext
from bot.telegram.routes import command
from bot.telegram.supervisors import supervisors_only
from bot.text.renderer import Renderer


@supervisors_only("fix_hold")
async def fix_hold_command(update: Update, context: BatonContext) -> None:
    try:
        parsed = parse_fix_hold(context.args or [])
    except Refused as refused:
        await context.reply(context.render.refusal(refused))
        return
    if parsed is None:
        await context.reply(context.render.t("usage.fix_hold"))
        return
    if isinstance(parsed, ListHolds):
        listed = await attempt(context, service.holds_on, parsed.account, parsed.day, refusal=Renderer.timed_refusal)
        if listed is not None:
            await context.reply(render.day_holds(context.render, listed))
        return
    done = await attempt(context, service.fix_hold, parsed.hold_id, parsed.start, parsed.end, parsed.reason, refusal=Renderer.timed_refusal)
    if done is not None:
        await context.reply(render.fixed(context.render, done))


ROUTES = (command("fix_hold", fix_hold_command),)
