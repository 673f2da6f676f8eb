"""An export file -> conversation records in UTC, plus the rows that could not be read.

The file as a whole either fits a column preset or is refused (ExportRefused); inside a
file that fits, each row stands alone: a bad cell rejects its row, with the row number a
spreadsheet user sees, and the rest is imported. Nothing here touches a database: the
caller stores ``records`` and reports ``rejected``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from domain.time import TS_DTYPE
from storage.importers.errors import (
    AMBIGUOUS_FORMAT,
    DUPLICATE_IN_FILE,
    MISSING_COLUMNS,
    UNKNOWN_FORMAT,
    ExportRefused,
    RejectedRow,
)
from storage.importers.presets import FIELDS, PRESETS, ColumnPreset
from storage.importers.table import read_table_with_encoding
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
    "start": TS_DTYPE,
    "first_response_s": "float64",
    "avg_response_s": "float64",
    "customer_messages": "Int64",
    "agent_messages": "Int64",
    "rating": object,
    "resolved": "boolean",
    "inquiry": "bool",
    "paid": "bool",
    "raw": object,
}
RECORD_COLUMNS = tuple(RECORD_DTYPES)


@dataclass(frozen=True)
class ParsedExport:
    """What a file held. ``rows_read`` counts the non-blank data rows; every one of them is
    either in ``records`` or in ``rejected``. ``columns`` says which header each field was
    read from. ``encoding`` is the codec of a CSV ('utf-8', 'utf-8-sig', 'gb18030'); an
    XLSX is 'utf-8', as its XML always is."""

    preset: str
    platform: str
    encoding: str
    rows_read: int
    records: pd.DataFrame
    rejected: list[RejectedRow]
    columns: dict[str, str] = field(default_factory=dict)


def parse_export(
    data: bytes,
    filename: str,
    *,
    tz: ZoneInfo,
    preset: ColumnPreset | None = None,
    presets: Mapping[str, ColumnPreset] = PRESETS,
) -> ParsedExport:
    """Read a CSV/XLSX export with ``preset``, or with the one of ``presets`` its headers fit.

    Raises ExportRefused when the columns do not fit and ExportUnreadable when the bytes are
    not a readable table."""
    table, encoding = read_table_with_encoding(data, filename)
    headers = [str(h) for h in table.columns]
    if preset is None:
        preset = choose_preset(headers, presets)
    else:
        _require_columns(preset, headers)
    columns = preset.match(headers)
    records, rejected = _read_rows(table, headers, columns, preset, tz)
    return ParsedExport(
        preset=preset.name,
        platform=preset.platform,
        encoding=encoding,
        rows_read=len(table),
        records=records,
        rejected=rejected,
        columns=columns,
    )


def choose_preset(headers: Sequence[str], presets: Mapping[str, ColumnPreset]) -> ColumnPreset:
    """The preset whose required columns are all among ``headers``. When several fit, the
    one that recognises the most columns; a tie is refused as ambiguous, as is no fit."""
    fitting = [p for p in presets.values() if not p.missing(headers)]
    if fitting:
        coverage = {p.name: len(p.match(headers)) for p in fitting}
        best = max(coverage.values())
        leaders = [p for p in fitting if coverage[p.name] == best]
        if len(leaders) == 1:
            return leaders[0]
        expected = list(dict.fromkeys(h for p in leaders for h in _required_headers(p)))
        raise ExportRefused(expected, headers, [], reason=AMBIGUOUS_FORMAT, candidates=[p.name for p in leaders])
    if not presets:
        raise ValueError("no presets to choose from")
    ranked = list(presets.values())
    closest = min(ranked, key=lambda p: (len(p.missing(headers)), -len(p.match(headers)), ranked.index(p)))
    raise _refusal(
        closest,
        headers,
        UNKNOWN_FORMAT,
        candidates=[p.name for p in ranked],
        expected_by_preset={p.name: _required_headers(p) for p in ranked},
    )


def _require_columns(preset: ColumnPreset, headers: Sequence[str]) -> None:
    if preset.missing(headers):
        raise _refusal(preset, headers, MISSING_COLUMNS)


def _refusal(
    preset: ColumnPreset,
    headers: Sequence[str],
    reason: str,
    candidates: Sequence[str] = (),
    expected_by_preset: dict[str, list[str]] | None = None,
) -> ExportRefused:
    missing_fields = preset.missing(headers)
    return ExportRefused(
        _required_headers(preset),
        headers,
        [preset.header_for(f) for f in missing_fields],
        reason=reason,
        preset=preset.name,
        candidates=candidates,
        accepted_aliases={preset.header_for(f): list(preset.columns[f][1:]) for f in missing_fields},
        expected_by_preset=expected_by_preset,
    )


def _required_headers(preset: ColumnPreset) -> list[str]:
    return [preset.header_for(f) for f in FIELDS if f in preset.required]


def _read_rows(
    table: pd.DataFrame, headers: list[str], columns: dict[str, str], preset: ColumnPreset, tz: ZoneInfo
) -> tuple[pd.DataFrame, list[RejectedRow]]:
    readers = cell_readers(preset, tz)
    positions = {f: headers.index(h) for f, h in columns.items()}
    accepted: list[dict[str, Any]] = []
    rejected: list[RejectedRow] = []
    first_row_of_id: dict[str, int] = {}
    for row_number, cells in zip(table.index, table.itertuples(index=False, name=None), strict=True):
        texts = {name: str(cells[position]) for name, position in positions.items()}
        record = read_record(int(row_number), texts, readers, columns)
        if isinstance(record, RejectedRow):
            rejected.append(record)
            continue
        # First readable occurrence wins, so a broken first copy does not cost the good one.
        external_id, number = record["external_id"], record["row_number"]
        kept = first_row_of_id.setdefault(external_id, number)
        if kept != number:
            detail = f"conversation id {external_id!r} already appears in row {kept}"
            rejected.append(RejectedRow(number, DUPLICATE_IN_FILE, detail, columns["external_id"], external_id))
            continue
        record["raw"] = dict(zip(headers, (str(c) for c in cells), strict=True))
        accepted.append(record)
    return records_frame(accepted), rejected


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
    each field came from (a header, a JSON key) for the rejection. Shared by the file
    importer and the pull connector so both apply the same value rules."""
    record: dict[str, Any] = {"row_number": row_number}
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
    """Accepted records (each with every RECORD_COLUMNS key) -> the records frame, typed by RECORD_DTYPES."""
    columns: dict[str, pd.Series] = {}
    for name, dtype in RECORD_DTYPES.items():
        values = [r[name] for r in records]
        columns[name] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(columns).reset_index(drop=True)


__all__ = [
    "RECORD_COLUMNS",
    "RECORD_DTYPES",
    "CellReader",
    "ParsedExport",
    "cell_readers",
    "choose_preset",
    "parse_export",
    "read_record",
    "records_frame",
]
