"""The courier: everything a handler owes the group, sent in the background at Telegram's pace.

A handler never awaits a write into the group: it commits its change (which marks the group's
live console as behind, bot/core/baton.py), answers the press or queues its reply in the outbox
(`Courier.post`), and returns. The courier then sends, one chat at a time in order, as the pacer
allows (bot/telegram/pacing.py): first the live console's edit, which is drawn when it is sent and
so coalesces every change since the last one, then the replies in the order they were queued,
except that answers to someone who has used their share of the group's minute wait and let
the others' go first (who each answer is for is remembered for this run only).
What it owes is in the database, so a restart picks up where it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup, InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.core.baton import Baton, UnitOfWork
from bot.telegram.bot import may_have_arrived
from bot.telegram.pacing import Pacer, retry_after_seconds
from bot.text.renderer import Renderer
from storage.boards import Board
from storage.models import OutboxRow
from storage.outbox import OwedHead

log = logging.getLogger(__name__)
T = TypeVar("T")

POST = "post"  # the outbox kind of what handlers queue for a group
GIVE_UP_AFTER = 5  # attempts Telegram refused, for one queued message
IDLE_POLL_SECONDS = 5.0  # how often the courier looks without being woken
Drawing = tuple[str, InlineKeyboardMarkup]
DrawBoard = Callable[[UnitOfWork, Renderer], tuple[int, Drawing]]  # (the version drawn, the console)
AfterSent = Callable[[UnitOfWork, int, int, int], None]  # (uow, argument, chat id, message id)


@dataclass(frozen=True)
class Post:
    """A message queued for a chat: a text (HTML), an edit of one of the bot's messages, a photo or a document."""

    text: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    edit: int | None = None  # the message id to edit instead of sending
    file: bytes | None = None
    filename: str | None = None
    photo: bool = False
    then: tuple[str, int] | None = None  # an after-sent hook and its argument (the swap whose offer this is)

    def payload(self) -> str:
        return json.dumps(
            {
                "keyboard": self.keyboard.to_dict() if self.keyboard is not None else None,
                "edit": self.edit,
                "filename": self.filename,
                "photo": self.photo,
                "then": list(self.then) if self.then else None,
            }
        )

    @classmethod
    def of(cls, row: OutboxRow) -> Post:
        payload = json.loads(row.payload or "{}")
        keyboard = InlineKeyboardMarkup.de_json(payload["keyboard"], None) if payload.get("keyboard") else None
        then = tuple(payload["then"]) if payload.get("then") else None
        return cls(row.text, keyboard, payload.get("edit"), row.blob, payload.get("filename"), bool(payload.get("photo")), then)


class Courier:
    def __init__(
        self, baton: Baton, bot: Bot, pacer: Pacer, team: Renderer, draw_board: DrawBoard, after_sent: Mapping[str, AfterSent]
    ) -> None:
        self.baton = baton
        self.bot = bot
        self.pacer = pacer
        self.team = team
        self.draw_board = draw_board
        self.after_sent = after_sent
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._idle = asyncio.Event()
        self._quiet_until = 0.0  # loop time before which nothing due may go, as the last round found
        self._senders: dict[str, int] = {}  # outbox key → whom the queued answer is for
        self._board_poked = False  # a board poke is on its way to the loop

    # -- life -------------------------------------------------------------------------------------

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._board_poked = False
        self.baton.after_change.append(self.board_behind)
        self._task = self._loop.create_task(self._run(), name="courier")

    async def stop(self) -> None:
        if self.board_behind in self.baton.after_change:
            self.baton.after_change.remove(self.board_behind)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    def wake(self) -> None:
        """Something may be owed now; safe to call from any thread."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._poke)

    def board_behind(self) -> None:
        """A live console is behind: a burst of presses calls this hundreds of times a minute, and
        while the group must wait for its next write anyway, looking again would only cost. One
        poke waiting for the loop stands for every change before it runs (each wakes the loop)."""
        if self._board_poked or self._loop is None or self._loop.is_closed():
            return
        self._board_poked = True
        self._loop.call_soon_threadsafe(self._poke_for_board)

    def _poke(self) -> None:
        self._idle.clear()
        self._wake.set()

    def _poke_for_board(self) -> None:
        self._board_poked = False
        self._idle.clear()
        if self._loop is not None and self._loop.time() >= self._quiet_until:
            self._wake.set()

    async def settled(self) -> None:
        """Until nothing is owed that could be sent now (for tests and the demo)."""
        self._poke()
        await self._idle.wait()

    async def _write(self, use_case: Callable[..., T], *args: object) -> T:
        """One transaction in the database's writer thread, queued with the commands: on SQLite a
        write from any other thread competes for the lock and, under a steady stream of
        commands, can lose for seconds (busy_timeout backs off), holding up every group answer."""
        return await asyncio.get_running_loop().run_in_executor(self.baton.writer, partial(self.baton.run, use_case, *args))

    # -- queueing ------------------------------------------------------------------------------------

    async def sent(self, then: tuple[str, int], chat_id: int, message_id: int) -> None:
        """Run an after-sent hook for a message sent elsewhere than through the queue (a private chat)."""
        hook, argument = then
        await self._write(self.after_sent[hook], argument, chat_id, message_id)

    async def post(self, chat_id: int, key: str, post: Post, *, sender: int | None = None) -> None:
        """Queue `post` for `chat_id` once (by key), and wake; `sender`: whose command it answers."""
        if sender is not None:
            self._senders[key] = sender

        await self._write(queue, chat_id, key, post)
        self.wake()

    # -- the loop ----------------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                wait = await self._deliver_what_is_due()
            except Exception:
                log.exception("the courier failed a round; it tries again shortly")
                wait = 1.0
            if self._wake.is_set():
                continue  # woken during the round: something may have been queued after it looked
            if wait is None:
                self._idle.set()
            self._quiet_until = asyncio.get_running_loop().time() + (wait or 0.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait if wait is not None else IDLE_POLL_SECONDS)

    async def _deliver_what_is_due(self) -> float | None:
        """Send all that may go now; the seconds until more may, or None when nothing is owed."""
        while True:
            boards, posts = await asyncio.to_thread(self.baton.read, _owed)
            # Per chat, what goes next and how long its sender's share makes it wait: the board first.
            nexts: dict[int, tuple[float, Board | OwedHead]] = {b.chat_id: (0.0, b) for b in boards}
            for row in posts:
                if row.chat_id in nexts and nexts[row.chat_id][0] <= 0:
                    continue
                share = self.pacer.share_ready_in(row.chat_id, self._senders.get(row.key))
                if row.chat_id not in nexts or share < nexts[row.chat_id][0]:
                    nexts[row.chat_id] = (share, row)
            if not nexts:
                return None
            waits = {chat: max(self.pacer.ready_in(chat), share) for chat, (share, _) in nexts.items()}
            ready = sorted(chat for chat, wait in waits.items() if wait <= 0)
            if not ready:
                return min(waits.values())
            for chat in ready:
                item = nexts[chat][1]
                if isinstance(item, Board):
                    await self._board(item)
                else:
                    await self._post(item)

    async def _board(self, board: Board) -> None:
        version, (text, keyboard) = await asyncio.to_thread(self.baton.read, self.draw_board, self.team)
        self.pacer.spend(board.chat_id)
        try:
            if board.repost or board.message_id is None:
                message = await self.bot.send_message(board.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
                previous = await self._write(lambda uow: uow.boards.moved(board.chat_id, message.message_id, version))
                if previous is not None:
                    await self.post(board.chat_id, f"moved:{board.chat_id}:{previous}", Post(self.team.t("console.moved"), edit=previous))
            else:
                await self.bot.edit_message_text(
                    text, chat_id=board.chat_id, message_id=board.message_id, parse_mode=ParseMode.HTML, reply_markup=keyboard
                )
                await self._write(lambda uow: uow.boards.shown_up_to(board.chat_id, version))
        except RetryAfter as exc:
            self.pacer.pause(board.chat_id, retry_after_seconds(exc))
        except BadRequest as exc:
            if "not found" in str(exc).lower():  # deleted from the chat: the next change posts a fresh one
                await self._write(lambda uow: uow.boards.touch(board.chat_id, uow.now, repost=True))
            else:
                log.error("the console in %s could not be edited: %s", board.chat_id, exc)
                self.pacer.pause(board.chat_id, 5.0)
        except TelegramError as exc:
            log.warning("the console in %s was not edited (%s); it is tried again", board.chat_id, exc)
            self.pacer.pause(board.chat_id, 5.0)

    async def _post(self, head: OwedHead) -> None:
        row = await self._write(lambda uow: uow.outbox.take_row(head.id))
        if row is None:
            return
        post = Post.of(row)
        self.pacer.spend(row.chat_id, self._senders.pop(row.key, None))
        try:
            message = await self._send(row.chat_id, post)
        except RetryAfter as exc:
            self.pacer.pause(row.chat_id, retry_after_seconds(exc))
            await self._write(lambda uow: uow.outbox.failed(row.id))
            return
        except TelegramError as exc:
            await self._write(self._settle_failure, row, exc)
            return
        message_id = message.message_id if isinstance(message, Message) else (post.edit or 0)

        def confirm(uow: UnitOfWork) -> None:
            uow.outbox.sent(row.id, message_id)
            if post.then is not None:
                hook, argument = post.then
                self.after_sent[hook](uow, argument, row.chat_id, message_id)

        await self._write(confirm)

    @staticmethod
    def _settle_failure(uow: UnitOfWork, row: OutboxRow, exc: TelegramError) -> None:
        if may_have_arrived(exc):
            log.error("a message for %s timed out after it was sent; it is not sent again", row.chat_id)
            uow.outbox.unconfirmed(row.id)
        elif row.attempts + 1 >= GIVE_UP_AFTER or isinstance(exc, BadRequest):
            log.error("a message for %s was refused (%s); given up after %s attempts", row.chat_id, exc, row.attempts + 1)
            uow.outbox.failed(row.id)
            uow.outbox.resolve(row.id, uow.now, "given_up")
        else:
            log.warning("a message for %s was refused (%s); it is tried again", row.chat_id, exc)
            uow.outbox.failed(row.id)

    async def _send(self, chat_id: int, post: Post) -> Message | bool:
        if post.file is not None:
            upload = InputFile(post.file, filename=post.filename)
            if post.photo:
                return await self.bot.send_photo(chat_id, upload, caption=post.text, parse_mode=ParseMode.HTML)
            return await self.bot.send_document(chat_id, upload, caption=post.text, parse_mode=ParseMode.HTML)
        if post.edit is not None:
            return await self.bot.edit_message_text(
                post.text or "", chat_id=chat_id, message_id=post.edit, parse_mode=ParseMode.HTML, reply_markup=post.keyboard
            )
        return await self.bot.send_message(chat_id, post.text or "", parse_mode=ParseMode.HTML, reply_markup=post.keyboard)


def queue(uow: UnitOfWork, chat_id: int, key: str, post: Post) -> None:
    """Owe `post` to `chat_id` (once by key) in the caller's transaction: it goes if, and only if, that commits."""
    uow.outbox.claim(POST, key, uow.now, chat_id=chat_id, text=post.text, payload=post.payload(), blob=post.file, sending=False)


def _owed(uow: UnitOfWork) -> tuple[list[Board], list[OwedHead]]:
    return uow.boards.due(), uow.outbox.owed_heads((POST,))
