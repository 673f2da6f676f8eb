"""Seeing and fixing the gaps: conversations that came in while nobody held the account."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from bot.services import Baton, Person, Refused
from domain.attribution import find_gaps
from domain.holds import Hold
from domain.time import day_bounds
from storage import month as months
from storage import repositories as repo


@dataclass(frozen=True)
class Gap:
    account: str
    start: datetime  # clipped to the day asked about
    end: datetime
    conversations: int


@dataclass(frozen=True)
class Assigned:
    account: str
    agent: str
    start: datetime
    end: datetime
    conversations: int  # conversations in the window, now credited to the agent


def gaps_on(baton: Baton, day: date) -> list[Gap]:
    start, end = day_bounds(day, baton.tz)
    attributed = baton.attribute(start, end)
    windows = find_gaps(attributed.attribution, attributed.holds, now=attributed.now)
    gaps = []
    for row in windows.itertuples(index=False):
        gap_start = start if pd.isna(row.start) else max(start, row.start.to_pydatetime())
        gap_end = min(end, attributed.now) if pd.isna(row.end) else min(end, row.end.to_pydatetime())
        gaps.append(Gap(row.account, gap_start, gap_end, int(row.conversations)))
    return gaps


def assign_window(
    baton: Baton, supervisor: Person, account: str, start: datetime, end: datetime, handle: str, update_id: int | None = None
) -> Assigned:
    """Credit [start, end) on `account` to an agent, as a hold a supervisor vouches for.

    Only unheld time can be assigned: holds on one account never overlap, so a window that
    touches someone's hold is refused rather than silently split.
    """
    account = baton.account_key(account)
    now = baton.clock.now()
    if not start < end:
        raise Refused("assign_empty_window")
    if end > now:
        raise Refused("assign_in_future")
    with baton.command(update_id) as session:
        for day in baton.days_spanned(start, end):
            if months.is_closed(session, f"{day:%Y-%m}"):
                raise Refused("month_closed", month=f"{day:%Y-%m}")
        agent = repo.find_agent(session, handle)
        if agent is None:
            raise Refused("unknown_agent", handle=handle)
        actor = repo.register_agent(session, supervisor.tg_user_id, supervisor.name, supervisor.username, now)
        clash = next((h for h in repo.holds_between(session, start, end) if h.account == account), None)
        if clash is not None:
            holder = repo.agents_by_id(session)[clash.agent_id].name
            raise Refused("assign_overlaps", name=holder, start=clash.start, end=clash.end)
        repo.add_assigned_hold(session, Hold(account, agent.id, start, end), assigned_by=actor.id)
        repo.audit(
            session, now, "assign", actor_agent_id=actor.id, subject=account,
            agent=agent.name, start=start.isoformat(), end=end.isoformat(),
        )
        agent_name = agent.name
    baton.compile(baton.days_spanned(start, end))
    statuses = baton.attribute(start, end).attribution.statuses
    return Assigned(account, agent_name, start, end, int((statuses["account"] == account).sum()))
