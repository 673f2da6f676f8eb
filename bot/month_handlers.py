"""/adjust, /close_month (preview, confirm, cancel) and /reopen_month."""
from __future__ import annotations

import re
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import callbacks as cb
from bot.context import deps, person
from bot.handlers import attempt, refuse, reply
from bot.month import MONTH, adjust, close_month, month_of, parse_pool, previous_month, reopen_month, score_month
from bot.month_report import month_files
from bot.render import toast_text
from bot.render_month import closed_message, preview_message
from bot.services import Refused
from bot.supervisors import is_supervisor, supervisors_only
from storage import month as months
from storage.db import reading

_POINTS = re.compile(r"^[+-]\d+(\.\d+)?$")


# -- /adjust -------------------------------------------------------------------------------------


def parse_adjust(args: list[str], replied_to: str | None) -> tuple[str, float, str | None, str] | None:
    """`@name ±points [YYYY-MM] reason`, or `±points [YYYY-MM] reason` as a reply → (handle, points, month, reason)."""
    words = list(args)
    handle = replied_to
    if handle is None:
        if not words:
            return None
        handle = words.pop(0)
    if not words or not _POINTS.match(words[0]):
        return None
    points = float(words.pop(0))
    month = words.pop(0) if words and MONTH.match(words[0]) else None
    return handle, points, month, " ".join(words)


@supervisors_only("adjust")
async def adjust_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    replied = update.effective_message.reply_to_message
    target = replied.from_user if replied is not None and replied.from_user and not replied.from_user.is_bot else None
    parsed = parse_adjust(context.args or [], f"@{target.username}" if target and target.username else (target.full_name if target else None))
    if parsed is None:
        await reply(update, d.render.t("usage.adjust"))
        return
    handle, points, month, reason = parsed
    done = await attempt(update, d.render.refusal, lambda: adjust(d.baton, person(update.effective_user), handle, points, reason, month, update.update_id))
    if done is None:
        return
    await reply(
        update,
        d.render.t("adjusted", by=escape(done.by), name=escape(done.agent), points=f"{done.points:+g}", month=done.month, reason=escape(done.reason)),
    )


# -- /close_month ----------------------------------------------------------------------------------


def parse_close(args: list[str], default_month: str, default_pool: int) -> tuple[str, int] | None:
    month, pool = default_month, default_pool
    for word in args:
        if MONTH.match(word):
            month = word
        elif (cents := parse_pool(word)) is not None:
            pool = cents
        else:
            return None
    return month, pool


@supervisors_only("close_month")
async def close_month_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    parsed = parse_close(context.args or [], previous_month(d.baton.today()), d.baton.config.payout.pool_cents)
    if parsed is None or (parsed[1] == 0 and d.baton.config.payout.policy.scheme != "team_fund"):
        await reply(update, d.render.t("usage.close_month"))
        return
    month, pool = parsed
    with reading(d.baton.engine) as session:
        close = months.latest_close(session, month)
    if close is not None and close.reopened_at is None:
        await reply(update, d.render.t("close.already", month=month, version=close.version))
        return
    try:
        if month >= month_of(d.baton.today()):
            raise Refused("month_not_over", month=month)
        scored = score_month(d.baton, month, pool)
    except Refused as refusal:
        await refuse(update, context, refusal)
        return
    snapshot = scored.snapshot
    keyboard = InlineKeyboardMarkup(
        [[
            InlineKeyboardButton(d.render.t("button.confirm_close"), callback_data=cb.encode_close(cb.ClosePress(cb.CLOSE_CONFIRM, month, pool, snapshot.checksum[:12]))),
            InlineKeyboardButton(d.render.t("button.cancel_close"), callback_data=cb.encode_close(cb.ClosePress(cb.CLOSE_CANCEL, month, pool, ""))),
        ]]
    )
    await update.effective_message.reply_text(
        preview_message(d.render, snapshot, scored.names), parse_mode=ParseMode.HTML, reply_markup=keyboard, do_quote=False
    )


async def close_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm freezes and posts the month to the group; Cancel changes nothing."""
    d = deps(context)
    query = update.callback_query
    press = cb.decode_close(query.data)
    if not await is_supervisor(context, query.from_user.id):
        await query.answer(d.render.t("toast.supervisors_only"), show_alert=True)
        return
    if press is None or (press.action == cb.CLOSE_CONFIRM and not press.checksum):
        await query.answer(d.render.t("error.stale_button"), show_alert=True)
        return
    if press.action == cb.CLOSE_CANCEL:
        await query.answer(d.render.t("toast.cancelled"))
        await query.edit_message_text(d.render.t("close.cancelled", month=press.month), parse_mode=ParseMode.HTML)
        return
    try:
        scored = close_month(d.baton, person(query.from_user), press.month, press.pool_cents, press.checksum, update.update_id)
    except Refused as refusal:
        await query.answer(toast_text(d.render.refusal(refusal)), show_alert=True)
        return
    await query.answer(d.render.t("toast.closed", month=press.month))
    with reading(d.baton.engine) as session:
        version = months.latest_close(session, press.month).version
    text = closed_message(d.render, scored.snapshot, scored.names, version)
    await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    await post_closed_month(context.bot, d, scored.snapshot, version)


async def post_closed_month(bot, d, snapshot, version: int) -> None:
    files = month_files(d.baton, snapshot)
    chat = d.baton.config.team.chat_id
    await bot.send_message(chat, closed_message(d.team, snapshot, files.names, version), parse_mode=ParseMode.HTML)
    await bot.send_photo(chat, InputFile(files.chart_png, filename=f"baton-{snapshot.month}.png"))
    await bot.send_document(chat, InputFile(files.workbook_xlsx, filename=f"baton-{snapshot.month}-v{version}.xlsx"))


# -- /reopen_month ---------------------------------------------------------------------------------


@supervisors_only("reopen_month")
async def reopen_month_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    args = context.args or []
    if len(args) < 2 or not MONTH.match(args[0]):
        await reply(update, d.render.t("usage.reopen_month"))
        return
    month, reason = args[0], " ".join(args[1:])
    who = person(update.effective_user)
    version = await attempt(update, d.render.refusal, lambda: reopen_month(d.baton, who, month, reason, update.update_id))
    if version is None:
        return
    await reply(update, d.render.t("reopened", by=escape(who.name), month=month, version=version, reason=escape(reason)))
