"""/adjust, /close_month (preview, then Confirm or Cancel) and /reopen_month: supervisors only."""

from __future__ import annotations

import logging

from telegram import Update

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.month import callbacks as cb
from bot.month import render, service
from bot.month.files import month_files
from bot.month.parse import parse_adjust, parse_close, parse_reopen
from bot.telegram.answers import attempt, attempt_press, refuse_press
from bot.telegram.context import BatonContext
from bot.telegram.courier import Post, queue
from bot.telegram.routes import command, press
from bot.telegram.supervisors import is_supervisor, supervisors_only
from bot.text.layout import toast_text
from bot.text.renderer import Renderer
from domain.time import previous_month

log = logging.getLogger(__name__)


@supervisors_only("adjust")
async def adjust_command(update: Update, context: BatonContext) -> None:
    """`/adjust @name ±points [YYYY-MM] reason`, or the same without @name as a reply to the agent."""
    replied = update.effective_message.reply_to_message
    target = replied.from_user if replied is not None and replied.from_user and not replied.from_user.is_bot else None
    handle = (f"@{target.username}" if target.username else target.full_name) if target is not None else None
    try:
        parsed = parse_adjust(context.args or [], handle)
    except Refused as refused:
        await context.reply(context.render.refusal(refused))
        return
    if parsed is None:
        await context.reply(context.render.t("usage.adjust"))
        return
    handle, points, month, reason = parsed
    done = await attempt(context, service.adjust, handle, points, reason, month)
    if done is not None:
        await context.reply(render.adjusted_text(context.render, done))


@supervisors_only("close_month")
async def close_month_command(update: Update, context: BatonContext) -> None:
    """A preview with Confirm and Cancel; nothing is frozen until Confirm."""
    payout = context.baton.config.payout
    try:
        parsed = parse_close(context.args or [], previous_month(context.baton.today()), payout.pool_cents)
    except Refused as refused:
        await context.reply(context.render.refusal(refused))
        return
    if parsed is None or (parsed[1] == 0 and payout.policy.scheme != "team_fund"):
        await context.reply(context.render.t("usage.close_month"))
        return
    preview = await attempt(context, service.preview_close, *parsed)
    if isinstance(preview, service.AlreadyClosed):
        await context.reply(render.already_closed_text(context.render, preview))
    elif preview is not None:
        snapshot = preview.snapshot
        await context.reply(
            render.preview_message(context.render, snapshot, preview.names), render.preview_keyboard(context.render, snapshot)
        )


async def close_press(update: Update, context: BatonContext) -> None:
    """Confirm freezes the month and posts it to the group; Cancel changes nothing."""
    query = update.callback_query
    choice = cb.decode(query.data)
    if not await is_supervisor(context, query.from_user.id):
        await query.answer(render.supervisors_only_toast(context.render), show_alert=True)
        return
    if choice is None or (choice.action == cb.CONFIRM and not choice.checksum):
        await refuse_press(query, context, Refused("stale_button"))
        return
    if choice.action == cb.CANCEL:
        if await attempt_press(query, context, service.cancel_close, choice.month) is not None:
            await query.answer(render.cancelled_toast(context.render))
            await context.edit(query.message, render.cancelled_text(context.render, choice.month))
        return
    update_id = update.update_id
    try:
        closed = await attempt_press(query, context, close_and_post, choice, context.team, f"{update_id}:close")
    except Exception:
        # Nothing was frozen: the close and its posts are one transaction. Said, never silent.
        log.exception("closing %s failed; nothing was frozen", choice.month)
        await query.answer(toast_text(render.close_failed_text(context.for_user(query.from_user), choice.month)), show_alert=True)
        await context.reply(render.close_failed_text(context.render, choice.month))
        return
    if closed is None:
        return
    context.parts.courier.wake()
    await query.answer(render.closed_toast(context.render, choice.month))
    await context.edit(query.message, render.closed_message(context.render, closed.scored.snapshot, closed.scored.names, closed.version))


def close_and_post(uow: UnitOfWork, choice: cb.ClosePress, team: Renderer, key: str) -> service.Closed:
    """Freeze the month and owe the group its message, chart and workbook, in one transaction.

    Drawing the chart and writing the workbook can fail on what people typed; then the month is not
    frozen either, instead of frozen with nothing posted and "already closed" to every retry. The
    writer waits the second this takes, once a month.
    """
    closed = service.close_month(uow, choice.month, choice.pool_cents, choice.checksum)
    snapshot, version = closed.scored.snapshot, closed.version
    files = month_files(uow, snapshot)
    posts = (
        Post(render.closed_message(team, snapshot, files.names, version)),
        Post(file=files.chart_png, filename=f"baton-{snapshot.month}.png", photo=True),
        Post(file=files.workbook_xlsx, filename=f"baton-{snapshot.month}-v{version}.xlsx"),
    )
    for number, post in enumerate(posts):
        queue(uow, uow.config.team.chat_id, f"{key}:{number}", post)
    return closed


@supervisors_only("reopen_month")
async def reopen_month_command(update: Update, context: BatonContext) -> None:
    try:
        parsed = parse_reopen(context.args or [])
    except Refused as refused:
        await context.reply(context.render.refusal(refused))
        return
    if parsed is None:
        await context.reply(context.render.t("usage.reopen_month"))
        return
    done = await attempt(context, service.reopen_month, *parsed)
    if done is not None:
        await context.reply(render.reopened_text(context.render, done))


ROUTES = (
    command("adjust", adjust_command),
    command("close_month", close_month_command),
    command("reopen_month", reopen_month_command),
    press(close_press, cb.PATTERN),
)
