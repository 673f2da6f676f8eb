"""Pacing writes to Telegram's limits: about 20 a minute into one group, 30 a second in all.

A token bucket per chat, and one for the bot: a write waits for a token from both. A group's
bucket holds `burst` tokens and refills at `per_minute - burst` a minute, so no 60 seconds ever
see more than `per_minute` writes, and once a burst is spent the next write is only seconds away.
A 429's retry_after pauses that chat alone.

Within a group, what answers one person's commands has a share of its own, a quarter of the
group's minute and a burst of two: a person flooding the group waits for their answers, and
the group's budget is still there for everyone else's.

Clocked by asyncio's loop time (monotonic), whatever clock the team's day runs on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from telegram.error import RetryAfter

_EPSILON = 1e-9


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
        # A token refilled to within float error of whole counts as whole: otherwise the wait
        # shrinks below the clock's resolution and a caller spins without time passing.
        return 0.0 if self.tokens >= 1 - _EPSILON else (1 - self.tokens) / self.per_second

    def take(self, now: float) -> None:
        self.refill(now)
        self.tokens -= 1


@dataclass(frozen=True)
class Limits:
    group_per_minute: int = 20  # 4 to 20; 0: not paced (a server that sets no limit)
    group_burst: int = 5
    private_per_second: float = 1.0
    overall_per_second: int = 30
    sender_share: int = 4  # one person's answers may use 1/sender_share of a group's minute
    sender_burst: int = 2


class Pacer:
    def __init__(self, limits: Limits = Limits(), now: Callable[[], float] | None = None) -> None:
        self.limits = limits
        self._now = now or _loop_time
        self.overall = Bucket(limits.overall_per_second, limits.overall_per_second)
        self.chats: dict[int, Bucket] = {}
        self.shares: dict[tuple[int, int], Bucket] = {}  # (group, person) → their answers' share

    @property
    def paced(self) -> bool:
        return self.limits.group_per_minute > 0

    def _bucket(self, chat_id: int) -> Bucket:
        if chat_id not in self.chats:
            limits = self.limits
            if chat_id < 0:  # groups and channels have negative ids
                # A burst, then the rest of the minute's writes spread out: never more than the limit in any 60 s.
                burst = min(limits.group_burst, limits.group_per_minute // 4)
                refill = (limits.group_per_minute - burst) / 60
                self.chats[chat_id] = Bucket(burst, refill, at=self._now())
            else:
                self.chats[chat_id] = Bucket(3, limits.private_per_second, at=self._now())
        return self.chats[chat_id]

    def ready_in(self, chat_id: int) -> float:
        """Seconds until a write to `chat_id` may go (0: now)."""
        now = self._now()
        bucket = self._bucket(chat_id)
        if not self.paced:
            return max(0.0, bucket.paused_until - now)
        return max(bucket.wait(now), self.overall.wait(now))

    async def turn(self, chat_id: int) -> None:
        """Wait until a write to `chat_id` may go, and take its token."""
        while (wait := self.ready_in(chat_id)) > 0:
            await asyncio.sleep(wait)
        self.spend(chat_id)

    def share_ready_in(self, chat_id: int, sender: int | None) -> float:
        """Seconds until an answer to `sender` may go into group `chat_id` (0: now), the group's own wait aside."""
        if sender is None or not self.paced or chat_id >= 0:
            return 0.0
        return self._share(chat_id, sender).wait(self._now())

    def _share(self, chat_id: int, sender: int) -> Bucket:
        if (chat_id, sender) not in self.shares:
            per_minute = max(1, self.limits.group_per_minute // self.limits.sender_share)
            self.shares[(chat_id, sender)] = Bucket(self.limits.sender_burst, per_minute / 60, at=self._now())
        return self.shares[(chat_id, sender)]

    def spend(self, chat_id: int, sender: int | None = None) -> None:
        if self.paced:
            now = self._now()
            self._bucket(chat_id).take(now)
            self.overall.take(now)
            if sender is not None and chat_id < 0:
                self._share(chat_id, sender).take(now)

    def pause(self, chat_id: int, seconds: float) -> None:
        """Telegram said retry after `seconds`: that chat waits, the others go on."""
        self._bucket(chat_id).paused_until = self._now() + seconds


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait, whether PTB hands it over in seconds or as a timedelta."""
    wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
