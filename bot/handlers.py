"""Telegram handlers: small async functions, one concern each. Registration is in bot/app.py."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TypeVar
from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import callbacks as cb
from bot.context import deps, person
from bot.i18n import CASE_TYPE_WORDS
from bot.month import MONTH, month_span
from bot.render import toast_text
from bot.services import Duplicate, Refused
from domain.time import day_bounds

log = logging.getLogger(__name__)

T = TypeVar("T")


# -- every update ----------------------------------------------------------------------------


async def drop_redelivered(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: an update seen before stops here; a user seen for the first time is registered."""
    d = deps(context)
    if d.baton.already_processed(update.update_id):
        log.info("update %s was processed before; ignored", update.update_id)
        raise ApplicationHandlerStop
    user = update.effective_user
    if user is not None and not user.is_bot:
        d.baton.register(person(user))


async def remember_processed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Last group: commands that wrote nothing are remembered too, so a redelivery is not answered twice."""
    deps(context).baton.mark_processed(update.update_id)


# -- commands ----------------------------------------------------------------------------------


async def reply(update: Update, text: str) -> None:
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=False)


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: Refused) -> None:
    await reply(update, refusal_text(context, refusal))


async def attempt(update: Update, refusal_text: Callable[[Refused], str], call: Callable[[], T]) -> T | None:
    """What the service returned; None once a refusal has been answered, or for an update seen before."""
    try:
        return call()
    except Refused as refusal:
        await reply(update, refusal_text(refusal))
    except Duplicate:
        pass
    return None


def refusal_text(context: ContextTypes.DEFAULT_TYPE, refusal: Refused) -> str:
    return deps(context).render.refusal(refusal)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    config = d.baton.config
    await reply(
        update,
        d.render.t("help", keys=", ".join(a.key for a in config.accounts))
        + "\n" + d.render.t("collab.help", allowance=config.collaboration.thanks.daily_allowance),
    )


async def console_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    lines = d.baton.console()
    await update.effective_message.reply_text(
        d.render.console_text(lines, d.baton.today()),
        parse_mode=ParseMode.HTML,
        reply_markup=d.render.console_keyboard(lines),
        do_quote=False,
    )


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    if not context.args:
        await reply(update, d.render.t("usage.on", keys=", ".join(a.key for a in d.baton.config.accounts)))
        return
    result = await attempt(update, d.render.refusal, lambda: d.baton.take_over(person(update.effective_user), context.args[0].lower(), update.update_id))
    if result is not None:
        await reply(update, took_over_text(context, result))


async def off_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    account = context.args[0].lower() if context.args else None
    result = await attempt(update, d.render.refusal, lambda: d.baton.hand_off(person(update.effective_user), account, update.update_id))
    if result is not None:
        await reply(update, handed_off_text(context, result))


def parse_case_args(args: list[str], accounts: set[str]) -> tuple[str | None, str | None, str | None]:
    """`/case [account] [type] [order no. or note]` → (account, type or None if unknown word, note)."""
    words = list(args)
    account = words.pop(0).lower() if words and words[0].lower() in accounts else None
    case_type = "other"
    if words and words[0].lower() in CASE_TYPE_WORDS:
        case_type = CASE_TYPE_WORDS[words.pop(0).lower()]
    note = " ".join(words) or None
    return account, case_type, note


async def case_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    account, case_type, note = parse_case_args(context.args or [], {a.key for a in d.baton.config.accounts})
    result = await attempt(update, d.render.refusal, lambda: d.baton.log_case(person(update.effective_user), account, case_type, note, update.update_id))
    if result is not None:
        await reply(update, case_logged_text(context, result))


async def standings_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    d = deps(context)
    today = d.baton.today()
    d.baton.compile([today])  # the compile job keeps the other days; a press needs only today's
    await reply(update, d.render.standings_message(today, d.baton.standings(today)))


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Service metrics for a day (default today) or a month, from the attributed conversations."""
    d = deps(context)
    period = parse_period(context.args[0] if context.args else d.baton.today().isoformat())
    if period is None:
        await reply(update, d.render.t("usage.stats"))
        return
    label, first, last = period
    start, end = day_bounds(first, d.baton.tz)[0], day_bounds(last, d.baton.tz)[1]
    await reply(update, d.render.metrics_table(d.render.t("metrics.title", period=label), d.baton.metrics(start, end)))


def parse_period(text: str) -> tuple[str, date, date] | None:
    """YYYY-MM-DD (that day) or YYYY-MM (that month) → (label, first day, last day)."""
    if MONTH.match(text):
        return text, *month_span(text)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return text, day, day


def took_over_text(context: ContextTypes.DEFAULT_TYPE, result) -> str:
    render = deps(context).render
    label, name = escape(render.label(result.account)), escape(result.agent)
    if result.previous:
        return render.t("took_from", name=name, label=label, previous=escape(result.previous))
    return render.t("took", name=name, label=label)


def handed_off_text(context: ContextTypes.DEFAULT_TYPE, result) -> str:
    """The hand-off line, with the invitation to leave a note: a clean handover earns points."""
    render = deps(context).render
    labels = render.listed(escape(render.label(a)) for a in result.accounts)
    return render.t("handed_off", name=escape(result.agent), labels=labels) + "\n" + render.t("collab.ask_note")


def case_logged_text(context: ContextTypes.DEFAULT_TYPE, result) -> str:
    render = deps(context).render
    return render.t(
        "case_logged", name=escape(result.agent), label=escape(render.label(result.account)), case_type=render.case_type(result.case_type)
    )


# -- console buttons ------------------------------------------------------------------------------


async def console_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every press is answered: a toast for the presser, and the console edited to the new state."""
    query = update.callback_query
    d = deps(context)
    press = cb.decode(query.data)
    if press is None or d.baton.config.account(press.account) is None:
        await query.answer(d.render.t("error.stale_button"), show_alert=True)
        return
    who = person(query.from_user)
    try:
        toast, announcement, picking = handle_press(context, press, who, update.update_id)
    except Refused as refusal:
        await query.answer(toast_text(refusal_text(context, refusal)), show_alert=True)
        return
    except Duplicate:
        return
    await query.answer(toast)
    if picking:
        await edit_console(query, d.render.t("console.pick_type", label=escape(d.render.label(press.account))), d.render.case_type_keyboard(press.account))
    else:
        lines = d.baton.console()
        await edit_console(query, d.render.console_text(lines, d.baton.today()), d.render.console_keyboard(lines))
    if announcement:
        await context.bot.send_message(query.message.chat_id, announcement, parse_mode=ParseMode.HTML)


def handle_press(context: ContextTypes.DEFAULT_TYPE, press: cb.Press, who, update_id: int) -> tuple[str, str | None, bool]:
    """(toast, line for the group or None, whether to show the case-type picker)."""
    d = deps(context)
    render = d.render
    label = render.label(press.account)
    if press.action == cb.TAKE:
        result = d.baton.take_over(who, press.account, update_id, seen_hold=press.seen_hold)
        return render.t("toast.took", label=label), took_over_text(context, result), False
    if press.action == cb.HAND_OFF:
        result = d.baton.hand_off(who, press.account, update_id)
        return render.t("toast.handed_off", label=label), handed_off_text(context, result), False
    if press.action == cb.CASE:
        d.baton.check_holder(who, press.account)
        return render.t("toast.pick_type"), None, True
    if press.action == cb.CASE_TYPE:
        result = d.baton.log_case(who, press.account, press.case_type, None, update_id)
        return render.t("toast.case_logged", case_type=render.case_type(result.case_type)), None, False
    return render.t("toast.ok"), None, False


async def edit_console(query, text: str, keyboard) -> None:
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as exc:
        # Two quick presses can both ask for the same final state; that is not an error.
        if "not modified" not in str(exc).lower():
            raise


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error("error while handling %r", update, exc_info=context.error)
