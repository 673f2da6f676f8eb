"""callback_data, written and read in one place. Telegram allows at most 64 bytes."""
from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import CASE_TYPES

TAKE, HAND_OFF, CASE, CASE_TYPE, BACK = "t", "h", "c", "ct", "b"
MAX_BYTES = 64


@dataclass(frozen=True)
class Press:
    action: str
    account: str = ""
    case_type: str = ""
    # Take over only: the holder hold the presser saw on the console, 0 for a free account.
    # The take-over is refused if the account changed hands since, so a press never displaces
    # someone the presser did not see.
    seen_hold: int | None = None


def encode(press: Press) -> str:
    parts = [press.action]
    if press.account:
        parts.append(press.account)
    if press.case_type:
        parts.append(press.case_type)
    if press.action == TAKE:
        if press.seen_hold is None or press.seen_hold < 0:
            raise ValueError("a take-over button carries the hold its presser saw (0 for free)")
        parts.append(str(press.seen_hold))
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str) -> Press | None:
    """The press a button carries, or None for data this version of the bot never wrote.

    A take-over button of an older version (no seen hold) is None as well: it is stale.
    """
    action, _, rest = (data or "").partition(":")
    account, _, extra = rest.partition(":")
    if action == TAKE and account and extra.isascii() and extra.isdigit():
        return Press(action, account, seen_hold=int(extra))
    if action in (HAND_OFF, CASE) and account and not extra:
        return Press(action, account)
    if action == CASE_TYPE and account and extra in CASE_TYPES:
        return Press(action, account, extra)
    if action == BACK and account and not extra:
        return Press(action, account)
    return None


# The month close. The preview's checksum travels with Confirm, so what is frozen is what was shown.
CLOSE_CONFIRM, CLOSE_CANCEL = "mc", "mx"


@dataclass(frozen=True)
class ClosePress:
    action: str
    month: str
    pool_cents: int = 0
    checksum: str = ""


def encode_close(press: ClosePress) -> str:
    data = f"{press.action}:{press.month}:{press.pool_cents}:{press.checksum}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback_data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode_close(data: str) -> ClosePress | None:
    parts = (data or "").split(":")
    if len(parts) != 4 or parts[0] not in (CLOSE_CONFIRM, CLOSE_CANCEL) or not parts[2].isdigit():
        return None
    return ClosePress(parts[0], parts[1], int(parts[2]), parts[3])
