"""Storing an export: read and store chunk by chunk, inside the caller's one transaction.

    with transaction(engine) as session:
        stored = import_export_file(session, "jd", data, "会话明细.xlsx", tz=tz, at=now, source="file:会话明细.xlsx")

Each chunk of conversations is stored as soon as it is read, so memory holds one chunk, not
the file; a refusal found late (a rating label nobody knows in the last rows) raises, and the
caller's transaction rolls every chunk back: a file is imported whole or not at all. A
per-agent report is stored as the platform's reference totals and compared with the
conversations Baton holds for its days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from domain.reconcile import DayReconciliation, reconcile
from domain.time import day_bounds, days_between, local_day
from storage.conversation_merge import EXAMPLES, Change
from storage.conversations import ConversationBatch, StoredConversations, batch_of, conversations_frame, store_batch
from storage.importers import PRESETS, ColumnPreset, ImportReport, OpenedExport, RejectedRow, open_export
from storage.importers.fields import TOTALS
from storage.importers.limits import DEFAULT_LIMITS, ReadLimits
from storage.importers.report import ChunkRead
from storage.models import Account
from storage.platform_totals import StoredTotals, platform_totals_frame, store_platform_totals


@dataclass(frozen=True)
class StoredImport:
    """What an import read and changed. ``new_ids``: the conversations added; ``duplicate_rows``:
    rows of conversations stored before (another import); ``first_start``/``last_start``: the
    span of the file's conversations, for recompiling those days; ``totals``: a per-agent
    report's rows stored; ``reconciliation``: each day of the file the platform has a count
    for (from this report, or one imported before), against Baton's count."""

    report: ImportReport
    rejected: list[RejectedRow]
    new_ids: list[int]
    duplicate_rows: list[int]
    first_start: datetime | None = None
    last_start: datetime | None = None
    totals: StoredTotals | None = None
    reconciliation: tuple[DayReconciliation, ...] = ()  # days of the file the platform gave a count for
    # Conversations stored before that the file filled in or changed (storage.conversation_merge):
    # their ids, field -> how many, the records with a value changed, a few changes, the records
    # it added nothing to, and the starts (stored and new) of those it updated.
    updated_ids: list[int] = field(default_factory=list)
    filled: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    changed_records: int = 0
    examples: tuple[Change, ...] = ()
    unchanged: int = 0
    updated_starts: list[datetime] = field(default_factory=list)
    unreplied: int = 0  # the file's conversations still without a first reply once stored
    reply_times: bool = True  # whether the file gives a first-reply time at all
    last_reply: datetime | None = None  # the latest first reply in the file: credit by it may land on a later day

    @property
    def new(self) -> int:
        return len(self.new_ids) if self.totals is None else self.totals.new + self.totals.replaced

    @property
    def duplicates(self) -> int:
        return len(self.duplicate_rows)


def import_export_file(
    session: Session,
    account: str,
    data: bytes,
    filename: str,
    *,
    tz: ZoneInfo,
    at: datetime,
    source: str,
    preset: ColumnPreset | None = None,
    presets: Mapping[str, ColumnPreset] = PRESETS,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> StoredImport:
    """Read an export and store it for ``account``. Raises ExportRefused / ExportUnreadable
    (nothing is stored: let the transaction roll back)."""
    opened = open_export(data, filename, tz=tz, preset=preset, presets=presets, limits=limits)
    return store_export(session, account, opened, at=at, source=source)


@dataclass(frozen=True)
class PreparedChunk:
    """A chunk read, without its records: those as the driver takes them, and what the report needs of them."""

    chunk: ChunkRead
    batch: ConversationBatch
    span: tuple[datetime, datetime]
    left_messages: int
    last_reply: datetime | None = None  # the latest first reply of the chunk's conversations


@dataclass(frozen=True)
class PreparedExport:
    """A session list or message log read whole and made ready to store (`prepare_export`), outside any transaction."""

    opened: OpenedExport
    chunks: tuple[ChunkRead | PreparedChunk, ...]

    @property
    def preset(self) -> ColumnPreset:
        return self.opened.preset


def prepare_export(opened: OpenedExport, platform: str, *, sqlite: bool) -> OpenedExport | PreparedExport:
    """Read the whole export and make its conversations what the driver takes (storage.conversations.
    batch_of) before the transaction; the records' frames are let go. A per-agent report is as read."""
    opened = opened.read_ahead()
    if opened.shape == TOTALS:
        return opened
    chunks = tuple(_prepared(chunk, platform, sqlite, known_fields(opened)) for chunk in opened.chunks())
    # The frames read are let go: what the store needs of them is in the batches.
    return PreparedExport(replace(opened, read=tuple(c.chunk if isinstance(c, PreparedChunk) else c for c in chunks)), chunks)


def known_fields(opened: OpenedExport) -> frozenset[str]:
    """The record fields the file gives, read from a column or made from others."""
    return frozenset(opened.fields) | frozenset(opened.derived)


def _prepared(chunk: ChunkRead, platform: str, sqlite: bool, known: frozenset[str]) -> ChunkRead | PreparedChunk:
    records = chunk.records
    if records is None or records.empty:
        return chunk.without_data()
    span = (records["start"].min().to_pydatetime(), records["start"].max().to_pydatetime())
    batch = batch_of(records, platform, sqlite=sqlite, known_fields=known)
    replies = records["start"] + pd.to_timedelta(records["first_response_s"], unit="s")
    last_reply = replies.max().to_pydatetime() if replies.notna().any() else None
    return PreparedChunk(chunk.without_data(), batch, span, int(records["left_message"].sum()), last_reply)


def store_export(session: Session, account: str, opened: OpenedExport | PreparedExport, *, at: datetime, source: str) -> StoredImport:
    platform = session.execute(select(col(Account.platform)).where(col(Account.key) == account)).scalar_one()
    if isinstance(opened, OpenedExport) and opened.shape == TOTALS:
        return _store_totals(session, account, platform, opened, at, source)
    if isinstance(opened, OpenedExport):
        sqlite = session.connection().dialect.name == "sqlite"
        opened = PreparedExport(opened, tuple(_prepared(c, platform, sqlite, known_fields(opened)) for c in opened.chunks()))
    kept, new_ids, duplicate_rows, spans, replies = [], [], [], [], []
    records = left_messages = 0
    merged = _MergedSoFar()
    for prepared in opened.chunks:
        if not isinstance(prepared, PreparedChunk):
            kept.append(prepared)
            continue
        kept.append(prepared.chunk)
        stored = store_batch(session, account, prepared.batch, at, source)
        new_ids.extend(stored.new_ids)
        duplicate_rows.extend(stored.duplicate_rows)
        merged.add(stored)
        records += len(prepared.batch)
        left_messages += prepared.left_messages
        spans.append(prepared.span)
        if prepared.last_reply is not None:
            replies.append(prepared.last_reply)
    report = opened.opened.report(kept, records, left_messages)
    rejected = [r for c in kept for r in c.rejected]
    first = min((s for s, _ in spans), default=None)
    last = max((e for _, e in spans), default=None)
    # Days the platform's report already counted are checked against what this file added.
    days = (
        days_between(local_day(first, opened.opened.tz), local_day(last, opened.opened.tz))
        if first is not None and last is not None
        else []
    )
    reconciliation = _reconcile(session, account, days, opened.opened.tz) if days else ()
    return StoredImport(
        report,
        rejected,
        new_ids,
        duplicate_rows,
        first,
        last,
        reconciliation=reconciliation,
        updated_ids=merged.updated_ids,
        filled=merged.filled,
        changed=merged.changed,
        changed_records=merged.changed_records,
        examples=tuple(merged.examples[:EXAMPLES]),
        unchanged=merged.unchanged,
        updated_starts=merged.starts,
        unreplied=merged.unreplied,
        reply_times="first_response_s" in known_fields(opened.opened),
        last_reply=max(replies, default=None),
    )


@dataclass
class _MergedSoFar:
    """What the chunks stored so far filled in and changed."""

    updated_ids: list[int] = field(default_factory=list)
    filled: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    changed_records: int = 0
    examples: list[Change] = field(default_factory=list)
    unchanged: int = 0
    starts: list[datetime] = field(default_factory=list)
    unreplied: int = 0

    def add(self, stored: StoredConversations) -> None:
        self.updated_ids += stored.updated_ids
        self.filled += stored.merged.filled
        self.changed += stored.merged.changed
        self.changed_records += stored.merged.changed_records
        self.examples += stored.merged.examples
        self.unchanged += stored.merged.unchanged
        self.starts += stored.merged.starts
        self.unreplied += stored.unreplied


def _store_totals(session: Session, account: str, platform: str, opened: OpenedExport, at: datetime, source: str) -> StoredImport:
    chunks = list(opened.chunks())
    stored_rows = 0
    new = replaced = 0
    days: set[date] = set()
    changed: set[date] = set()
    for chunk in chunks:
        if chunk.totals is None or chunk.totals.empty:
            continue
        stored = store_platform_totals(session, account, platform, opened.preset.name, chunk.totals, at, source)
        stored_rows += len(chunk.totals)
        new, replaced = new + stored.new, replaced + stored.replaced
        days.update(stored.days)
        changed.update(stored.changed_days)
    report = opened.report([c.without_data() for c in chunks], stored_rows)
    rejected = [r for c in chunks for r in c.rejected]
    reconciliation = _reconcile(session, account, sorted(days), opened.tz) if days else ()
    return StoredImport(
        report,
        rejected,
        [],
        [],
        totals=StoredTotals(new, replaced, tuple(sorted(days)), tuple(sorted(changed))),
        reconciliation=reconciliation,
    )


def _reconcile(session: Session, account: str, days: list[date], tz: ZoneInfo) -> tuple[DayReconciliation, ...]:
    totals = platform_totals_frame(session, days[0], days[-1])
    totals = totals[totals["account"] == account]
    if totals.empty:  # no reference for these days: spare reading a month of conversations back
        return ()
    start, end = day_bounds(days[0], tz)[0], day_bounds(days[-1], tz)[1]
    conversations = conversations_frame(session, start, end)
    mine = reconcile(totals, conversations[conversations["account"] == account], tz)
    return tuple(day for day in mine if day.day in set(days))


__all__ = ["PreparedExport", "StoredImport", "import_export_file", "prepare_export", "store_export"]
