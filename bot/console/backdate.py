"""A refused case offers a take-over, and that take-over may begin when the presser really started.

Someone types /case or presses a case button while a colleague holds the account: they are at its
keyboard, and the colleague probably is not. The refusal is recorded (audit `case_refused`: a sign
of presence the hand-back nudge reads) and answered with a one-tap offer to take the account over
from a moment shown on the button: the start of the presser's current shift on that account (none
there, as for a colleague covering a break: now), within the limits of domain.presence (never
before the colleague's hold began or their last case on it, never more than
`[presence] max_backdate_minutes` before the offer, never in the future). Accepting ends the
colleague's hold at that moment and starts the presser's there, in one unit of work, audited as
`take_over_backdated`, and logs the pressed case. The offer is honoured as made: tapped a minute
later, a moment at the edge of the limit is not yet too far, and the button's whole seconds are
not before the hold's start or the holder's last case it was offered from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from bot.console.board import board_view
from bot.console.service import CaseLogged, Pressed, log_case, lost_race
from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from domain.holds import Hold, main_hold
from domain.presence import backdate_refusal, offered_moment
from storage import holds as hold_rows
from storage.db import broken_constraint

REFUSED_ACTION, BACKDATED_ACTION = "case_refused", "take_over_backdated"
# An offer is tapped within moments of the refusal; this long it is honoured as it was made, even when
# its moment was at the edge of `max_backdate_minutes` then and is past it by the tap.
OFFER_KEPT = timedelta(minutes=30)
RECENT_REFUSALS = 200  # how many of the latest refusals are searched for the offer being accepted


@dataclass(frozen=True)
class TakeOverOffer:
    """A case refused because `holder` holds `account`: the offer to take it over from `at`."""

    agent_id: int  # the presser: only they may accept
    account: str
    holder: str
    seen_hold: int
    at: datetime
    now: datetime
    case_type: str | None  # logged on accepting; None when the typed case had a note the button cannot carry


@dataclass(frozen=True)
class Backdated:
    agent: str
    account: str
    previous: str
    previous_tg_id: int
    at: datetime
    case_type: str | None


def case_or_offer(uow: UnitOfWork, account: str | None, case_type: str, note: str | None = None) -> CaseLogged | TakeOverOffer:
    """Log the case; when a colleague holds the account, the refusal's take-over offer instead."""
    try:
        return log_case(uow, account, case_type, note)
    except Refused as refused:
        offered = _held_by_colleague(uow, refused, account)
        if offered is None:
            raise
    return _offer(uow, offered, None if note else case_type)


def _held_by_colleague(uow: UnitOfWork, refused: Refused, account: str | None) -> Hold | None:
    """The colleague's hold the refusal was about: the account named, or, when none was and the
    presser holds nothing, the one account they are rostered on now that someone else holds."""
    open_holds = uow.holds.open()
    if refused.code == "holder_only" and account is not None:
        return main_hold(open_holds, account)
    if refused.code != "not_holding_any":
        return None
    mine = set(_rostered_now(uow))
    held = [h for key in sorted(mine) if (h := main_hold(open_holds, key)) is not None and h.agent_id != uow.me.id]
    return held[0] if len(held) == 1 else None


def _offer(uow: UnitOfWork, current: Hold, case_type: str | None) -> TakeOverOffer:
    now, me = uow.now, uow.me
    # Only a shift on this account says when the presser sat down at it. A colleague covering a break
    # is rostered elsewhere: the start of that other shift, brought within the limits, would reach back
    # to the holder's last case, hours the holder really worked before the break. They are offered now.
    shift_start = _rostered_now(uow).get(current.account)
    limit = timedelta(minutes=uow.config.presence.max_backdate_minutes)
    at = offered_moment(now, shift_start, current.start, _last_case(uow, current), limit)
    uow.audit(now, REFUSED_ACTION, actor_agent_id=me.id, subject=current.account, hold=current.id, offered=at.isoformat())
    holder = uow.agents.name_of(current.agent_id)
    return TakeOverOffer(me.id, current.account, holder, current.id or 0, at, now, case_type)


def _rostered_now(uow: UnitOfWork) -> dict[str, datetime]:
    """The accounts the sender is rostered on now, with the start of that shift."""
    now = uow.now
    roster = uow.roster.roster_frame(now - timedelta(days=1), now + timedelta(seconds=1), uow.tz)
    if roster is None:
        return {}
    found: dict[str, datetime] = {}
    for row in roster.itertuples(index=False):
        start, end = row.start.to_pydatetime(), row.end.to_pydatetime()
        if int(row.agent_id) == uow.me.id and start <= now < end:
            found[str(row.account)] = min(start, found.get(str(row.account), start))
    return found


def _offered_at(uow: UnitOfWork, account: str, seen_hold: int, at: datetime) -> datetime | None:
    """When this very take-over (from `at`, of `seen_hold`) was offered to the presser, within
    `OFFER_KEPT`; None when it was not. Its limits are those of that moment."""
    since = uow.now - OFFER_KEPT
    for row in reversed(uow.audit.latest_of((REFUSED_ACTION,), RECENT_REFUSALS)):
        if row.at < since:
            break
        detail = json.loads(row.detail or "{}")
        if row.actor_agent_id != uow.me.id or row.subject != account or detail.get("hold") != seen_hold or "offered" not in detail:
            continue
        if int(datetime.fromisoformat(detail["offered"]).timestamp()) == int(at.timestamp()):
            return row.at
    return None


def _last_case(uow: UnitOfWork, hold: Hold) -> datetime | None:
    return max(uow.cases.times(hold.agent_id, hold.account, hold.start, uow.now + timedelta(seconds=1)), default=None)


def take_over_from(uow: UnitOfWork, agent_id: int, account: str, seen_hold: int, at: datetime, case_type: str | None) -> Backdated:
    """The offer accepted: the colleague's hold `seen_hold` ends at `at` and the presser's begins there."""
    account = uow.account_key(account)
    me = uow.me
    if me.id != agent_id:
        raise Refused("offer_not_yours")
    try:
        with uow.holds.race_guard():
            return _backdate(uow, account, seen_hold, at, case_type)
    except hold_rows.HoldMoved:
        pass
    except IntegrityError as exc:
        if broken_constraint(exc) not in hold_rows.OPEN_HOLD_INDEXES:
            raise
    raise lost_race(uow, account)


def _backdate(uow: UnitOfWork, account: str, seen_hold: int, at: datetime, case_type: str | None) -> Backdated:
    me, now = uow.me, uow.now
    on_account = [h for h in uow.holds.open() if h.account == account]
    if any(h.agent_id == me.id for h in on_account):
        raise Refused("already_holding", account=account)
    current = main_hold(on_account, account)
    if current is None or current.id != seen_hold:
        raise lost_race(uow, account) if current is not None else Refused("moved_meanwhile", account=account)
    limit = timedelta(minutes=uow.config.presence.max_backdate_minutes)
    last_case = _last_case(uow, current)
    floor = max(current.start, last_case or current.start)
    if floor - timedelta(seconds=1) < at < floor:
        at = floor  # the button carries whole seconds: the moment offered was the hold's start or the holder's last case
    offered = _offered_at(uow, account, seen_hold, at)
    problem = backdate_refusal(at, now if offered is None else offered, current.start, last_case, limit)
    if problem is not None:
        raise Refused(problem, account=account)
    hold_rows.backdate_take_over(uow.holds, current, me.id, at, uow.update_id)
    previous = uow.agents.by_id()[current.agent_id]
    uow.audit(now, BACKDATED_ACTION, actor_agent_id=me.id, subject=account, previous=previous.name, hold=current.id, since=at.isoformat())
    if case_type is not None:
        uow.cases.add(me.id, account, now, case_type, None, uow.update_id)
    return Backdated(me.name, account, previous.name, previous.tg_user_id, at, case_type)


def press_case(uow: UnitOfWork, account: str, case_type: str, *, redraw: bool = False) -> Pressed | TakeOverOffer:
    """A case button on the console: the case and the console after it, or the refusal's offer."""
    outcome = case_or_offer(uow, account, case_type)
    if isinstance(outcome, TakeOverOffer):
        return outcome
    return Pressed(outcome, board_view(uow) if redraw else None)
