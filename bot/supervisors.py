"""Supervisor-only commands: one gate, checked before anything is read or written."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.context import deps

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def is_supervisor(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
    return user_id in deps(context).baton.config.team.supervisors


def supervisors_only(command: str) -> Callable[[Handler], Handler]:
    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def gated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if not is_supervisor(context, update.effective_user.id):
                text = deps(context).render.t("error.supervisors_only", command=command)
                await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=False)
                return
            await handler(update, context)

        return gated

    return wrap
