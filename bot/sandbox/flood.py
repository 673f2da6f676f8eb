"""Telegram's flood limit for groups, as the sandbox enforces it when asked: at most `limit` sends
and edits in any `window` seconds into one group, and past that 429 Too Many Requests with
`parameters.retry_after`, the seconds until the oldest write leaves the window.

Measured on the wall clock (time.monotonic), whatever clock the test plays: the limit is about
how fast the bot talks, not about the team's day.
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

# The methods that post or change a message: what Telegram counts against a group.
WRITES = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendmediagroup",
        "sendvideo",
        "sendaudio",
        "sendanimation",
        "sendsticker",
        "sendpoll",
        "sendlocation",
        "sendcontact",
        "forwardmessage",
        "copymessage",
        "editmessagetext",
        "editmessagereplymarkup",
        "editmessagecaption",
        "editmessagemedia",
        "deletemessage",
    }
)


class GroupFloodLimit:
    def __init__(self, limit: int = 20, window: float = 60.0, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.now = now
        self.lock = threading.Lock()
        self.writes: dict[int, deque[float]] = defaultdict(deque)
        self.history: dict[int, list[float]] = defaultdict(list)  # every write ever let through, for the figures
        self.refused = 0  # 429s answered

    def retry_after(self, chat_id: int) -> int | None:
        """None when a write to the group may go ahead now; else the seconds to wait."""
        with self.lock:
            recent = self._recent(chat_id)
            if len(recent) < self.limit:
                return None
            self.refused += 1
            return max(1, math.ceil(recent[0] + self.window - self.now()))

    def wrote(self, chat_id: int) -> None:
        with self.lock:
            at = self.now()
            self.writes[chat_id].append(at)
            self.history[chat_id].append(at)

    def spend(self, chat_id: int) -> None:
        """Use the group's whole budget now, as a burst of writes from elsewhere would."""
        with self.lock:
            recent = self._recent(chat_id)
            recent.extend([self.now()] * (self.limit - len(recent)))

    def busiest_window(self, chat_id: int) -> int:
        """The most writes the group got in any `window` seconds."""
        with self.lock:
            times = self.history.get(chat_id, [])
        most, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= self.window:
                start += 1
            most = max(most, end - start + 1)
        return most

    def _recent(self, chat_id: int) -> deque[float]:
        recent = self.writes[chat_id]
        while recent and recent[0] <= self.now() - self.window:
            recent.popleft()
        return recent
