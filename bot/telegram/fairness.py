"""Per-person fairness: what one person asks of the bot is bounded, so nobody else waits for it.

A token bucket per person for commands (and anything written in a private chat) and one for
presses: a person past their allowance hears one polite notice, in their language, and then
silence: what they send is dropped until a token is back, and they are not told again until a
pause has filled their bucket. Presses have a bucket of their own, larger: a press
writes nothing into the group itself (a toast, and a board edit that coalesces), and an agent
at work taps in bursts, while a command's answer spends the group's 20 writes a minute.

It is checked first, before the gate (bot/telegram/throttle.py): a dictionary lookup and some
arithmetic, so a flood costs no database work, no Bot API call and no write into the group. Clocked by asyncio's
loop time, like the pacer (bot/telegram/pacing.py): it is about how fast people type.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import Enum

from bot.core.settings import FairnessSettings
from bot.telegram.pacing import Bucket

_EPSILON = 1e-9

# Past this many people remembered, those whose bucket is full again are forgotten: a full bucket
# is what a person never seen gets anyway.
_PRUNE_AT = 10_000


class Verdict(Enum):
    GO = "go"
    NOTICE = "notice"  # the first update past the allowance: told once
    QUIET = "quiet"  # later ones, until a token is back


class Allowance:
    """`per_minute` updates a minute per person, `burst` at once; 0 per minute: no limit."""

    def __init__(self, per_minute: int, burst: int, now: Callable[[], float] | None = None) -> None:
        self.per_minute = per_minute
        self.burst = max(1, burst)
        self._now = now or _loop_time
        self._people: dict[int, tuple[Bucket, bool]] = {}  # user id → (bucket, told during this flood)

    def admit(self, user_id: int) -> Verdict:
        if self.per_minute <= 0:
            return Verdict.GO
        now = self._now()
        bucket, told = self._people.get(user_id) or (Bucket(self.burst, self.per_minute / 60, at=now), False)
        bucket.refill(now)
        if bucket.tokens >= bucket.capacity - _EPSILON:
            # Told once per flood: someone who keeps flooding is let through as tokens come back
            # but not told again each time; only a pause long enough to fill the bucket ends it.
            told = False
        if bucket.wait(now) <= 0:
            bucket.take(now)
            self._people[user_id] = (bucket, told)
            if len(self._people) > _PRUNE_AT:
                self._prune(now)
            return Verdict.GO
        self._people[user_id] = (bucket, True)
        return Verdict.QUIET if told else Verdict.NOTICE

    def seconds_to_next(self, user_id: int) -> int:
        held = self._people.get(user_id)
        return max(1, math.ceil(held[0].wait(self._now()))) if held else 1

    def _prune(self, now: float) -> None:
        for user_id, (bucket, _told) in list(self._people.items()):
            bucket.refill(now)
            if bucket.tokens >= bucket.capacity:
                del self._people[user_id]


class Fairness:
    """The application's allowances, and when the group's console was last posted."""

    def __init__(self, settings: FairnessSettings, now: Callable[[], float] | None = None) -> None:
        self.commands = Allowance(settings.commands_per_minute, settings.command_burst, now)
        self.presses = Allowance(settings.presses_per_minute, settings.press_burst, now)
        self.console_repeat = timedelta(seconds=settings.console_repeat_seconds)
        self._console_at: dict[int, datetime] = {}

    def console_is_fresh(self, chat_id: int, now: datetime) -> bool:
        """A console was posted in `chat_id` so recently that another would only push it up."""
        posted = self._console_at.get(chat_id)
        return posted is not None and now - posted < self.console_repeat

    def console_posted(self, chat_id: int, now: datetime) -> None:
        self._console_at[chat_id] = now


def _loop_time() -> float:
    return asyncio.get_running_loop().time()
