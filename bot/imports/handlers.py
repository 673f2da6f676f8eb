"""/import: a supervisor sends an export file with the caption `/import <account> [preset]`."""

from __future__ import annotations

from telegram import Update

from bot.imports import service
from bot.imports.parse import parse_caption
from bot.imports.render import import_report
from bot.telegram.answers import attempt
from bot.telegram.context import BatonContext
from bot.telegram.files import downloaded
from bot.telegram.routes import captioned_document, command
from bot.telegram.supervisors import supervisors_only


@supervisors_only("import")
async def import_document(update: Update, context: BatonContext) -> None:
    message = update.effective_message
    caption = parse_caption(message.caption)
    if caption is None:
        await _usage(context)
        return
    data = await downloaded(context, message.document)
    if data is None:
        return
    report = await attempt(
        context, service.import_export, caption.account, data, message.document.file_name or "export", preset=caption.preset
    )
    if report is not None:
        await context.reply(import_report(context.render, report))


@supervisors_only("import")
async def import_without_file(update: Update, context: BatonContext) -> None:
    await _usage(context)


async def _usage(context: BatonContext) -> None:
    await context.reply(context.render.t("usage.import", keys=context.render.keys()))


ROUTES = (
    captioned_document(import_document, "import"),
    command("import", import_without_file),
)
