"""The conversation record: the frame every importer produces and store_conversations stores.

Also the per-row reader the pull connector uses for an API page's JSON objects; a file's
rows are read column by column (sessions.py), with the same per-cell readers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from domain.time import TS_DTYPE
from storage.importers.errors import RejectedRow
from storage.importers.fields import FIELDS
from storage.importers.preset import ColumnPreset
from storage.importers.values import (
    CellProblem,
    read_count,
    read_external_id,
    read_flag,
    read_instant,
    read_rating,
    read_seconds,
)

RECORD_DTYPES: Mapping[str, Any] = {
    "row_number": "int64",
    "external_id": "str",
    "customer": object,  # None when the export does not say
    "start": TS_DTYPE,
    "first_response_s": "float64",
    "avg_response_s": "float64",
    "customer_messages": "Int64",
    "agent_messages": "Int64",
    "rating": object,
    "resolved": "boolean",
    "inquiry": "bool",
    "paid": "bool",
    "left_message": "bool",  # JD 留言: a conversation, but out of the response metrics
    "raw": object,  # the source row: JSON text of a file's row, or an API's JSON object
}
RECORD_COLUMNS = tuple(RECORD_DTYPES)
_DEFAULTS = {"customer": None, "left_message": False}

CellReader = Callable[[str], Any]


def cell_readers(preset: ColumnPreset, tz: ZoneInfo) -> dict[str, CellReader]:
    """field -> the reader of its text, with ``preset``'s labels and the team's zone."""

    def flag(text: str) -> bool | None:
        return read_flag(text, preset.boolean_labels)

    return {
        "external_id": read_external_id,
        "start": lambda text: read_instant(text, tz),
        "first_response_s": read_seconds,
        "avg_response_s": read_seconds,
        "customer_messages": read_count,
        "agent_messages": read_count,
        "rating": lambda text: read_rating(text, preset.rating_labels, preset.rating_stars),
        "resolved": flag,
        "inquiry": flag,
        "paid": flag,
    }


def read_record(
    row_number: int,
    texts: Mapping[str, str],
    readers: Mapping[str, CellReader],
    sources: Mapping[str, str],
) -> dict[str, Any] | RejectedRow:
    """One conversation's fields read from their text (an absent field reads as empty), or
    why it is rejected: the first unreadable field, in FIELDS order. ``sources`` names where
    each field came from (a JSON key) for the rejection."""
    record: dict[str, Any] = {"row_number": row_number, **_DEFAULTS}
    for name in FIELDS:
        text = texts.get(name, "")
        try:
            record[name] = readers[name](text)
        except CellProblem as problem:
            column = sources.get(name, name)
            return RejectedRow(row_number, problem.reason, f"{column}: {problem.detail}", column, text)
    # 询单/付款 are counted, not averaged: an unmarked row is simply not an inquiry.
    record["inquiry"] = bool(record["inquiry"])
    record["paid"] = bool(record["paid"])
    return record


def records_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    """Accepted records (dicts with the RECORD_COLUMNS keys) -> the records frame, typed by RECORD_DTYPES."""
    columns = {name: pd.Series([r.get(name, _DEFAULTS.get(name)) for r in records], dtype=dtype) for name, dtype in RECORD_DTYPES.items()}
    return pd.DataFrame(columns).reset_index(drop=True)


def raw_rows(frame: pd.DataFrame) -> list[str]:
    """Each row as the JSON object header -> cell text, for the audit copy of the source row.

    Built from pre-quoted keys and C-escaped values: twice as fast as DataFrame.to_json or a
    json.dumps per row, which matters at 200,000 rows."""
    keys = [json.dumps(str(name), ensure_ascii=False) + ":" for name in frame.columns]
    columns = [frame[name].astype(str).tolist() for name in frame.columns]
    quote = json.encoder.encode_basestring  # the C escaper json.dumps(..., ensure_ascii=False) uses
    return ["{" + ",".join(key + quote(cell) for key, cell in zip(keys, row, strict=True)) + "}" for row in zip(*columns, strict=True)]


__all__ = ["RECORD_COLUMNS", "RECORD_DTYPES", "CellReader", "cell_readers", "raw_rows", "read_record", "records_frame"]
