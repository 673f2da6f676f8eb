"""What an import found, as data: the bot and `baton inspect` turn it into words.

Reading yields ChunkRead pieces (a chunk's records or totals plus what was left out of it);
build_report folds the pieces, without their records, into one ImportReport.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from storage.importers.errors import RejectedRow
from storage.importers.fields import TOTALS
from storage.importers.summary import SummaryRow

# What a missing column means for the conversations of the file.
NO_RESPONSE_METRICS = "no_response_metrics"  # 首次响应 absent: response metrics show — for them
NO_AVG_RESPONSE = "no_avg_response"
NO_SATISFACTION = "no_satisfaction"
NO_CONVERSION = "no_conversion"
CONVERSION_NEEDS_INQUIRY = "conversion_needs_inquiry"  # a paid column without an inquiry column
NO_RESOLUTION = "no_resolution"
NO_MESSAGE_COUNTS = "no_message_counts"
CUSTOMERS_UNKNOWN = "customers_unknown"  # 接待人数 is compared with conversations, not people
CONSEQUENCES = (
    NO_RESPONSE_METRICS, NO_AVG_RESPONSE, NO_SATISFACTION, NO_CONVERSION, CONVERSION_NEEDS_INQUIRY,
    NO_RESOLUTION, NO_MESSAGE_COUNTS, CUSTOMERS_UNKNOWN,
)  # fmt: skip

# How a field absent from the file was made anyway.
FROM_KEY = "key"  # external_id from the preset's composite key
FROM_REPLY_TIME = "first_reply_at-start"  # first_response_s from the two timestamps
FROM_MESSAGES = "messages"  # every conversation field from a message log
FROM_PERIOD = "period"  # a report's day from its 统计周期 line or file name
_EXAMPLE_ROWS = 20


@dataclass(frozen=True)
class MessageTally:
    """A message log's grouping: messages read, conversations made, and what was set aside."""

    messages: int = 0
    conversations: int = 0
    system_messages: int = 0  # 系统/机器人 lines: neither the customer nor a person of the shop
    shop_only: int = 0  # runs of shop messages with no customer message (outreach): not conversations
    idle_gap_s: float = 0.0

    def __add__(self, other: MessageTally) -> MessageTally:
        return MessageTally(
            self.messages + other.messages,
            self.conversations + other.conversations,
            self.system_messages + other.system_messages,
            self.shop_only + other.shop_only,
            max(self.idle_gap_s, other.idle_gap_s),
        )


@dataclass(frozen=True)
class ChunkRead:
    """One chunk of an export, read. ``records`` (sessions, messages) or ``totals`` (reports)
    hold what is to be stored; the rest says what was left out and why."""

    rows_read: int = 0
    records: pd.DataFrame | None = None
    totals: pd.DataFrame | None = None
    rejected: tuple[RejectedRow, ...] = ()
    summary_rows: tuple[SummaryRow, ...] = ()
    not_final: Mapping[str, tuple[int, ...]] = field(default_factory=dict)  # field -> row numbers
    messages: MessageTally | None = None

    def without_data(self) -> ChunkRead:
        return replace(self, records=None, totals=None)


@dataclass(frozen=True)
class AbsentField:
    field: str
    consequence: str  # one of CONSEQUENCES
    conversations: int  # how many of the file's conversations it affects


@dataclass(frozen=True)
class RejectedGroup:
    reason: str  # one of ROW_REASONS
    count: int
    rows: tuple[int, ...]  # the first row numbers, up to 20


@dataclass(frozen=True)
class NotFinal:
    """Cells reading 延迟统计: the platform had not finished counting; stored as unknown."""

    field: str
    header: str
    count: int
    rows: tuple[int, ...]  # the first row numbers, up to 20


@dataclass(frozen=True)
class ImportReport:
    """Everything an import can say about the file, as codes and numbers.

    ``fields``: field -> the header it was read from; ``derived``: field -> how it was made
    without a column (FROM_KEY, FROM_REPLY_TIME, FROM_MESSAGES, FROM_PERIOD); ``absent``: the
    fields neither read nor derived that something depends on; ``unused_headers``: columns no
    field took (kept in each record's raw row); ``records``: conversations (or report rows)
    read; ``rows_read``: data rows, summary rows excluded; each is a record, rejected, or one
    of a message log's grouped messages."""

    shape: str
    preset: str
    platform: str
    file_format: str
    encoding: str
    header_rows: tuple[int, ...]
    rows_read: int
    records: int
    fields: Mapping[str, str]
    derived: Mapping[str, str]
    absent: tuple[AbsentField, ...]
    unused_headers: tuple[str, ...]
    rejected: tuple[RejectedGroup, ...]
    summary_rows: tuple[SummaryRow, ...]
    not_final: tuple[NotFinal, ...]
    duplicates_in_file: int
    left_messages: int = 0
    messages: MessageTally | None = None
    period: tuple[date, date] | None = None


def build_report(
    *,
    shape: str,
    preset: str,
    platform: str,
    file_format: str,
    encoding: str,
    header_rows: tuple[int, ...],
    headers: Iterable[str],
    fields: Mapping[str, str],
    derived: Mapping[str, str],
    chunks: Iterable[ChunkRead],
    records: int,
    left_messages: int = 0,
    period: tuple[date, date] | None = None,
) -> ImportReport:
    chunks = list(chunks)
    rejected = [r for c in chunks for r in c.rejected]
    by_reason: dict[str, list[int]] = defaultdict(list)
    for row in rejected:
        by_reason[row.reason].append(row.row_number)
    not_final: dict[str, list[int]] = defaultdict(list)
    for chunk in chunks:
        for name, rows in chunk.not_final.items():
            not_final[name].extend(rows)
    tallies = [c.messages for c in chunks if c.messages is not None]
    return ImportReport(
        shape=shape,
        preset=preset,
        platform=platform,
        file_format=file_format,
        encoding=encoding,
        header_rows=header_rows,
        rows_read=sum(c.rows_read for c in chunks),
        records=records,
        fields=dict(fields),
        derived=dict(derived),
        absent=absent_fields(shape, fields, derived, records),
        unused_headers=tuple(h for h in headers if h not in set(fields.values())),
        rejected=tuple(RejectedGroup(reason, len(rows), tuple(rows[:_EXAMPLE_ROWS])) for reason, rows in by_reason.items()),
        summary_rows=tuple(s for c in chunks for s in c.summary_rows),
        not_final=tuple(NotFinal(name, fields.get(name, name), len(rows), tuple(rows[:_EXAMPLE_ROWS])) for name, rows in not_final.items()),
        duplicates_in_file=Counter(r.reason for r in rejected)["duplicate_in_file"],
        left_messages=left_messages,
        messages=sum(tallies[1:], tallies[0]) if tallies else None,
        period=period,
    )


def absent_fields(shape: str, fields: Mapping[str, str], derived: Mapping[str, str], conversations: int) -> tuple[AbsentField, ...]:
    """The conversation facts this file cannot give, and what each absence costs."""
    if shape == TOTALS:
        return ()
    have = set(fields) | set(derived)
    absent = []

    def lacks(name: str, consequence: str) -> None:
        absent.append(AbsentField(name, consequence, conversations))

    if "first_response_s" not in have:
        lacks("first_response_s", NO_RESPONSE_METRICS)
    if "avg_response_s" not in have:
        lacks("avg_response_s", NO_AVG_RESPONSE)
    if "rating" not in have:
        lacks("rating", NO_SATISFACTION)
    if "inquiry" not in have:
        lacks("inquiry", CONVERSION_NEEDS_INQUIRY if "paid" in have else NO_CONVERSION)
    elif "paid" not in have:
        lacks("paid", NO_CONVERSION)
    if "resolved" not in have:
        lacks("resolved", NO_RESOLUTION)
    if "customer_messages" not in have or "agent_messages" not in have:
        lacks("customer_messages" if "customer_messages" not in have else "agent_messages", NO_MESSAGE_COUNTS)
    if "customer" not in have:
        lacks("customer", CUSTOMERS_UNKNOWN)
    return tuple(absent)


__all__ = [
    "CONSEQUENCES",
    "CONVERSION_NEEDS_INQUIRY",
    "CUSTOMERS_UNKNOWN",
    "FROM_KEY",
    "FROM_MESSAGES",
    "FROM_PERIOD",
    "FROM_REPLY_TIME",
    "NO_AVG_RESPONSE",
    "NO_CONVERSION",
    "NO_MESSAGE_COUNTS",
    "NO_RESOLUTION",
    "NO_RESPONSE_METRICS",
    "NO_SATISFACTION",
    "AbsentField",
    "ChunkRead",
    "ImportReport",
    "MessageTally",
    "NotFinal",
    "RejectedGroup",
    "absent_fields",
    "build_report",
]
