"""Pacing writes to Telegram's limits: about 20 a minute into one group, 30 a second in all.

A token bucket per chat, and one for the bot: a write waits for a token from both. A group's
bucket holds `burst` tokens and refills at `per_minute - burst` a minute, so no 60 seconds ever
see more than `per_minute` writes, and once a burst is spent the next write is only seconds away.
A 429's retry_after pauses that chat alone.

Clocked by asyncio's loop time (monotonic), whatever clock the team's day runs on.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field


@dataclass
class Bucket:
    capacity: float
    per_second: float
    tokens: float = field(init=False)
    at: float = field(default=0.0)
    paused_until: float = 0.0

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.per_second)
        self.at = now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: now)."""
        self.refill(now)
        if now < self.paused_until:
            return self.paused_until - now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.per_second

    def take(self, now: float) -> None:
        self.refill(now)
        self.tokens -= 1


@dataclass(frozen=True)
class Limits:
    group_per_minute: int = 20  # 0: not paced (tests against a server with no limit)
    group_burst: int = 5
    private_per_second: float = 1.0
    overall_per_second: int = 30


class Pacer:
    def __init__(self, limits: Limits = Limits()) -> None:
        self.limits = limits
        self.overall = Bucket(limits.overall_per_second, limits.overall_per_second)
        self.chats: dict[int, Bucket] = {}

    @property
    def paced(self) -> bool:
        return self.limits.group_per_minute > 0

    def _bucket(self, chat_id: int) -> Bucket:
        if chat_id not in self.chats:
            limits = self.limits
            if chat_id < 0:  # groups and channels have negative ids
                refill = max(limits.group_per_minute - limits.group_burst, 1) / 60
                self.chats[chat_id] = Bucket(limits.group_burst, refill, at=_now())
            else:
                self.chats[chat_id] = Bucket(3, limits.private_per_second, at=_now())
        return self.chats[chat_id]

    def ready_in(self, chat_id: int) -> float:
        """Seconds until a write to `chat_id` may go (0: now)."""
        if not self.paced:
            return 0.0
        now = _now()
        return max(self._bucket(chat_id).wait(now), self.overall.wait(now))

    def spend(self, chat_id: int) -> None:
        if self.paced:
            now = _now()
            self._bucket(chat_id).take(now)
            self.overall.take(now)

    def pause(self, chat_id: int, seconds: float) -> None:
        """Telegram said retry after `seconds`: that chat waits, the others go on."""
        self._bucket(chat_id).paused_until = _now() + seconds


def _now() -> float:
    return asyncio.get_running_loop().time()
