"""Laying text out for Telegram: display width, padding, truncation, toasts, times and quantities.

Pure functions of strings and numbers, with no catalogue and no language.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

TOAST_LIMIT = 200  # characters Telegram shows in a callback query's answer


def plain_text(html: str) -> str:
    """Telegram HTML as plain text: for toasts and the terminal."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def toast_text(html: str) -> str:
    return plain_text(html)[:TOAST_LIMIT]


def display_width(text: str) -> int:
    """Columns a string takes in a monospace font: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def truncate(text: str, width: int) -> str:
    out = ""
    for ch in text:
        if display_width(out + ch) > width:
            return out[:-1] + "…" if out else "…"
        out += ch
    return out


def table(rows: list[list[str]], widths: tuple[int, ...], right_from: int) -> str:
    """Rows as monospace lines, each cell padded by display width; columns from `right_from` on align right."""
    return "\n".join(
        " ".join(pad(cell, width, right=i >= right_from) for i, (cell, width) in enumerate(zip(row, widths, strict=True))) for row in rows
    )


def clock_time(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%H:%M")


def short_datetime(instant: datetime, tz: ZoneInfo, today: date) -> str:
    local = instant.astimezone(tz)
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")


def quantity(value: float) -> str:
    """A credited count: whole when it is, one decimal when conversations were split."""
    return str(round(value)) if abs(value - round(value)) < 1e-9 else f"{value:.1f}"


def percent(rate: float) -> str:
    return "—" if math.isnan(rate) else f"{100 * rate:.0f}%"


def hours(seconds: float) -> str:
    minutes = round(seconds / 60)
    return f"{minutes // 60}:{minutes % 60:02d}"
