"""A cover claim's buttons: callback_data written and read in one place.

The buttons carry the whole claim, so a press settles exactly what was claimed and is checked
again against the holds as they are when pressed; no claim is stored until it is confirmed.

    cv:y:<hold>:<coverer>:<start unix>:<end unix>   confirm: the coverer held the account then
    cv:n:<hold>:<coverer>:<start unix>:<end unix>   decline: nothing changes
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.telegram.buttons import checked

PREFIX = "cv"
CONFIRM, DECLINE = "y", "n"
PATTERN = rf"^{PREFIX}:"


@dataclass(frozen=True)
class ClaimPress:
    action: str
    hold_id: int
    coverer_id: int
    start: datetime
    end: datetime


def encode(press: ClaimPress) -> str:
    stamps = (int(press.start.timestamp()), int(press.end.timestamp()))
    return checked(f"{PREFIX}:{press.action}:{press.hold_id}:{press.coverer_id}:{stamps[0]}:{stamps[1]}")


def decode(data: str | None) -> ClaimPress | None:
    """The press a claim button carries, or None for data this version never wrote."""
    parts = (data or "").split(":")
    if len(parts) != 6 or parts[0] != PREFIX or parts[1] not in (CONFIRM, DECLINE):
        return None
    if not all(p.isascii() and p.isdigit() and len(p) <= 12 for p in parts[2:]):
        return None
    hold_id, coverer_id, start, end = (int(p) for p in parts[2:])
    return ClaimPress(parts[1], hold_id, coverer_id, datetime.fromtimestamp(start, UTC), datetime.fromtimestamp(end, UTC))
