"""A refused case offers a take-over, and that take-over may begin when the presser really started.

Someone types /case or presses a case button while a colleague holds the account: they are at its
keyboard, and the colleague probably is not. The refusal is recorded (audit `case_refused`: a sign
of presence the hand-back nudge reads) and answered with a one-tap offer to take the account over
from a moment they choose (bot.console.service.backdate_moments): the one suggested first is the
start of the presser's current shift on that account (none there, as for a colleague covering a
break: now), and the others lie between the earliest allowed and now, for whoever sat down at
another time. Accepting is bot.console.service.take_over_backdated, which also logs the pressed
case. The offer is honoured as made: tapped a minute later, a moment at the edge of the limit is
not yet too far.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.console.board import board_view
from bot.console.service import Backdated, CaseLogged, Pressed, backdate_moments, log_case, take_over_backdated
from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from domain.holds import Hold, main_hold

REFUSED_ACTION = "case_refused"
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
    at: datetime  # the moment suggested
    now: datetime
    case_type: str | None  # logged on accepting; None when the typed case had a note the button cannot carry
    choices: tuple[datetime, ...]  # every moment offered, in the order offered: `at` first (bot.console.service.backdate_moments)


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
    choices = backdate_moments(uow, current, shift_start)
    at = choices[0]
    uow.audit(
        now,
        REFUSED_ACTION,
        actor_agent_id=me.id,
        subject=current.account,
        hold=current.id,
        offered=at.isoformat(),
        choices=[c.isoformat() for c in choices],
    )
    holder = uow.agents.name_of(current.agent_id)
    return TakeOverOffer(me.id, current.account, holder, current.id or 0, at, now, case_type, choices)


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
        offered = [detail["offered"], *detail.get("choices", [])]
        if int(at.timestamp()) in {int(datetime.fromisoformat(moment).timestamp()) for moment in offered}:
            return row.at
    return None


def take_over_from(uow: UnitOfWork, agent_id: int, account: str, seen_hold: int, at: datetime, case_type: str | None) -> Backdated:
    """The offer accepted: the colleague's hold `seen_hold` ends at `at` and the presser's begins there."""
    if uow.me.id != agent_id:
        raise Refused("offer_not_yours")
    account = uow.account_key(account)
    return take_over_backdated(
        uow, account, seen_hold, at, case_type, offered_at=lambda moment: _offered_at(uow, account, seen_hold, moment)
    )


def press_case(uow: UnitOfWork, account: str, case_type: str, *, redraw: bool = False) -> Pressed | TakeOverOffer:
    """A case button on the console: the case and the console after it, or the refusal's offer."""
    outcome = case_or_offer(uow, account, case_type)
    if isinstance(outcome, TakeOverOffer):
        return outcome
    return Pressed(outcome, board_view(uow) if redraw else None)
