"""The ledger table: points per agent and day, derived by the compile job or written by people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from domain.collaboration import COVER
from domain.ledger import DERIVED_KINDS, Entry
from storage.db import insert_ignoring_conflict
from storage.models import CaseRow, ConversationRow, HoldRow, LedgerDueRow, LedgerRow, ThanksRow


@dataclass(frozen=True)
class LedgerChange:
    added: int
    removed: int
    unchanged: int


def _entry(row: LedgerRow) -> Entry:
    return Entry(row.agent_id, row.day, row.kind, row.source, row.millipoints, row.quantity)


class Ledger:
    def __init__(self, session: Session) -> None:
        self.session = session

    def between(self, first: date, last: date) -> list[Entry]:
        rows = self.session.execute(
            select(LedgerRow).where(col(LedgerRow.day) >= first, col(LedgerRow.day) <= last).order_by(col(LedgerRow.id))
        ).scalars()
        return [_entry(r) for r in rows]

    def of_agent(self, agent_id: int) -> list[Entry]:
        rows = self.session.execute(
            select(col(LedgerRow.day), col(LedgerRow.kind), col(LedgerRow.source), col(LedgerRow.millipoints), col(LedgerRow.quantity))
            .where(col(LedgerRow.agent_id) == agent_id)
            .order_by(col(LedgerRow.day), col(LedgerRow.id))
        ).all()
        return [Entry(agent_id, day, kind, source, millipoints, quantity) for day, kind, source, millipoints, quantity in rows]

    def cover_minutes(self) -> dict[int, float]:
        """Minutes of cover per agent, all time, as the ledger credited them (after the daily cap)."""
        rows = self.session.execute(
            select(col(LedgerRow.agent_id), func.sum(col(LedgerRow.quantity)))
            .where(col(LedgerRow.kind) == COVER)
            .group_by(col(LedgerRow.agent_id))
        )
        return {agent_id: float(total or 0.0) for agent_id, total in rows}

    def first_activity(self) -> datetime | None:
        """The earliest hold, case, conversation or thanks: where the compile job's open days begin."""
        firsts = [
            self.session.execute(select(func.min(column))).scalar()
            for column in (col(HoldRow.started_at), col(CaseRow.logged_at), col(ConversationRow.started_at), col(ThanksRow.at))
        ]
        known = [t for t in firsts if t is not None]
        return min(known) if known else None

    def replace_derived(self, days: Iterable[date], entries: Iterable[Entry], at: datetime) -> LedgerChange:
        """Make the derived entries of `days` equal `entries`, touching only what differs.

        Entries people wrote (adjustments, thanks…) are never touched. An entry whose value changed
        is removed and re-added, so the table only ever holds the latest compilation.
        """
        days = sorted(set(days))
        wanted = {e.key: e for e in entries}
        existing = {
            (r.agent_id, r.day, r.kind, r.source): r
            for r in self.session.execute(
                select(LedgerRow).where(col(LedgerRow.day).in_(days), col(LedgerRow.kind).in_(DERIVED_KINDS))
            ).scalars()
        }
        stale = [
            row.id
            for key, row in existing.items()
            if key not in wanted or (row.millipoints, row.quantity) != (wanted[key].millipoints, wanted[key].quantity)
        ]
        if stale:
            self.session.execute(delete(LedgerRow).where(col(LedgerRow.id).in_(stale)))
        gone = set(stale)
        kept = {key for key, row in existing.items() if row.id not in gone}
        fresh = [e for key, e in wanted.items() if key not in kept]
        self.session.add_all(
            LedgerRow(
                agent_id=e.agent_id, day=e.day, kind=e.kind, source=e.source, millipoints=e.millipoints, quantity=e.quantity, recorded_at=at
            )
            for e in fresh
        )
        self.session.flush()
        return LedgerChange(added=len(fresh), removed=len(stale), unchanged=len(kept))

    def mark_due(self, days: Iterable[date], at: datetime) -> None:
        """Note that these days' facts changed and their ledger is still to be compiled."""
        for day in sorted(set(days)):
            insert_ignoring_conflict(self.session, LedgerDueRow, {"day": day, "marked_at": at}, ["day"])

    def due(self) -> list[date]:
        return list(self.session.execute(select(col(LedgerDueRow.day)).order_by(col(LedgerDueRow.day))).scalars())

    def compiled(self, days: Iterable[date]) -> None:
        """These days' ledger is current: in the transaction that compiled them."""
        days = sorted(set(days))
        if days:
            self.session.execute(delete(LedgerDueRow).where(col(LedgerDueRow.day).in_(days)))
