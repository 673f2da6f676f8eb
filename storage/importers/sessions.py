"""A session list's rows -> conversation records, a chunk at a time, column by column.

Each field is read as a whole column (columns.py). A row with an unreadable cell is rejected
with the first problem in field order; a rating label nobody knows is not a row's problem but
the file's (read_sessions collects them and refuses the file at the end). The first readable
copy of an id wins; later copies are duplicates in the file. A composite key (customer +
start, for JD's ChatSession whose sid is unusable) becomes the id, deterministically, so the
same session imported twice, from any format, is the same conversation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, MutableMapping
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from storage.importers.columns import (
    ColumnRead,
    first_problems,
    not_final_rows,
    read_cells,
    read_instants,
    read_numbers,
    read_plain_texts,
)
from storage.importers.errors import BAD_RATING, BAD_TIME, DUPLICATE_IN_FILE, RejectedRow
from storage.importers.fields import IDENTITY_FIELDS, SESSIONS
from storage.importers.preset import ColumnPreset
from storage.importers.record import RECORD_COLUMNS, RECORD_DTYPES, raw_rows
from storage.importers.refusals import unknown_ratings
from storage.importers.report import ChunkRead
from storage.importers.summary import find_summary_rows
from storage.importers.values import (
    MAX_ID_LENGTH,
    CellProblem,
    read_count,
    read_customer,
    read_external_id,
    read_flag,
    read_instant,
    read_left_message,
    read_rating,
    read_seconds,
    read_text,
)

_SNIFF_CELLS = 20


def read_sessions(frames: Iterator[pd.DataFrame], preset: ColumnPreset, fields: dict[str, str], tz: ZoneInfo) -> Iterator[ChunkRead]:
    """Read every chunk; raise ExportRefused('unknown_ratings') at the end if a rating label is unknown."""
    seen: dict[str, int] = {}
    unknown: dict[str, None] = {}
    for frame in frames:
        chunk, labels = read_session_chunk(frame, preset, fields, tz, seen)
        unknown.update(dict.fromkeys(labels))
        yield chunk if not unknown else chunk.without_data()
    if unknown:
        raise unknown_ratings(fields["rating"], unknown)


def read_session_chunk(
    frame: pd.DataFrame, preset: ColumnPreset, fields: dict[str, str], tz: ZoneInfo, seen: MutableMapping[str, int]
) -> tuple[ChunkRead, list[str]]:
    """One chunk's records and rejections, and the rating labels in it that nobody knows.
    ``fields``: field -> header; ``seen`` maps the ids of earlier chunks to their rows, for
    duplicates across chunks."""
    summary, summary_rows = find_summary_rows(frame, [fields[f] for f in IDENTITY_FIELDS[SESSIONS] if f in fields])
    frame = frame.loc[~summary]
    rows = frame.index.to_numpy(dtype=np.int64)
    read = {name: _read(name, frame[header], preset, tz) for name, header in fields.items()}

    unknown_labels: list[str] = []
    if "rating" in read:
        bad = np.array([isinstance(p, CellProblem) and p.reason == BAD_RATING for p in read["rating"].problems], dtype=bool)
        if bad.any():
            unknown_labels = list(dict.fromkeys(frame[fields["rating"]][bad].map(str.strip)))
            read["rating"].problems[bad] = None

    external_id = _external_ids(preset, read, len(frame))
    first_response = _first_response(read, fields)
    rejected_at = first_problems(read, preset.fields, fields, frame)

    accepted = np.ones(len(frame), dtype=bool)
    accepted[list(rejected_at)] = False
    id_header = fields.get("external_id") or "+".join(fields[f] for f in preset.key)
    for position in np.flatnonzero(accepted).tolist():
        identity = external_id[position]
        kept = seen.setdefault(identity, int(rows[position]))
        if kept != rows[position]:
            accepted[position] = False
            detail = f"conversation id {identity!r} already appears in row {kept}"
            rejected_at[position] = RejectedRow(int(rows[position]), DUPLICATE_IN_FILE, detail, id_header, identity)

    records = _records(frame, read, external_id, first_response, accepted)
    not_final = not_final_rows(read, frame)
    rejected = tuple(rejected_at[p] for p in sorted(rejected_at))
    return ChunkRead(len(frame), records, None, rejected, tuple(summary_rows), not_final), unknown_labels


def composite_id(parts: list[str]) -> str:
    """A deterministic id from the key's parts: readable when short, a digest otherwise."""
    text = "|".join(parts)
    if len(text) <= MAX_ID_LENGTH:
        return text
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def instant_keys(instants: pd.Series) -> pd.Series:
    """UTC instants as the text a composite id holds: 2026-11-03T01:15:02Z, with microseconds when any."""
    return instants.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").str.replace(".000000Z", "Z", regex=False)


def _read(name: str, texts: pd.Series, preset: ColumnPreset, tz: ZoneInfo) -> ColumnRead:
    if name == "external_id":
        return read_plain_texts(texts, read_external_id)
    if name == "customer":
        return read_plain_texts(texts, read_customer if "customer" in preset.key else read_text)
    if name == "start":
        return read_instants(texts, tz, required=True)
    if name == "first_reply_at":
        return read_instants(texts, tz, required=False)
    if name == "session_type":
        return read_cells(texts, lambda text: read_left_message(text, preset.session_type_labels))
    if name in ("first_response_s", "avg_response_s"):
        return read_numbers(texts, read_seconds)
    if name in ("customer_messages", "agent_messages"):
        return read_numbers(texts, read_count, whole=True)
    if name == "rating":
        return read_cells(texts, lambda text: read_rating(text, preset.rating_labels, preset.rating_stars))
    return read_cells(texts, lambda text: read_flag(text, preset.boolean_labels))


def _external_ids(preset: ColumnPreset, read: dict[str, ColumnRead], rows: int) -> np.ndarray:
    if not preset.composite_key:
        return read["external_id"].values.to_numpy(dtype=object)
    parts = []
    for name in preset.key:
        values = read[name].values
        if name == "start":
            parts.append(instant_keys(values).fillna(""))
        else:
            parts.append(values.astype(object).fillna("").astype(str))
    joined = [composite_id(list(texts)) for texts in zip(*parts, strict=True)] if rows else []
    return np.array(joined, dtype=object)


def _first_response(read: dict[str, ColumnRead], fields: dict[str, str]) -> np.ndarray:
    """Seconds to the first reply: the file's column, else the gap from start to first_reply_at.
    A reply before its start is the row's problem."""
    if "first_response_s" in read:
        seconds = read["first_response_s"].values.to_numpy(dtype=np.float64).copy()
    else:
        seconds = np.full(len(read["start"].values), np.nan)
    if "first_reply_at" not in read:
        return seconds
    gap = (read["first_reply_at"].values - read["start"].values).dt.total_seconds().to_numpy(dtype=np.float64)
    fill = np.isnan(seconds) & ~np.isnan(gap)
    seconds[fill] = gap[fill]
    backwards = fill & (gap < 0)
    replies = read["first_reply_at"]
    for position in np.flatnonzero(backwards & ~replies.unreadable):
        replies.problems[position] = CellProblem(BAD_TIME, "the first reply comes before the start")
    seconds[backwards] = np.nan
    return seconds


def _records(
    frame: pd.DataFrame, read: dict[str, ColumnRead], external_id: np.ndarray, first_response: np.ndarray, accepted: np.ndarray
) -> pd.DataFrame:
    count = int(accepted.sum())

    def column(name: str, missing: object) -> pd.Series:
        if name not in read:
            return pd.Series([missing] * count, dtype=object)
        return read[name].values[accepted].reset_index(drop=True)

    def flag(name: str) -> np.ndarray:
        return column(name, False).astype("boolean").fillna(False).to_numpy(dtype=bool)

    source = frame.loc[accepted]
    raw = raw_rows(source)
    columns = {
        "row_number": source.index.to_numpy(dtype=np.int64),
        "external_id": external_id[accepted],
        "customer": column("customer", None).astype(object).where(lambda s: s.notna(), None),
        "start": read["start"].values[accepted].reset_index(drop=True),
        "first_response_s": first_response[accepted],
        "avg_response_s": column("avg_response_s", np.nan),
        "customer_messages": column("customer_messages", pd.NA),
        "agent_messages": column("agent_messages", pd.NA),
        "rating": column("rating", None).astype(object).where(lambda s: s.notna(), None),
        "resolved": column("resolved", pd.NA).astype("boolean"),
        "inquiry": flag("inquiry"),
        "paid": flag("paid"),
        "left_message": flag("session_type"),
        "raw": raw,
    }
    return pd.DataFrame({name: pd.Series(columns[name]).reset_index(drop=True).astype(RECORD_DTYPES[name]) for name in RECORD_COLUMNS})


def holds_instants(texts: pd.Series, tz: ZoneInfo) -> bool:
    """Whether a column's first non-blank cells read as clock times with a date, not durations:
    platforms call both 首次响应时间."""
    sample = [t for t in texts.astype(str).head(500) if t.strip()][:_SNIFF_CELLS]
    instants = durations = 0
    for text in sample:
        try:
            read_seconds(text)
            durations += 1
        except CellProblem:
            try:
                read_instant(text, tz)
                instants += 1
            except CellProblem:
                pass
    return instants > durations


__all__ = ["composite_id", "holds_instants", "instant_keys", "read_session_chunk", "read_sessions"]
