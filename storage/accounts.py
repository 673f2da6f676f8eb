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


@dataclass(frozen=True)
class _Known:
    ids: dict[str, int]
    keys: dict[int, str]


_KNOWN = "baton.accounts"  # the connection's cache of account ids (Connection.info lives as long as the connection)


class Accounts:
    """Account keys and ids: every other table names accounts by id.

    `ids` and `keys` are read once per unit of work. `id_of` and `key_of`, for the statements every
    press runs, answer from what this database connection read before, and read again for an
    account they do not know: accounts are only ever added (by `sync`, at start-up).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._ids: dict[str, int] | None = None
        self._keys: dict[int, str] | None = None

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
        self._ids = self._keys = None
        self.session.connection().info.pop(_KNOWN, None)

    @property
    def ids(self) -> dict[str, int]:
        if self._ids is None:
            self._ids = {key: id_ for id_, key in self.session.execute(select(col(Account.id), col(Account.key)))}
        return self._ids

    @property
    def keys(self) -> dict[int, str]:
        if self._keys is None:
            self._keys = {id_: key for key, id_ in self.ids.items()}
        return self._keys

    def id_of(self, key: str) -> int:
        known = self._known()
        if key not in known.ids:
            known = self._known(fresh=True)
        return known.ids[key]

    def key_of(self, account_id: int) -> str:
        known = self._known()
        if account_id not in known.keys:
            known = self._known(fresh=True)
        return known.keys[account_id]

    def _known(self, *, fresh: bool = False) -> _Known:
        info = self.session.connection().info
        if fresh or _KNOWN not in info:
            ids = {key: id_ for id_, key in self.session.execute(select(col(Account.id), col(Account.key)))}
            info[_KNOWN] = _Known(ids, {id_: key for key, id_ in ids.items()})
        return info[_KNOWN]

    def refs(self) -> list[AccountRef]:
        """Every account ever configured: holds of a retired account still count."""
        rows = self.session.execute(select(col(Account.key), col(Account.platform), col(Account.label)).order_by(col(Account.key))).all()
        return [AccountRef(key, platform, label) for key, platform, label in rows]
