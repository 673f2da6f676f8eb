"""The real Application, polling the simulated Bot API over HTTP, driven like a team would.

Shared by the end-to-end tests and `baton demo`. Each helper injects one update and returns
once the bot has finished with it: PTB handles updates one at a time, and a handler the
harness adds after every other group notes the update id when all of them are done.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.app import build_application
from bot.console import callbacks as cb
from bot.core.baton import Baton
from bot.core.config import Config
from bot.core.setup import prepare_database
from bot.digest.jobs import post_daily_digest
from bot.sandbox import ApiCall, BotApiSandbox
from bot.sandbox.html_text import parse_html
from bot.telegram.context import Parts, parts_of
from domain.clock import ManualClock

TOKEN = "123456:TEST-TOKEN"
LAST_GROUP = 1_000


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
    def __init__(self, config: Config, clock: ManualClock, *, timeout: float = 10.0, jobs: bool = False) -> None:
        self.clock = clock
        self.jobs = jobs
        self.timeout = timeout
        self.sandbox = BotApiSandbox(token=TOKEN, clock=clock)
        self._config = config
        self.application: Application | None = None
        self.group: dict = {}
        self._handled_ids: set[int] = set()

    async def _note_handled(self, update: Update, _context) -> None:
        self._handled_ids.add(update.update_id)

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
        self.application = build_application(self._config, engine, self.clock, rate_limited=False, jobs=self.jobs)
        self.application.add_handler(TypeHandler(Update, self._note_handled), group=LAST_GROUP)
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
            await self.application.shutdown()
            self.baton.engine.dispose()
        finally:
            self.sandbox.stop()

    def user(
        self, user_id: int, first_name: str, last_name: str | None = None, username: str | None = None, language_code: str | None = "zh"
    ) -> dict:
        return self.sandbox.user(user_id, first_name, last_name=last_name, username=username, language_code=language_code)

    async def _handled(self, inject) -> Reaction:
        before = len(self.sandbox.calls)
        inject()
        update_id = self.sandbox.last_update["update_id"]
        await self.sandbox.wait_for(lambda _: update_id in self._handled_ids, timeout=self.timeout)
        return Reaction([c for c in self.sandbox.calls[before:] if c.method != "getUpdates"])

    async def say(self, user: dict, text: str, chat: dict | None = None, reply_to: dict | None = None) -> Reaction:
        return await self._handled(lambda: self.sandbox.send_message(chat or self.group, user, text, reply_to=reply_to))

    async def press(self, user: dict, message: dict, data: str) -> Reaction:
        return await self._handled(lambda: self.sandbox.press_button(message, user, data))

    async def upload(self, user: dict, filename: str, content: bytes, caption: str | None = None, chat: dict | None = None) -> Reaction:
        return await self._handled(lambda: self.sandbox.send_document(chat or self.group, user, filename, content, caption=caption))

    async def redeliver(self, update: dict, marker_user: dict) -> Reaction:
        """Deliver `update` again; a /help behind it proves the duplicate has been handled."""
        before = len(self.sandbox.calls)
        self.sandbox.inject_update(update)
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
