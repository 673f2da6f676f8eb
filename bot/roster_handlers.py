"""/roster, /shift, a roster sheet with the caption /roster_import, /swap and the swap buttons.

`register` adds them to the Application, ahead of the console's catch-all button handler.
"""
from __future__ import annotations

from functools import partial

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot import roster as rosters
from bot import roster_callbacks as rcb
from bot import swaps
from bot.context import deps, person
from bot.handlers import attempt, reply
from bot.import_handlers import MAX_FILE_BYTES
from bot.render import toast_text
from bot.render_roster import imported_text, refusal_text, shift_ended_text, shift_set_text, swap_keyboard, swap_status, swap_text, week_text
from bot.services import Duplicate, Refused
from bot.supervisors import is_supervisor, supervisors_only
from domain.roster import parse_week

_REGISTERED = "roster_handlers_registered"
CAPTION = r"^/roster_import(@\w+)?(\s|$)"


def register(application: Application) -> None:
    """Add the roster's commands and buttons (group 0); calling it twice adds nothing twice."""
    if application.bot_data.get(_REGISTERED):
        return
    application.bot_data[_REGISTERED] = True
    application.add_handler(CommandHandler("roster", roster_command))
    application.add_handler(CommandHandler("shift", shift_command))
    application.add_handler(MessageHandler(filters.Document.ALL & filters.CaptionRegex(CAPTION), roster_import_document))
    application.add_handler(CommandHandler("roster_import", roster_import_without_file))
    application.add_handler(CommandHandler("swap", swap_command))
    application.add_handler(CallbackQueryHandler(swap_press, pattern=rcb.PATTERN))


async def roster_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    monday = parse_week(" ".join(context.args or []), d.baton.today())
    if monday is None:
        await reply(update, refusal_text(d.render, Refused("roster_week_usage")))
        return
    await reply(update, week_text(d.render, rosters.week(d.baton, monday)))


@supervisors_only("shift")
async def shift_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    done = await attempt(update, partial(refusal_text, d.render), lambda: rosters.set_shift(d.baton, person(update.effective_user), list(context.args or []), update.update_id))
    if done is not None:
        await reply(update, shift_set_text(d.render, done) if isinstance(done, rosters.ShiftSet) else shift_ended_text(d.render, done))


@supervisors_only("roster_import")
async def roster_import_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    document = update.effective_message.document
    if document.file_size and document.file_size > MAX_FILE_BYTES:
        await reply(update, d.render.t("error.file_too_large", limit=MAX_FILE_BYTES // 1024 // 1024))
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    name = document.file_name or "roster"
    done = await attempt(update, partial(refusal_text, d.render), lambda: rosters.import_roster(d.baton, person(update.effective_user), data, name, update.update_id))
    if done is not None:
        await reply(update, imported_text(d.render, done))


@supervisors_only("roster_import")
async def roster_import_without_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(update, refusal_text(deps(context).render, Refused("roster_import_usage")))


async def swap_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    offered = await attempt(update, partial(refusal_text, d.render), lambda: swaps.offer(d.baton, person(update.effective_user), list(context.args or []), update.update_id))
    if offered is None:
        return
    message = await update.effective_message.reply_text(
        swap_text(d.render, offered), parse_mode=ParseMode.HTML, reply_markup=swap_keyboard(d.render, offered), do_quote=False
    )
    swaps.record_message(d.baton, offered.id, message.chat_id, message.message_id)


async def swap_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A swap button: only the person it is for may press it; answered with a toast, the offer edited in place."""
    query = update.callback_query
    d = deps(context)
    press = rcb.decode(query.data)
    if press is None or query.message is None:
        await query.answer(toast_text(refusal_text(d.render, Refused("swap_stale"))), show_alert=True)
        return
    supervisor = press.action in (swaps.APPROVE, swaps.REJECT) and await is_supervisor(context, query.from_user.id)
    where = (query.message.chat.id, query.message.message_id)
    try:
        view = swaps.press(d.baton, person(query.from_user), press.swap_id, press.action, where, update.update_id, supervisor=supervisor)
    except Refused as refusal:
        await query.answer(toast_text(refusal_text(d.render, refusal)), show_alert=True)
        return
    except Duplicate:
        await query.answer()
        return
    await query.answer(toast_text(swap_status(d.render, view)))
    await query.edit_message_text(swap_text(d.render, view), parse_mode=ParseMode.HTML, reply_markup=swap_keyboard(d.render, view))
