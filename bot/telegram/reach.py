"""Who the bot cannot write to privately, as Telegram said a moment ago.

A person who never started a private chat with the bot (or blocked it) cannot be written to: the
send fails with "chat not found" or 403. In a burst of refused case presses each would try again,
and each doomed sendMessage spends one of the bot's 30 sends a second, so the answers to everyone
else wait behind it. What Telegram said is kept for a minute, or until the person writes to the
bot privately (which is how they start the chat), and the send fails at once the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram.error import BadRequest, Forbidden, TelegramError

from domain.clock import Clock

KEPT = timedelta(minutes=1)


class PrivateReach:
    def __init__(self, clock: Clock, kept: timedelta = KEPT) -> None:
        self.clock = clock
        self.kept = kept
        self._refused: dict[int, tuple[datetime, TelegramError]] = {}

    def refusal(self, user_id: int) -> TelegramError | None:
        """What Telegram said when the bot last tried to write to `user_id`, if it refused within `kept`."""
        known = self._refused.get(user_id)
        if known is None:
            return None
        if self.clock.now() - known[0] >= self.kept:
            del self._refused[user_id]
            return None
        return known[1]

    def failed(self, user_id: int, error: TelegramError) -> None:
        """A private send to `user_id` failed: kept if it says the chat cannot be written to."""
        if isinstance(error, Forbidden) or (isinstance(error, BadRequest) and "chat not found" in error.message.lower()):
            self._refused[user_id] = (self.clock.now(), error)

    def heard_from(self, user_id: int) -> None:
        """The person wrote to the bot privately: the chat exists now."""
        self._refused.pop(user_id, None)
