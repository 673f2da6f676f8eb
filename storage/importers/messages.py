"""A message log's rows -> conversation records: read in chunks, grouped once, yielded in chunks.

The messages are kept compact while the file is read (a customer code, an instant and who
sent it: 17 bytes a message), so a million-message log is grouped in memory without holding
its text. Who sent a message comes from a yes/no column (JD's waiterSend), a label (买家,
客服, 系统) or a name: the customer's own name is the customer, a 店铺名:子账号 name the shop.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from domain.message_log import group_messages
from storage.importers.columns import ColumnRead, first_problems, not_final_rows, read_cells, read_instants, read_plain_texts
from storage.importers.errors import BAD_SENDER
from storage.importers.fields import IDENTITY_FIELDS, MESSAGES
from storage.importers.preset import ColumnPreset
from storage.importers.record import RECORD_COLUMNS, RECORD_DTYPES
from storage.importers.report import ChunkRead, MessageTally
from storage.importers.sessions import composite_id, instant_keys
from storage.importers.summary import find_summary_rows
from storage.importers.values import CUSTOMER, SHOP, SYSTEM, CellProblem, read_customer, read_flag, read_sender

_SENDER_CODES = {CUSTOMER: 0, SHOP: 1, SYSTEM: 2}


def read_messages(
    frames: Iterator[pd.DataFrame], preset: ColumnPreset, columns: dict[str, str], tz: ZoneInfo, chunk_size: int
) -> Iterator[ChunkRead]:
    """The first ChunkRead says what reading left out; the conversations follow in chunks."""
    names: dict[str, int] = {}
    parts: list[pd.DataFrame] = []
    leftovers: list[ChunkRead] = []
    for frame in frames:
        compact, chunk = _read_chunk(frame, preset, columns, tz, names)
        parts.append(compact)
        leftovers.append(chunk)
    messages = (
        pd.concat(parts, ignore_index=True)
        if parts
        else _compact(
            np.array([], dtype=np.int32),
            pd.Series([], dtype="datetime64[us, UTC]"),
            np.array([], dtype=np.int8),
            np.array([], dtype=np.int64),
        )
    )
    system = messages["sender"].to_numpy() == _SENDER_CODES[SYSTEM]
    human = messages.loc[~system]
    grouped = group_messages(
        pd.DataFrame(
            {"customer": human["customer"], "at": human["at"], "from_shop": human["sender"] == 1, "row_number": human["row_number"]}
        ),
        preset.idle_gap,
    )
    customers = np.array(list(names), dtype=object)
    conversations = grouped.conversations
    tally = MessageTally(len(messages), len(conversations), int(system.sum()), grouped.shop_only, preset.idle_gap / timedelta(seconds=1))
    for position, chunk in enumerate(leftovers):
        yield ChunkRead(chunk.rows_read, None, None, chunk.rejected, chunk.summary_rows, chunk.not_final, tally if position == 0 else None)
    for start in range(0, len(conversations), chunk_size):
        yield ChunkRead(records=_records(conversations.iloc[start : start + chunk_size], customers))


def _read_chunk(
    frame: pd.DataFrame, preset: ColumnPreset, columns: dict[str, str], tz: ZoneInfo, names: dict[str, int]
) -> tuple[pd.DataFrame, ChunkRead]:
    summary, summary_rows = find_summary_rows(frame, [columns[f] for f in IDENTITY_FIELDS[MESSAGES] if f in columns])
    frame = frame.loc[~summary]
    rows = frame.index.to_numpy(dtype=np.int64)
    read = {
        "time": read_instants(frame[columns["time"]], tz, required=True),
        "customer": read_plain_texts(frame[columns["customer"]], read_customer),
    }
    if "from_shop" in columns:
        read["from_shop"] = _from_shop(frame[columns["from_shop"]], preset)
        sender = read["from_shop"]
    else:
        read["sender"] = _sender(frame[columns["sender"]], read["customer"].values, preset)
        sender = read["sender"]

    rejected_at = first_problems(read, preset.fields, columns, frame)
    kept = np.ones(len(frame), dtype=bool)
    kept[list(rejected_at)] = False

    local, distinct = pd.factorize(read["customer"].values[kept].astype(object))
    known = np.array([names.setdefault(name, len(names)) for name in distinct], dtype=np.int32)
    codes = known[local] if len(local) else np.array([], dtype=np.int32)
    compact = _compact(codes, read["time"].values[kept], sender.values[kept].to_numpy(dtype=np.int8), rows[kept])
    not_final = not_final_rows(read, frame)
    rejected = tuple(rejected_at[p] for p in sorted(rejected_at))
    return compact, ChunkRead(len(frame), None, None, rejected, tuple(summary_rows), not_final)


def _from_shop(texts: pd.Series, preset: ColumnPreset) -> ColumnRead:
    def code(text: str) -> int:
        value = read_flag(text, preset.boolean_labels)
        if value is None:
            raise CellProblem(BAD_SENDER, "the sender is empty")
        return _SENDER_CODES[SHOP if value else CUSTOMER]

    return read_cells(texts, code)


def _sender(texts: pd.Series, customers: pd.Series, preset: ColumnPreset) -> ColumnRead:
    """By label; else a name: the customer's own is the customer, 店铺名:子账号 is the shop."""
    labelled = read_cells(texts, lambda text: read_sender(text, preset.sender_labels))
    names = texts.astype(object).str.strip()
    codes = labelled.values.map(_SENDER_CODES).to_numpy(dtype=np.float64).copy()
    unnamed = np.isnan(codes) & ~labelled.unreadable
    own = unnamed & (names.to_numpy(dtype=object) == customers.to_numpy(dtype=object))
    shop_style = unnamed & ~own & names.str.contains("[:：]", regex=True).to_numpy(dtype=bool)
    codes[own] = _SENDER_CODES[CUSTOMER]
    codes[shop_style] = _SENDER_CODES[SHOP]
    problems = labelled.problems.copy()
    for position in np.flatnonzero(unnamed & ~own & ~shop_style):
        problems[position] = CellProblem(BAD_SENDER, f"{names.iloc[position]!r} is neither the customer nor a shop account")
    values = pd.Series(np.nan_to_num(codes, nan=-1).astype(np.int8), index=texts.index)
    return ColumnRead(values, problems, labelled.not_final)


def _compact(customers: np.ndarray, at: pd.Series, senders: np.ndarray, rows: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"customer": customers, "at": at.reset_index(drop=True), "sender": senders, "row_number": rows})


def _records(conversations: pd.DataFrame, customers: np.ndarray) -> pd.DataFrame:
    names = customers[conversations["customer"].to_numpy(dtype=np.int64)]
    starts = instant_keys(conversations["start"])
    raw = [
        json.dumps({"customer": name, "messages": int(count), "first_row": int(first), "last_row": int(last)}, ensure_ascii=False)
        for name, count, first, last in zip(
            names, conversations["messages"], conversations["first_row"], conversations["last_row"], strict=True
        )
    ]
    count = len(conversations)
    columns = {
        "row_number": conversations["first_row"].to_numpy(dtype=np.int64),
        "external_id": [composite_id([name, start]) for name, start in zip(names, starts, strict=True)],
        "customer": names,
        "start": conversations["start"].to_numpy(),
        "first_response_s": conversations["first_response_s"].to_numpy(),
        "avg_response_s": conversations["avg_response_s"].to_numpy(),
        "customer_messages": conversations["customer_messages"].to_numpy(),
        "agent_messages": conversations["agent_messages"].to_numpy(),
        "rating": [None] * count,
        "resolved": pd.array([pd.NA] * count, dtype="boolean"),
        "inquiry": np.zeros(count, dtype=bool),
        "paid": np.zeros(count, dtype=bool),
        "left_message": np.zeros(count, dtype=bool),
        "raw": raw,
    }
    return pd.DataFrame({name: pd.Series(columns[name]).astype(RECORD_DTYPES[name]) for name in RECORD_COLUMNS})


__all__ = ["read_messages"]
