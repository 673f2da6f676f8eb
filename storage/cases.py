"""The cases table: the units of work agents log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from domain.ledger import LoggedCase
from storage.accounts import Accounts
from storage.db import name_unique_index
from storage.models import Account, CaseRow

UPDATE_ID_KEY = name_unique_index("cases_update_id_key", "cases.update_id")


class Cases:
    def __init__(self, session: Session, accounts: Accounts) -> None:
        self.session = session
        self.accounts = accounts

    def add(self, agent_id: int, account: str, at: datetime, case_type: str, note: str | None, update_id: int | None = None) -> CaseRow:
        row = CaseRow(
            agent_id=agent_id, account_id=self.accounts.ids[account], logged_at=at, case_type=case_type, note=note, update_id=update_id
        )
        self.session.add(row)
        self.session.flush()
        return row

    def between(self, start: datetime, end: datetime) -> list[LoggedCase]:
        keys = self.accounts.keys
        rows = self.session.execute(
            select(CaseRow).where(col(CaseRow.logged_at) >= start, col(CaseRow.logged_at) < end).order_by(col(CaseRow.id))
        ).scalars()
        return [LoggedCase(r.id, r.agent_id, keys[r.account_id], r.logged_at, r.case_type) for r in rows]

    def times(self, agent_id: int, account: str, start: datetime, end: datetime) -> list[datetime]:
        """When the agent logged cases on the account in [start, end): part of their last activity."""
        return list(
            self.session.execute(
                select(col(CaseRow.logged_at)).where(
                    col(CaseRow.agent_id) == agent_id,
                    col(CaseRow.account_id) == self.accounts.ids[account],
                    col(CaseRow.logged_at) >= start,
                    col(CaseRow.logged_at) < end,
                )
            ).scalars()
        )

    def count_by_account(self, agent_id: int) -> dict[str, int]:
        rows = self.session.execute(
            select(col(Account.key), func.count(col(CaseRow.id)))
            .join(Account, col(Account.id) == col(CaseRow.account_id))
            .where(col(CaseRow.agent_id) == agent_id)
            .group_by(col(Account.key))
        ).all()
        return {key: int(count) for key, count in rows}
