"""The reminders as Telegram text (HTML) and buttons, in the team's language."""
from __future__ import annotations

from datetime import datetime, time
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import reminder_callbacks as rcb
from bot.render import Renderer, short_datetime
from domain.checks import Activity, Gap, Shift
from domain.holds import Hold


def when(render: Renderer, instant: datetime, now: datetime) -> str:
    """HH:MM today, MM-DD HH:MM on another day, in the team's zone."""
    return short_datetime(instant, render.tz, now.astimezone(render.tz).date())


def wall(t: time, *, end: bool = False) -> str:
    return "24:00" if end and t == time(0) else t.strftime("%H:%M")


def hours_text(seconds: float) -> str:
    return f"{seconds / 3600:.1f}".removesuffix(".0")


def _label(render: Renderer, account: str) -> str:
    return escape(render.label(account))


def long_hold(render: Renderer, hold: Hold, now: datetime) -> str:
    return render.t(
        "reminder.long_hold", label=_label(render, hold.account), hours=hours_text(hold.seconds(now)), since=when(render, hold.start, now)
    )


def long_hold_keyboard(render: Renderer, notice_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(render.t("button.still_on"), callback_data=rcb.encode(rcb.ReminderPress(rcb.STILL_ON, notice_id))),
        InlineKeyboardButton(render.t("button.hand_off_now"), callback_data=rcb.encode(rcb.ReminderPress(rcb.HAND_OFF_NOW, notice_id))),
    ]])


def clock_off(render: Renderer, hold: Hold, activity: Activity, now: datetime) -> str:
    return render.t(
        "reminder.clock_off", label=_label(render, hold.account), since=when(render, hold.start, now),
        last=when(render, activity.at, now), source=render.t(f"reminder.source.{activity.source}"),
    )


def clock_off_keyboard(render: Renderer, notice_id: int, activity: Activity, now: datetime) -> InlineKeyboardMarkup:
    press = rcb.ReminderPress(rcb.LEFT_AT, notice_id, activity.at)
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(render.t("button.left_at", time=when(render, activity.at, now)), callback_data=rcb.encode(press)),
    ]])


def auto_closed(render: Renderer, hold: Hold, now: datetime) -> str:
    return render.t(
        "reminder.auto_closed", label=_label(render, hold.account), since=when(render, hold.start, now), at=when(render, hold.end, now)
    )


def unattended(render: Renderer, gap: Gap, window: tuple[time, time], now: datetime) -> str:
    return render.t(
        "reminder.unattended", label=_label(render, gap.account), account=gap.account, since=when(render, gap.start, now),
        minutes=int(gap.length.total_seconds() // 60), hours=f"{wall(window[0])}–{wall(window[1], end=True)}",
    )


def late_start(render: Renderer, shift: Shift, now: datetime) -> str:
    return render.t(
        "reminder.late_start", label=_label(render, shift.account), account=shift.account, start=when(render, shift.start, now),
        minutes=int((now - shift.start).total_seconds() // 60),
    )


def outcome(render: Renderer, key: str, account: str, at: datetime | None, now: datetime) -> str:
    """What an answer did, in a line: reminder.still_on_done, reminder.handed_off_done or reminder.clocked_off."""
    return render.t(key, label=_label(render, account), at=when(render, at, now) if at is not None else "")
