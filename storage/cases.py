"""The cases table: the units of work agents log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlmodel import Session, col

from domain.ledger import LoggedCase
from storage.accounts import Accounts
from storage.db import name_unique_index
from storage.models import Account, CaseRow, stored_id
from storage.types import table_of

UPDATE_ID_KEY = name_unique_index("cases_update_id_key", "cases.update_id")
_CASES = table_of(CaseRow)
_ADD = insert(_CASES).returning(_CASES.c.id)  # built once


class Cases:
    def __init__(self, session: Session, accounts: Accounts) -> None:
        self.session = session
        self.accounts = accounts
        self.changed = False  # a case was logged in this unit of work: the live console lists it

    def add(self, agent_id: int, account: str, at: datetime, case_type: str, note: str | None, update_id: int | None = None) -> int:
        """Log a case; its id. A plain INSERT: logging a case is a press."""
        values = {
            "agent_id": agent_id,
            "account_id": self.accounts.id_of(account),
            "logged_at": at,
            "case_type": case_type,
            "note": note,
            "update_id": update_id,
        }
        case_id = self.session.connection().execute(_ADD, values).scalar_one()
        self.changed = True
        return case_id

    def between(self, start: datetime, end: datetime) -> list[LoggedCase]:
        keys = self.accounts.keys
        rows = self.session.execute(
            select(CaseRow).where(col(CaseRow.logged_at) >= start, col(CaseRow.logged_at) < end).order_by(col(CaseRow.id))
        ).scalars()
        return [LoggedCase(r.id, r.agent_id, keys[r.account_id], r.logged_at, r.case_type) for r in rows]

    def latest(self, n: int) -> list[LoggedCase]:
        """The latest `n` cases logged, oldest first."""
        keys = self.accounts.keys
        rows = list(self.session.execute(select(CaseRow).order_by(col(CaseRow.id).desc()).limit(n)).scalars())
        return [LoggedCase(stored_id(r), r.agent_id, keys[r.account_id], r.logged_at, r.case_type) for r in reversed(rows)]

    def last_at(self, agent_id: int, account: str, start: datetime, end: datetime) -> datetime | None:
        """When the agent last logged a case on the account in [start, end): part of their last activity.

        The latest only, counted by the database: a holder at a peak logs hundreds in one hold, and
        every refused case press asks."""
        return self.session.execute(
            select(func.max(col(CaseRow.logged_at))).where(
                col(CaseRow.agent_id) == agent_id,
                col(CaseRow.account_id) == self.accounts.ids[account],
                col(CaseRow.logged_at) >= start,
                col(CaseRow.logged_at) < end,
            )
        ).scalar()

    def count_by_account(self, agent_id: int) -> dict[str, int]:
        rows = self.session.execute(
            select(col(Account.key), func.count(col(CaseRow.id)))
            .join(Account, col(Account.id) == col(CaseRow.account_id))
            .where(col(CaseRow.agent_id) == agent_id)
            .group_by(col(Account.key))
        ).all()
        return {key: int(count) for key, count in rows}
