"""The real Application, polling the simulated Bot API over HTTP, driven like a team would.

Shared by the end-to-end tests and `baton demo`. Each helper injects one update and returns
once the bot has finished with it: PTB handles updates one at a time, and a handler the
harness adds after every other group notes the update id when all of them are done.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from telegram import Update
from telegram.ext import Application

from bot.app import build_application
from bot.console import callbacks as cb
from bot.core.baton import Baton
from bot.core.config import Config
from bot.core.setup import prepare_database
from bot.digest.jobs import post_daily_digest
from bot.sandbox import ApiCall, BotApiSandbox
from bot.sandbox.html_text import parse_html
from bot.telegram.context import Parts, parts_of
from bot.telegram.pacing import Limits
from domain.clock import ManualClock

TOKEN = "123456:TEST-TOKEN"


@dataclass(frozen=True)
class Reaction:
    """What the bot did in answer to one injected update."""

    calls: list[ApiCall]

    def sent(self) -> list[ApiCall]:
        return [c for c in self.calls if c.method == "sendMessage"]

    def texts(self) -> list[str]:
        """What the group sees: the sent texts with their HTML formatting applied."""
        return [shown(c) for c in self.sent()]

    def toasts(self) -> list[str]:
        return [c.params.get("text", "") for c in self.calls if c.method == "answerCallbackQuery"]

    def edits(self) -> list[ApiCall]:
        return [c for c in self.calls if c.method in ("editMessageText", "editMessageReplyMarkup")]


class LiveBot:
    """The real Application against the simulated server.

    By default the server sets no flood limit and the bot does not pace itself, and each helper
    returns once the update is handled and everything it queued for the group has been sent.
    With `group_limit`, the server answers 429 past 20 writes a minute into a group, as Telegram
    does, the bot paces itself to Telegram's limits, and the helpers return once the update is
    handled: what it queued goes out at Telegram's pace.
    """

    def __init__(self, config: Config, clock: ManualClock, *, timeout: float = 10.0, jobs: bool = False, group_limit: bool = False) -> None:
        self.clock = clock
        self.jobs = jobs
        self.timeout = timeout
        self.group_limit = group_limit
        self.sandbox = BotApiSandbox(token=TOKEN, clock=clock)
        if group_limit:
            self.sandbox.limit_group_writes()
        self._config = config
        self.application: Application | None = None
        self.group: dict = {}
        self._done: Counter[int] = Counter()  # update id → times the bot finished handling it

    def _note_done(self, update: object) -> None:
        if isinstance(update, Update):
            self._done[update.update_id] += 1

    def handled(self, update_id: int) -> bool:
        """Whether the bot has finished with the update: for a test that injects many at once."""
        return self._done[update_id] > 0

    @property
    def config(self) -> Config:
        return self._config

    @property
    def baton(self) -> Baton:
        return self.parts.baton

    @property
    def parts(self) -> Parts:
        return parts_of(self.application)

    async def __aenter__(self) -> LiveBot:
        self.sandbox.start()
        self._config = with_server(self._config, self.sandbox)
        engine = prepare_database(self._config)
        limits = Limits() if self.group_limit else Limits(group_per_minute=0)
        self.application = build_application(self._config, engine, self.clock, limits=limits, jobs=self.jobs)
        self.application.update_processor.on_done = self._note_done
        self.group = self.sandbox.group(self._config.team.chat_id, self._config.team.name)
        await self.application.initialize()
        # run_polling() would call post_init between initialize and start; do the same.
        if self.application.post_init:
            await self.application.post_init(self.application)
        await self.application.start()
        await self.application.updater.start_polling(poll_interval=0.0, timeout=1)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        try:
            if self.application.updater.running:
                await self.application.updater.stop()
            if self.application.running:
                await self.application.stop()
            await self.parts.courier.stop()
            await self.application.shutdown()
            self.baton.engine.dispose()
        finally:
            self.sandbox.stop()

    def user(
        self, user_id: int, first_name: str, last_name: str | None = None, username: str | None = None, language_code: str | None = "zh"
    ) -> dict:
        return self.sandbox.user(user_id, first_name, last_name=last_name, username=username, language_code=language_code)

    async def deliver(self, inject: Callable[[], object]) -> Reaction:
        """Inject an update (a callable that makes the sandbox queue one) and return what the bot did about it.

        Returns once every handler of the update is done, whatever stopped it (the gate too), and,
        without a group limit, once what it queued for the group has been sent.
        """
        before = len(self.sandbox.calls)
        inject()
        update_id = self.sandbox.last_update["update_id"]
        seen = self._done[update_id]
        await self.sandbox.wait_for(lambda _: self._done[update_id] > seen, timeout=self.timeout)
        if not self.group_limit:
            await self.settled()
        return Reaction([c for c in self.sandbox.calls[before:] if c.method != "getUpdates"])

    async def settled(self) -> None:
        """Until the courier has sent everything queued for the groups."""
        await asyncio.wait_for(self.parts.courier.settled(), timeout=self.timeout)

    async def say(self, user: dict, text: str, chat: dict | None = None, reply_to: dict | None = None) -> Reaction:
        return await self.deliver(lambda: self.sandbox.send_message(chat or self.group, user, text, reply_to=reply_to))

    async def press(self, user: dict, message: dict, data: str) -> Reaction:
        return await self.deliver(lambda: self.sandbox.press_button(message, user, data))

    async def press_as_seen(self, user: dict, message: dict, data: str) -> Reaction:
        """A press on `message` as the presser last saw it, whatever it shows by now: a tap on its way
        while the live console was being edited, or a button of an older console."""
        return await self.deliver(lambda: self.sandbox.forge_press(message, user, data))

    async def upload(
        self,
        user: dict,
        filename: str,
        content: bytes,
        caption: str | None = None,
        chat: dict | None = None,
        announced_size: int | None = -1,
    ) -> Reaction:
        return await self.deliver(
            lambda: self.sandbox.send_document(chat or self.group, user, filename, content, caption=caption, announced_size=announced_size)
        )

    async def redeliver(self, update: dict, marker_user: dict) -> Reaction:
        """Deliver `update` again, then a /help from `marker_user`: what the bot did about both."""
        before = len(self.sandbox.calls)
        await self.deliver(lambda: self.sandbox.inject_update(update))
        await self.say(marker_user, "/help")
        return Reaction([c for c in self.sandbox.calls[before:] if c.method != "getUpdates"])

    @staticmethod
    def button(message: dict, press: cb.Press) -> str:
        """The callback_data of the button on `message` that makes `press`, as a user's tap sends it.

        A take-over button carries the state it was drawn in, so the data comes from the message.
        """
        wanted = (press.action, press.account, press.case_type)
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for shown in row:
                found = cb.decode(shown.get("callback_data", ""))
                if found is not None and (found.action, found.account, found.case_type) == wanted:
                    return shown["callback_data"]
        raise ValueError(f"message {message.get('message_id')} shows no button for {press}")

    def message(self, message_id: int) -> dict:
        return next(m for m in self.sandbox.messages(self.group["id"]) if m["message_id"] == message_id)

    def console(self) -> dict:
        """The latest console message as it is now."""
        consoles = [m for m in self.sandbox.messages(self.group["id"]) if m.get("reply_markup")]
        return consoles[-1]

    async def post_digest(self, day: date) -> Reaction:
        before = len(self.sandbox.calls)
        await post_daily_digest(self.application, day)
        return Reaction([c for c in self.sandbox.calls[before:] if c.method != "getUpdates"])


def shown(call: ApiCall) -> str:
    text = call.params["text"]
    return parse_html(text)[0] if call.params.get("parse_mode") == "HTML" else text


def with_server(config: Config, sandbox: BotApiSandbox) -> Config:
    return replace(config, bot=replace(config.bot, token=TOKEN, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url))
