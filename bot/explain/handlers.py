"""/me (an agent's own month, privately) and /why (anyone's, for supervisors)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden

from bot.core.calendar import outside
from bot.explain import render, service
from bot.telegram.answers import attempt
from bot.telegram.context import BatonContext
from bot.telegram.routes import command
from bot.telegram.supervisors import supervisors_only
from domain.time import MONTH, month_in_calendar


async def me_command(update: Update, context: BatonContext) -> None:
    """Only in a private chat: in the group it hints, and shows no numbers."""
    if update.effective_chat.type != ChatType.PRIVATE:
        await context.reply(render.private_only_text(context.render, context.bot.username))
        return
    args = context.args or []
    if len(args) > 1 or (args and not MONTH.match(args[0])):
        await context.reply(context.render.t("usage.me"))
        return
    if args and not month_in_calendar(args[0]):
        await context.reply(context.render.refusal(outside(args[0])))
        return
    explained = await attempt(context, service.explain_me, args[0] if args else None)
    if explained is not None:
        await context.reply(render.explanation_text(context.render, explained))


@supervisors_only("why")
async def why_command(update: Update, context: BatonContext) -> None:
    """`/why @name [YYYY-MM]`, or `/why [YYYY-MM]` as a reply; from the group, the answer goes privately."""
    words = list(context.args or [])
    month = words.pop() if words and MONTH.match(words[-1]) else None
    if month is not None and not month_in_calendar(month):
        await context.reply(context.render.refusal(outside(month)))
        return
    replied = update.effective_message.reply_to_message
    target = replied.from_user if replied is not None and replied.from_user and not replied.from_user.is_bot else None
    if words:
        explained = await attempt(context, service.explain_handle, " ".join(words), month)
    elif target is not None:
        explained = await attempt(context, service.explain_replied_to, target.id, target.full_name, month)
    else:
        await context.reply(context.render.t("usage.why"))
        return
    if explained is None:
        return
    if update.effective_chat.type == ChatType.PRIVATE:
        await context.reply(render.explanation_text(context.render, explained))
        return
    # One agent's breakdown is theirs and the supervisor's, not the group's.
    try:
        await context.send(update.effective_user.id, render.explanation_text(context.for_user(update.effective_user), explained))
    except (BadRequest, Forbidden):
        await context.reply(render.start_private_text(context.render, context.bot.username))
        return
    await context.reply(render.sent_privately_text(context.render, explained))


ROUTES = (
    command("me", me_command, menu=True),
    command("why", why_command),
)
