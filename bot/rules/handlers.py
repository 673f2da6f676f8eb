"""/rules (the scoring rules, for everyone) and /set_weight (a new rules version, for supervisors)."""

from __future__ import annotations

from telegram import Update

from bot.core.errors import Refused
from bot.rules import render, service
from bot.rules.parse import factor_named, parse_set_weight
from bot.telegram.answers import attempt
from bot.telegram.context import BatonContext
from bot.telegram.routes import command
from bot.telegram.supervisors import supervisors_only


async def rules_command(update: Update, context: BatonContext) -> None:
    # A command, not a read: the first look at the rules stores the configured ones as version 1.
    today = await attempt(context, service.rules_today)
    if today is not None:
        await context.reply(render.rules_text(context.render, today))


@supervisors_only("set_weight")
async def set_weight_command(update: Update, context: BatonContext) -> None:
    """Confirms to the supervisor; the group always sees the one-line change."""
    try:
        parsed = parse_set_weight(context.args or [])
    except Refused as refused:
        await context.reply(render.refusal(context.render, refused))
        return
    if parsed is None:
        await context.reply(render.usage(context.render))
        return
    word, weight, day = parsed
    changed = await attempt(context, service.set_weight, factor_named(word), weight, day, refusal=render.refusal)
    if changed is None:
        return
    await context.reply(render.weight_changed_reply(context.render, changed))
    await context.tell_group(lambda team: render.weight_changed_text(team, changed))


ROUTES = (
    command("rules", rules_command, menu=True),
    command("set_weight", set_weight_command),
)
