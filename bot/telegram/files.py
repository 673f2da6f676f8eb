"""A document a person sent: its size checked before it is downloaded, then its bytes."""

from __future__ import annotations

from telegram import Document

from bot.telegram.context import BatonContext

MAX_FILE_BYTES = 20 * 1024 * 1024  # the Bot API will not hand a bot anything larger


async def downloaded(context: BatonContext, document: Document) -> bytes | None:
    """The document's bytes; None once a file too large to download has been answered."""
    if document.file_size and document.file_size > MAX_FILE_BYTES:
        await context.reply(context.render.t("error.file_too_large", limit=MAX_FILE_BYTES // 1024 // 1024))
        return None
    return bytes(await (await document.get_file()).download_as_bytearray())
