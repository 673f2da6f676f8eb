"""The reminders' buttons: callback_data written and read in one place.

Every button names its notice (its outbox row), so an answer can only ever settle the question it
was asked on. The clock-off button carries the instant it shows, so the hold ends exactly where the button said.

    rm:s:<notice>        still on (a long-hold question, or a clock-off question while the hold is open)
    rm:h:<notice>        hand off now: asks when they left (the long-hold question)
    rm:l:<notice>:<unix> left at that instant (UTC seconds): ends the hold there, or moves its end earlier
    rm:n:<notice>        left just now: at the press
    rm:t:<notice>:<unix> a late start: take the account over from that instant (the colleague's hold ends there)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.telegram.buttons import checked

PREFIX = "rm"
STILL_ON, HAND_OFF_NOW, LEFT_AT, JUST_NOW, TAKE_FROM = "s", "h", "l", "n", "t"
TIMED = (LEFT_AT, TAKE_FROM)  # the actions whose button carries an instant
PATTERN = rf"^{PREFIX}:"


@dataclass(frozen=True)
class ReminderPress:
    action: str
    notice_id: int
    at: datetime | None = None  # LEFT_AT and TAKE_FROM only


def encode(press: ReminderPress) -> str:
    parts = [PREFIX, press.action, str(press.notice_id)]
    if press.action in TIMED:
        if press.at is None:
            raise ValueError("a timed button carries the time it shows")
        parts.append(str(int(press.at.timestamp())))
    return checked(":".join(parts))


def decode(data: str) -> ReminderPress | None:
    """The press a reminder button carries, or None for data this version never wrote."""
    parts = (data or "").split(":")
    if len(parts) < 3 or parts[0] != PREFIX or not _number(parts[2]):
        return None
    action, notice_id = parts[1], int(parts[2])
    if action in (STILL_ON, HAND_OFF_NOW, JUST_NOW) and len(parts) == 3:
        return ReminderPress(action, notice_id)
    if action in TIMED and len(parts) == 4 and _number(parts[3]):
        return ReminderPress(action, notice_id, datetime.fromtimestamp(int(parts[3]), UTC))
    return None


def _number(text: str) -> bool:
    return text.isascii() and text.isdigit()
