"""The console's buttons: callback_data written and read in one place.

The data keeps the short codes older consoles in the chat carry ("t:jd:17"), so a console posted
before an upgrade still works. The case-type picker of older versions ("c:", "b:") is gone: a case
is logged with one tap on the account's row, and such a button is answered as stale, as is a
take-over button of a version that carried no seen hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.console.service import HAND_OFF, LOG_TYPE, TAKE
from bot.telegram.buttons import checked
from bot.text.i18n import CASE_TYPES

# The button's move, on the wire.
_CODES = {TAKE: "t", HAND_OFF: "h", LOG_TYPE: "ct"}
_MOVES = {code: move for move, code in _CODES.items()}
PATTERN = r"^(t|h|ct):"

__all__ = [
    "BACKDATE_PATTERN",
    "CASE_TYPE",
    "HAND_OFF",
    "PATTERN",
    "TAKE",
    "BackdatePress",
    "Press",
    "decode",
    "decode_backdate",
    "encode",
    "encode_backdate",
]
CASE_TYPE = LOG_TYPE


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
    parts = [_CODES[press.action]]
    if press.account:
        parts.append(press.account)
    if press.case_type:
        parts.append(press.case_type)
    if press.action == TAKE:
        if press.seen_hold is None or press.seen_hold < 0:
            raise ValueError("a take-over button carries the hold its presser saw (0 for free)")
        parts.append(str(press.seen_hold))
    return checked(":".join(parts))


def decode(data: str | None) -> Press | None:
    """The press a button carries, or None for data this version of the bot never wrote."""
    code, _, rest = (data or "").partition(":")
    account, _, extra = rest.partition(":")
    action = _MOVES.get(code)
    if action == TAKE and account and extra.isascii() and extra.isdigit():
        return Press(action, account, seen_hold=int(extra))
    if action == HAND_OFF and account and not extra:
        return Press(action, account)
    if action == LOG_TYPE and account and extra in CASE_TYPES:
        return Press(action, account, extra)
    return None


# -- the take-over a refused case offers (bot/console/backdate.py) -----------------------------------

BACKDATE_PREFIX = "bk"
BACKDATE_PATTERN = rf"^{BACKDATE_PREFIX}:"
_NO_CASE = "-"


@dataclass(frozen=True)
class BackdatePress:
    """Take `account` over from `at`, if `seen_hold` still holds it; only `agent_id` may; then log `case_type`."""

    agent_id: int
    account: str
    seen_hold: int
    at: datetime
    case_type: str | None = None


def encode_backdate(press: BackdatePress) -> str:
    """bk:<agent id>:<account>:<seen hold id>:<unix seconds>:<case type, or - for none>"""
    case = press.case_type or _NO_CASE
    return checked(f"{BACKDATE_PREFIX}:{press.agent_id}:{press.account}:{press.seen_hold}:{int(press.at.timestamp())}:{case}")


def decode_backdate(data: str | None) -> BackdatePress | None:
    parts = (data or "").split(":")
    if len(parts) != 6 or parts[0] != BACKDATE_PREFIX or not parts[2]:
        return None
    agent, account, hold, stamp, case = parts[1:]
    if not all(p.isascii() and p.isdigit() for p in (agent, hold, stamp)) or (case != _NO_CASE and case not in CASE_TYPES):
        return None
    at = datetime.fromtimestamp(int(stamp), UTC)
    return BackdatePress(int(agent), account, int(hold), at, None if case == _NO_CASE else case)
