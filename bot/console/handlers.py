"""/console, /on, /off, /case and the console's buttons; /start and /help, which lead to it."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.console import callbacks as cb
from bot.console import render, service
from bot.console.parse import parse_case_args
from bot.core.errors import Refused
from bot.telegram.answers import attempt, attempt_press, refuse_press
from bot.telegram.context import BatonContext
from bot.telegram.routes import command, press


async def console_command(update: Update, context: BatonContext) -> None:
    lines = await context.query(service.board)
    r = context.render
    await context.reply(render.console_text(r, lines, context.baton.today()), render.console_keyboard(r, lines))


async def help_command(update: Update, context: BatonContext) -> None:
    await context.reply(render.help_text(context.render))


async def start_command(update: Update, context: BatonContext) -> None:
    """Privately: three lines on what Baton is, then the console; in the group /start is /help."""
    if update.effective_chat.type != ChatType.PRIVATE:
        await help_command(update, context)
        return
    if await context.reply(render.intro(context.render)) is not None:
        await console_command(update, context)


async def on_command(update: Update, context: BatonContext) -> None:
    if not context.args:
        await context.reply(context.render.t("usage.on", keys=context.render.keys()))
        return
    result = await attempt(context, service.take_over_account, context.args[0].lower())
    if result is not None:
        await context.reply(render.took_over_text(context.render, result))


async def off_command(update: Update, context: BatonContext) -> None:
    account = context.args[0].lower() if context.args else None
    result = await attempt(context, service.hand_off_account, account)
    if result is not None:
        await context.reply(render.handed_off_text(context.render, result))


async def case_command(update: Update, context: BatonContext) -> None:
    account, case_type, note = parse_case_args(context.args or [], {a.key for a in context.baton.config.accounts})
    result = await attempt(context, service.log_case, account, case_type, note)
    if result is not None:
        await context.reply(render.case_logged_text(context.render, result))


async def console_press(update: Update, context: BatonContext) -> None:
    """Every press is answered: a toast for the presser, and the console edited to the new state."""
    query = update.callback_query
    press = cb.decode(query.data)
    if press is None or context.baton.config.account(press.account) is None:
        await refuse_press(query, context, Refused("stale_button"))
        return
    done = await attempt_press(
        query, context, service.press, press.action, press.account, seen_hold=press.seen_hold, case_type=press.case_type or "other"
    )
    if done is None:
        return
    r = context.render
    await query.answer(render.press_toast(r, press, done.outcome))
    if press.action == cb.CASE:
        await query.edit_message_text(
            render.case_type_picker(r, press.account), parse_mode="HTML", reply_markup=render.case_type_keyboard(r, press.account)
        )
    else:
        await query.edit_message_text(
            render.console_text(r, done.board, context.baton.today()),
            parse_mode="HTML",
            reply_markup=render.console_keyboard(r, done.board),
        )
    announcement = render.announcement(r, done.outcome)
    if announcement:
        await context.send(query.message.chat_id, announcement)


ROUTES = (
    command("start", start_command),
    command("console", console_command, menu=True),
    command("on", on_command, menu=True),
    command("off", off_command, menu=True),
    command("case", case_command, menu=True),
    press(console_press, cb.PATTERN),
)
# Last in the menu, after every feature's commands.
HELP_ROUTES = (command("help", help_command, menu=True),)
