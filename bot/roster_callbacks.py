"""callback_data of the shift-swap buttons, written and read in one place (bot/callbacks.py's rules).

A button names its swap and what it does; who may press it, and whether the swap is still in the
state the button was drawn for, is checked against the database (bot/swaps.py), never trusted
from the data.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot import swaps
from bot.callbacks import MAX_BYTES

PREFIX = "rs"
PATTERN = rf"^{PREFIX}:"
_CODES = {swaps.ACCEPT: "a", swaps.DECLINE: "d", swaps.APPROVE: "p", swaps.REJECT: "r", swaps.WITHDRAW: "w"}
_ACTIONS = {code: action for action, code in _CODES.items()}
_MAX_ID_DIGITS = 18


@dataclass(frozen=True)
class SwapPress:
    action: str
    swap_id: int


def encode(press: SwapPress) -> str:
    data = f"{PREFIX}:{_CODES[press.action]}:{press.swap_id}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> SwapPress | None:
    """The press a swap button carries, or None for data this version never wrote."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != PREFIX or parts[1] not in _ACTIONS:
        return None
    number = parts[2]
    if not (number.isascii() and number.isdigit() and 0 < len(number) <= _MAX_ID_DIGITS) or number.startswith("0"):
        return None
    return SwapPress(_ACTIONS[parts[1]], int(number))
