"""Who supervises: the user ids in `[team] supervisors`, plus the team group's admins when
`supervisors_include_group_admins` is on (as Telegram lists them, see bot/telegram/membership.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from telegram import Update

from bot.telegram.context import BatonContext

Handler = Callable[[Update, BatonContext], Awaitable[None]]


async def is_supervisor(context: BatonContext, user_id: int) -> bool:
    team = context.baton.config.team
    if user_id in team.supervisors:
        return True
    if not team.supervisors_include_group_admins:
        return False
    return user_id in await context.parts.membership.admins(context.bot)


def supervisors_only(command: str) -> Callable[[Handler], Handler]:
    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def gated(update: Update, context: BatonContext) -> None:
            if not await is_supervisor(context, update.effective_user.id):
                await context.reply(context.render.t("error.supervisors_only", command=command))
                return
            await handler(update, context)

        return gated

    return wrap
