"""/audit: the latest audit entries for supervisors, in the team's language and time zone.

The same listing is what `baton audit show` prints, as plain text.
"""

from __future__ import annotations

from telegram import Update

from bot.audit import render, service
from bot.audit.parse import DEFAULT_SHOWN, MAX_SHOWN, parse_count
from bot.telegram.context import BatonContext
from bot.telegram.routes import command
from bot.telegram.supervisors import supervisors_only


@supervisors_only("audit")
async def audit_command(update: Update, context: BatonContext) -> None:
    n = parse_count(context.args or [])
    if n is None:
        await context.reply(render.usage(context.render, context.args or [], MAX_SHOWN, DEFAULT_SHOWN))
        return
    entries = await context.query(service.latest, n)
    for text in render.entries_messages(context.render, entries):
        await context.reply(text)


ROUTES = (command("audit", audit_command),)
