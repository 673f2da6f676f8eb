"""A document a person sent: its size checked before and after it is downloaded, then its bytes.

The size a message announces is the sender's client's word: it may be missing or false. So the
size getFile reports and the bytes that actually arrive are checked too, and Telegram's own
refusal to serve a file ("file is too big", past 20 MB) is answered like the bot's own limit.
Every way a download fails gets an answer: the supervisor must never be left waiting.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Document
from telegram.error import BadRequest, TelegramError

from bot.core.errors import Duplicate
from bot.telegram.context import BatonContext
from bot.text.filenames import upload_name

log = logging.getLogger(__name__)
MB = 1024 * 1024


def document_name(document: Document, default: str) -> str:
    """The document's name as it may be shown and stored (bot/text/filenames.py)."""
    return upload_name(document.file_name, default)


async def downloaded(context: BatonContext, document: Document) -> bytes | None:
    """The document's bytes; None once a file too large, or one that could not be downloaded, has been answered."""
    limit = context.baton.config.imports.max_file_mb * MB
    if document.file_size and document.file_size > limit:
        await _too_large(context, limit)
        return None
    try:
        file = await document.get_file()
        if file.file_size and file.file_size > limit:
            await _too_large(context, limit)
            return None
        data = bytes(await file.download_as_bytearray())
    except BadRequest as error:
        if "too big" in error.message.lower():
            await _too_large(context, limit)
            return None
        log.warning("could not download an upload: %s", error)
        await context.reply(context.render.t("error.download_failed"))
        return None
    except TelegramError as error:
        log.warning("could not download an upload: %s", error)
        await context.reply(context.render.t("error.download_failed"))
        return None
    if len(data) > limit:
        await _too_large(context, limit)
        return None
    return data


async def _too_large(context: BatonContext, limit: int) -> None:
    await context.reply(context.render.t("error.file_too_large", limit=limit // MB))


@asynccontextmanager
async def upload_failures(context: BatonContext) -> AsyncIterator[None]:
    """Whatever an upload breaks that no refusal foresaw is logged and answered, never left silent.

    A refusal is answered where it is raised; a redelivered update passes through unanswered."""
    try:
        yield
    except Duplicate:
        raise
    except BaseException as error:
        # calamine's Rust panics are BaseExceptions (PanicException) so that `except Exception` misses them.
        if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
            raise
        log.exception("an upload failed")
        await context.reply(context.render.t("error.upload_failed"))
