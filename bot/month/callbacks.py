"""The month close's buttons: Confirm carries the preview's checksum, so what is frozen is what was shown.

The wire format is the one earlier previews in the chat carry: "mc:2026-10:1000000:<checksum>"
and "mx:2026-10:1000000:".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.month.service import CHECKSUM_DIGITS, offered_checksum
from bot.telegram.buttons import checked

CONFIRM, CANCEL = "mc", "mx"
PATTERN = r"^(mc|mx):"
# A Confirm is honoured only when it carries exactly the digits a preview offers
# (service.CHECKSUM_DIGITS), so a shorter prefix (say "2") cannot match a month's checksum.
_CHECKSUM = re.compile(rf"[0-9a-f]{{{CHECKSUM_DIGITS}}}")


@dataclass(frozen=True)
class ClosePress:
    action: str
    month: str
    pool_cents: int = 0
    checksum: str = ""


def encode(press: ClosePress) -> str:
    return checked(f"{press.action}:{press.month}:{press.pool_cents}:{press.checksum}")


def decode(data: str | None) -> ClosePress | None:
    """The press a button carries, or None for data this version of the bot never wrote."""
    parts = (data or "").split(":")
    if len(parts) != 4 or parts[0] not in (CONFIRM, CANCEL) or not (parts[2].isascii() and parts[2].isdigit()):
        return None
    if parts[0] == CONFIRM and not _CHECKSUM.fullmatch(parts[3]):
        return None
    return ClosePress(parts[0], parts[1], int(parts[2]), parts[3])


def offered(checksum: str) -> str:
    """What a preview's Confirm carries of its snapshot's checksum."""
    return offered_checksum(checksum)
