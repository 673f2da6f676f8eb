"""The hand-back nudge in words and buttons, and what its answers say."""

from __future__ import annotations

from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.presence import callbacks as cb
from bot.presence.service import HOLDER, HandedBack, Nudge
from bot.text.layout import plain_text
from bot.text.renderer import Renderer


def nudge_text(render: Renderer, nudge: Nudge, now: datetime) -> str:
    label = escape(render.label(nudge.hold.account))
    minutes = int((now - nudge.hold.start).total_seconds() // 60)
    if nudge.role == HOLDER:
        return render.t("presence.hand_back", label=label, minutes=minutes, name=escape(nudge.rostered))
    return render.t("presence.take_back", label=label, minutes=minutes, name=escape(nudge.holder))


def nudge_keyboard(render: Renderer, nudge: Nudge, notice_id: int) -> InlineKeyboardMarkup:
    label = render.label(nudge.hold.account)
    if nudge.role == HOLDER:
        button = InlineKeyboardButton(
            render.t("button.hand_back", label=label), callback_data=cb.encode(cb.PresencePress(cb.HAND_BACK, notice_id))
        )
    else:
        button = InlineKeyboardButton(
            render.t("button.take_back", label=label), callback_data=cb.encode(cb.PresencePress(cb.TAKE_BACK, notice_id))
        )
    return InlineKeyboardMarkup([[button]])


def handed_back_text(render: Renderer, done: HandedBack) -> str:
    return render.t("presence.handed_back", label=escape(render.label(done.account)))


def taken_back_text(render: Renderer, account: str) -> str:
    return render.t("presence.taken_back", label=escape(render.label(account)))


def toast(text: str) -> str:
    return plain_text(text)
