"""The console as Telegram HTML and buttons, and the lines its moves post."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.console import callbacks as cb
from bot.console.service import CaseLogged, ConsoleLine, HandedOff, TookOver
from bot.text.i18n import CASE_TYPES
from bot.text.layout import short_datetime
from bot.text.renderer import Renderer


def help_text(render: Renderer) -> str:
    config = render.config
    return render.t("help", keys=render.keys()) + "\n" + render.t("collab.help", allowance=config.collaboration.thanks.daily_allowance)


def intro(render: Renderer) -> str:
    """A private /start: Baton in three lines, before the console."""
    return render.t("onboarding.intro", team=escape(render.config.team.name))


def console_text(render: Renderer, lines: Sequence[ConsoleLine], today: date) -> str:
    body = [render.t("console.title", team=escape(render.config.team.name))]
    for line in lines:
        label = escape(render.label(line.account))
        if line.holder is None or line.since is None:
            body.append(render.t("console.free", label=label))
        else:
            since = short_datetime(line.since, render.tz, today)
            body.append(render.t("console.held", label=label, name=escape(line.holder), since=since))
    return "\n".join(body)


def console_keyboard(render: Renderer, lines: Sequence[ConsoleLine]) -> InlineKeyboardMarkup:
    rows = []
    for line in lines:
        label = render.label(line.account)
        row = [_button(render, "button.take", label, cb.Press(cb.TAKE, line.account, seen_hold=line.holder_hold_id))]
        if line.holder is not None:
            row.append(_button(render, "button.hand_off", label, cb.Press(cb.HAND_OFF, line.account)))
            row.append(_button(render, "button.case", label, cb.Press(cb.CASE, line.account)))
        rows.append(row)
    return InlineKeyboardMarkup(rows)


def case_type_keyboard(render: Renderer, account: str) -> InlineKeyboardMarkup:
    types = [InlineKeyboardButton(render.case_type(ct), callback_data=cb.encode(cb.Press(cb.CASE_TYPE, account, ct))) for ct in CASE_TYPES]
    back = InlineKeyboardButton(render.t("button.back"), callback_data=cb.encode(cb.Press(cb.BACK, account)))
    return InlineKeyboardMarkup([types[:3], [*types[3:], back]])


def case_type_picker(render: Renderer, account: str) -> str:
    return render.t("console.pick_type", label=escape(render.label(account)))


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


def announcement(render: Renderer, outcome: TookOver | HandedOff | CaseLogged | None) -> str | None:
    """The group's line for a press: take-overs and hand-offs are everyone's business, a case is the presser's."""
    if isinstance(outcome, TookOver):
        return took_over_text(render, outcome)
    if isinstance(outcome, HandedOff):
        return handed_off_text(render, outcome)
    return None


def press_toast(render: Renderer, press: cb.Press, outcome: TookOver | HandedOff | CaseLogged | None) -> str:
    label = render.label(press.account)
    if isinstance(outcome, TookOver):
        return render.t("toast.took", label=label)
    if isinstance(outcome, HandedOff):
        return render.t("toast.handed_off", label=label)
    if isinstance(outcome, CaseLogged):
        return render.t("toast.case_logged", case_type=render.case_type(outcome.case_type))
    if press.action == cb.CASE:
        return render.t("toast.pick_type")
    return render.t("toast.ok")
