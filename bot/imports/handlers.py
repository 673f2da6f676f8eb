"""/import: a supervisor sends an export file with the caption `/import <account> [preset]`."""

from __future__ import annotations

import logging

from telegram import Update

from bot.core.errors import Refused
from bot.imports import render, service
from bot.imports.parse import parse_caption
from bot.telegram.answers import attempt, parsed
from bot.telegram.context import BatonContext
from bot.telegram.files import document_name, downloaded, upload_failures
from bot.telegram.routes import captioned_document, command
from bot.telegram.supervisors import supervisors_only

log = logging.getLogger(__name__)


@supervisors_only("import")
async def import_document(update: Update, context: BatonContext) -> None:
    message = update.effective_message
    caption = parse_caption(message.caption)
    if caption is None:
        await _usage(context)
        return
    try:
        # Before the download: a redelivered upload is a Duplicate (handled before), an unknown account a refusal.
        await context.query(service.account_to_import, caption.account)
    except Refused as refused:
        await context.reply(render.refusal(context.render, refused))
        return
    async with upload_failures(context):
        data = await downloaded(context, message.document)
        if data is None:
            return
        # Read (and refused) before the transaction: the database's write lock waits for the writes alone.
        filename = document_name(message.document, "export")
        read = await parsed(
            context,
            service.read_export,
            context.baton.config,
            caption.account,
            data,
            filename,
            preset=caption.preset,
            refusal=render.refusal,
        )
        del data  # the bytes are read: what was read from them is all the store needs
        if read is None:
            return
        imported = await attempt(context, service.store_export, read, refusal=render.refusal)
        if imported is not None:
            await context.reply(render.import_report(context.render, await _compiled(context, imported)))


async def _compiled(context: BatonContext, imported: service.Imported) -> service.Imported:
    """The days the import touched, compiled one short transaction each (others write in between),
    then how its conversations were credited. Should a compile fail, the import stands, the day stays
    due for the compile job, and the attribution, read from the stored facts, is still true."""
    for day in imported.due:
        try:
            await context.follow_up(service.compile_day, day)
        except Exception:
            log.exception("compiling %s after an import failed; the compile job will", day)
    if (imported.due or imported.corrections_owed) and context.parts.imported is not None:
        # The import owed the posted digests of its days a correction; it is queued for the
        # group's pace here (never sent from this handler), or at the next start-up.
        try:
            await context.parts.imported(context.application)
        except Exception:
            log.exception("correcting the digests after an import failed; the next start-up will")
    return await context.query(service.credited, imported)


@supervisors_only("import")
async def import_without_file(update: Update, context: BatonContext) -> None:
    await _usage(context)


async def _usage(context: BatonContext) -> None:
    await context.reply(context.render.t("usage.import", keys=context.render.keys()))


ROUTES = (
    captioned_document(import_document, "import"),
    command("import", import_without_file),
)
