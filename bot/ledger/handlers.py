"""/stats: service metrics from the attributed conversations."""

from __future__ import annotations

from telegram import Update

from bot.core.errors import Refused
from bot.ledger import render, service
from bot.ledger.parse import parse_period
from bot.telegram.context import BatonContext
from bot.telegram.routes import command


async def stats_command(update: Update, context: BatonContext) -> None:
    """Service metrics for a day (default today) or a month, from the attributed conversations."""
    try:
        period = parse_period(context.args[0] if context.args else context.baton.today().isoformat())
    except Refused as refused:
        await context.reply(context.render.refusal(refused))
        return
    if period is None:
        await context.reply(context.render.t("usage.stats"))
        return
    label, first, last = period
    rows = await context.query(service.metrics_between, first, last)
    await context.reply(render.metrics_table(context.render, context.render.t("metrics.title", period=label), rows))


ROUTES = (command("stats", stats_command, menu=True),)
