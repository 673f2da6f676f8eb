"""/fix_hold's answers: a day's holds with their numbers, and what a correction did."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.holds.service import DayHolds, Fixed
from bot.text.layout import short_datetime
from bot.text.renderer import Renderer


def _when(render: Renderer, instant: datetime | None, now: datetime) -> str:
    """HH:MM on the day read about, MM-DD HH:MM on another; an open hold's end says so."""
    if instant is None:
        return render.t("fix_hold.still_open")
    return short_datetime(instant, render.tz, now.astimezone(render.tz).date())


def day_holds(render: Renderer, listed: DayHolds) -> str:
    label = escape(render.label(listed.account))
    day = listed.day.isoformat()
    if not listed.holds:
        return render.t("fix_hold.none", label=label, day=day)
    reference = datetime.combine(listed.day, datetime.min.time(), tzinfo=render.tz)
    lines = [render.t("fix_hold.list_title", label=label, day=day)]
    lines += [
        render.t(
            "fix_hold.list_line", id=h.id, name=escape(h.name), start=_when(render, h.start, reference), end=_when(render, h.end, reference)
        )
        for h in listed.holds
    ]
    return "\n".join(lines)


def fixed(render: Renderer, done: Fixed) -> str:
    return render.t(
        "fix_hold.done",
        id=done.hold_id,
        label=escape(render.label(done.account)),
        name=escape(done.name),
        was_start=_when(render, done.was_start, done.at),
        was_end=_when(render, done.was_end, done.at),
        start=_when(render, done.start, done.at),
        end=_when(render, done.end, done.at),
        reason=escape(done.reason),
    )
