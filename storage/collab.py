"""Reading and writing what collaboration points are proven by: thanks, handover notes, helper holds.

Callers own the transaction, as in storage.repositories.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import and_, or_, select
from sqlmodel import Session

from domain.holds import HOLDER, Hold
from domain.time import TS_DTYPE
from storage.models import Account, HoldRow, ThanksRow
from storage.repositories import account_ids

HISTORY_COLUMNS = ["giver", "receiver", "day"]


# -- thanks ---------------------------------------------------------------------------------


def add_thanks(session: Session, giver_id: int, receiver_id: int, at: datetime, reason: str | None) -> ThanksRow:
    row = ThanksRow(giver_id=giver_id, receiver_id=receiver_id, at=at, reason=reason)
    session.add(row)
    session.flush()
    return row


def thanks_history(session: Session, start: datetime, end: datetime, tz: ZoneInfo) -> pd.DataFrame:
    """Accepted thanks given in [start, end): giver, receiver, day (the team's calendar day)."""
    rows = session.execute(
        select(ThanksRow.giver_id, ThanksRow.receiver_id, ThanksRow.at)
        .where(ThanksRow.at >= start, ThanksRow.at < end)
        .order_by(ThanksRow.id)
    ).all()
    return pd.DataFrame(
        [(giver, receiver, at.astimezone(tz).date()) for giver, receiver, at in rows], columns=HISTORY_COLUMNS
    ).astype({"giver": "int64", "receiver": "int64", "day": "object"})


def with_thanks(history: pd.DataFrame, giver: int, receiver: int, day: date) -> pd.DataFrame:
    """The history as it is once one more thanks is accepted."""
    added = pd.DataFrame([(giver, receiver, day)], columns=HISTORY_COLUMNS).astype(history.dtypes.to_dict())
    return pd.concat([history, added], ignore_index=True) if len(history) else added


# -- handover notes -----------------------------------------------------------------------------


def last_hand_off(session: Session, agent_id: int, since: datetime, until: datetime) -> list[HoldRow]:
    """The holder holds the agent ended themselves in their latest hand-off within [since, until].

    One /off can end several accounts at the same instant: that is one hand-off. Holds ended
    by someone else's take-over, supervisors' /assign windows and helper holds are no hand-off.
    """
    handed_off = and_(
        HoldRow.agent_id == agent_id,
        HoldRow.role == HOLDER,
        HoldRow.taken_over_by.is_(None),
        HoldRow.assigned_by.is_(None),
        HoldRow.ended_at.is_not(None),
        HoldRow.ended_at >= since,
        HoldRow.ended_at <= until,
    )
    latest = session.execute(select(HoldRow.ended_at).where(handed_off).order_by(HoldRow.ended_at.desc()).limit(1)).scalar()
    if latest is None:
        return []
    return list(session.execute(select(HoldRow).where(handed_off, HoldRow.ended_at == latest).order_by(HoldRow.id)).scalars())


def set_notes(session: Session, holds: list[HoldRow], note: str) -> None:
    for row in holds:
        row.note = note
    session.flush()


def noted_hand_offs(session: Session, start: datetime, end: datetime) -> pd.DataFrame:
    """Hand-offs in [start, end) that carry a note: agent_id, at, note; one row per hand-off."""
    rows = session.execute(
        select(HoldRow.agent_id, HoldRow.ended_at, HoldRow.note)
        .where(
            HoldRow.role == HOLDER,
            HoldRow.taken_over_by.is_(None),
            HoldRow.assigned_by.is_(None),
            HoldRow.note.is_not(None),
            HoldRow.ended_at >= start,
            HoldRow.ended_at < end,
        )
        .order_by(HoldRow.id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["agent_id", "at", "note"])
    frame = frame.drop_duplicates(["agent_id", "at"]).reset_index(drop=True)
    return frame.assign(agent_id=frame["agent_id"].astype("int64"), at=pd.to_datetime(frame["at"], utc=True).astype(TS_DTYPE))


# -- helper holds and hold roles ------------------------------------------------------------------


def add_helper_hold(session: Session, hold: Hold, update_id: int | None = None) -> Hold:
    row = HoldRow(
        account_id=account_ids(session)[hold.account], agent_id=hold.agent_id, started_at=hold.start, role=hold.role, update_id=update_id
    )
    session.add(row)
    session.flush()
    return replace(hold, id=row.id)


def holds_with_roles_between(session: Session, start: datetime, end: datetime) -> pd.DataFrame:
    """Holds overlapping [start, end), open ones included: account, agent_id, start, end (NaT while open), role."""
    rows = session.execute(
        select(Account.key, HoldRow.agent_id, HoldRow.started_at, HoldRow.ended_at, HoldRow.role)
        .join(Account, Account.id == HoldRow.account_id)
        .where(HoldRow.started_at < end, or_(HoldRow.ended_at.is_(None), HoldRow.ended_at > start))
        .order_by(HoldRow.id)
    ).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["account", "agent_id", "start", "end", "role"])
    return frame.assign(
        agent_id=frame["agent_id"].astype("int64"),
        start=pd.to_datetime(frame["start"], utc=True).astype(TS_DTYPE),
        end=pd.to_datetime(frame["end"], utc=True).astype(TS_DTYPE),
    )
