"""The reminders as Telegram text (HTML) and buttons, in their reader's language, and what an answer did."""

from __future__ import annotations

from datetime import datetime, time
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.console.service import Backdated
from bot.reminders import callbacks as cb
from bot.reminders.answers import Answered, AskLeft
from bot.reminders.service import (
    AutoClosedHold,
    ClockOffQuestion,
    Due,
    LateStart,
    LongHold,
    Subject,
    Unattended,
)
from bot.text.layout import short_datetime, toast_text
from bot.text.renderer import Renderer
from domain.checks import Activity, Gap, Shift, Window
from domain.holds import Hold

# What a button's answer did, by the button's action.
_DONE = {cb.STILL_ON: "reminder.still_on_done", cb.LEFT_AT: "reminder.clocked_off", cb.JUST_NOW: "reminder.clocked_off"}


def when(render: Renderer, instant: datetime, now: datetime) -> str:
    """HH:MM today, MM-DD HH:MM on another day, in the team's zone."""
    return short_datetime(instant, render.tz, now.astimezone(render.tz).date())


def wall(t: time, *, end: bool = False) -> str:
    return "24:00" if end and t == time(0) else t.strftime("%H:%M")


def hours_text(seconds: float) -> str:
    return f"{seconds / 3600:.1f}".removesuffix(".0")


def _label(render: Renderer, account: str) -> str:
    return escape(render.label(account))


# -- the notices --------------------------------------------------------------------------------------


def notice_text(render: Renderer, subject: Subject, now: datetime) -> str:
    if isinstance(subject, LongHold):
        return long_hold(render, subject.hold, now)
    if isinstance(subject, ClockOffQuestion):
        return clock_off(render, subject, now)
    if isinstance(subject, AutoClosedHold):
        return auto_closed(render, subject.hold, now)
    if isinstance(subject, Unattended):
        return unattended(render, subject.gap, subject.window, now)
    text = late_start(render, subject.shift, now)
    if subject.offer is not None:
        text += "\n" + render.t("reminder.late_start_offer", name=escape(subject.offer.holder), label=_label(render, subject.shift.account))
    return text


def notice_keyboard(render: Renderer, due: Due, notice_id: int, now: datetime) -> InlineKeyboardMarkup | None:
    """A question's buttons, each naming the notice they answer."""
    if isinstance(due.subject, LongHold):
        return long_hold_keyboard(render, notice_id)
    if isinstance(due.subject, ClockOffQuestion):
        return left_keyboard(render, notice_id, due.subject.hold, due.subject.activity, now, still_on=True)
    if isinstance(due.subject, LateStart) and due.subject.offer is not None:
        return late_start_keyboard(render, due.subject, notice_id, now)
    return None


def late_start_keyboard(render: Renderer, subject: LateStart, notice_id: int, now: datetime) -> InlineKeyboardMarkup:
    """A button per moment to take the account over from, the suggestion (the shift's start) first."""
    moments = subject.offer.moments if subject.offer is not None else ()
    label = render.label(subject.shift.account)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    render.t("button.take_over_from", label=label, at=when(render, moment, now)),
                    callback_data=cb.encode(cb.ReminderPress(cb.TAKE_FROM, notice_id, moment)),
                )
            ]
            for moment in moments
        ]
    )


def taken_over_late(render: Renderer, done: Backdated, now: datetime) -> str:
    """The late start's offer taken: to its presser (the message, and the toast)."""
    return render.t("backdate.done", label=_label(render, done.account), at=when(render, done.at, now), previous=escape(done.previous))


def taken_over_late_told(render: Renderer, done: Backdated, now: datetime) -> str:
    """To the colleague whose hold now ends earlier."""
    return render.t("backdate.told", name=escape(done.agent), label=_label(render, done.account), at=when(render, done.at, now))


def long_hold(render: Renderer, hold: Hold, now: datetime) -> str:
    return render.t(
        "reminder.long_hold", label=_label(render, hold.account), hours=hours_text(hold.seconds(now)), since=when(render, hold.start, now)
    )


def long_hold_keyboard(render: Renderer, notice_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(render.t("button.still_on"), callback_data=cb.encode(cb.ReminderPress(cb.STILL_ON, notice_id))),
                InlineKeyboardButton(
                    render.t("button.hand_off_now"), callback_data=cb.encode(cb.ReminderPress(cb.HAND_OFF_NOW, notice_id))
                ),
            ]
        ]
    )


def clock_off(render: Renderer, question: ClockOffQuestion, now: datetime) -> str:
    """When did you leave: about a hold past its overdue moment, still open or taken over since."""
    hold, activity = question.hold, question.activity
    params = {
        "label": _label(render, hold.account),
        "since": when(render, hold.start, now),
        "due": when(render, question.overdue_at, now),
        "why": render.t(f"reminder.overdue.{question.overdue_reason}"),
        "last": when(render, activity.at, now),
        "source": render.t(f"reminder.source.{activity.source}"),
    }
    if hold.end is None:
        return render.t("reminder.clock_off", **params)
    return render.t("reminder.clock_off_taken", end=when(render, hold.end, now), **params)


def ask_left(render: Renderer, asked: AskLeft) -> str:
    """ "Hand off now" pressed: the long-hold question becomes when did you leave."""
    return render.t(
        "reminder.ask_left",
        label=_label(render, asked.hold.account),
        last=when(render, asked.activity.at, asked.at),
        source=render.t(f"reminder.source.{asked.activity.source}"),
    )


def ask_left_keyboard(render: Renderer, asked: AskLeft) -> InlineKeyboardMarkup:
    return left_keyboard(render, asked.notice_id, asked.hold, asked.activity, asked.at, still_on=False)


def left_keyboard(
    render: Renderer, notice_id: int, hold: Hold, activity: Activity, now: datetime, *, still_on: bool
) -> InlineKeyboardMarkup:
    """The last activity; then, while the hold is open, "just now" (and "still on" for the clock-off
    question), or, once a take-over ended it, "there until then", which keeps its end."""
    row = [left_at_button(render, notice_id, activity.at, now, "button.left_at")]
    if hold.end is None:
        row.append(InlineKeyboardButton(render.t("button.left_now"), callback_data=cb.encode(cb.ReminderPress(cb.JUST_NOW, notice_id))))
        if still_on:
            row.append(InlineKeyboardButton(render.t("button.still_on"), callback_data=cb.encode(cb.ReminderPress(cb.STILL_ON, notice_id))))
    elif hold.end > activity.at:
        row.append(left_at_button(render, notice_id, hold.end, now, "button.left_until"))
    return InlineKeyboardMarkup([[button] for button in row])


def left_at_button(render: Renderer, notice_id: int, at: datetime, now: datetime, key: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        render.t(key, time=when(render, at, now)), callback_data=cb.encode(cb.ReminderPress(cb.LEFT_AT, notice_id, at))
    )


def auto_closed(render: Renderer, hold: Hold, now: datetime) -> str:
    return render.t(
        "reminder.auto_closed", label=_label(render, hold.account), since=when(render, hold.start, now), at=when(render, hold.end, now)
    )


def unattended(render: Renderer, gap: Gap, window: Window, now: datetime) -> str:
    return render.t(
        "reminder.unattended",
        label=_label(render, gap.account),
        account=gap.account,
        since=when(render, gap.start, now),
        minutes=int(gap.length.total_seconds() // 60),
        hours=f"{wall(window[0])}–{wall(window[1], end=True)}",
    )


def late_start(render: Renderer, shift: Shift, now: datetime) -> str:
    return render.t(
        "reminder.late_start",
        label=_label(render, shift.account),
        account=shift.account,
        start=when(render, shift.start, now),
        minutes=int((now - shift.start).total_seconds() // 60),
    )


# -- answers ------------------------------------------------------------------------------------------


def outcome(render: Renderer, answered: Answered, action: str = cb.LEFT_AT) -> str:
    """What an answer did, in a line: the hold stays, ended when its holder left, or (a take-over
    had ended it) its end moved earlier or stayed."""
    at = when(render, answered.ended_at, answered.at) if answered.ended_at is not None else ""
    params = {"label": _label(render, answered.account), "at": at}
    if answered.was is not None and answered.ended_at is not None:
        if answered.ended_at < answered.was:
            return render.t("reminder.corrected", was=when(render, answered.was, answered.at), **params)
        return render.t("reminder.kept", **params)
    return render.t(_DONE[action], **params)


def press_toast(render: Renderer, answered: Answered, action: str) -> str:
    return toast_text(outcome(render, answered, action))


def ask_left_toast(render: Renderer) -> str:
    return toast_text(render.t("reminder.ask_left_toast"))


def answered_question(render: Renderer, question_html: str, answered: Answered, action: str) -> str:
    """The question as sent, with what its answer did below it."""
    return f"{question_html}\n\n{outcome(render, answered, action)}"
