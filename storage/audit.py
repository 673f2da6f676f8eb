"""The audit log: append-only, each entry sealed to the one before it (domain.audit_chain)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import insert, select, text
from sqlmodel import Session, col

from domain.audit_chain import GENESIS, Break, Sealed, entry_hash, first_break
from storage.models import AuditRow, stored_id
from storage.types import table_of

# Any constant works; it only has to be the same for every writer of the chain.
_CHAIN_LOCK = 0x6261746F6E  # "baton"


# Built once: every command appends, and building a statement costs more than running it.
_AUDIT = table_of(AuditRow)
_TAIL = select(_AUDIT.c.hash).order_by(_AUDIT.c.id.desc()).limit(1)
_APPEND = insert(_AUDIT).returning(_AUDIT.c.id)
SUBJECT_LENGTH = 128  # audit_log.subject


def detail_json(detail: dict[str, object]) -> str:
    return json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True)


def _lock_tail(session: Session) -> None:
    """Writers append one at a time. SQLite's write transactions already are (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})


def append(
    session: Session,
    at: datetime,
    action: str,
    *,
    actor_agent_id: int | None = None,
    subject: str = "",
    detail: dict[str, object] | None = None,
) -> AuditRow:
    _lock_tail(session)
    session.flush()
    tail = session.connection().execute(_TAIL).scalar()
    prev = tail or GENESIS
    body = detail_json(detail or {})
    # A subject may be built from names (two of them for a flagged pair of thanks): PostgreSQL refuses
    # one longer than the column, and with it the command. Sealed as stored.
    subject = subject[:SUBJECT_LENGTH]
    row = AuditRow(
        at=at,
        actor_agent_id=actor_agent_id,
        action=action,
        subject=subject,
        detail=body,
        prev_hash=prev,
        hash=entry_hash(prev, at, actor_agent_id, action, subject, body),
    )
    # A plain INSERT: every command appends one, and the ORM's bookkeeping would cost more than the row.
    row.id = session.connection().execute(_APPEND, row.model_dump(exclude={"id"})).scalar_one()
    return row


def _sealed(row: AuditRow) -> Sealed:
    return Sealed(stored_id(row), row.at, row.actor_agent_id, row.action, row.subject, row.detail, row.prev_hash, row.hash)


def entries(session: Session, batch: int = 5000) -> Iterator[Sealed]:
    last = 0
    while True:
        rows = session.execute(select(AuditRow).where(col(AuditRow.id) > last).order_by(col(AuditRow.id)).limit(batch)).scalars().all()
        if not rows:
            return
        for row in rows:
            yield _sealed(row)
        last = stored_id(rows[-1])


def verify(session: Session) -> Break | None:
    return first_break(entries(session))


def latest(session: Session, n: int) -> list[AuditRow]:
    rows = session.execute(select(AuditRow).order_by(col(AuditRow.id).desc()).limit(n)).scalars().all()
    return list(reversed(rows))


class Audit:
    """The audit_log table, as a unit of work writes and reads it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def __call__(self, at: datetime, action: str, *, actor_agent_id: int | None = None, subject: str = "", **detail: object) -> AuditRow:
        """Append an entry: `uow.audit(now, "take_over", actor_agent_id=…, subject=…, previous=…)`."""
        return append(self.session, at, action, actor_agent_id=actor_agent_id, subject=subject, detail=detail)

    def latest(self, n: int) -> list[AuditRow]:
        return latest(self.session, n)

    def latest_of(self, actions: tuple[str, ...], n: int) -> list[AuditRow]:
        """The latest `n` entries of these actions, oldest first."""
        rows = self.session.execute(
            select(AuditRow).where(col(AuditRow.action).in_(actions)).order_by(col(AuditRow.id).desc()).limit(n)
        ).scalars()
        return list(reversed(list(rows)))

    def of_action(self, action: str, *, subject: str | None = None, since: datetime | None = None) -> list[AuditRow]:
        """Every entry of one action (about `subject`, written at or after `since`), oldest first."""
        query = select(AuditRow).where(col(AuditRow.action) == action)
        if subject is not None:
            query = query.where(col(AuditRow.subject) == subject)
        if since is not None:
            query = query.where(col(AuditRow.at) >= since)
        return list(self.session.execute(query.order_by(col(AuditRow.id))).scalars())

    def all(self) -> list[AuditRow]:
        return list(self.session.execute(select(AuditRow).order_by(col(AuditRow.id))).scalars())
