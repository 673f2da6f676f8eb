"""Supervisors correct holds: list an account's holds of a day, and move one's start or end, with a reason.

A correction is refused rather than silently overlapping another hold, audited with what the hold
was and why it moved, and the days it touched are compiled again in the same unit of work, so the
credit shows at once (as /assign does). The reminders' questions about the hold are settled: no
late answer or auto-close moves it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.exc import NoResultFound

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.ledger.service import compile_days
from bot.reminders.service import settle_questions
from domain.holds import Hold, fix_refusal, fixed_span
from domain.time import day_bounds

FIXED = "fixed"  # what a supervisor's correction settles the hold's open questions with
Typed = tuple[date | None, time]  # a typed time, on a day or not (bot.holds.parse)


@dataclass(frozen=True)
class ListedHold:
    id: int
    name: str
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class DayHolds:
    account: str
    day: date
    holds: tuple[ListedHold, ...]


@dataclass(frozen=True)
class Fixed:
    hold_id: int
    account: str
    name: str
    was_start: datetime
    was_end: datetime | None
    start: datetime
    end: datetime | None
    reason: str
    at: datetime


def holds_on(uow: UnitOfWork, account: str, day: date | None) -> DayHolds:
    """The holds on `account` that overlap the local day (today by default), with their numbers."""
    account = uow.account_key(account)
    day = day if day is not None else uow.today
    start, end = day_bounds(day, uow.tz)
    names = uow.agents.names()
    listed = tuple(
        ListedHold(h.id, names.get(h.agent_id, str(h.agent_id)), h.start, h.end)
        for h in sorted(uow.holds.between(start, end), key=lambda h: (h.start, h.id or 0))
        if h.account == account and h.id is not None
    )
    return DayHolds(account, day, listed)


def fix_hold(uow: UnitOfWork, hold_id: int, start: Typed | None, end: Typed | None, reason: str) -> Fixed:
    """Move a hold's start and/or end to what the supervisor typed, read in the team's zone."""
    reason = reason.strip()
    if not reason:
        raise Refused("fix_hold_no_reason")
    try:
        hold = uow.holds.get(hold_id)
    except NoResultFound:
        raise Refused("fix_hold_unknown", id=hold_id) from None
    new_start, new_end = fixed_span(hold, start, end, uow.tz)
    now = uow.now
    nearby = uow.holds.between(min(new_start, hold.start), (new_end or now) + timedelta(seconds=1))
    problem = fix_refusal(hold, new_start, new_end, nearby, now)
    if problem is not None:
        code, other = problem
        names = uow.agents.by_id()
        params: dict[str, object] = {
            "account": hold.account,
            "start": new_start,
            "end": new_end or now,
            "at": max(new_start, new_end or now),
        }
        if other is not None:
            params.update(other=other.id, name=names[other.agent_id].name, start=other.start, end=other.end or now)
        raise Refused(f"fix_hold_{code}", now=now, **params)
    days = sorted(set(uow.days_spanned(hold.start, hold.end or now)) | set(uow.days_spanned(new_start, new_end or now)))
    for day in days:
        if uow.months.is_closed(f"{day:%Y-%m}"):
            raise Refused("month_closed", month=f"{day:%Y-%m}")
    if not _write(uow, hold, new_start, new_end):
        raise Refused("reminder_hold_moved", account=hold.account)
    name = uow.agents.by_id()[hold.agent_id].name
    uow.audit(
        now,
        "fix_hold",
        actor_agent_id=uow.me.id,
        subject=hold.account,
        hold=hold.id,
        agent=name,
        was_start=hold.start.isoformat(),
        was_end=hold.end.isoformat() if hold.end is not None else None,
        start=new_start.isoformat(),
        end=new_end.isoformat() if new_end is not None else None,
        reason=reason,
    )
    settle_questions(uow, hold.id, FIXED)
    compile_days(uow, days)
    return Fixed(hold_id, hold.account, name, hold.start, hold.end, new_start, new_end, reason, now)


def _write(uow: UnitOfWork, hold: Hold, start: datetime, end: datetime | None) -> bool:
    """Store the corrected span, only if the hold is still as it was read (else another writer moved it)."""
    if hold.end is not None:
        return uow.holds.move(hold.id, was=hold, start=start, end=end if end is not None else hold.end)
    if start != hold.start and not uow.holds.restart(hold.id, was=hold, start=start):
        return False
    return end is None or uow.holds.end(hold.id, end)
