"""Reading what talent profiles are built from, and writing skills. Callers own the transaction."""
from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from domain.collaboration import COVER
from domain.holds import HOLDER
from domain.ledger import Entry
from domain.profile import SUPERVISOR, AccountRef, SkillTag
from storage.models import Account, Agent, CaseRow, HoldRow, LedgerRow, SkillRow, ThanksRow
from storage.repositories import holds_frame_between

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# -- skills ----------------------------------------------------------------------------------------


def add_skill(session: Session, agent_id: int, skill: str, source: str, tagged_by: int | None, at: datetime) -> bool:
    """Store a skill; False when the agent has it from this source already."""
    if _skill_row(session, agent_id, skill, source) is not None:
        return False
    session.add(SkillRow(agent_id=agent_id, skill=skill, source=source, tagged_by=tagged_by, at=at))
    session.flush()
    return True


def remove_skill(session: Session, agent_id: int, skill: str, source: str) -> bool:
    """Remove a skill; False when the agent did not have it from this source."""
    removed = session.execute(
        delete(SkillRow).where(SkillRow.agent_id == agent_id, SkillRow.skill == skill, SkillRow.source == source)
    )
    return removed.rowcount > 0


def _skill_row(session: Session, agent_id: int, skill: str, source: str) -> SkillRow | None:
    return session.execute(
        select(SkillRow).where(SkillRow.agent_id == agent_id, SkillRow.skill == skill, SkillRow.source == source)
    ).scalar_one_or_none()


def agent_skills(session: Session, agent_id: int) -> list[SkillTag]:
    """An agent's skills, supervisors' tags first, each group in the order they were added."""
    tagger = aliased(Agent)
    rows = session.execute(
        select(SkillRow.skill, SkillRow.source, tagger.name, SkillRow.at)
        .outerjoin(tagger, tagger.id == SkillRow.tagged_by)
        .where(SkillRow.agent_id == agent_id)
        .order_by(SkillRow.source != SUPERVISOR, SkillRow.id)
    ).all()
    return [SkillTag(skill, source, by, at) for skill, source, by, at in rows]


def skill_holders(session: Session, skill: str) -> dict[int, set[str]]:
    """agent_id → the sources (supervisor, self) that gave them `skill`."""
    holders: dict[int, set[str]] = {}
    for agent_id, source in session.execute(select(SkillRow.agent_id, SkillRow.source).where(SkillRow.skill == skill)):
        holders.setdefault(agent_id, set()).add(source)
    return holders


# -- the record ------------------------------------------------------------------------------------


def accounts(session: Session) -> list[AccountRef]:
    """Every account ever configured: holds of a retired account still count."""
    rows = session.execute(select(Account.key, Account.platform, Account.label).order_by(Account.key)).all()
    return [AccountRef(key, platform, label) for key, platform, label in rows]


def all_holds(session: Session, now: datetime) -> pd.DataFrame:
    """Every hold that began before `now`: account, agent_id, start, end (NaT while open)."""
    return holds_frame_between(session, _EPOCH, now)


def cases_by_account(session: Session, agent_id: int) -> dict[str, int]:
    rows = session.execute(
        select(Account.key, func.count(CaseRow.id))
        .join(Account, Account.id == CaseRow.account_id)
        .where(CaseRow.agent_id == agent_id)
        .group_by(Account.key)
    ).all()
    return {key: int(count) for key, count in rows}


def agent_entries(session: Session, agent_id: int) -> list[Entry]:
    rows = session.execute(
        select(LedgerRow.day, LedgerRow.kind, LedgerRow.source, LedgerRow.millipoints, LedgerRow.quantity)
        .where(LedgerRow.agent_id == agent_id)
        .order_by(LedgerRow.day, LedgerRow.id)
    ).all()
    return [Entry(agent_id, day, kind, source, millipoints, quantity) for day, kind, source, millipoints, quantity in rows]


def cover_minutes(session: Session) -> dict[int, float]:
    """Minutes of cover per agent, all time, as the ledger credited them (after the daily cap)."""
    rows = session.execute(select(LedgerRow.agent_id, func.sum(LedgerRow.quantity)).where(LedgerRow.kind == COVER).group_by(LedgerRow.agent_id))
    return {agent_id: float(total or 0.0) for agent_id, total in rows}


def thanks_counts(session: Session, column) -> dict[int, int]:
    """Thanks per agent, all time; column is ThanksRow.receiver_id (received) or ThanksRow.giver_id (given)."""
    return {agent_id: int(count) for agent_id, count in session.execute(select(column, func.count(ThanksRow.id)).group_by(column))}


def recent_thanks(session: Session, agent_id: int, limit: int) -> list[tuple[str, datetime, str | None]]:
    """The latest thanks `agent_id` received: (giver's name, at, reason), newest first."""
    rows = session.execute(
        select(Agent.name, ThanksRow.at, ThanksRow.reason)
        .join(Agent, Agent.id == ThanksRow.giver_id)
        .where(ThanksRow.receiver_id == agent_id)
        .order_by(ThanksRow.at.desc(), ThanksRow.id.desc())
        .limit(limit)
    ).all()
    return [(name, at, reason) for name, at, reason in rows]


def noted_handovers(session: Session, agent_id: int) -> list[tuple[datetime, tuple[str, ...], str]]:
    """The agent's hand-offs with a note: (at, accounts, note), newest first; one /off is one hand-off."""
    rows = session.execute(
        select(HoldRow.ended_at, Account.key, HoldRow.note)
        .join(Account, Account.id == HoldRow.account_id)
        .where(HoldRow.agent_id == agent_id, HoldRow.role == HOLDER, HoldRow.note.is_not(None), HoldRow.ended_at.is_not(None))
        .order_by(HoldRow.ended_at.desc(), Account.key)
    ).all()
    grouped: dict[datetime, tuple[list[str], str]] = {}
    for ended_at, key, note in rows:
        grouped.setdefault(ended_at, ([], note))[0].append(key)
    return [(at, tuple(keys), note) for at, (keys, note) in grouped.items()]

