"""The cover claim as Telegram HTML: the question put to the holder, its buttons, and the answer."""

from __future__ import annotations

from datetime import datetime
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.covers import callbacks as cb
from bot.covers.service import Claim, Settled
from bot.text.layout import short_datetime, truncate
from bot.text.renderer import Renderer

BUTTON_NAME_WIDTH = 16  # a name on a button: long ones would push the other button off a phone's screen


def _span(render: Renderer, start: datetime, end: datetime, now: datetime) -> str:
    today = now.astimezone(render.tz).date()
    return f"{short_datetime(start, render.tz, today)}–{short_datetime(end, render.tz, start.astimezone(render.tz).date())}"


def claim_question(render: Renderer, claim: Claim) -> tuple[str, InlineKeyboardMarkup]:
    """In the group: the holder is asked, everyone sees it; either button settles it."""
    text = render.t(
        "cover.claim",
        coverer=escape(claim.coverer),
        holder=escape(claim.holder),
        label=escape(render.label(claim.account)),
        span=_span(render, claim.start, claim.end, claim.at),
    )

    def button(action: str, key: str) -> InlineKeyboardButton:
        data = cb.encode(cb.ClaimPress(action, claim.hold_id, claim.coverer_id, claim.start, claim.end))
        return InlineKeyboardButton(render.t(key, coverer=truncate(claim.coverer, BUTTON_NAME_WIDTH)), callback_data=data)

    return text, InlineKeyboardMarkup([[button(cb.CONFIRM, "cover.confirm_button"), button(cb.DECLINE, "cover.decline_button")]])


def claim_sent(render: Renderer, claim: Claim) -> str:
    """To a coverer who claimed in a private chat: the question went to the group."""
    return render.t("cover.claim_sent", holder=escape(claim.holder), label=escape(render.label(claim.account)))


def settled(render: Renderer, done: Settled) -> str:
    key = "cover.confirmed" if done.confirmed else "cover.declined"
    return render.t(
        key,
        coverer=escape(done.coverer),
        holder=escape(done.holder),
        by=escape(done.by),
        label=escape(render.label(done.account)),
        span=_span(render, done.start, done.end, done.at),
    )
