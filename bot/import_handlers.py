"""/import: a supervisor sends an export file with the caption `/import <account>`."""
from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot.context import deps
from bot.handlers import refuse, reply
from bot.imports import import_export
from bot.services import Refused
from bot.supervisors import supervisors_only

MAX_FILE_BYTES = 20 * 1024 * 1024  # the Bot API will not hand a bot anything larger
CAPTION = re.compile(r"^/import(?:@\w+)?(?:\s+(?P<account>\S+))?(?:\s+(?P<preset>\S+))?", re.IGNORECASE)


@supervisors_only("import")
async def import_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    message = update.effective_message
    match = CAPTION.match(message.caption or "")
    keys = ", ".join(a.key for a in d.baton.config.accounts)
    if match is None or not match.group("account"):
        await reply(update, d.render.t("usage.import", keys=keys))
        return
    document = message.document
    if document.file_size and document.file_size > MAX_FILE_BYTES:
        await reply(update, d.render.t("error.file_too_large", limit=MAX_FILE_BYTES // 1024 // 1024))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    try:
        report = import_export(
            d.baton, match.group("account").lower(), data, document.file_name or "export",
            preset=match.group("preset"), actor_tg_id=update.effective_user.id,
        )
    except Refused as refusal:
        await refuse(update, context, refusal)
        return
    await reply(update, d.render.import_report(report))


@supervisors_only("import")
async def import_without_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    await reply(update, d.render.t("usage.import", keys=", ".join(a.key for a in d.baton.config.accounts)))
