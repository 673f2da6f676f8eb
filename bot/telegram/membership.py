"""The team group's admins and members, as Telegram last reported them.

Telegram's answers are kept by the application's clock: the admin list (getChatAdministrators)
for ten minutes, whether someone is in the group (getChatMember) for a minute, so a departure
counts within a minute without a Bot API call on every command. A chat_member update (sent to a
bot that is an admin of the group) counts at once: `noted` replaces what was kept.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram import Bot, ChatMember, ChatMemberRestricted
from telegram.error import TelegramError

from domain.clock import Clock

log = logging.getLogger(__name__)

TTL = timedelta(minutes=10)
MEMBER_TTL = timedelta(minutes=1)
_IN_GROUP = (ChatMember.OWNER, ChatMember.ADMINISTRATOR, ChatMember.MEMBER)


class Membership:
    """The team group's admins and members as Telegram last reported them."""

    def __init__(self, chat_id: int, clock: Clock, ttl: timedelta = TTL, member_ttl: timedelta = MEMBER_TTL) -> None:
        self.chat_id = chat_id
        self.clock = clock
        self.ttl = ttl
        self.member_ttl = member_ttl
        self._admins: tuple[datetime, frozenset[int]] | None = None
        self._members: dict[int, tuple[datetime, bool]] = {}

    def _fresh(self, fetched_at: datetime, ttl: timedelta | None = None) -> bool:
        return self.clock.now() - fetched_at < (ttl or self.ttl)

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
        if cached is not None and self._fresh(cached[0], self.member_ttl):
            return cached[1]
        try:
            member = await bot.get_chat_member(self.chat_id, user_id)
        except TelegramError as exc:
            log.warning("getChatMember %s in %s failed: %s", user_id, self.chat_id, exc)
            return cached[1] if cached else None
        return self.noted(user_id, member)

    def known_out(self, user_id: int) -> bool:
        """Telegram said, last time it was asked or told, that the user is not in the group."""
        cached = self._members.get(user_id)
        return cached is not None and not cached[1]

    def noted(self, user_id: int, member: ChatMember) -> bool:
        """What Telegram says of the user now (an answer, or a chat_member update); whether they are in."""
        inside = in_group(member)
        self._members[user_id] = (self.clock.now(), inside)
        return inside


def in_group(member: ChatMember) -> bool:
    """Left, kicked (banned), or restricted and no longer in: out."""
    return member.status in _IN_GROUP or (isinstance(member, ChatMemberRestricted) and member.is_member)
