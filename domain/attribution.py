"""Attribution: credit each conversation (or case) to whoever held its shared account at that moment.

Frames (every timestamp column is ``domain.time.TS_DTYPE``; inputs in another unit or zone are
converted to it, naive timestamps are refused):

``holds``
    account (str), agent_id (int64), start, end. The interval is half-open [start, end);
    end NaT means the hold is still open.
``conversations``
    conversation_id (int64, unique), account (str), start, first_reply_at (NaT when nobody replied).
``roster``
    account (str), agent_id (int64), start, end: concrete scheduled windows, also [start, end);
    ``domain.roster.expand_roster`` builds them from the weekly plan.

Each conversation is looked at one moment ``at``: by default (``moment="first_reply"``) its
first reply, its start when there was none; with ``moment="start"`` its start. Then, in order:

1. **held**: every agent holding the account at ``at`` gets an equal share;
2. **roster**: nobody held it, so every agent scheduled on it at ``at`` gets an equal share; for a
   conversation, when nobody is scheduled then either, those whose shift on it begins within
   ``roster_early`` after ``at`` (people sit down a few minutes early and answer the night's
   backlog before they think of pressing; nobody else is there to have answered it);
3. **unattributed**: none of these; ``find_gaps`` reports the windows where this happened.

An open hold lasts until ``now`` when given, for ever otherwise. Every conversation ends with
exactly one status, the shares of an attributed conversation sum to 1, and the result is sorted
by (conversation id, agent id), so it never depends on the order of the input rows.

How: each account's timeline is cut into elementary segments at every hold boundary, and each
segment knows its holder set, which makes arbitrary overlaps (supervisors' /assign, peak help)
as cheap as the usual one-holder case. A conversation finds its segment by binary search on a
composite (account, time) key, the vectorised form of ``merge_asof(by="account")`` followed by
the ``ts < end`` filter: a moment in a gap lands in a segment with no holders, never with the
previous holder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import numpy as np
import pandas as pd

from domain.clock import as_utc
from domain.time import TS_DTYPE

STATUSES = ("held", "roster", "unattributed")
HELD, ROSTER, UNATTRIBUTED = range(3)
Moment = Literal["start", "first_reply"]

_UNBOUNDED = np.iinfo(np.int64).max  # the end of an open hold when no `now` is given
_KEY_LIMIT = 2**62


@dataclass(frozen=True, eq=False)
class Attribution:
    """The outcome: one status per conversation, and the credited shares of the attributed ones.

    statuses: <id_column>, account, at, status ('held' | 'roster' | 'unattributed')
    credits:  <id_column>, agent_id, share (float64), status ('held' | 'roster')
    """

    statuses: pd.DataFrame
    credits: pd.DataFrame
    id_column: str = "conversation_id"

    @property
    def unattributed(self) -> pd.DataFrame:
        return self.statuses[self.statuses["status"] == "unattributed"].reset_index(drop=True)

    def counts(self) -> dict[str, int]:
        """How many conversations ended with each status (zeros included)."""
        counted = self.statuses["status"].value_counts()
        return {status: int(counted.get(status, 0)) for status in STATUSES}

    def shares_by_agent(self) -> pd.DataFrame:
        """Credited conversations per agent, split into held and roster: index agent_id."""
        table = self.credits.pivot_table(index="agent_id", columns="status", values="share", aggfunc="sum", observed=False)
        return table.reindex(columns=list(STATUSES[:2])).fillna(0.0)


def attribute_conversations(
    conversations: pd.DataFrame,
    holds: pd.DataFrame,
    roster: pd.DataFrame | None = None,
    *,
    moment: Moment = "first_reply",
    now: datetime | pd.Timestamp | None = None,
    roster_early: timedelta = timedelta(0),
) -> Attribution:
    """Credit every conversation to the holder(s) of its account at its first reply (its start without one), or at its start."""
    if moment not in ("start", "first_reply"):
        raise ValueError(f"moment must be 'start' or 'first_reply', not {moment!r}")
    start = as_ts(conversations["start"])
    at = start
    if moment == "first_reply":
        replied = as_ts(conversations["first_reply_at"])
        at = replied.where(replied.notna(), start)
    ids = conversations["conversation_id"].to_numpy(dtype=np.int64)
    return _credit(ids, conversations["account"], at, holds, roster, now, "conversation_id", _early_windows(roster, roster_early))


def _early_windows(roster: pd.DataFrame | None, early: timedelta) -> pd.DataFrame | None:
    """The `early` minutes before each rostered shift, as roster windows of their own."""
    if roster is None or not len(roster) or early <= timedelta(0):
        return None
    starts = as_ts(roster["start"])
    return pd.DataFrame(
        {"account": roster["account"].to_numpy(), "agent_id": roster["agent_id"].to_numpy(), "start": starts - early, "end": starts}
    )


def credit_events(
    events: pd.DataFrame,
    holds: pd.DataFrame,
    roster: pd.DataFrame | None = None,
    *,
    now: datetime | pd.Timestamp | None = None,
    id_column: str = "event_id",
) -> Attribution:
    """The same rules for anything stamped with (<id_column>, account, at), such as logged cases."""
    ids = events[id_column].to_numpy(dtype=np.int64)
    return _credit(ids, events["account"], as_ts(events["at"]), holds, roster, now, id_column)


def _credit(
    ids: np.ndarray,
    accounts: pd.Series,
    at: pd.Series,
    holds: pd.DataFrame,
    roster: pd.DataFrame | None,
    now: datetime | pd.Timestamp | None,
    id_column: str,
    early: pd.DataFrame | None = None,
) -> Attribution:
    if at.isna().any():
        raise ValueError("every conversation or case needs a timestamp")
    order = _order_by_id(ids)
    if order is not None:
        ids, accounts, at = ids[order], accounts.take(order), at.take(order)

    held = _intervals(holds, now)
    scheduled = _intervals(roster, now)
    before = _intervals(early, now)
    interval_codes, known = pd.factorize(np.concatenate([held["account"], scheduled["account"], before["account"]]))
    held["code"], scheduled["code"], before["code"] = np.split(
        interval_codes, [len(held["account"]), len(held["account"]) + len(scheduled["account"])]
    )
    known = pd.Index(known)
    at_us = _as_us(at)
    encode = _KeyEncoder(
        len(known), [at_us, held["start"], held["end"], scheduled["start"], scheduled["end"], before["start"], before["end"]]
    )
    event_codes = _account_codes(known, accounts)
    event_keys = encode(event_codes, at_us)

    status = np.full(len(ids), UNATTRIBUTED, dtype=np.int8)
    pieces = []
    unclaimed = np.arange(len(ids))
    for code, intervals in ((HELD, held), (ROSTER, scheduled), (ROSTER, before)):
        if not len(unclaimed) or not len(intervals["start"]):
            continue
        timeline = _Timeline.build(
            intervals["agent_id"],
            encode(intervals["code"], intervals["start"]),
            encode(intervals["code"], intervals["end"]),
        )
        slots = timeline.slots(event_keys[unclaimed], event_codes[unclaimed])
        positions, agents, shares = timeline.credits(unclaimed, slots)
        status[positions] = code
        pieces.append((positions, agents, shares, np.full(len(positions), code, dtype=np.int8)))
        unclaimed = unclaimed[status[unclaimed] == UNATTRIBUTED]

    statuses = pd.DataFrame(
        {
            id_column: ids,
            "account": accounts.array,
            "at": at.array,
            "status": pd.Categorical.from_codes(status, categories=STATUSES),
        }
    )
    return Attribution(statuses, _credits_frame(ids, pieces, id_column), id_column)


def find_gaps(attribution: Attribution, holds: pd.DataFrame, *, now: datetime | pd.Timestamp | None = None) -> pd.DataFrame:
    """Windows with nobody on an account while its conversations went unattributed.

    Returns account, start, end, conversations: each maximal no-holder window [start, end) between
    holds (NaT where it is unbounded) holding at least one unattributed conversation, and how many.
    Pass the holds and `now` the attribution was computed with. Sorted by account, start.
    """
    lost = attribution.unattributed
    held = _intervals(holds, now)
    accounts = pd.Index(pd.unique(np.concatenate([held["account"], lost["account"].to_numpy(dtype=object)])))
    codes = accounts.get_indexer(held["account"])
    bounded = held["end"] != _UNBOUNDED
    ends = pd.DataFrame({"code": codes[bounded], "t": held["end"][bounded]})
    starts = pd.DataFrame({"code": codes, "t": held["start"]})
    moments = pd.DataFrame(
        {"account": lost["account"].to_numpy(dtype=object), "code": accounts.get_indexer(lost["account"]), "t": _as_us(as_ts(lost["at"]))}
    ).sort_values("t", kind="stable")
    # Every hold lies wholly before or wholly after an uncovered moment, so its gap runs from the
    # latest hold end at or before it to the earliest hold start after it.
    gaps = pd.merge_asof(moments, ends.assign(start=_from_us(ends["t"])).sort_values("t"), on="t", by="code", direction="backward")
    gaps = pd.merge_asof(
        gaps,
        starts.assign(end=_from_us(starts["t"])).sort_values("t"),
        on="t",
        by="code",
        direction="forward",
        allow_exact_matches=False,
    )
    windows = gaps.groupby(["account", "start", "end"], dropna=False).size().rename("conversations").reset_index()
    return pd.DataFrame(
        {
            "account": windows["account"].to_numpy(dtype=object),
            "start": windows["start"].astype(TS_DTYPE),
            "end": windows["end"].astype(TS_DTYPE),
            "conversations": windows["conversations"].to_numpy(dtype=np.int64),
        }
    ).sort_values(["account", "start"], na_position="first", ignore_index=True)


def as_ts(values: pd.Series | Sequence) -> pd.Series:
    """Timestamps in the domain's one unit; naive values are refused rather than guessed."""
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if series.dtype == TS_DTYPE:
        return series
    if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
        series = pd.to_datetime(series, utc=False)
    if not isinstance(series.dtype, pd.DatetimeTZDtype):
        if series.isna().all():
            return series.astype("datetime64[us]").dt.tz_localize("UTC")
        raise ValueError("naive timestamps: localise them to a zone before they enter the domain")
    return series.dt.tz_convert("UTC").astype(TS_DTYPE)


@dataclass(frozen=True)
class _Timeline:
    """Accounts' timelines cut at every boundary; slot j > 0 is the segment starting at boundaries[j-1]."""

    boundaries: np.ndarray  # sorted composite keys
    offsets: np.ndarray  # holders of slot j are agents[offsets[j]:offsets[j + 1]]
    agents: np.ndarray  # ascending within each slot

    @classmethod
    def build(cls, agent_ids: np.ndarray, start_keys: np.ndarray, end_keys: np.ndarray) -> _Timeline:
        boundaries = _sorted_unique(np.concatenate([start_keys, end_keys]))
        first = np.searchsorted(boundaries, start_keys) + 1
        lengths = np.searchsorted(boundaries, end_keys) + 1 - first
        slots = _ranges(first, lengths)
        agents = np.repeat(agent_ids, lengths)
        order = np.lexsort((agents, slots))
        slots, agents = slots[order], agents[order]
        # One agent holding twice over the same span (duplicate rows) still holds once.
        repeated = np.zeros(len(slots), dtype=bool)
        repeated[1:] = (slots[1:] == slots[:-1]) & (agents[1:] == agents[:-1])
        slots, agents = slots[~repeated], agents[~repeated]
        per_slot = np.bincount(slots, minlength=len(boundaries) + 1)
        offsets = np.concatenate([[0], np.cumsum(per_slot)])
        return cls(boundaries, offsets, agents)

    def slots(self, keys: np.ndarray, account_codes: np.ndarray) -> np.ndarray:
        """The slot of each key, searched account by account."""
        # Rows usually arrive in time order, so a stable (radix) sort on the account code alone
        # nearly sorts the keys, and binary search over nearly sorted queries stays in cache.
        narrow = np.int16 if len(account_codes) and account_codes.max() < 2**15 else np.int64
        order = np.argsort(account_codes.astype(narrow), kind="stable")
        slots = np.empty(len(keys), dtype=np.int64)
        slots[order] = np.searchsorted(self.boundaries, keys[order], side="right")
        return slots

    def credits(self, positions: np.ndarray, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(position, agent, share) for every event whose slot has at least one holder."""
        first = self.offsets[slots]
        holders = self.offsets[slots + 1] - first
        covered = holders > 0
        positions, first, holders = positions[covered], first[covered], holders[covered]
        if (holders == 1).all():
            return positions, self.agents[first], np.ones(len(positions))
        return (
            np.repeat(positions, holders),
            self.agents[_ranges(first, holders)],
            np.repeat(1.0 / holders, holders),
        )


class _KeyEncoder:
    """One sortable int64 per (account code, instant), so a single binary search does merge_asof's `by`.

    Accounts get consecutive blocks of the time axis; when the spanned time is too wide for that
    to fit in int64, instants are replaced by their dense rank, which keeps the order.
    """

    def __init__(self, n_accounts: int, times: list[np.ndarray]) -> None:
        finite = [t[t != _UNBOUNDED] for t in times]
        finite = [t for t in finite if len(t)]
        self.low = min((int(t.min()) for t in finite), default=0)
        self.high = max((int(t.max()) for t in finite), default=0)
        span = self.high - self.low + 2
        self.ranks = None
        if (n_accounts + 1) * span >= _KEY_LIMIT:
            self.ranks = _sorted_unique(np.concatenate(times))
            span = len(self.ranks)
        self.span = span

    def __call__(self, codes: np.ndarray, times: np.ndarray) -> np.ndarray:
        codes = np.asarray(codes, dtype=np.int64)
        if self.ranks is not None:
            return codes * self.span + np.searchsorted(self.ranks, times)
        # An open-ended hold reaches one tick past the last instant anybody looks at.
        offset = np.where(times == _UNBOUNDED, self.high + 1, times) - self.low
        return codes * self.span + offset


def _sorted_unique(values: np.ndarray) -> np.ndarray:
    # np.unique hashes first in numpy 2; a plain sort is several times faster on int64 keys.
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated aranges [start, start + length) without a Python loop."""
    total = int(lengths.sum())
    skips = np.cumsum(lengths) - lengths
    return np.repeat(starts - skips, lengths) + np.arange(total)


def _intervals(frame: pd.DataFrame | None, now: datetime | pd.Timestamp | None) -> dict[str, np.ndarray]:
    """Holds or roster windows as int64 microseconds, open ends closed at `now`, empty ones dropped."""
    if frame is None or len(frame) == 0:
        empty = np.array([], dtype=np.int64)
        return {"account": np.array([], dtype=object), "agent_id": empty, "start": empty, "end": empty}
    if frame["account"].isna().any():
        raise ValueError("every hold and roster window needs an account")
    start, end = as_ts(frame["start"]), as_ts(frame["end"])
    if start.isna().any():
        raise ValueError("every hold and roster window needs a start")
    if (end < start).any():
        raise ValueError("a hold or roster window ends before it starts")
    start_us = _as_us(start)
    end_us = np.where(end.isna(), _UNBOUNDED, _as_us(end.fillna(start)))
    if now is not None:
        closing = pd.Timestamp(as_utc(pd.Timestamp(now).to_pydatetime())).as_unit("us").asm8.view(np.int64)
        end_us = np.where(end.isna().to_numpy(), closing, end_us)
    kept = end_us > start_us
    return {
        "account": frame["account"].to_numpy(dtype=object)[kept],
        "agent_id": frame["agent_id"].to_numpy(dtype=np.int64)[kept],
        "start": start_us[kept],
        "end": end_us[kept],
    }


def _account_codes(known: pd.Index, accounts: pd.Series) -> np.ndarray:
    """Position of each account in `known`, -1 for accounts nobody ever held or was rostered on."""
    if isinstance(accounts.dtype, pd.CategoricalDtype):
        # Re-coding the categories is cheap; looking up a million strings is not.
        codes = accounts.cat.codes.to_numpy()
        if (codes < 0).any():
            raise ValueError("every conversation needs an account")
        return known.get_indexer(accounts.cat.categories)[codes]
    codes = known.get_indexer(accounts)
    if (codes < 0).any() and accounts.isna().any():
        raise ValueError("every conversation needs an account")
    return codes


def _order_by_id(ids: np.ndarray) -> np.ndarray | None:
    """The permutation that sorts by id (None when already sorted); duplicate ids are an error."""
    steps = np.diff(ids)
    if (steps > 0).all():
        return None
    order = np.argsort(ids)
    if (np.diff(ids[order]) == 0).any():
        raise ValueError("duplicate ids: each conversation or case must appear once")
    return order


def _credits_frame(ids: np.ndarray, pieces: list, id_column: str) -> pd.DataFrame:
    nothing = (np.array([], dtype=np.int64),) * 2 + (np.array([], dtype=np.float64), np.array([], dtype=np.int8))
    positions, agents, shares, codes = (np.concatenate(part) for part in zip(*pieces, nothing, strict=True))
    if len(pieces) > 1:
        # Agents are already ascending within each event, so a stable sort on position suffices.
        order = np.argsort(positions, kind="stable")
        positions, agents, shares, codes = positions[order], agents[order], shares[order], codes[order]
    return pd.DataFrame(
        {
            id_column: ids[positions],
            "agent_id": agents.astype(np.int64),
            "share": shares.astype(np.float64),
            "status": pd.Categorical.from_codes(codes, categories=STATUSES[:2]),
        }
    )


def _as_us(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype="datetime64[us]").view(np.int64)


def _from_us(counts: pd.Series | np.ndarray) -> pd.Series:
    return pd.Series(np.asarray(counts, dtype=np.int64).view("datetime64[us]")).dt.tz_localize("UTC")


__all__ = [
    "STATUSES",
    "Attribution",
    "as_ts",
    "attribute_conversations",
    "credit_events",
    "find_gaps",
]
