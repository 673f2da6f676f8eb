"""Conversation records: storing imported ones once, and loading them as frames for attribution."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlmodel import Session, col

from storage.accounts import Accounts
from storage.models import ConnectorCursor, ConversationRow, stored_id
from storage.types import fetch_raw, raw, utc_series

# Large IN lists are slow or refused (SQLite caps bound parameters); look ids up in slices.
_ID_CHUNK = 900


@dataclass(frozen=True)
class StoredConversations:
    new_ids: list[int]
    duplicate_rows: list[int]  # spreadsheet row numbers of records that were already stored

    @property
    def new(self) -> int:
        return len(self.new_ids)

    @property
    def duplicates(self) -> int:
        return len(self.duplicate_rows)


def _account_ids(session: Session) -> dict[str, int]:
    return Accounts(session).ids


def _none_if_missing(value):
    return None if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else value


def existing_external_ids(session: Session, account_id: int, external_ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(external_ids), _ID_CHUNK):
        chunk = external_ids[i : i + _ID_CHUNK]
        found.update(
            session.execute(
                select(col(ConversationRow.external_id)).where(
                    col(ConversationRow.account_id) == account_id, col(ConversationRow.external_id).in_(chunk)
                )
            ).scalars()
        )
    return found


def store_conversations(
    session: Session, account: str, platform: str, records: pd.DataFrame, at: datetime, source: str
) -> StoredConversations:
    """Insert the records not stored before for this account; (account, external id) is the identity."""
    account_id = _account_ids(session)[account]
    ids = [str(x) for x in records["external_id"]]
    known = existing_external_ids(session, account_id, ids)
    rows, duplicates = [], []
    for record in records.to_dict("records"):
        if record["external_id"] in known:
            duplicates.append(int(record.get("row_number", 0)))
            continue
        known.add(record["external_id"])
        rows.append(
            ConversationRow(
                account_id=account_id,
                platform=platform,
                external_id=str(record["external_id"]),
                started_at=record["start"].to_pydatetime(),
                first_response_s=_none_if_missing(record.get("first_response_s")),
                avg_response_s=_none_if_missing(record.get("avg_response_s")),
                customer_messages=_none_if_missing(record.get("customer_messages")),
                agent_messages=_none_if_missing(record.get("agent_messages")),
                rating=_none_if_missing(record.get("rating")),
                resolved=_none_if_missing(record.get("resolved")),
                inquiry=bool(record.get("inquiry", False)),
                paid=bool(record.get("paid", False)),
                raw=json.dumps(record.get("raw", {}), ensure_ascii=False, sort_keys=True, default=str),
                imported_at=at,
                source=source,
            )
        )
    session.add_all(rows)
    session.flush()
    return StoredConversations([stored_id(r) for r in rows], duplicates)


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
]


def conversation_moments(session: Session, start: datetime, end: datetime) -> pd.DataFrame:
    """What attribution needs of the conversations that started in [start, end): id, account, start, first reply.

    Read as raw driver values, converted column by column and without a join or a sort: at a
    million rows, per-row conversion would cost more than the attribution itself, and the
    attribution orders its input anyway.
    """
    started_at = col(ConversationRow.started_at)
    rows = fetch_raw(
        session,
        select(col(ConversationRow.id), col(ConversationRow.account_id), raw(started_at), col(ConversationRow.first_response_s)).where(
            started_at >= start, started_at < end
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
    rows = fetch_raw(
        session,
        select(
            col(ConversationRow.id),
            col(ConversationRow.platform),
            col(ConversationRow.first_response_s),
            col(ConversationRow.avg_response_s),
            col(ConversationRow.rating),
            col(ConversationRow.resolved),
            col(ConversationRow.inquiry),
            col(ConversationRow.paid),
        ).where(col(ConversationRow.started_at) >= start, col(ConversationRow.started_at) < end),
    )
    facts = pd.DataFrame.from_records(
        rows, columns=["conversation_id", "platform", "first_response_s", "avg_response_s", "rating", "resolved", "inquiry", "paid"]
    )
    facts["conversation_id"] = facts["conversation_id"].astype("int64")
    facts["first_response_s"] = pd.to_numeric(facts["first_response_s"], errors="coerce").astype("float64")
    facts["avg_response_s"] = pd.to_numeric(facts["avg_response_s"], errors="coerce").astype("float64")
    facts["resolved"] = facts["resolved"].astype("boolean")
    facts["inquiry"] = facts["inquiry"].astype(bool)
    facts["paid"] = facts["paid"].astype(bool)
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
