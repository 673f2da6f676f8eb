"""Buttons: the one 64-byte check every callback_data passes, and the answer to a button nobody owns.

Each feature's callbacks.py writes and reads its own buttons under its own prefix and exports a
PATTERN; bot/app.py registers each feature's press handler by that pattern. A press no pattern
claims (a button from an older version of the bot, or tampered data) goes to `stale_press`,
registered with `unclaimed(patterns)`, so nothing depends on the order handlers are added in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from telegram import Update

from bot.telegram.context import BatonContext

MAX_BYTES = 64  # Telegram's limit on callback_data


def checked(data: str) -> str:
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    return data


def unclaimed(patterns: Iterable[str]) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern that matches exactly the data no feature's pattern matches."""
    claimed = [re.compile(p) for p in patterns]
    return lambda data: not any(p.match(str(data or "")) for p in claimed)


async def stale_press(update: Update, context: BatonContext) -> None:
    """Every press is answered, even one no handler understands."""
    await update.callback_query.answer(context.render.t("error.stale_button"), show_alert=True)
    await context.record()
