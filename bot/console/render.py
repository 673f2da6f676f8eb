"""The console as Telegram HTML and buttons, and what its moves say.

A held account's row carries its case types as buttons: one tap logs a case, so nobody's choice
ever turns the shared console into their own menu.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.console import callbacks as cb
from bot.console.backdate import TakeOverOffer
from bot.console.board import BoardView, Change, ConsoleLine
from bot.console.service import Backdated, CaseLogged, HandedOff, TookOver
from bot.text.i18n import CASE_TYPES
from bot.text.layout import clock_time, plain_text, short_datetime
from bot.text.renderer import Renderer


def help_text(render: Renderer) -> str:
    config = render.config
    return render.t("help", keys=render.keys()) + "\n" + render.t("collab.help", allowance=config.collaboration.thanks.daily_allowance)


def intro(render: Renderer) -> str:
    """A private /start: Baton in three lines, before the console."""
    return render.t("onboarding.intro", team=escape(render.config.team.name))


def live_board_pointer(render: Renderer, chat_id: int, message_id: int | None) -> str:
    """Where the group's live console is: a link when Telegram can make one (a supergroup's message)."""
    internal = str(chat_id).removeprefix("-100")
    if message_id is None or internal == str(chat_id):
        return render.t("console.live_board_above")
    return render.t("console.live_board_at", link=f"https://t.me/c/{internal}/{message_id}")


def console_text(render: Renderer, view: BoardView) -> str:
    body = [render.t("console.title", team=escape(render.config.team.name))]
    for line in view.lines:
        label = escape(render.label(line.account))
        if line.holder is None or line.since is None:
            body.append(render.t("console.free", label=label))
        else:
            since = short_datetime(line.since, render.tz, view.today)
            body.append(render.t("console.held", label=label, name=escape(line.holder), since=since))
    if view.changes:
        body.append(render.t("console.recent"))
        body += [change_line(render, change) for change in view.changes]
    return "\n".join(body)


def change_line(render: Renderer, change: Change) -> str:
    params: dict[str, str] = {"time": clock_time(change.at, render.tz), "name": escape(change.name)}
    if change.what == "handed_off":
        params["labels"] = render.listed(escape(render.label(a)) for a in change.accounts)
    else:
        params["label"] = escape(render.label(change.accounts[0] if change.accounts else ""))
    if change.previous is not None:
        params["previous"] = escape(change.previous)
    if change.case_type is not None:
        params["case_type"] = render.case_type(change.case_type)
    return render.t(f"console.recent.{change.what}", **params)


def console_keyboard(render: Renderer, lines: Sequence[ConsoleLine]) -> InlineKeyboardMarkup:
    rows = []
    for line in lines:
        label = render.label(line.account)
        row = [_button(render, "button.take", label, cb.Press(cb.TAKE, line.account, seen_hold=line.holder_hold_id))]
        if line.holder is not None:
            row.append(_button(render, "button.hand_off", label, cb.Press(cb.HAND_OFF, line.account)))
        rows.append(row)
        if line.holder is not None:
            rows.append(
                [
                    InlineKeyboardButton(
                        render.t("button.log_type", case_type=render.case_type(ct)),
                        callback_data=cb.encode(cb.Press(cb.CASE_TYPE, line.account, ct)),
                    )
                    for ct in CASE_TYPES
                ]
            )
    return InlineKeyboardMarkup(rows)


def console(render: Renderer, view: BoardView) -> tuple[str, InlineKeyboardMarkup]:
    return console_text(render, view), console_keyboard(render, view.lines)


def _button(render: Renderer, key: str, label: str, press: cb.Press) -> InlineKeyboardButton:
    return InlineKeyboardButton(render.t(key, label=label), callback_data=cb.encode(press))


# -- what a move says ---------------------------------------------------------------------------------


def took_over_text(render: Renderer, result: TookOver) -> str:
    label, name = escape(render.label(result.account)), escape(result.agent)
    if result.previous:
        return render.t("took_from", name=name, label=label, previous=escape(result.previous))
    return render.t("took", name=name, label=label)


def handed_off_text(render: Renderer, result: HandedOff) -> str:
    """The hand-off line, with the invitation to leave a note: a clean handover earns points."""
    labels = render.listed(escape(render.label(a)) for a in result.accounts)
    return render.t("handed_off", name=escape(result.agent), labels=labels) + "\n" + render.t("collab.ask_note")


def case_logged_text(render: Renderer, result: CaseLogged) -> str:
    return render.t(
        "case_logged", name=escape(result.agent), label=escape(render.label(result.account)), case_type=render.case_type(result.case_type)
    )


def press_toast(render: Renderer, outcome: TookOver | HandedOff | CaseLogged) -> str:
    """A press's answer to the presser; the group sees the move on the live console instead."""
    if isinstance(outcome, TookOver):
        return render.t("toast.took", label=render.label(outcome.account))
    if isinstance(outcome, HandedOff):
        # A clean handover earns points: the invitation to leave a note goes with the answer.
        labels = render.listed(render.label(a) for a in outcome.accounts)
        return render.t("toast.handed_off", label=labels) + " " + plain_text(render.t("collab.ask_note"))
    return render.t("toast.case_logged", case_type=render.case_type(outcome.case_type))


# -- the take-over a refused case offers --------------------------------------------------------------


def take_over_offer(render: Renderer, offer: TakeOverOffer) -> tuple[str, InlineKeyboardMarkup]:
    """The refusal, and the one tap that takes the account over from the moment shown."""
    label, today = escape(render.label(offer.account)), offer.now.astimezone(render.tz).date()
    at = short_datetime(offer.at, render.tz, today)
    text = render.t("backdate.offer", name=escape(offer.holder), label=label, at=at)
    if len(offer.choices) > 1:
        text += "\n" + render.t("backdate.choose")
    if offer.case_type is None:
        text += "\n" + render.t("backdate.retype")

    def button(moment: datetime) -> InlineKeyboardButton:
        press = cb.BackdatePress(offer.agent_id, offer.account, offer.seen_hold, moment, offer.case_type)
        shown = short_datetime(moment, render.tz, today)
        return InlineKeyboardButton(
            render.t("button.take_over_from", label=render.label(offer.account), at=shown), callback_data=cb.encode_backdate(press)
        )

    return text, InlineKeyboardMarkup([[button(moment)] for moment in offer.choices])


def offer_toast(render: Renderer, offer: TakeOverOffer, *, privately: bool) -> str:
    """A case button refused on the group's console: the offer itself goes privately, or else into the group."""
    return render.t("backdate.toast" if privately else "backdate.toast_group", name=offer.holder, label=render.label(offer.account))


def backdated_text(render: Renderer, done: Backdated, today: date) -> str:
    at = short_datetime(done.at, render.tz, today)
    text = render.t("backdate.done", label=escape(render.label(done.account)), at=at, previous=escape(done.previous))
    if done.case_type is not None:
        text += " " + render.t("backdate.done_case", case_type=render.case_type(done.case_type))
    return text


def backdated_notice(render: Renderer, done: Backdated, today: date) -> str:
    """To the colleague whose hold now ends earlier."""
    at = short_datetime(done.at, render.tz, today)
    return render.t("backdate.told", name=escape(done.agent), label=escape(render.label(done.account)), at=at)
