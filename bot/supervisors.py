"""Who supervises, and who is in the team, as the configuration and Telegram say.

Supervisors are the user ids in `[team] supervisors`, plus the team group's admins when
`supervisors_include_group_admins` is on. Telegram's answers (getChatAdministrators,
getChatMember) are kept for TTL by the application's clock, so a promotion or a departure counts
within minutes without a Bot API call on every command.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import wraps

from telegram import Bot, ChatMember, ChatMemberRestricted, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.context import deps
from domain.clock import Clock

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]
TTL = timedelta(minutes=10)
_KEY = "team_membership"
_IN_GROUP = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)


class Membership:
    """The team group's admins and members as Telegram last reported them."""

    def __init__(self, chat_id: int, clock: Clock, ttl: timedelta = TTL) -> None:
        self.chat_id = chat_id
        self.clock = clock
        self.ttl = ttl
        self._admins: tuple[datetime, frozenset[int]] | None = None
        self._members: dict[int, tuple[datetime, bool]] = {}

    def _fresh(self, fetched_at: datetime) -> bool:
        return self.clock.now() - fetched_at < self.ttl

    async def admins(self, bot: Bot) -> frozenset[int]:
        """The group's owner and admins; on a failed lookup, the last list known (or none)."""
        if self._admins is not None and self._fresh(self._admins[0]):
            return self._admins[1]
        try:
            listed = await bot.get_chat_administrators(self.chat_id)
        except TelegramError as exc:
            log.warning("getChatAdministrators for %s failed, using the last list known: %s", self.chat_id, exc)
            return self._admins[1] if self._admins else frozenset()
        self._admins = (self.clock.now(), frozenset(m.user.id for m in listed))
        return self._admins[1]

    async def is_member(self, bot: Bot, user_id: int) -> bool | None:
        """Whether the user is in the team group now; None when Telegram could not say."""
        cached = self._members.get(user_id)
        if cached is not None and self._fresh(cached[0]):
            return cached[1]
        try:
            member = await bot.get_chat_member(self.chat_id, user_id)
        except TelegramError as exc:
            log.warning("getChatMember %s in %s failed: %s", user_id, self.chat_id, exc)
            return cached[1] if cached else None
        inside = member.status in _IN_GROUP or (isinstance(member, ChatMemberRestricted) and member.is_member)
        self._members[user_id] = (self.clock.now(), inside)
        return inside


def membership(context: ContextTypes.DEFAULT_TYPE) -> Membership:
    """The application's one Membership, made on first use."""
    bot_data = context.application.bot_data
    if _KEY not in bot_data:
        baton = deps(context).baton
        bot_data[_KEY] = Membership(baton.config.team.chat_id, baton.clock)
    return bot_data[_KEY]


async def is_supervisor(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
    team = deps(context).baton.config.team
    if user_id in team.supervisors:
        return True
    if not team.supervisors_include_group_admins:
        return False
    return user_id in await membership(context).admins(context.bot)


def supervisors_only(command: str) -> Callable[[Handler], Handler]:
    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def gated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if not await is_supervisor(context, update.effective_user.id):
                text = deps(context).render.t("error.supervisors_only", command=command)
                await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=False)
                return
            await handler(update, context)

        return gated

    return wrap
