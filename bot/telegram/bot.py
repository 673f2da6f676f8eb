"""The Bot every handler and job talks through: it keeps Telegram's limits so callers need not.

A text over 4096 characters goes out as several messages cut at line ends, the keyboard on the
last; an edit to identical content is not an error; a request that failed on the network is
sent again when sending twice cannot post twice.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Message
from telegram.constants import MessageLimit, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import AIORateLimiter, ExtBot

from bot.telegram.request import NOT_SENT, AiohttpRequest

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_TEXT = MessageLimit.MAX_TEXT_LENGTH
RETRIES = 3
BACKOFF_SECONDS = 0.5
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)")
_ENTITY_CHARS = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}
_SEND_MESSAGE = inspect.signature(ExtBot.send_message)
_UNSET = object()
CALL_CONNECTIONS = 256  # as ApplicationBuilder gives; polling has one of its own


# -- splitting ------------------------------------------------------------------------------------


def split_text(text: str, html: bool, limit: int = MAX_TEXT) -> list[str]:
    """`text` as messages of at most `limit` shown characters (UTF-16 units, as Telegram counts).

    Cuts fall at line ends; a line longer than `limit` is cut between characters, never inside a
    tag or an entity. In HTML, tags still open at a cut are closed there and opened again at the
    start of the next message, so every message is well formed on its own.
    """
    if _units(text) <= limit:
        # Tags and entities only ever shorten what is shown: it fits whole. Walking it token by token
        # cost ~3 ms for an 820-character /help, on the event loop every press waits on.
        return [text]
    chunks: list[str] = []
    current: list[str] = []  # the tokens of the message being filled
    size = 0
    open_tags: list[tuple[str, str]] = []  # (name, the opening tag as written), outermost first

    def cut() -> None:
        nonlocal current, size, fresh
        body = "".join(current) + "".join(f"</{name}>" for name, _ in reversed(open_tags))
        if _shown(body, html).strip():
            chunks.append(body)
        current = [tag for _, tag in open_tags]
        size = 0
        fresh = True

    fresh = True  # nothing but reopened tags in the message being filled
    for line in text.split("\n"):
        tokens = _tokens(line, html)
        if not fresh:
            if size + 1 + sum(_width(token, html) for token in tokens) > limit:
                cut()
            else:
                current.append("\n")
                size += 1
        for token in tokens:
            width = _width(token, html)
            if size and size + width > limit:
                cut()
            current.append(token)
            size += width
            if html:
                _track(open_tags, token)
        fresh = False
    cut()
    # Nothing shown (blank, or tags only): sent as it is, and Telegram refuses it in its own words.
    return chunks or [text]


def _tokens(line: str, html: bool) -> list[str]:
    return _TOKEN.findall(line) if html else list(line)


def _width(token: str, html: bool) -> int:
    if html and token.startswith("<") and token.endswith(">") and len(token) > 1:
        return 0
    if html and token.startswith("&") and token.endswith(";") and len(token) > 1:
        return 2 if token.startswith("&#") and _code_point(token) > 0xFFFF else 1
    return _units(token)


def _units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _code_point(entity: str) -> int:
    digits = entity[2:-1]
    try:
        return int(digits[1:], 16) if digits[:1] in ("x", "X") else int(digits)
    except ValueError:
        return 0


def _track(open_tags: list[tuple[str, str]], token: str) -> None:
    match = _TAG.match(token)
    if match is None or not token.endswith(">"):
        return
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        open_tags.append((name, token))
        return
    for index in range(len(open_tags) - 1, -1, -1):
        if open_tags[index][0] == name:
            del open_tags[index:]
            return


def _shown(body: str, html: bool) -> str:
    if not html:
        return body
    text = re.sub(r"<[^<>]*>", "", body)
    return re.sub(r"&#?\w+;", lambda m: _ENTITY_CHARS.get(m.group(0), "x"), text)


# -- retrying --------------------------------------------------------------------------------------


def never_sent(error: NetworkError) -> bool:
    """Whether the failed request certainly never reached Telegram (no connection was made)."""
    cause: BaseException | None = error
    while cause is not None:
        # The request never left this machine: sending it again cannot post a message twice.
        if isinstance(cause, NOT_SENT):
            return True
        cause = cause.__cause__
    return False


def may_have_arrived(error: TelegramError) -> bool:
    """A timeout while waiting for Telegram's answer: the message may be posted, so it must not be sent again."""
    return isinstance(error, TimedOut) and not never_sent(error)


async def retrying(call: Callable[[], Awaitable[T]], safe: Callable[[NetworkError], bool], what: str) -> T:
    """Run `call`, again after a network failure `safe` allows, at most RETRIES more times."""
    for attempt in range(RETRIES + 1):
        try:
            return await call()
        except BadRequest:
            raise
        except NetworkError as error:
            if attempt == RETRIES or not safe(error):
                raise
            delay = BACKOFF_SECONDS * 2**attempt
            log.warning("%s failed (%s); retry %s of %s in %.1f s", what, error, attempt + 1, RETRIES, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


# -- the bot ---------------------------------------------------------------------------------------


class BatonBot(ExtBot):
    """ExtBot that splits long texts, retries what is safe to retry, and ignores no-op edits."""

    async def send_message(self, chat_id, text, *args: Any, **kwargs: Any) -> Message:
        bound = _SEND_MESSAGE.bind(self, chat_id, text, *args, **kwargs)
        params = {k: v for k, v in bound.arguments.items() if k not in ("self", "text")}
        parse_mode = (self._parse_mode(params.get("parse_mode", _UNSET)) or "").upper()
        # Markdown and explicit entities are sent whole: Baton writes neither, and cutting them is unsafe.
        splittable = params.get("entities") is None and parse_mode in ("", ParseMode.HTML)
        chunks = split_text(text, html=parse_mode == ParseMode.HTML) if splittable else [text]
        last = len(chunks) - 1
        sent: Message | None = None
        for index, chunk in enumerate(chunks):
            part = dict(params)
            if index != last:
                part["reply_markup"] = None
            if index:
                part["reply_parameters"] = None
                part["reply_to_message_id"] = None
            sent = await retrying(
                lambda part=part, chunk=chunk: super(BatonBot, self).send_message(text=chunk, **part),
                never_sent,
                f"sendMessage to {chat_id}",
            )
        return sent

    async def edit_message_text(self, text, *args: Any, **kwargs: Any):
        async def edit():
            try:
                return await super(BatonBot, self).edit_message_text(text, *args, **kwargs)
            except BadRequest as error:
                # Two quick presses can ask for the same final state, and a retried edit may
                # already have landed: the message shows what was wanted either way.
                if "not modified" in str(error).lower():
                    return True
                raise

        return await retrying(edit, lambda _error: True, "editMessageText")

    def _parse_mode(self, value: object) -> str | None:
        if value is None or isinstance(value, str):
            return value
        # Left out, or PTB's DEFAULT_NONE placeholder: the Defaults decide.
        return self.defaults.parse_mode if self.defaults else None


def make_bot(token: str, base_url: str, base_file_url: str, rate_limiter: AIORateLimiter | None) -> BatonBot:
    """The bot with the connection pools ApplicationBuilder would give it: 256 for calls, 1 for polling."""
    return BatonBot(
        token,
        base_url=base_url,
        base_file_url=base_file_url,
        rate_limiter=rate_limiter,
        request=AiohttpRequest(CALL_CONNECTIONS),
        get_updates_request=AiohttpRequest(1),
    )
