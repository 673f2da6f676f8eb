"""Reading and writing the tables in the domain's terms. Callers own the transaction."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from domain.holds import Hold, TakeOver
from domain.ledger import DERIVED_KINDS, Entry, LoggedCase
from storage import audit as audit_chain
from storage.models import (
    Account,
    Agent,
    AuditRow,
    CaseRow,
    ConversationRow,
    HoldRow,
    LedgerRow,
    PostedDigest,
    ProcessedUpdate,
    ThanksRow,
)
from storage.types import fetch_raw, raw, utc_series


@dataclass(frozen=True)
class AccountSpec:
    key: str
    platform: str
    label: str


def sync_accounts(session: Session, specs: Iterable[AccountSpec]) -> None:
    """Make the accounts table match the configuration; accounts are never deleted (history points at them)."""
    existing = {a.key: a for a in session.exec(select(Account)).scalars()}
    for spec in specs:
        row = existing.get(spec.key)
        if row is None:
            session.add(Account(key=spec.key, platform=spec.platform, label=spec.label))
        elif (row.platform, row.label) != (spec.platform, spec.label):
            row.platform, row.label = spec.platform, spec.label
    session.flush()


def account_ids(session: Session) -> dict[str, int]:
    return {key: id_ for id_, key in session.execute(select(Account.id, Account.key))}


def account_keys(session: Session) -> dict[int, str]:
    return {id_: key for key, id_ in account_ids(session).items()}


def register_agent(
    session: Session, tg_user_id: int, name: str, username: str | None, at: datetime, language_code: str | None = None
) -> Agent:
    """The agent for a Telegram user, created on first sight; a changed name or language is followed."""
    language_code = (language_code or "")[:16] or None
    agent = session.execute(select(Agent).where(Agent.tg_user_id == tg_user_id)).scalar_one_or_none()
    if agent is None:
        agent = Agent(tg_user_id=tg_user_id, name=name, username=username, registered_at=at, language_code=language_code)
        session.add(agent)
        session.flush()
    elif (agent.name, agent.username) != (name, username) or (language_code and agent.language_code != language_code):
        agent.name, agent.username = name, username
        # Telegram sends no language_code at times; the last one it did send still holds.
        agent.language_code = language_code or agent.language_code
    return agent


def register_agent_if_missing(session: Session, tg_user_id: int, name: str, at: datetime) -> Agent:
    """An agent known from configuration (the roster) before they ever wrote in the group."""
    agent = session.execute(select(Agent).where(Agent.tg_user_id == tg_user_id)).scalar_one_or_none()
    if agent is None:
        agent = Agent(tg_user_id=tg_user_id, name=name, username=None, registered_at=at)
        session.add(agent)
        session.flush()
    return agent


def agent_by_tg_id(session: Session, tg_user_id: int) -> Agent | None:
    return session.execute(select(Agent).where(Agent.tg_user_id == tg_user_id)).scalar_one_or_none()


def agents_by_id(session: Session) -> dict[int, Agent]:
    return {a.id: a for a in session.execute(select(Agent)).scalars()}


def find_agent(session: Session, handle: str) -> Agent | None:
    """An agent by @username or exact display name, case-insensitively."""
    handle = handle.removeprefix("@").strip().lower()
    return session.execute(
        select(Agent).where(or_(func.lower(Agent.username) == handle, func.lower(Agent.name) == handle)).order_by(Agent.id)
    ).scalars().first()


def to_hold(row: HoldRow, keys: dict[int, str]) -> Hold:
    return Hold(account=keys[row.account_id], agent_id=row.agent_id, start=row.started_at, end=row.ended_at, id=row.id, role=row.role)


def open_holds(session: Session) -> list[Hold]:
    keys = account_keys(session)
    rows = session.execute(select(HoldRow).where(HoldRow.ended_at.is_(None)).order_by(HoldRow.id)).scalars()
    return [to_hold(r, keys) for r in rows]


def holds_between(session: Session, start: datetime, end: datetime) -> list[Hold]:
    """Every hold that overlaps [start, end), open ones included."""
    keys = account_keys(session)
    rows = session.execute(
        select(HoldRow)
        .where(and_(HoldRow.started_at < end, or_(HoldRow.ended_at.is_(None), HoldRow.ended_at > start)))
        .order_by(HoldRow.id)
    ).scalars()
    return [to_hold(r, keys) for r in rows]


def holds_frame_between(session: Session, start: datetime, end: datetime) -> pd.DataFrame:
    """The holds overlapping [start, end) as the attribution frame, read in bulk."""
    table = HoldRow.__table__
    rows = fetch_raw(
        session,
        select(Account.key, table.c.agent_id, raw(table.c.started_at), raw(table.c.ended_at))
        .join(Account, Account.id == table.c.account_id)
        .where(and_(table.c.started_at < end, or_(table.c.ended_at.is_(None), table.c.ended_at > start)))
        .order_by(table.c.id),
    )
    frame = pd.DataFrame.from_records(rows, columns=["account", "agent_id", "start", "end"])
    frame["agent_id"] = frame["agent_id"].astype("int64")
    frame["start"] = utc_series(frame["start"])
    frame["end"] = utc_series(frame["end"])
    return frame


class HoldMoved(Exception):
    """A hold this transaction meant to end had ended already: another writer moved the account first."""


def save_take_over(session: Session, move: TakeOver, update_id: int | None = None) -> Hold:
    """Store a take-over; `update_id` is the Telegram update that made it, unique on the row.

    Ending the previous hold is conditional: under READ COMMITTED two take-overs can both have
    read it open, and only the first may end it (HoldMoved for the other).
    """
    if move.ended is not None:
        _end_hold(session, move.ended, taken_over_by=move.started.agent_id)
    row = HoldRow(
        account_id=account_ids(session)[move.started.account],
        agent_id=move.started.agent_id,
        started_at=move.started.start,
        update_id=update_id,
    )
    session.add(row)
    session.flush()
    return replace(move.started, id=row.id)


def _end_hold(session: Session, hold: Hold, **also: object) -> None:
    ended = session.execute(
        update(HoldRow).where(HoldRow.id == hold.id, HoldRow.ended_at.is_(None)).values(ended_at=hold.end, **also)
    )
    if ended.rowcount != 1:
        raise HoldMoved(hold.id)


def add_assigned_hold(session: Session, hold: Hold, assigned_by: int) -> Hold:
    row = HoldRow(
        account_id=account_ids(session)[hold.account], agent_id=hold.agent_id, started_at=hold.start, ended_at=hold.end, assigned_by=assigned_by
    )
    session.add(row)
    session.flush()
    return replace(hold, id=row.id)


def save_ended_holds(session: Session, ended: Iterable[Hold]) -> None:
    for hold in ended:
        _end_hold(session, hold)
    session.flush()


def add_case(
    session: Session, agent_id: int, account: str, at: datetime, case_type: str, note: str | None, update_id: int | None = None
) -> CaseRow:
    row = CaseRow(
        agent_id=agent_id, account_id=account_ids(session)[account], logged_at=at, case_type=case_type, note=note, update_id=update_id
    )
    session.add(row)
    session.flush()
    return row


def cases_between(session: Session, start: datetime, end: datetime) -> list[LoggedCase]:
    keys = account_keys(session)
    rows = session.execute(
        select(CaseRow).where(CaseRow.logged_at >= start, CaseRow.logged_at < end).order_by(CaseRow.id)
    ).scalars()
    return [LoggedCase(r.id, r.agent_id, keys[r.account_id], r.logged_at, r.case_type) for r in rows]


def first_activity(session: Session) -> datetime | None:
    """The earliest hold, case, conversation or thanks: where the compile job's open days begin."""
    firsts = [
        session.execute(select(func.min(column))).scalar()
        for column in (HoldRow.started_at, CaseRow.logged_at, ConversationRow.started_at, ThanksRow.at)
    ]
    known = [t for t in firsts if t is not None]
    return min(known) if known else None


def _to_entry(row: LedgerRow) -> Entry:
    return Entry(row.agent_id, row.day, row.kind, row.source, row.millipoints, row.quantity)


def entries_between(session: Session, first: date, last: date) -> list[Entry]:
    rows = session.execute(
        select(LedgerRow).where(LedgerRow.day >= first, LedgerRow.day <= last).order_by(LedgerRow.id)
    ).scalars()
    return [_to_entry(r) for r in rows]


@dataclass(frozen=True)
class LedgerChange:
    added: int
    removed: int
    unchanged: int


def replace_derived_entries(session: Session, days: Iterable[date], entries: Iterable[Entry], at: datetime) -> LedgerChange:
    """Make the derived entries of `days` equal `entries`, touching only what differs.

    Entries people wrote (adjustments, thanks…) are never touched. An entry whose value changed
    is removed and re-added, so the table only ever holds the latest compilation.
    """
    days = sorted(set(days))
    wanted = {e.key: e for e in entries}
    existing = {
        (r.agent_id, r.day, r.kind, r.source): r
        for r in session.execute(
            select(LedgerRow).where(LedgerRow.day.in_(days), LedgerRow.kind.in_(DERIVED_KINDS))
        ).scalars()
    }
    stale = [
        row.id
        for key, row in existing.items()
        if key not in wanted or (row.millipoints, row.quantity) != (wanted[key].millipoints, wanted[key].quantity)
    ]
    if stale:
        session.execute(delete(LedgerRow).where(LedgerRow.id.in_(stale)))
    kept = {key for key, row in existing.items() if row.id not in set(stale)}
    fresh = [e for key, e in wanted.items() if key not in kept]
    session.add_all(
        LedgerRow(agent_id=e.agent_id, day=e.day, kind=e.kind, source=e.source, millipoints=e.millipoints, quantity=e.quantity, recorded_at=at)
        for e in fresh
    )
    session.flush()
    return LedgerChange(added=len(fresh), removed=len(stale), unchanged=len(kept))


def audit(session: Session, at: datetime, action: str, *, actor_agent_id: int | None = None, subject: str = "", **detail: object) -> AuditRow:
    return audit_chain.append(session, at, action, actor_agent_id=actor_agent_id, subject=subject, detail=detail)


def audit_log(session: Session) -> list[AuditRow]:
    return list(session.execute(select(AuditRow).order_by(AuditRow.id)).scalars())


def insert_ignoring_conflict(session: Session, model, values: dict, index_elements: list[str]) -> bool:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    key = getattr(model, index_elements[0])
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=index_elements).returning(key)
    return session.execute(statement).first() is not None


def mark_update_processed(session: Session, update_id: int, at: datetime) -> bool:
    """Record an update id; False when it was already there (a redelivery)."""
    return insert_ignoring_conflict(session, ProcessedUpdate, {"update_id": update_id, "processed_at": at}, ["update_id"])


def is_update_processed(session: Session, update_id: int) -> bool:
    return session.get(ProcessedUpdate, update_id) is not None


def mark_digest_posted(session: Session, kind: str, period: str, chat_id: int, at: datetime) -> bool:
    """Claim (kind, period, chat) before sending; False when it was claimed already, sent or not."""
    return insert_ignoring_conflict(
        session, PostedDigest, {"kind": kind, "period": period, "chat_id": chat_id, "posted_at": at}, ["kind", "period", "chat_id"]
    )


def digest_posted(session: Session, kind: str, period: str, chat_id: int) -> bool:
    return session.get(PostedDigest, (kind, period, chat_id)) is not None


def confirm_digest(session: Session, kind: str, period: str, chat_id: int, message_id: int) -> None:
    session.execute(
        update(PostedDigest)
        .where(PostedDigest.kind == kind, PostedDigest.period == period, PostedDigest.chat_id == chat_id)
        .values(message_id=message_id)
    )


def release_digest(session: Session, kind: str, period: str, chat_id: int) -> None:
    """Give back a claim whose send failed, so the digest can go out later; a confirmed one stays."""
    session.execute(
        delete(PostedDigest).where(
            PostedDigest.kind == kind, PostedDigest.period == period, PostedDigest.chat_id == chat_id, PostedDigest.message_id.is_(None)
        )
    )


def unconfirmed_digests(session: Session) -> list[PostedDigest]:
    """Claims with no message id: the bot stopped between claiming and sending, so nobody knows if it went out."""
    return list(
        session.execute(select(PostedDigest).where(PostedDigest.message_id.is_(None)).order_by(PostedDigest.posted_at)).scalars()
    )


# -- which unique index a write broke -------------------------------------------------------------

OPEN_HOLD_INDEXES = ("uq_holds_one_open_holder_per_account", "uq_holds_one_open_per_agent_and_account")
UPDATE_ID_KEYS = ("holds_update_id_key", "cases_update_id_key")
# SQLite names the columns of the broken index, not the index.
_SQLITE_UNIQUE_COLUMNS = {
    "holds.account_id": OPEN_HOLD_INDEXES[0],
    "holds.account_id, holds.agent_id": OPEN_HOLD_INDEXES[1],
    "holds.update_id": UPDATE_ID_KEYS[0],
    "cases.update_id": UPDATE_ID_KEYS[1],
}


def broken_constraint(exc: IntegrityError) -> str | None:
    """The unique index or constraint an IntegrityError names, on PostgreSQL and SQLite alike."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    message = str(exc.orig)
    prefix = "UNIQUE constraint failed: "
    return _SQLITE_UNIQUE_COLUMNS.get(message[len(prefix):].strip()) if message.startswith(prefix) else None
