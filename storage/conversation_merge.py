"""A re-imported conversation: what a newer export adds to the stored record, and what it changes.

The platform exports a conversation as it stands when the file is made: one exported before its
first reply says "no reply", and a later export of the same conversation has the reply, the
rating the customer gave afterwards, the order paid the next day. The newer export is the
platform's latest word, so, field by field:

* a value the stored record lacks (NULL, or a yes/no flag still "no") is **filled** from the file;
* a value both have and that differs is **changed** to the file's, and reported;
* a value the file lacks (an empty cell, a column it does not have) never erases a stored one:
  an export made with fewer columns is not news.

A yes/no flag (询单, 付款, 留言) is only read from a file that has its column: a file without one
says nothing about it. The row's raw copy, import time and source become the newer file's once
anything was filled or changed, so the audit copy backs the values stored. An unchanged record
is left alone: importing the same file twice writes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from domain.time import TS_DTYPE

# The facts a later export may know better, in the order a change is reported.
MERGED = (
    "started_at",
    "first_response_s",
    "avg_response_s",
    "customer_messages",
    "agent_messages",
    "rating",
    "resolved",
    "inquiry",
    "paid",
    "left_message",
    "customer",
)
FLAGS = ("inquiry", "paid", "left_message")
NUMBERS = ("first_response_s", "avg_response_s", "customer_messages", "agent_messages")
# The record fields a file gives each stored column from (a flag is read only from a file that has it).
SOURCES = {"left_message": ("session_type", "left_message"), "started_at": ("start",)}
EXAMPLES = 5
_SECONDS_TOLERANCE = 1e-6  # the same reply time read twice through floats is not a change


@dataclass(frozen=True)
class Change:
    """One value an export changed: the conversation, the field, what was stored and what replaced it."""

    external_id: str
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Merged:
    """What merging a file's records into the stored ones found.

    ``row_ids`` and ``positions``: the stored row ids of the records that were filled or changed,
    and their positions in the batch; ``values``: their merged values, by column (the driver's
    form); ``examples``: the first few changes; ``filled`` and
    ``changed``: field → how many records; ``changed_records``: records with at least one value
    changed; ``unchanged``: stored records the file added nothing to; ``starts``: the starts of
    the updated records, stored and new (a changed start moves the credit off a day onto another);
    ``unreplied``: the file's stored records still without a first reply after the merge."""

    row_ids: list[int] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)
    values: dict[str, list] = field(default_factory=dict)
    filled: Counter[str] = field(default_factory=Counter)
    changed: Counter[str] = field(default_factory=Counter)
    changed_records: int = 0
    unchanged: int = 0
    examples: tuple[Change, ...] = ()
    starts: list[datetime] = field(default_factory=list)
    unreplied: int = 0


def merge(stored: pd.DataFrame, incoming: pd.DataFrame, external_ids: list[str], known_fields: frozenset[str] | None) -> Merged:
    """Merge ``incoming`` (the batch's records already stored, columns MERGED in the driver's form,
    index = their batch positions) into ``stored`` (id plus MERGED as the driver read them, row for
    row the same conversations). ``known_fields``: the record fields the file gives (None: all)."""
    if incoming.empty:
        return Merged()
    count = len(incoming)
    any_filled = np.zeros(count, dtype=bool)
    any_changed = np.zeros(count, dtype=bool)
    filled: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    merged_values: dict[str, np.ndarray] = {}
    examples: list[Change] = []
    for name in MERGED:
        old, new = _comparable(name, stored[name]), _comparable(name, incoming[name])
        if name in FLAGS:
            if known_fields is not None and not set(SOURCES.get(name, (name,))) & known_fields:
                merged_values[name] = stored[name].to_numpy(dtype=object)
                continue
            old_known, new_known = old.astype(bool).to_numpy(), np.ones(count, dtype=bool)
            fills = ~old_known & new.astype(bool).to_numpy()
            differs = old_known & ~new.astype(bool).to_numpy()
        else:
            old_known, new_known = old.notna().to_numpy(), new.notna().to_numpy()
            fills = ~old_known & new_known
            differs = old_known & new_known & _differs(name, old, new)
        any_filled |= fills
        any_changed |= differs
        filled[name], changed[name] = int(fills.sum()), int(differs.sum())
        take_new = new_known & (fills | differs) if name not in FLAGS else fills | differs
        if name == "started_at":  # always in the file; and the driver's form of it is the one to write back
            take_new = np.ones(count, dtype=bool)
        merged_values[name] = np.where(take_new, incoming[name].to_numpy(dtype=object), stored[name].to_numpy(dtype=object))
        for position in np.flatnonzero(differs)[: max(0, EXAMPLES - len(examples))]:
            examples.append(Change(external_ids[position], name, _shown(name, old.iloc[position]), _shown(name, new.iloc[position])))
    updated = any_filled | any_changed
    chosen = np.flatnonzero(updated)
    starts = pd.concat(
        [_comparable("started_at", stored["started_at"]).iloc[chosen], _comparable("started_at", incoming["started_at"]).iloc[chosen]]
    )
    replies = merged_values["first_response_s"]
    unreplied = sum(1 for value in replies if value is None or (isinstance(value, float) and np.isnan(value)))
    return Merged(
        row_ids=[int(i) for i in stored["id"].to_numpy()[chosen]],
        positions=[int(p) for p in incoming.index.to_numpy()[chosen]],
        values={name: [_plain(v) for v in values[chosen]] for name, values in merged_values.items()},
        filled=+filled,
        changed=+changed,
        changed_records=int(any_changed.sum()),
        unchanged=int((~updated).sum()),
        examples=tuple(examples),
        starts=[t.to_pydatetime() for t in starts.drop_duplicates()],
        unreplied=unreplied,
    )


def _comparable(name: str, values: pd.Series) -> pd.Series:
    """A column as the driver gives or takes it, in one form for comparing: instants in UTC, numbers
    as floats, yes/no as booleans (SQLite reads them back as 0/1)."""
    values = values.reset_index(drop=True)
    if name == "started_at":
        return pd.to_datetime(values, utc=True, format="ISO8601").astype(TS_DTYPE)
    if name in NUMBERS:
        return pd.to_numeric(values, errors="coerce").astype("float64")
    if name in FLAGS:
        return values.fillna(False).astype(bool)
    if name == "resolved":
        return values.map(lambda v: None if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v)).astype(object)
    return values.astype(object).where(values.notna(), None)


def _differs(name: str, old: pd.Series, new: pd.Series) -> np.ndarray:
    if name in NUMBERS:
        return (np.abs(old.to_numpy() - new.to_numpy()) > _SECONDS_TOLERANCE) & old.notna().to_numpy() & new.notna().to_numpy()
    present = old.notna().to_numpy() & new.notna().to_numpy()
    if name == "started_at":  # as instants (UTC datetime64), not one Timestamp object each
        return present & (old.dt.tz_convert(None).to_numpy() != new.dt.tz_convert(None).to_numpy())
    return present & (old.to_numpy(dtype=object) != new.to_numpy(dtype=object))


def _shown(name: str, value: object) -> object:
    if name == "started_at" and isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return _plain(value)


def _plain(value: object) -> object:
    """numpy's scalars as Python's, for the driver and the report."""
    if isinstance(value, np.generic):
        return value.item()
    return value


__all__ = ["EXAMPLES", "FLAGS", "MERGED", "Change", "Merged", "merge"]
