"""/standings: today's standings, the digest's first table, any time."""

from __future__ import annotations

from telegram import Update

from bot.digest.render import standings_message
from bot.ledger.service import standings_today
from bot.telegram.answers import attempt
from bot.telegram.context import BatonContext
from bot.telegram.routes import command


async def standings_command(update: Update, context: BatonContext) -> None:
    done = await attempt(context, standings_today)
    if done is not None:
        day, ranked = done
        await context.reply(standings_message(context.render, day, ranked))


ROUTES = (command("standings", standings_command, menu=True),)
