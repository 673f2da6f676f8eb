"""The accounts table: the shared logins, as the configuration names them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from domain.profile import AccountRef
from storage.models import Account


@dataclass(frozen=True)
class AccountSpec:
    key: str
    platform: str
    label: str


class Accounts:
    """Account keys and ids, read once per unit of work: every other table names accounts by id."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._ids: dict[str, int] | None = None

    def sync(self, specs: Iterable[AccountSpec]) -> None:
        """Make the table match the configuration; accounts are never deleted (history points at them)."""
        existing = {a.key: a for a in self.session.execute(select(Account)).scalars()}
        for spec in specs:
            row = existing.get(spec.key)
            if row is None:
                self.session.add(Account(key=spec.key, platform=spec.platform, label=spec.label))
            elif (row.platform, row.label) != (spec.platform, spec.label):
                row.platform, row.label = spec.platform, spec.label
        self.session.flush()
        self._ids = None

    @property
    def ids(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {key: id_ for id_, key in self.session.execute(select(col(Account.id), col(Account.key)))}
        return self._ids

    @property
    def keys(self) -> dict[int, str]:
        return {id_: key for key, id_ in self.ids.items()}

    def refs(self) -> list[AccountRef]:
        """Every account ever configured: holds of a retired account still count."""
        rows = self.session.execute(select(col(Account.key), col(Account.platform), col(Account.label)).order_by(col(Account.key))).all()
        return [AccountRef(key, platform, label) for key, platform, label in rows]
