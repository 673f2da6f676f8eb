"""A departure, as the supervisors read it."""

from __future__ import annotations

from html import escape

from bot.members.service import Departure
from bot.text.layout import short_datetime
from bot.text.renderer import Renderer


def departure_flag(render: Renderer, departure: Departure) -> str:
    when = short_datetime(departure.at, render.tz, departure.at.astimezone(render.tz).date())
    accounts = render.listed(render.label(a) for a in departure.accounts)
    return render.t("members.left_holds_closed", name=escape(departure.name or ""), accounts=accounts, at=when)
