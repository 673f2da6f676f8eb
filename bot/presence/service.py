"""Presence's use cases: the hand-back nudge (due, claimed once, answered) and unanswered stretches.

Hand-back: someone holds a cover beside their own account for `[presence] hand_back_after_minutes`
while an agent rostered on it now shows they are back (holds another account, pressed or typed a
move in the last `present_within_minutes`, or was refused a case on it since the cover began).
Both are told once, privately, each with one tap: the holder hands it back, the rostered agent
takes it back. A notice is claimed in the outbox, unique by (kind, key), so a job run again, late
or twice tells nobody twice; each button names its outbox row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from bot.console.service import TookOver, take_over_account
from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from domain.holds import Hold
from domain.presence import Rostered, Stretch, Waiting, hand_backs, unanswered_stretches
from domain.time import day_bounds
from storage.models import OutboxRow

HAND_BACK = "hand_back"  # the outbox kind of both nudges
KINDS = (HAND_BACK,)
HOLDER, ROSTERED = "holder", "rostered"
# The audit log's moves that show their actor at the keyboard.
SIGNS = ("take_over", "take_over_backdated", "hand_off", "hand_back", "join", "clock_off", "case_refused")
RECENT_SIGNS = 500  # how many of the latest such entries are read


@dataclass(frozen=True)
class Nudge:
    """One private nudge: to the cover's holder (hand it back) or to the rostered agent (take it back)."""

    key: str
    chat_id: int
    agent_id: int
    language_code: str | None
    role: str  # HOLDER or ROSTERED
    hold: Hold
    holder: str
    rostered: str


@dataclass(frozen=True)
class HandedBack:
    account: str
    at: datetime


def nudge_key(hold_id: int, agent_id: int) -> str:
    return f"{hold_id}:{agent_id}"


def due_now(uow: UnitOfWork) -> list[Nudge]:
    """Every hand-back nudge true now, told before or not (the claim decides)."""
    now, settings = uow.now, uow.config.presence
    open_holds = uow.holds.open()
    shifts = _shifts_now(uow)
    if not shifts:
        return []
    since = now - timedelta(minutes=settings.present_within_minutes)
    signs = uow.audit.latest_of(SIGNS, RECENT_SIGNS)
    present = {h.agent_id: True for h in open_holds}
    for row in signs:
        if row.actor_agent_id is not None and row.at >= since:
            present[row.actor_agent_id] = True
    for case in uow.cases.latest(50):
        if case.at >= since:
            present[case.agent_id] = True
    refused: dict[tuple[int, str], datetime] = {}
    for row in signs:
        if row.action == "case_refused" and row.actor_agent_id is not None:
            key = (row.actor_agent_id, row.subject)
            refused[key] = max(row.at, refused.get(key, row.at))
    after = timedelta(minutes=settings.hand_back_after_minutes)
    agents = uow.agents.by_id()
    due = []
    for item in hand_backs(open_holds, shifts, present, now=now, after=after, refused=refused):
        holder, rostered = agents[item.hold.agent_id], agents[item.rostered]
        for role, agent in ((HOLDER, holder), (ROSTERED, rostered)):
            due.append(
                Nudge(
                    nudge_key(item.hold.id or 0, agent.id or 0),
                    agent.tg_user_id,
                    agent.id or 0,
                    agent.language_code,
                    role,
                    item.hold,
                    holder.name,
                    rostered.name,
                )
            )
    return due


def _shifts_now(uow: UnitOfWork) -> list[Rostered]:
    now = uow.now
    roster = uow.roster.roster_frame(now - timedelta(days=1), now + timedelta(seconds=1), uow.tz)
    if roster is None:
        return []
    shifts = [
        Rostered(str(r.account), int(r.agent_id), r.start.to_pydatetime(), r.end.to_pydatetime()) for r in roster.itertuples(index=False)
    ]
    return [s for s in shifts if s.covers(now)]


# -- telling: claim, retry, drop --------------------------------------------------------------------


def claim(uow: UnitOfWork, nudge: Nudge) -> int | None:
    """The new notice's outbox id, taken for its send; None when it was claimed before."""
    payload = json.dumps({"role": nudge.role, "account": nudge.hold.account})
    return uow.outbox.claim(
        HAND_BACK, nudge.key, uow.now, chat_id=nudge.chat_id, agent_id=nudge.agent_id, hold_id=nudge.hold.id, payload=payload
    )


def owed(uow: UnitOfWork) -> list[OutboxRow]:
    return uow.outbox.owed(KINDS)


def take_again(uow: UnitOfWork, notice_id: int, still_due: bool) -> bool:
    return uow.outbox.take_again(notice_id, uow.now, still_due=still_due)


# -- answers ----------------------------------------------------------------------------------------


def _notice(uow: UnitOfWork, notice_id: int, role: str) -> tuple[OutboxRow, Hold]:
    notice = uow.outbox.get(notice_id)
    if notice is None or notice.kind != HAND_BACK or notice.hold_id is None or json.loads(notice.payload or "{}").get("role") != role:
        raise Refused("stale_button")
    if notice.agent_id != uow.me.id:
        raise Refused("offer_not_yours")
    return notice, uow.holds.get(notice.hold_id)


def hand_back(uow: UnitOfWork, notice_id: int) -> HandedBack:
    """The cover's holder hands it back: their hold on it ends now, audited `hand_back`."""
    notice, hold = _notice(uow, notice_id, HOLDER)
    if not hold.is_open or not uow.holds.end(hold.id or 0, uow.now):
        raise Refused("hand_back_gone", account=hold.account)
    uow.outbox.resolve(notice.id or 0, uow.now, "handed_back")
    uow.audit(uow.now, "hand_back", actor_agent_id=uow.me.id, subject=hold.account, hold=hold.id)
    return HandedBack(hold.account, uow.now)


def take_back(uow: UnitOfWork, notice_id: int) -> TookOver:
    """The rostered agent takes the account back: a take-over like any other, from whoever the nudge named
    (or, once they handed it back, of the free account)."""
    notice, hold = _notice(uow, notice_id, ROSTERED)
    took = take_over_account(uow, hold.account, hold.id if hold.is_open else 0)
    uow.outbox.resolve(notice.id or 0, uow.now, "taken_back")
    return took


# -- unanswered stretches ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StretchLine:
    stretch: Stretch
    name: str


def unanswered(uow: UnitOfWork, day: date) -> list[StretchLine]:
    """The day's stretches of `[presence] unanswered_stretch_minutes` or more during a hold, with a
    customer waiting and no reply on the account: its holder was probably gone."""
    start, end = day_bounds(day, uow.tz)
    horizon = min(end, uow.now)
    holds = uow.holds.between(start, end)
    moments = uow.conversations.moments(start - timedelta(days=1), end)
    waits = [
        Waiting(str(a), s.to_pydatetime(), None if pd.isna(r) else r.to_pydatetime())
        for a, s, r in zip(moments["account"], moments["start"], moments["first_reply_at"], strict=True)
    ]
    stretches = unanswered_stretches(holds, waits, horizon=horizon, minutes=uow.config.presence.unanswered_stretch_minutes)
    names = uow.agents.names()
    return [StretchLine(s, names.get(s.agent_id, "")) for s in stretches if s.end > start and s.start < end]
