"""Seeing and fixing the gaps: conversations that came in while nobody held the account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.ledger.service import attribute, compile_days
from domain.attribution import find_gaps
from domain.holds import Hold
from domain.time import day_bounds


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


def gaps_on(uow: UnitOfWork, day: date) -> list[Gap]:
    start, end = day_bounds(day, uow.tz)
    attributed = attribute(uow, start, end)
    windows = find_gaps(attributed.attribution, attributed.holds, now=attributed.now)
    gaps = []
    for row in windows.itertuples(index=False):
        gap_start = start if pd.isna(row.start) else max(start, row.start.to_pydatetime())
        gap_end = min(end, attributed.now) if pd.isna(row.end) else min(end, row.end.to_pydatetime())
        gaps.append(Gap(row.account, gap_start, gap_end, int(row.conversations)))
    return gaps


def assign_window(uow: UnitOfWork, account: str, start: datetime, end: datetime, handle: str) -> Assigned:
    """Credit [start, end) on `account` to an agent, as a hold the sender (a supervisor) vouches for.

    Only unheld time can be assigned: holds on one account never overlap, so a window that
    touches someone's hold is refused rather than silently split. The days it touches are
    compiled again in the same unit of work, so the credit shows at once.
    """
    account = uow.account_key(account)
    if not start < end:
        raise Refused("assign_empty_window")
    if end > uow.now:
        raise Refused("assign_in_future")
    days = uow.days_spanned(start, end)
    for day in days:
        if uow.months.is_closed(f"{day:%Y-%m}"):
            raise Refused("month_closed", month=f"{day:%Y-%m}")
    agent = uow.agents.find(handle)
    if agent is None:
        raise Refused("unknown_agent", handle=handle)
    clash = next((h for h in uow.holds.between(start, end) if h.account == account), None)
    if clash is not None:
        raise Refused("assign_overlaps", name=uow.agents.by_id()[clash.agent_id].name, start=clash.start, end=clash.end)
    uow.holds.add(Hold(account, agent.id, start, end), assigned_by=uow.me.id)
    uow.audit(uow.now, "assign", actor_agent_id=uow.me.id, subject=account, agent=agent.name, start=start.isoformat(), end=end.isoformat())
    compile_days(uow, days)
    statuses = attribute(uow, start, end).attribution.statuses
    return Assigned(account, agent.name, start, end, int((statuses["account"] == account).sum()))
