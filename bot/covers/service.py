"""The cover claim's use cases: claim a span someone else held, and confirm or decline it.

A claim is checked against the holds (domain.cover_claims) and audited, then put to the holder in
the group; nothing else is written until someone answers. The answer is checked again against
the holds as they are then: only the holder, or a supervisor, may answer, and a confirmed claim
cuts the hold in one unit of work, with its audit entry and its days compiled again, so the
credit moves at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.exc import NoResultFound

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.ledger.service import compile_days
from domain.cover_claims import MAX_SPAN, CoverClaim, claimed_hold, split_for_cover
from domain.holds import Hold, HoldError, typed_instant
from storage.holds import HoldMoved


@dataclass(frozen=True)
class Claim:
    """A claim put to the holder: what the buttons carry, and the names the message shows."""

    hold_id: int
    account: str
    coverer_id: int
    coverer: str
    holder: str
    start: datetime
    end: datetime
    at: datetime


@dataclass(frozen=True)
class Settled:
    account: str
    coverer: str
    holder: str
    start: datetime
    end: datetime
    confirmed: bool
    by: str  # who answered: the holder, or a supervisor
    at: datetime


def claim_cover(uow: UnitOfWork, account: str, day: date | None, start: time, end: time) -> Claim:
    """The sender covered `account` from `start` to `end` (on `day`, or the latest day that fits)."""
    account = uow.account_key(account)
    span = _span(uow, day, start, end)
    claim = CoverClaim(account, uow.me.id or 0, *span)
    hold = _hold_claimed(uow, claim)
    _month_open(uow, claim)
    names = uow.agents.names()
    uow.audit(
        uow.now,
        "cover_claim",
        actor_agent_id=claim.coverer_id,
        subject=account,
        hold=hold.id,
        holder=names[hold.agent_id],
        start=claim.start.isoformat(),
        end=claim.end.isoformat(),
    )
    return Claim(hold.id or 0, account, claim.coverer_id, names[claim.coverer_id], names[hold.agent_id], claim.start, claim.end, uow.now)


def confirm_cover(uow: UnitOfWork, hold_id: int, coverer_id: int, start: datetime, end: datetime, *, supervisor: bool) -> Settled:
    """The holder (or a supervisor) agrees: the hold is cut, the coverer holds the span."""
    asked, claim, names = _answerable(uow, hold_id, coverer_id, start, end, supervisor=supervisor)
    hold = _still_holds(uow, asked, claim)
    _month_open(uow, claim)
    try:
        cut = uow.holds.split(hold, split_for_cover(hold, claim))
    except HoldMoved:
        raise Refused("cover_changed", account=hold.account) from None
    # The questions about where the hold ends now ask about its part after the cover, which ends there.
    uow.outbox.move_hold(hold.id or 0, cut.after.id or 0)
    uow.audit(
        uow.now,
        "cover_confirmed",
        actor_agent_id=uow.me.id,
        subject=hold.account,
        hold=hold.id,
        cover_hold=cut.cover.id,
        after_hold=cut.after.id,
        coverer=names[coverer_id],
        holder=names[hold.agent_id],
        start=start.isoformat(),
        end=end.isoformat(),
    )
    compile_days(uow, uow.days_spanned(start, end))
    return _settled(uow, hold, claim, names, confirmed=True)


def decline_cover(uow: UnitOfWork, hold_id: int, coverer_id: int, start: datetime, end: datetime, *, supervisor: bool) -> Settled:
    """The holder (or a supervisor) says no: nothing changes but the audit log."""
    hold, claim, names = _answerable(uow, hold_id, coverer_id, start, end, supervisor=supervisor)
    uow.audit(
        uow.now,
        "cover_declined",
        actor_agent_id=uow.me.id,
        subject=hold.account,
        hold=hold.id,
        coverer=names[coverer_id],
        start=start.isoformat(),
        end=end.isoformat(),
    )
    return _settled(uow, hold, claim, names, confirmed=False)


def _span(uow: UnitOfWork, day: date | None, start: time, end: time) -> tuple[datetime, datetime]:
    """The instants typed: on `day`, or today, or yesterday when today's start has not come yet;
    an end before the start is on the next day (a cover across midnight)."""
    first = day if day is not None else uow.today
    begins = typed_instant(first, start, uow.tz)
    if day is None and begins > uow.now:
        first -= timedelta(days=1)
        begins = typed_instant(first, start, uow.tz)
    ends = typed_instant(first, end, uow.tz)
    if ends <= begins and ends + timedelta(days=1) - begins <= MAX_SPAN:
        ends = typed_instant(first + timedelta(days=1), end, uow.tz)
    return begins, ends


def _hold_claimed(uow: UnitOfWork, claim: CoverClaim) -> Hold:
    try:
        return claimed_hold(claim, uow.holds.between(claim.start, claim.end), uow.now)
    except HoldError as refused:
        details = dict(refused.details)
        hold = details.pop("hold", None)
        params: dict[str, object] = {"account": claim.account, "start": claim.start, "end": claim.end, "now": uow.now, **details}
        if isinstance(hold, Hold):
            params.update(name=uow.agents.names().get(hold.agent_id, str(hold.agent_id)), held_from=hold.start, held_to=hold.end or uow.now)
        raise Refused(f"cover_{refused.code}", **params) from None


def _still_holds(uow: UnitOfWork, asked: Hold, claim: CoverClaim) -> Hold:
    """The hold the claim lies in now: the one it was put about, or another of the same holder's
    (another claim confirmed first cut it, and this one lies in a part of it)."""
    try:
        hold = claimed_hold(claim, uow.holds.between(claim.start, claim.end), uow.now)
    except HoldError as refused:
        if refused.code == "too_old":
            raise Refused("cover_too_old", now=uow.now, **refused.details) from None
        raise Refused("cover_changed", account=asked.account) from None
    if hold.agent_id != asked.agent_id:
        raise Refused("cover_changed", account=asked.account)
    return hold


def _answerable(
    uow: UnitOfWork, hold_id: int, coverer_id: int, start: datetime, end: datetime, *, supervisor: bool
) -> tuple[Hold, CoverClaim, dict[int, str]]:
    """The hold a claim was put about, the claim, and everyone's names; or why the presser cannot answer it."""
    try:
        hold = uow.holds.get(hold_id)
    except NoResultFound:
        raise Refused("stale_button") from None
    names = uow.agents.names()
    if coverer_id not in names or not _was_claimed(uow, hold, coverer_id, start, end):
        raise Refused("stale_button")  # the buttons carry the claim: one that was never made is no claim
    if uow.me.id != hold.agent_id and not supervisor:
        raise Refused("cover_not_yours", name=names.get(hold.agent_id, str(hold.agent_id)))
    claim = CoverClaim(hold.account, coverer_id, start, end)
    if _already_confirmed(uow, claim):
        raise Refused("cover_already_confirmed")
    return hold, claim, names


def _was_claimed(uow: UnitOfWork, hold: Hold, coverer_id: int, start: datetime, end: datetime) -> bool:
    """Whether this very claim was made (and audited): what a button carries is only trusted that far."""
    claimed = {"start": start.isoformat(), "end": end.isoformat()}
    return any(
        row.actor_agent_id == coverer_id and {k: json.loads(row.detail).get(k) for k in claimed} == claimed
        for row in uow.audit.of_action("cover_claim", subject=hold.account, since=start)
    )


def _already_confirmed(uow: UnitOfWork, claim: CoverClaim) -> bool:
    return any(
        h.account == claim.account and h.agent_id == claim.coverer_id and h.start == claim.start and h.end == claim.end
        for h in uow.holds.between(claim.start, claim.end)
    )


def _month_open(uow: UnitOfWork, claim: CoverClaim) -> None:
    for day in uow.days_spanned(claim.start, claim.end):
        if uow.months.is_closed(f"{day:%Y-%m}"):
            raise Refused("month_closed", month=f"{day:%Y-%m}")


def _settled(uow: UnitOfWork, hold: Hold, claim: CoverClaim, names: dict[int, str], *, confirmed: bool) -> Settled:
    return Settled(hold.account, names[claim.coverer_id], names[hold.agent_id], claim.start, claim.end, confirmed, uow.me.name, uow.now)
