"""A feature's handlers, as bot/app.py's one table takes them: the PTB handler, its group, and
whether it is a command the menu shows."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.telegram.context import BatonContext

Callback = Callable[[Update, BatonContext], Awaitable[None]]


@dataclass(frozen=True)
class Route:
    handler: BaseHandler
    group: int = 0
    menu: bool = False  # a command listed in the menu Telegram shows

    @property
    def commands(self) -> frozenset[str]:
        return self.handler.commands if isinstance(self.handler, CommandHandler) else frozenset()

    @property
    def pattern(self) -> str | None:
        """A button handler's callback_data pattern."""
        if isinstance(self.handler, CallbackQueryHandler) and self.handler.pattern is not None:
            return self.handler.pattern.pattern
        return None


def command(name: str, callback: Callback, *, menu: bool = False) -> Route:
    return Route(CommandHandler(name, callback), menu=menu)


def press(callback: Callback, pattern: str) -> Route:
    return Route(CallbackQueryHandler(callback, pattern=pattern))


def captioned_document(callback: Callback, command_name: str) -> Route:
    """A file sent with the caption `/command …` (a document's caption is no command to Telegram)."""
    return Route(MessageHandler(filters.Document.ALL & filters.CaptionRegex(rf"^/{command_name}(@\w+)?(\s|$)"), callback))


def private_reply(callback: Callback) -> Route:
    """A text reply, in a private chat, to one of the bot's messages."""
    return Route(MessageHandler(filters.ChatType.PRIVATE & filters.REPLY & filters.TEXT & ~filters.COMMAND, callback))
