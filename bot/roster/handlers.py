"""/roster, /shift, a roster sheet with the caption /roster_import, /swap and the swap buttons."""

from __future__ import annotations

from telegram import Update

from bot.core.calendar import outside
from bot.core.errors import Refused
from bot.roster import callbacks as cb
from bot.roster import render, service, swaps
from bot.roster.parse import Sheet, parse_shift, parse_swap, read_sheet
from bot.telegram.answers import attempt, attempt_press, parsed, refuse_press
from bot.telegram.context import BatonContext
from bot.telegram.files import document_name, downloaded, upload_failures
from bot.telegram.routes import captioned_document, command, press
from bot.telegram.supervisors import is_supervisor, supervisors_only
from domain.roster import parse_week
from domain.time import week_in_calendar


def _accounts(context: BatonContext) -> list[str]:
    return [a.key for a in context.baton.config.accounts]


async def roster_command(update: Update, context: BatonContext) -> None:
    typed = " ".join(context.args or [])
    monday = parse_week(typed, context.baton.today())
    if monday is None:
        await context.reply(render.refusal(context.render, Refused("roster_week_usage")))
        return
    if not week_in_calendar(monday):
        await context.reply(render.refusal(context.render, outside(typed.strip())))
        return
    week = await context.query(service.week, monday)
    await context.reply(render.week_text(context.render, week))


@supervisors_only("shift")
async def shift_command(update: Update, context: BatonContext) -> None:
    request = await parsed(
        context, parse_shift, list(context.args or []), _accounts(context), context.baton.today(), refusal=render.refusal
    )
    if request is None:
        return
    done = await attempt(context, service.set_shift, request, refusal=render.refusal)
    if done is not None:
        await context.reply(render.shift_text(context.render, done))


@supervisors_only("roster_import")
async def roster_import_document(update: Update, context: BatonContext) -> None:
    async with upload_failures(context):
        sheet = await _sheet(update, context)
        if sheet is None:
            return
        done = await attempt(context, service.import_roster, sheet, refusal=render.refusal)
        if done is not None:
            await context.reply(render.imported_text(context.render, done))


async def _sheet(update: Update, context: BatonContext) -> Sheet | None:
    document = update.effective_message.document
    data = await downloaded(context, document)
    if data is None:
        return None
    name, config = document_name(document, "roster"), context.baton.config
    return await parsed(context, read_sheet, data, name, _accounts(context), context.baton.today(), config.imports, refusal=render.refusal)


@supervisors_only("roster_import")
async def roster_import_without_file(update: Update, context: BatonContext) -> None:
    await context.reply(render.refusal(context.render, Refused("roster_import_usage")))


async def swap_command(update: Update, context: BatonContext) -> None:
    request = await parsed(context, parse_swap, list(context.args or []), _accounts(context), context.baton.today(), refusal=render.refusal)
    if request is None:
        return
    offered = await attempt(context, swaps.offer, request, refusal=render.refusal)
    if offered is not None:
        # Presses are taken from the offer's own message only: its id is recorded once it is sent.
        await context.reply(
            render.swap_text(context.render, offered), render.swap_keyboard(context.render, offered), then=("swap_offer", offered.id)
        )


async def swap_press(update: Update, context: BatonContext) -> None:
    """A swap button: only the person it is for may press it; answered with a toast, the offer edited in place."""
    query = update.callback_query
    pressed = cb.decode(query.data)
    if pressed is None or query.message is None:
        await refuse_press(query, context, Refused("swap_stale"), render.refusal)
        return
    supervisor = pressed.action in (swaps.APPROVE, swaps.REJECT) and await is_supervisor(context, query.from_user.id)
    where = (query.message.chat.id, query.message.message_id)
    view = await attempt_press(
        query, context, swaps.press, pressed.swap_id, pressed.action, where, supervisor=supervisor, refusal=render.refusal
    )
    if view is None:
        return
    r = context.render
    await query.answer(render.swap_toast(r, view))
    await context.edit(query.message, render.swap_text(r, view), render.swap_keyboard(r, view))


ROUTES = (
    command("roster", roster_command, menu=True),
    command("shift", shift_command),
    captioned_document(roster_import_document, "roster_import"),
    command("roster_import", roster_import_without_file),
    command("swap", swap_command, menu=True),
    press(swap_press, cb.PATTERN),
)
