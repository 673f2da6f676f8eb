"""Conversation records: storing imported ones once, and loading them as frames for attribution."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from itertools import compress

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session, col

from storage.accounts import Accounts
from storage.bulk import driver_values, insert_rows, select_in, update_rows
from storage.conversation_merge import MERGED, Merged, merge
from storage.models import ConnectorCursor, ConversationRow
from storage.types import fetch_raw, raw, table_of, utc_series


def _account_ids(session: Session) -> dict[str, int]:
    return Accounts(session).ids


@dataclass(frozen=True)
class StoredConversations:
    """What storing a batch did. ``new_ids``: conversations added; ``duplicate_rows``: spreadsheet
    row numbers of records stored before (by another import, or earlier in this file);
    ``merged``: what those records filled in or changed (storage.conversation_merge);
    ``updated_ids``: the stored conversations it filled or changed; ``unreplied``: the batch's
    conversations, new or stored, still without a first reply."""

    new_ids: list[int]
    duplicate_rows: list[int]
    merged: Merged = field(default_factory=Merged)
    updated_ids: list[int] = field(default_factory=list)
    unreplied: int = 0

    @property
    def new(self) -> int:
        return len(self.new_ids)

    @property
    def duplicates(self) -> int:
        return len(self.duplicate_rows)


def existing_external_ids(session: Session, account_id: int, external_ids: list[str]) -> set[str]:
    return set(_stored_ids(session, account_id, external_ids))


def _stored_ids(session: Session, account_id: int, external_ids: list[str]) -> dict[str, int]:
    """external id -> row id of those already stored for the account."""
    rows = select_in(session, table_of(ConversationRow), ["external_id", "id"], {"account_id": account_id}, "external_id", external_ids)
    return {external_id: id_ for external_id, id_ in rows}


@dataclass(frozen=True)
class ConversationBatch:
    """A chunk's conversations as the driver takes them, made before the transaction that stores
    them (`batch_of`): at 376,521 rows the making costs about a second of Python, which the write
    lock need not wait for. ``columns``: the table's, all but the account and the import's time
    and source, which the transaction knows."""

    platform: str
    external_ids: list[str]
    row_numbers: list[int]
    columns: dict[str, list]
    sqlite: bool  # made for SQLite's driver (instants as text) or another's
    # The record fields the source gives (a file's columns and what it derives); None: all of them.
    known_fields: frozenset[str] | None = None

    def __len__(self) -> int:
        return len(self.external_ids)


def batch_of(records: pd.DataFrame, platform: str, *, sqlite: bool, known_fields: frozenset[str] | None = None) -> ConversationBatch:
    table = table_of(ConversationRow)
    numbers = records["row_number"] if "row_number" in records else pd.Series(0, index=records.index)
    columns = {name: driver_values(table, name, values, sqlite=sqlite) for name, values in _columns(records, platform).items()}
    return ConversationBatch(
        platform, records["external_id"].astype(str).tolist(), [int(n) for n in numbers], columns, sqlite, known_fields
    )


def store_conversations(
    session: Session, account: str, platform: str, records: pd.DataFrame, at: datetime, source: str
) -> StoredConversations:
    """Insert the records not stored before for this account and merge the others into the stored
    ones (storage.conversation_merge); (account, external id) is the identity."""
    if records.empty:
        return StoredConversations([], [])
    return store_batch(session, account, batch_of(records, platform, sqlite=session.connection().dialect.name == "sqlite"), at, source)


def store_batch(session: Session, account: str, batch: ConversationBatch, at: datetime, source: str) -> StoredConversations:
    """Insert the batch's conversations not stored before for this account; merge the others.

    Rows go in by the slice (storage.bulk), not as an ORM object each: a 200,000-row export
    is stored in about a second. A record stored before is compared with the stored one in one
    read and, when the file fills or changes something, written back in one executemany; an
    unchanged one costs no write. The caller's transaction holds it all.
    """
    account_id = _account_ids(session)[account]
    if not batch:
        return StoredConversations([], [])
    ids = batch.external_ids
    stored = _stored_rows(session, account_id, ids)
    known = set(stored["external_id"])
    fresh = np.zeros(len(ids), dtype=bool)
    again = np.zeros(len(ids), dtype=bool)  # stored before this batch: merged
    seen: set[str] = set()
    for position, identity in enumerate(ids):
        fresh[position] = identity not in known and identity not in seen
        again[position] = identity in known and identity not in seen
        seen.add(identity)
    duplicates = [n for n, new in zip(batch.row_numbers, fresh, strict=True) if not new]
    merged = _merge(session, batch, stored, again, at, source)
    count = int(fresh.sum())
    unreplied = merged.unreplied + sum(1 for v in compress(batch.columns["first_response_s"], fresh) if v is None)
    table = table_of(ConversationRow)
    sqlite = session.connection().dialect.name == "sqlite"
    if batch.sqlite != sqlite:
        raise ValueError("a batch made for another database's driver")
    columns = {name: values if count == len(ids) else list(compress(values, fresh)) for name, values in batch.columns.items()}
    columns |= {
        "account_id": [account_id] * count,
        "imported_at": driver_values(table, "imported_at", [at], sqlite=sqlite) * count,
        "source": [source] * count,
    }
    before = _last_id(session)
    insert_rows(session, table, columns, rendered=list(columns))
    new_ids = _inserted_ids(session, before, count)
    if new_ids is None:
        new_ids = _ids_of(session, account_id, list(compress(ids, fresh)))
    return StoredConversations(new_ids, duplicates, merged, merged.row_ids, unreplied)


def _stored_rows(session: Session, account_id: int, external_ids: list[str]) -> pd.DataFrame:
    """The stored records of these ids, as the driver reads them: id, external id and the merged facts."""
    names = ["id", "external_id", *MERGED]
    rows = select_in(session, table_of(ConversationRow), names, {"account_id": account_id}, "external_id", external_ids)
    # Column by column, as objects: from_records would inspect every value's type first.
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pd.DataFrame({name: pd.Series(values, dtype=object) for name, values in zip(names, columns, strict=True)})


def _merge(session: Session, batch: ConversationBatch, stored: pd.DataFrame, again: np.ndarray, at: datetime, source: str) -> Merged:
    """Merge the batch's records stored before into their rows, and write back the ones it filled or changed."""
    positions = np.flatnonzero(again)
    if not len(positions):
        return Merged()
    every = len(positions) == len(batch)
    incoming = pd.DataFrame(
        {name: pd.Series(batch.columns[name] if every else [batch.columns[name][p] for p in positions], dtype=object) for name in MERGED}
    ).set_axis(positions)
    external_ids = [batch.external_ids[p] for p in positions]
    rows = stored.take(pd.Index(stored["external_id"]).get_indexer(external_ids)).reset_index(drop=True)
    merged = merge(rows, incoming, external_ids, batch.known_fields)
    if merged.row_ids:
        table = table_of(ConversationRow)
        sqlite = session.connection().dialect.name == "sqlite"
        count = len(merged.row_ids)
        columns = {
            **merged.values,
            "raw": [batch.columns["raw"][p] for p in merged.positions],
            "imported_at": driver_values(table, "imported_at", [at], sqlite=sqlite) * count,
            "source": [source] * count,
        }
        update_rows(session, table, merged.row_ids, columns)
    return merged


def _ids_of(session: Session, account_id: int, external_ids: list[str]) -> list[int]:
    found = _stored_ids(session, account_id, external_ids)
    return [found[external_id] for external_id in external_ids]


def _last_id(session: Session) -> int:
    return session.execute(select(func.coalesce(func.max(col(ConversationRow.id)), 0))).scalar_one()


def _inserted_ids(session: Session, before: int, count: int) -> list[int] | None:
    """The ids of the ``count`` rows just inserted after id ``before``, without reading them back.

    On SQLite the transaction holds the only write lock and a new row's id is one more than the
    largest, so the rows are before+1 … before+count; checked by one indexed count, because
    reading 200,000 ids back by external id costs seconds of that lock. PostgreSQL's writers
    interleave, and there the ids are read back (None)."""
    if count == 0:
        return []
    if session.connection().dialect.name != "sqlite":
        return None
    table = table_of(ConversationRow)
    found, last = session.execute(select(func.count(), func.max(table.c.id)).where(table.c.id > before)).one()
    return list(range(before + 1, before + count + 1)) if (found, last) == (count, before + count) else None


def _columns(records: pd.DataFrame, platform: str) -> dict[str, list | pd.Series]:
    """The records as the table's columns but the account and the import's time and source; NaN and NA become NULL."""
    count = len(records)

    def optional(name: str, convert=None) -> list:
        if name not in records:
            return [None] * count
        values = records[name].astype(object).where(records[name].notna(), None).tolist()
        return values if convert is None else [None if v is None else convert(v) for v in values]

    def flag(name: str) -> list[bool]:
        if name not in records:
            return [False] * count
        return records[name].astype("boolean").fillna(False).astype(bool).tolist()

    raw = records["raw"].tolist() if "raw" in records else ["{}"] * count
    return {
        "platform": [platform] * count,
        "external_id": records["external_id"].astype(str).tolist(),
        "started_at": records["start"],
        "first_response_s": optional("first_response_s", float),
        "avg_response_s": optional("avg_response_s", float),
        "customer_messages": optional("customer_messages", int),
        "agent_messages": optional("agent_messages", int),
        "rating": optional("rating"),
        "resolved": optional("resolved", bool),
        "inquiry": flag("inquiry"),
        "paid": flag("paid"),
        # A file's row arrives as JSON text already; an API's record as its object.
        "raw": [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False, sort_keys=True, default=str) for r in raw],
        "customer": optional("customer", lambda c: str(c)[:128]),
        "left_message": flag("left_message"),
    }


CONVERSATION_COLUMNS = [
    "conversation_id",
    "account",
    "platform",
    "start",
    "first_reply_at",
    "first_response_s",
    "avg_response_s",
    "rating",
    "resolved",
    "inquiry",
    "paid",
    "left_message",
    "customer",
]


def conversation_moments(session: Session, start: datetime, end: datetime) -> pd.DataFrame:
    """What attribution needs of the conversations that started in [start, end): id, account, start, first reply.

    Read as raw driver values, converted column by column and without a join or a sort: at a
    million rows, per-row conversion would cost more than the attribution itself, and the
    attribution orders its input anyway.
    """
    table = table_of(ConversationRow)
    rows = fetch_raw(
        session,
        select(table.c.id, table.c.account_id, raw(table.c.started_at), table.c.first_response_s).where(
            table.c.started_at >= start, table.c.started_at < end
        ),
    )
    frame = pd.DataFrame.from_records(rows, columns=["conversation_id", "account_id", "start", "first_response_s"])
    keys = {id_: key for key, id_ in _account_ids(session).items()}
    return pd.DataFrame(
        {
            "conversation_id": frame["conversation_id"].astype("int64"),
            "account": frame["account_id"].map(keys).astype(object),
            "start": (started := utc_series(frame["start"])),
            "first_reply_at": started + pd.to_timedelta(pd.to_numeric(frame["first_response_s"], errors="coerce"), unit="s"),
        }
    )


def conversations_frame(session: Session, start: datetime, end: datetime) -> pd.DataFrame:
    """The moments plus the facts metrics are computed from."""
    moments = conversation_moments(session, start, end)
    table = table_of(ConversationRow)
    rows = fetch_raw(
        session,
        select(
            table.c.id,
            table.c.platform,
            table.c.first_response_s,
            table.c.avg_response_s,
            table.c.rating,
            table.c.resolved,
            table.c.inquiry,
            table.c.paid,
            table.c.left_message,
            table.c.customer,
        ).where(table.c.started_at >= start, table.c.started_at < end),
    )
    facts = pd.DataFrame.from_records(
        rows,
        columns=[
            "conversation_id",
            "platform",
            "first_response_s",
            "avg_response_s",
            "rating",
            "resolved",
            "inquiry",
            "paid",
            "left_message",
            "customer",
        ],
    )
    facts["conversation_id"] = facts["conversation_id"].astype("int64")
    facts["first_response_s"] = pd.to_numeric(facts["first_response_s"], errors="coerce").astype("float64")
    facts["avg_response_s"] = pd.to_numeric(facts["avg_response_s"], errors="coerce").astype("float64")
    facts["resolved"] = facts["resolved"].astype("boolean")
    facts["inquiry"] = facts["inquiry"].astype(bool)
    facts["paid"] = facts["paid"].astype(bool)
    facts["left_message"] = facts["left_message"].astype(bool)
    facts["customer"] = facts["customer"].astype(object)
    return moments.merge(facts, on="conversation_id", how="left").sort_values("conversation_id", ignore_index=True)[CONVERSATION_COLUMNS]


def get_cursor(session: Session, account: str) -> str | None:
    row = session.get(ConnectorCursor, _account_ids(session)[account])
    return row.cursor if row else None


def set_cursor(session: Session, account: str, cursor: str, at: datetime) -> None:
    account_id = _account_ids(session)[account]
    row = session.get(ConnectorCursor, account_id)
    if row is None:
        session.add(ConnectorCursor(account_id=account_id, cursor=cursor, updated_at=at))
    else:
        row.cursor, row.updated_at = cursor, at
    session.flush()


class Conversations:
    """The conversations table, with what the checks and digests ask of it."""

    def __init__(self, session: Session, accounts: Accounts) -> None:
        self.session = session
        self.accounts = accounts

    def moments(self, start: datetime, end: datetime) -> pd.DataFrame:
        return conversation_moments(self.session, start, end)

    def frame(self, start: datetime, end: datetime) -> pd.DataFrame:
        return conversations_frame(self.session, start, end)

    def store(self, account: str, platform: str, records: pd.DataFrame, at: datetime, source: str) -> StoredConversations:
        return store_conversations(self.session, account, platform, records, at, source)

    def last_at(self, account: str, start: datetime, end: datetime) -> datetime | None:
        return self.session.execute(
            select(func.max(col(ConversationRow.started_at))).where(
                col(ConversationRow.account_id) == self.accounts.ids[account],
                col(ConversationRow.started_at) >= start,
                col(ConversationRow.started_at) < end,
            )
        ).scalar()

    def first_at(self, account: str) -> datetime | None:
        return self.session.execute(
            select(func.min(col(ConversationRow.started_at))).where(col(ConversationRow.account_id) == self.accounts.ids[account])
        ).scalar()

    def any_between(self, account: str, start: datetime, end: datetime) -> bool:
        return (
            self.session.execute(
                select(col(ConversationRow.id))
                .where(
                    col(ConversationRow.account_id) == self.accounts.ids[account],
                    col(ConversationRow.started_at) >= start,
                    col(ConversationRow.started_at) < end,
                )
                .limit(1)
            ).first()
            is not None
        )
