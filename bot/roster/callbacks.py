"""The shift-swap buttons: callback_data written and read in one place ("rs:a:17").

A button names its swap and what it does; who may press it, and whether the swap is still in the
state the button was drawn for, is checked against the database (bot/roster/swaps.py), never
trusted from the data.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.roster.swaps import ACCEPT, APPROVE, DECLINE, REJECT, WITHDRAW
from bot.telegram.buttons import checked

PREFIX = "rs"
PATTERN = rf"^{PREFIX}:"
_CODES = {ACCEPT: "a", DECLINE: "d", APPROVE: "p", REJECT: "r", WITHDRAW: "w"}
_ACTIONS = {code: action for action, code in _CODES.items()}
_MAX_ID_DIGITS = 18


@dataclass(frozen=True)
class SwapPress:
    action: str
    swap_id: int


def encode(press: SwapPress) -> str:
    return checked(f"{PREFIX}:{_CODES[press.action]}:{press.swap_id}")


def decode(data: str | None) -> SwapPress | None:
    """The press a swap button carries, or None for data this version never wrote."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != PREFIX or parts[1] not in _ACTIONS:
        return None
    number = parts[2]
    if not (number.isascii() and number.isdigit() and 0 < len(number) <= _MAX_ID_DIGITS) or number.startswith("0"):
        return None
    return SwapPress(_ACTIONS[parts[1]], int(number))
