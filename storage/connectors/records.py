"""Conversation objects of an API page -> the records frame the file importer produces.

The values go through the file importer's readers (the generic preset's labels), so a
rating, a yes/no or a time means the same whether it came from a file or from the API.
A record with a value that cannot be read is rejected, with the same reason codes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from storage.importers.errors import BAD_FLAG, BAD_ID, BAD_NUMBER, BAD_RATING, BAD_TIME, MISSING_ID, RejectedRow
from storage.importers.presets import FIELDS, GENERIC
from storage.importers.record import cell_readers, read_record, records_frame
from storage.importers.values import CellProblem

# field of a record -> its key in the API's JSON; the rest share the field's name.
JSON_KEYS: Mapping[str, str] = {name: {"external_id": "id", "start": "started_at"}.get(name, name) for name in FIELDS}

# The reason a field is rejected for when its JSON value is a list or an object.
_SHAPE_REASONS = {
    "external_id": BAD_ID,
    "start": BAD_TIME,
    "rating": BAD_RATING,
    "resolved": BAD_FLAG,
    "inquiry": BAD_FLAG,
    "paid": BAD_FLAG,
}


@dataclass(frozen=True)
class RejectedRecord:
    """A conversation of the API left out. ``page`` counts the pages of the run from 1,
    ``position`` the records of the page from 1. ``reason`` is one of
    storage.importers.ROW_REASONS; ``key`` and ``value`` say which JSON value was at fault."""

    page: int
    position: int
    external_id: str | None
    reason: str
    detail: str
    key: str | None = None
    value: str | None = None


def read_conversations(items: Sequence[Any], tz: ZoneInfo, *, page: int) -> tuple[pd.DataFrame, list[RejectedRecord]]:
    """The readable conversations of a page as a records frame (row_number = position in
    the page, raw = the whole JSON object), and the others as rejections."""
    readers = cell_readers(GENERIC, tz)
    accepted: list[dict[str, Any]] = []
    rejected: list[RejectedRecord] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            rejected.append(RejectedRecord(page, position, None, MISSING_ID, f"expected a JSON object, got {_json_type(item)}"))
            continue
        record = _read_item(position, item, readers)
        if isinstance(record, RejectedRow):
            rejected.append(RejectedRecord(page, position, _id_of(item), record.reason, record.detail, record.column, record.value))
            continue
        record["raw"] = item
        accepted.append(record)
    return records_frame(accepted), rejected


def _read_item(position: int, item: dict[str, Any], readers) -> dict[str, Any] | RejectedRow:
    texts: dict[str, str] = {}
    for name, key in JSON_KEYS.items():
        try:
            texts[name] = _as_text(name, item.get(key))
        except CellProblem as problem:
            value = json.dumps(item.get(key), ensure_ascii=False, default=str)
            return RejectedRow(position, problem.reason, f"{key}: {problem.detail}", key, value)
    return read_record(position, texts, readers, JSON_KEYS)


def _as_text(name: str, value: Any) -> str:
    """A JSON value as the text the importer's readers take."""
    if value is None:
        return ""
    if name == "external_id" and not _is_id(value):
        # A float id may have lost digits already, and true is no id at all.
        raise CellProblem(BAD_ID, f"the id must be a string or a whole number, got {_json_type(value)}")
    if isinstance(value, bool):
        # The yes/no reader knows true/false; the number readers refuse them, as they should.
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise CellProblem(_SHAPE_REASONS.get(name, BAD_NUMBER), f"expected a single value, got {_json_type(value)}")


def _is_id(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


def _id_of(item: dict[str, Any]) -> str | None:
    value = item.get(JSON_KEYS["external_id"])
    return str(value).strip() if _is_id(value) else None


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}.get(type(value), "a number")


__all__ = ["JSON_KEYS", "RejectedRecord", "read_conversations"]
