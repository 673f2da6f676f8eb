"""Updates handled side by side, one sender's in order.

python-telegram-bot handles one update at a time unless told otherwise, so a slow update (a
compile, an upload, a busy database) holds up everyone, private chats included. This processor
runs up to `max_concurrent` updates at once and queues each sender's updates behind one another,
so what one person does still happens in the order they did it. One account's changes need no
queue here: the database serialises them (one open holder per account, conditional ends).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


def sequence_key(update: object) -> Hashable | None:
    """Updates with the same key run one after another: a person's, else a chat's."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    return None


_lane: ContextVar[Callable[[], None] | None] = ContextVar("baton_sender_lane", default=None)


def next_in_line() -> None:
    """The update being handled has done what must happen in order (its transaction committed):
    its sender's next update may start while this one finishes (a toast, say)."""
    let_next_in = _lane.get()
    if let_next_in is not None:
        let_next_in()


# PTB's own bound counts an update waiting in its sender's queue as running: were it the only
# bound, a burst from four busy people would fill it and keep a fifth person's private /help out.
QUEUED_AT_MOST = 100_000


class PerSenderProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent: int = 32) -> None:
        super().__init__(QUEUED_AT_MOST)
        self._running = asyncio.Semaphore(max_concurrent)
        self._queues: dict[Hashable, tuple[asyncio.Lock, int]] = {}
        # Told of every update once all its handlers are done, whatever stopped it (the test harness listens).
        self.on_done: Callable[[object], None] | None = None

    async def _handle(self, update: object, coroutine: Awaitable[Any]) -> None:
        try:
            async with self._running:
                await coroutine
        finally:
            if self.on_done is not None:
                self.on_done(update)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = sequence_key(update)
        if key is None:
            await self._handle(update, coroutine)
            return
        lock, waiting = self._queues.get(key, (asyncio.Lock(), 0))
        self._queues[key] = (lock, waiting + 1)
        try:
            await lock.acquire()
            released = False

            def let_next_in() -> None:
                nonlocal released
                if not released:
                    released = True
                    lock.release()

            # The handler runs in this task, so it sees this: see `next_in_line`.
            token = _lane.set(let_next_in)
            try:
                await self._handle(update, coroutine)
            finally:
                _lane.reset(token)
                let_next_in()
        finally:
            lock, waiting = self._queues[key]
            if waiting == 1:
                del self._queues[key]
            else:
                self._queues[key] = (lock, waiting - 1)

    async def initialize(self) -> None:
        """Nothing to set up: the queues come and go with the updates."""

    async def shutdown(self) -> None:
        """Nothing to release."""
