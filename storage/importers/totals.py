"""A per-agent report's rows -> the platform's totals per agent and day (or hour).

On a shared login such a report has one row for the whole team, so its numbers are not
anyone's credit: they are stored as the day's reference (platform_totals) and apportioned by
hold time only where a day has no conversation data (domain.apportion). A cell reading 延迟统计
(赤兔: not counted yet) is stored as unknown, and the field is named in the row's not_final.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd

from storage.importers.columns import ColumnRead, first_problems, not_final_rows, read_cells, read_numbers, read_rates
from storage.importers.errors import DUPLICATE_IN_FILE, RejectedRow
from storage.importers.fields import IDENTITY_FIELDS, TOTALS, TOTALS_COUNTS, TOTALS_RATES, TOTALS_SECONDS
from storage.importers.preset import ColumnPreset
from storage.importers.record import raw_rows
from storage.importers.report import ChunkRead
from storage.importers.summary import find_summary_rows
from storage.importers.values import read_cents, read_count, read_day, read_hour, read_seconds, read_text, read_wangwang

TOTALS_COLUMNS = (
    "row_number", "day", "hour", "agent", "shop", "sub_account",
    *TOTALS_COUNTS, *TOTALS_RATES, *TOTALS_SECONDS, "not_final", "raw",
)  # fmt: skip


def read_totals(frames: Iterator[pd.DataFrame], preset: ColumnPreset, columns: dict[str, str], day: date | None) -> Iterator[ChunkRead]:
    """``day``: the report's one day when it has no day column (from its period)."""
    seen: dict[tuple, int] = {}
    for frame in frames:
        yield _read_chunk(frame, preset, columns, day, seen)


def _read_chunk(frame: pd.DataFrame, preset: ColumnPreset, columns: dict[str, str], day: date | None, seen: dict[tuple, int]) -> ChunkRead:
    summary, summary_rows = find_summary_rows(frame, [columns[f] for f in IDENTITY_FIELDS[TOTALS] if f in columns])
    frame = frame.loc[~summary]
    rows = frame.index.to_numpy(dtype=np.int64)
    read = {name: _read(name, frame[header]) for name, header in columns.items()}

    rejected_at = first_problems(read, preset.fields, columns, frame)

    days = read["day"].values if "day" in read else pd.Series([day] * len(frame), index=frame.index, dtype=object)
    hours = read["hour"].values if "hour" in read else pd.Series([None] * len(frame), index=frame.index, dtype=object)
    agents = read["agent"].values.fillna("") if "agent" in read else pd.Series([""] * len(frame), index=frame.index, dtype=object)
    for position in range(len(frame)):
        if position in rejected_at:
            continue
        identity = (days.iloc[position], hours.iloc[position], agents.iloc[position])
        kept = seen.setdefault(identity, int(rows[position]))
        if kept != rows[position]:
            detail = f"{identity} already appears in row {kept}"
            header = columns.get("agent") or columns.get("day") or ""
            rejected_at[position] = RejectedRow(int(rows[position]), DUPLICATE_IN_FILE, detail, header, str(agents.iloc[position]))
    accepted = np.ones(len(frame), dtype=bool)
    accepted[list(rejected_at)] = False

    not_final = not_final_rows(read, frame)
    totals = _totals(frame.loc[accepted], read, accepted, days, hours, agents)
    rejected = tuple(rejected_at[p] for p in sorted(rejected_at))
    return ChunkRead(len(frame), None, totals, rejected, tuple(summary_rows), not_final)


def _read(name: str, texts: pd.Series) -> ColumnRead:
    if name == "day":
        return read_cells(texts, read_day)
    if name == "hour":
        return read_cells(texts, read_hour)
    if name == "agent":
        return read_cells(texts, read_text)
    if name == "sales_cents":
        return read_cells(texts, read_cents)
    if name in TOTALS_RATES:
        return read_rates(texts)
    if name in TOTALS_SECONDS:
        return read_numbers(texts, read_seconds)
    return read_numbers(texts, read_count, whole=True)


def _totals(source: pd.DataFrame, read: dict[str, ColumnRead], accepted: np.ndarray, days, hours, agents) -> pd.DataFrame:
    agent_names = agents[accepted].astype(str).tolist()
    split = [read_wangwang(name) for name in agent_names]
    frame = pd.DataFrame(
        {
            "row_number": source.index.to_numpy(dtype=np.int64),
            "day": days[accepted].tolist(),
            "hour": pd.array(hours[accepted].tolist(), dtype="Int64"),
            "agent": agent_names,
            "shop": [shop for shop, _ in split],
            "sub_account": [sub for _, sub in split],
        }
    )
    for name in TOTALS_COUNTS:
        values = read[name].values[accepted] if name in read else pd.Series([None] * len(frame), dtype=object)
        frame[name] = pd.array([None if v is None or v != v else int(v) for v in values.tolist()], dtype="Int64")
    for name in (*TOTALS_RATES, *TOTALS_SECONDS):
        frame[name] = read[name].values[accepted].to_numpy(dtype=np.float64) if name in read else np.nan
    pending = [name for name in read if read[name].not_final.any()]
    frame["not_final"] = [",".join(name for name in pending if read[name].not_final[position]) for position in np.flatnonzero(accepted)]
    frame["raw"] = raw_rows(source)
    return frame[list(TOTALS_COLUMNS)]


def empty_totals() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in TOTALS_COLUMNS})


__all__ = ["TOTALS_COLUMNS", "empty_totals", "read_totals"]
