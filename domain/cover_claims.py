"""A cover nobody pressed for, claimed afterwards: the colleague who sat in says when, the holder confirms.

A break covered without a press leaves the account with the holder who went away, and nothing the
bot hears afterwards can tell it so except the people themselves. The coverer claims the span
(`/covered jd 12:05-12:40`); the hold it falls in is the evidence the claim is checked against,
and the holder (or a supervisor) confirms it with one tap. Confirmed, the hold is cut in three:
the holder's part before, the coverer's span, and the holder's part after, which keeps whatever
ended the original hold (its take-over, its flag, its hand-off note).

A claim is bounded so that it stays a claim about a break: at most `MAX_SPAN` long, at least
`MIN_SPAN`, ended before now and begun at most `CLAIM_WITHIN` ago. It must lie inside one
colleague's holder hold, strictly after that hold began (a cover from its first minute is a
take-over nobody pressed, which /fix_hold corrects), and the coverer must not have held the
account themselves at any time in it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.holds import HOLDER, Hold, HoldError

MAX_SPAN = timedelta(hours=4)  # longer than any break: a longer absence is a take-over, corrected by /fix_hold
MIN_SPAN = timedelta(minutes=5)  # shorter than that earns nothing anywhere (cover_min_minutes is 15)
CLAIM_WITHIN = timedelta(hours=48)  # the day of the cover and the next: memory fades, and months close


@dataclass(frozen=True)
class CoverClaim:
    account: str
    coverer_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class CoverSplit:
    """The holds a confirmed claim leaves: the holder's part before, the coverer's, the holder's part after."""

    before: Hold
    cover: Hold
    after: Hold


def claimed_hold(claim: CoverClaim, holds: Iterable[Hold], now: datetime) -> Hold:
    """The colleague's holder hold the claim lies in; HoldError when the claim cannot be made.

    Codes: "empty" (the end is not after the start), "in_future", "too_old", "too_long",
    "too_short", "own_hold" (the coverer held the account in that span), "not_held" (nobody
    did), "crosses" (it does not lie inside one hold, after its start; `hold` is the first it meets).
    """
    if claim.end <= claim.start:
        raise HoldError("empty", start=claim.start, end=claim.end)
    if claim.end > now:
        raise HoldError("in_future", at=claim.end)
    if claim.start < now - CLAIM_WITHIN:
        raise HoldError("too_old", start=claim.start, hours=int(CLAIM_WITHIN.total_seconds() // 3600))
    if claim.end - claim.start > MAX_SPAN:
        raise HoldError("too_long", hours=int(MAX_SPAN.total_seconds() // 3600))
    if claim.end - claim.start < MIN_SPAN:
        raise HoldError("too_short", minutes=int(MIN_SPAN.total_seconds() // 60))
    meeting = sorted((h for h in holds if h.account == claim.account and _meets(h, claim, now)), key=lambda h: h.start)
    own = next((h for h in meeting if h.agent_id == claim.coverer_id), None)
    if own is not None:
        raise HoldError("own_hold", hold=own)
    holders = [h for h in meeting if h.role == HOLDER]
    if not holders:
        raise HoldError("not_held")
    hold = holders[0]
    # An open hold goes on past the claim (its end was refused if after now); an ended one must end after it.
    inside = hold.start < claim.start and (hold.end is None or claim.end < hold.end)
    if len(holders) > 1 or not inside:
        raise HoldError("crosses", hold=hold)
    return hold


def split_for_cover(hold: Hold, claim: CoverClaim) -> CoverSplit:
    """The three holds a confirmed claim cuts `hold` into (the caller stores them, keeping ids)."""
    return CoverSplit(
        before=Hold(hold.account, hold.agent_id, hold.start, claim.start, id=hold.id),
        cover=Hold(hold.account, claim.coverer_id, claim.start, claim.end),
        after=Hold(hold.account, hold.agent_id, claim.end, hold.end),
    )


def _meets(hold: Hold, claim: CoverClaim, now: datetime) -> bool:
    return hold.start < claim.end and (hold.end if hold.end is not None else now) > claim.start
