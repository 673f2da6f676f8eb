"""The hand-back nudge's buttons: callback_data written and read in one place.

Each names its notice (its outbox row), so a press can only ever answer the nudge it was sent on.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.telegram.buttons import checked

PREFIX = "pr"
HAND_BACK, TAKE_BACK = "h", "t"
PATTERN = rf"^{PREFIX}:"


@dataclass(frozen=True)
class PresencePress:
    action: str  # HAND_BACK (the cover's holder) or TAKE_BACK (the rostered agent)
    notice_id: int


def encode(press: PresencePress) -> str:
    """pr:h:<notice id> hands the cover back; pr:t:<notice id> takes it back."""
    return checked(f"{PREFIX}:{press.action}:{press.notice_id}")


def decode(data: str | None) -> PresencePress | None:
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != PREFIX or parts[1] not in (HAND_BACK, TAKE_BACK):
        return None
    if not (parts[2].isascii() and parts[2].isdigit()):
        return None
    return PresencePress(parts[1], int(parts[2]))
