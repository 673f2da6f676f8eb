"""/console, /on, /off, /case and the console's buttons; /start and /help, which lead to it.

In the team's group the console is one live message, edited after every change by the courier
(bot/telegram/courier.py): a press is answered at once with a toast and writes nothing into the
group itself. A console in a private chat is edited in place after its own presses.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.console import backdate, render, service
from bot.console import callbacks as cb
from bot.console.board import board_view
from bot.console.parse import parse_case_args
from bot.core.baton import UnitOfWork
from bot.core.errors import Duplicate, Refused
from bot.telegram.answers import attempt, attempt_press, refuse_press
from bot.telegram.context import BatonContext
from bot.telegram.courier import Post
from bot.telegram.routes import command, press
from bot.text.layout import plain_text, toast_text
from bot.text.renderer import Renderer

log = logging.getLogger(__name__)


async def help_command(update: Update, context: BatonContext) -> None:
    await context.reply(render.help_text(context.render))


async def start_command(update: Update, context: BatonContext) -> None:
    """Privately: three lines on what Baton is, then the console; in the group /start is /help."""
    if update.effective_chat.type != ChatType.PRIVATE:
        await help_command(update, context)
        return
    if await context.reply(render.intro(context.render)) is not None:
        await console_command(update, context)


async def console_command(update: Update, context: BatonContext) -> None:
    """In the team's group a fresh live console, below; anywhere else a console of one's own."""
    group = context.baton.config.team.chat_id
    if update.effective_chat.id == group:
        fairness, now = context.parts.fairness, context.baton.clock.now()
        if fairness.console_is_fresh(group, now):
            await point_to_board(update, context)
            return
        await attempt(context, service.fresh_console)
        fairness.console_posted(group, now)
        return
    view = await context.query(board_view)
    await context.reply(*render.console(context.render, view))


async def point_to_board(update: Update, context: BatonContext) -> None:
    """A console posted seconds ago is still in view: another would only push it up the chat and
    spend the group's writes, so the asker is shown the live one privately, or nothing if they
    never started a private chat with the bot."""
    try:
        message_id = await context.query(service.live_board, update.effective_chat.id)
    except Duplicate:
        return
    await context.record()
    user = update.effective_user
    try:
        await context.send(user.id, render.live_board_pointer(context.for_user(user), update.effective_chat.id, message_id))
    except TelegramError as exc:
        log.info("no private pointer to the live console for %s: %s", user.id, exc)


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
    """A case; refused because a colleague holds the account, the refusal offers to take it over."""
    account, case_type, note = parse_case_args(context.args or [], {a.key for a in context.baton.config.accounts})
    result = await attempt(context, backdate.case_or_offer, account, case_type, note)
    if isinstance(result, backdate.TakeOverOffer):
        await context.reply(*render.take_over_offer(context.render, result))
    elif result is not None:
        await context.reply(render.case_logged_text(context.render, result))


async def console_press(update: Update, context: BatonContext) -> None:
    """Every press is answered at once; the group's live console follows by itself."""
    query = update.callback_query
    pressed = cb.decode(query.data)
    if pressed is None or context.baton.config.account(pressed.account) is None:
        await refuse_press(query, context, Refused("stale_button"))
        return
    private = query.message is not None and query.message.chat.type == ChatType.PRIVATE
    # On the group's board a press leaves only its toast to do once committed (the courier redraws
    # the board), so the presser's next press need not wait for it; a private console is edited in order.
    context.in_order_until_committed = not private
    done: service.Pressed | backdate.TakeOverOffer | None
    if pressed.action == cb.CASE_TYPE:
        done = await attempt_press(query, context, backdate.press_case, pressed.account, pressed.case_type or "other", redraw=private)
    else:
        done = await attempt_press(
            query, context, service.press, pressed.action, pressed.account, seen_hold=pressed.seen_hold, redraw=private
        )
    if done is None:
        return
    if isinstance(done, backdate.TakeOverOffer):
        await offer_privately(update, context, done)
        return
    await query.answer(render.press_toast(context.render, done.outcome))
    if private and done.view is not None:
        await context.edit(query.message, *render.console(context.render, done.view))


async def offer_privately(update: Update, context: BatonContext, offer: backdate.TakeOverOffer) -> None:
    """A refused case button: the refusal in a toast, the take-over offer in the presser's private
    chat (in the group, queued, only when the bot cannot write to them privately)."""
    query, user = update.callback_query, update.effective_user
    privately = True
    try:
        await context.send(user.id, *render.take_over_offer(context.for_user(user), offer))
    except TelegramError as exc:
        log.info("no private take-over offer for %s (%s); offered in the group", user.id, exc)
        privately = False
    # Answered before the group's offer is queued: queueing is a second transaction, behind every
    # other press's in the writer, and the presser's phone shows a spinner until the answer comes.
    await query.answer(toast_text(render.offer_toast(context.render, offer, privately=privately)), show_alert=True)
    if not privately:
        await context.post(context.baton.config.team.chat_id, Post(*render.take_over_offer(context.team, offer)))


async def backdate_press(update: Update, context: BatonContext) -> None:
    """The offer accepted: the take-over from the moment on the button; the colleague is told."""
    query = update.callback_query
    pressed = cb.decode_backdate(query.data)
    if pressed is None or context.baton.config.account(pressed.account) is None:
        await refuse_press(query, context, Refused("stale_button"))
        return
    done = await attempt_press(
        query, context, backdate.take_over_from, pressed.agent_id, pressed.account, pressed.seen_hold, pressed.at, pressed.case_type
    )
    if done is None:
        return
    today = context.baton.today()
    await query.answer(toast_text(plain_text(render.backdated_text(context.render, done, today))))
    if query.message is not None:
        await context.edit(query.message, render.backdated_text(context.render, done, today))
    told = await context.for_agent(done.previous_tg_id)
    # Queued, never awaited: the courier sends it at its pace, and it survives a restart.
    await context.post(done.previous_tg_id, Post(render.backdated_notice(told, done, today)), shared=False)


def draw_board(uow: UnitOfWork, team: Renderer) -> tuple[int, tuple[str, InlineKeyboardMarkup]]:
    """The team group's live console as it is now, and the version of it that is: for the courier."""
    view = board_view(uow)
    return view.version, render.console(team, view)


ROUTES = (
    command("start", start_command),
    command("console", console_command, menu=True),
    command("on", on_command, menu=True),
    command("off", off_command, menu=True),
    command("case", case_command, menu=True),
    press(console_press, cb.PATTERN),
    press(backdate_press, cb.BACKDATE_PATTERN),
)
# Last in the menu, after every feature's commands.
HELP_ROUTES = (command("help", help_command, menu=True),)
