"""The holds table: who held which account when, every read and write of it.

One contract for ending a hold: `end` ends it only if it is still open and says whether it did.
Under READ COMMITTED two writers can both have read a hold open; only the first ends it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import CursorResult, Executable, and_, bindparam, insert, or_, select, update
from sqlmodel import Session, col

from domain.cover_claims import CoverSplit
from domain.holds import HOLDER, Hold, TakeOver
from domain.time import TS_DTYPE
from storage.accounts import Accounts
from storage.db import name_unique_index
from storage.models import Account, AuditRow, HoldRow
from storage.types import fetch_raw, raw, table_of, utc_series

ONE_OPEN_HOLDER = name_unique_index("uq_holds_one_open_holder_per_account", "holds.account_id")
ONE_OPEN_PER_AGENT = name_unique_index("uq_holds_one_open_per_agent_and_account", "holds.account_id, holds.agent_id")
OPEN_HOLD_INDEXES = (ONE_OPEN_HOLDER, ONE_OPEN_PER_AGENT)
UPDATE_ID_KEY = name_unique_index("holds_update_id_key", "holds.update_id")
AUTO_CLOSED = "auto_closed"  # holds.flag of a hold the reminders closed for its forgetful holder
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# The statements every press runs, built once: building one costs more than running it.
_HOLDS = table_of(HoldRow)
_OPEN = (
    select(_HOLDS.c.id, _HOLDS.c.account_id, _HOLDS.c.agent_id, _HOLDS.c.started_at, _HOLDS.c.role)
    .where(_HOLDS.c.ended_at.is_(None))
    .order_by(_HOLDS.c.id)
)
_ADD = insert(_HOLDS).returning(_HOLDS.c.id)
_END = update(_HOLDS).where(_HOLDS.c.id == bindparam("hold"), _HOLDS.c.ended_at.is_(None))  # SET: the other values given


class HoldMoved(Exception):
    """A hold a take-over meant to end had ended already: another writer moved the account first."""


def _closing(hold: Hold) -> tuple[int, datetime]:
    """The id and end of a stored hold that is to be ended: a hold never stored, or given no end, cannot be."""
    if hold.id is None or hold.end is None:
        raise ValueError(f"cannot end {hold!r}: it needs its stored id and an end")
    return hold.id, hold.end


class Holds:
    def __init__(self, session: Session, accounts: Accounts) -> None:
        self.session = session
        self.accounts = accounts
        self.changed = False  # a hold began or ended in this unit of work: what the live console shows moved
        # The open holds as this unit of work last read or wrote them: a press asks for them up to
        # three times (its refusal, the colleague's hold, the offer), and each read is a statement.
        self._open: list[Hold] | None = None

    def _hold(self, row: HoldRow) -> Hold:
        return Hold(
            account=self.accounts.keys[row.account_id],
            agent_id=row.agent_id,
            start=row.started_at,
            end=row.ended_at,
            id=row.id,
            role=row.role,
        )

    # -- reading ------------------------------------------------------------------------------------

    def get(self, hold_id: int) -> Hold:
        return self._hold(self.session.get_one(HoldRow, hold_id))

    def open(self) -> list[Hold]:
        if self._open is None:
            key_of = self.accounts.key_of
            self._open = [
                Hold(account=key_of(account_id), agent_id=agent_id, start=start, end=None, id=id_, role=role)
                for id_, account_id, agent_id, start, role in self.session.connection().execute(_OPEN)
            ]
        return list(self._open)

    def between(self, start: datetime, end: datetime) -> list[Hold]:
        """Every hold that overlaps [start, end), open ones included."""
        rows = self.session.execute(
            select(HoldRow)
            .where(and_(col(HoldRow.started_at) < end, or_(col(HoldRow.ended_at).is_(None), col(HoldRow.ended_at) > start)))
            .order_by(col(HoldRow.id))
        ).scalars()
        return [self._hold(r) for r in rows]

    def frame_between(self, start: datetime, end: datetime) -> pd.DataFrame:
        """The holds overlapping [start, end) as the attribution frame, read in bulk."""
        started_at, ended_at = col(HoldRow.started_at), col(HoldRow.ended_at)
        rows = fetch_raw(
            self.session,
            select(col(Account.key), col(HoldRow.agent_id), raw(started_at), raw(ended_at))
            .join(Account, col(Account.id) == col(HoldRow.account_id))
            .where(and_(started_at < end, or_(ended_at.is_(None), ended_at > start)))
            .order_by(col(HoldRow.id)),
        )
        frame = pd.DataFrame.from_records(rows, columns=["account", "agent_id", "start", "end"])
        frame["agent_id"] = frame["agent_id"].astype("int64")
        frame["start"] = utc_series(frame["start"])
        frame["end"] = utc_series(frame["end"])
        return frame

    def frame_until(self, now: datetime) -> pd.DataFrame:
        """Every hold that began before `now`: account, agent_id, start, end (NaT while open)."""
        return self.frame_between(_EPOCH, now)

    def with_roles_between(self, start: datetime, end: datetime) -> pd.DataFrame:
        """Holds overlapping [start, end), open ones included: account, agent_id, start, end (NaT while open), role."""
        rows = self.session.execute(
            select(col(Account.key), col(HoldRow.agent_id), col(HoldRow.started_at), col(HoldRow.ended_at), col(HoldRow.role))
            .join(Account, col(Account.id) == col(HoldRow.account_id))
            .where(col(HoldRow.started_at) < end, or_(col(HoldRow.ended_at).is_(None), col(HoldRow.ended_at) > start))
            .order_by(col(HoldRow.id))
        ).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=["account", "agent_id", "start", "end", "role"])
        return frame.assign(
            agent_id=frame["agent_id"].astype("int64"),
            start=pd.to_datetime(frame["start"], utc=True).astype(TS_DTYPE),
            end=pd.to_datetime(frame["end"], utc=True).astype(TS_DTYPE),
        )

    def auto_closed_between(self, start: datetime, end: datetime) -> list[Hold]:
        """Holds auto-closed (per the audit log) in [start, end) and still flagged for review."""
        details = self.session.execute(
            select(col(AuditRow.detail))
            .where(col(AuditRow.action) == "auto_close", col(AuditRow.at) >= start, col(AuditRow.at) < end)
            .order_by(col(AuditRow.id))
        ).scalars()
        ids = [json.loads(detail)["hold"] for detail in details]
        if not ids:
            return []
        flagged = set(
            self.session.execute(select(col(HoldRow.id)).where(col(HoldRow.id).in_(ids), col(HoldRow.flag) == AUTO_CLOSED)).scalars()
        )
        return [self.get(i) for i in ids if i in flagged]

    def taken_over_by(self, hold_id: int) -> int | None:
        """Whose take-over ended the hold; None while open or when its holder ended it (or an answer did)."""
        return self.session.execute(select(col(HoldRow.taken_over_by)).where(col(HoldRow.id) == hold_id)).scalar()

    def taken_over_between(self, start: datetime, end: datetime) -> list[Hold]:
        """Holder holds someone else's take-over ended in [start, end): their holder may have forgotten them."""
        ended_at = col(HoldRow.ended_at)
        rows = self.session.execute(
            select(HoldRow)
            .where(
                col(HoldRow.role) == HOLDER,
                col(HoldRow.taken_over_by).is_not(None),
                col(HoldRow.taken_over_by) != col(HoldRow.agent_id),
                ended_at >= start,
                ended_at < end,
            )
            .order_by(col(HoldRow.id))
        ).scalars()
        return [self._hold(r) for r in rows]

    # -- writing ------------------------------------------------------------------------------------

    def _write(self, statement: Executable, values: Mapping[str, object] | None = None) -> CursorResult:
        """Every write to the table: what `open` kept is read again after it."""
        self._open = None
        return self.session.connection().execute(statement, values)

    def end(self, hold_id: int, at: datetime, *, taken_over_by: int | None = None, flag: str | None = None) -> bool:
        """End an open hold at `at`; False when it had ended already (a hand-off or take-over came first)."""
        values: dict[str, object] = {"hold": hold_id, "ended_at": at}
        if taken_over_by is not None:
            values["taken_over_by"] = taken_over_by
        if flag is not None:
            values["flag"] = flag
        ended = self._write(_END, values)
        self.changed = self.changed or ended.rowcount == 1
        return ended.rowcount == 1

    def move(self, hold_id: int, *, was: Hold, start: datetime, end: datetime | None, flag: str | None = None) -> bool:
        """Move an ended hold's start and end (a correction of it), only if it still spans what
        `was` says it did; False when another writer moved it first (the caller refuses)."""
        if was.end is None or end is None:
            raise ValueError("only an ended hold is moved; an open one is ended with end()")
        values: dict[str, object] = {"started_at": start, "ended_at": end}
        if flag is not None:
            values["flag"] = flag
        moved = self._write(
            update(_HOLDS).where(_HOLDS.c.id == hold_id, _HOLDS.c.started_at == was.start, _HOLDS.c.ended_at == was.end).values(**values)
        )
        self.changed = self.changed or moved.rowcount == 1
        return moved.rowcount == 1

    def restart(self, hold_id: int, *, was: Hold, start: datetime) -> bool:
        """Move an open hold's start, only if it is still open and starts where `was` says."""
        moved = self._write(
            update(_HOLDS)
            .where(_HOLDS.c.id == hold_id, _HOLDS.c.started_at == was.start, _HOLDS.c.ended_at.is_(None))
            .values(started_at=start)
        )
        self.changed = self.changed or moved.rowcount == 1
        return moved.rowcount == 1

    def end_each(self, holds: Iterable[Hold]) -> bool:
        """End every hold at its own end; False when any had ended already (the caller rolls back)."""
        return all([self.end(*_closing(h)) for h in holds])

    def add(
        self,
        hold: Hold,
        *,
        update_id: int | None = None,
        assigned_by: int | None = None,
        taken_over_by: int | None = None,
        flag: str | None = None,
        note: str | None = None,
    ) -> Hold:
        """A new hold row (open unless `hold.end`): a take-over's, a helper's, or a supervisor's /assign
        window; an ended one may carry how it ended (taken_over_by, flag, note), as a split's parts do."""
        values = {
            "taken_over_by": taken_over_by,
            "flag": flag,
            "note": note,
            "account_id": self.accounts.id_of(hold.account),
            "agent_id": hold.agent_id,
            "started_at": hold.start,
            "ended_at": hold.end,
            "role": hold.role,
            "update_id": update_id,
            "assigned_by": assigned_by,
        }
        new_id = self._write(_ADD, values).scalar_one()
        self.changed = True
        return replace(hold, id=new_id)

    def split(self, was: Hold, cut: CoverSplit) -> CoverSplit:
        """Store a confirmed cover claim: `was` ends where the cover begins, taken over by the coverer;
        the coverer's span follows, handed back to the holder; the holder's part after it keeps what
        ended `was` (its take-over, flag and hand-off note), or stays open. HoldMoved when `was` no
        longer spans what it did when the claim was checked: the caller refuses."""
        if was.id is None or cut.cover.end is None:
            raise ValueError(f"cannot split {was!r} for {cut.cover!r}")
        row = self.session.execute(select(HoldRow).where(col(HoldRow.id) == was.id)).scalar_one()
        same_end = _HOLDS.c.ended_at.is_(None) if was.end is None else _HOLDS.c.ended_at == was.end
        shortened = self._write(
            update(_HOLDS)
            .where(_HOLDS.c.id == was.id, _HOLDS.c.started_at == was.start, same_end)
            .values(ended_at=cut.before.end, taken_over_by=cut.cover.agent_id, flag=None, note=None)
        )
        if shortened.rowcount != 1:
            raise HoldMoved(was.id)
        cover = self.add(cut.cover, taken_over_by=was.agent_id)
        after = self.add(cut.after, taken_over_by=row.taken_over_by, flag=row.flag, note=row.note)
        return CoverSplit(replace(cut.before, id=was.id), cover, after)

    @contextmanager
    def race_guard(self) -> Iterator[None]:
        """Around a write two take-overs may race on: a savepoint, so the loser can read the winner.

        Only PostgreSQL lets two writers interleave; SQLite's writer holds the write lock from its
        first statement, so there is nothing to guard and no savepoint to pay for.
        """
        try:
            if self.session.get_bind().dialect.name == "postgresql":
                with self.session.begin_nested():
                    yield
            else:
                yield
        finally:
            self._open = None  # the loser reads the winner's hold, committed meanwhile

    def take_over(self, move: TakeOver, update_id: int | None = None) -> Hold:
        """Store a take-over; `update_id` is the Telegram update that made it, unique on the row."""
        if move.ended is not None:
            hold_id, at = _closing(move.ended)
            if not self.end(hold_id, at, taken_over_by=move.started.agent_id):
                raise HoldMoved(hold_id)
        return self.add(move.started, update_id=update_id)

    # -- hand-offs and their notes ------------------------------------------------------------------

    def last_hand_off(self, agent_id: int, since: datetime, until: datetime) -> list[HoldRow]:
        """The holder holds the agent ended themselves in their latest hand-off within [since, until].

        One /off can end several accounts at the same instant: that is one hand-off. Holds ended
        by someone else's take-over, supervisors' /assign windows and helper holds are no hand-off.
        """
        ended_at = col(HoldRow.ended_at)
        handed_off = and_(
            col(HoldRow.agent_id) == agent_id,
            col(HoldRow.role) == HOLDER,
            col(HoldRow.taken_over_by).is_(None),
            col(HoldRow.assigned_by).is_(None),
            ended_at.is_not(None),
            ended_at >= since,
            ended_at <= until,
        )
        latest = self.session.execute(select(ended_at).where(handed_off).order_by(ended_at.desc()).limit(1)).scalar()
        if latest is None:
            return []
        return list(self.session.execute(select(HoldRow).where(handed_off, ended_at == latest).order_by(col(HoldRow.id))).scalars())

    def set_notes(self, rows: list[HoldRow], note: str) -> None:
        for row in rows:
            row.note = note
        self.session.flush()

    def noted_hand_offs(self, start: datetime, end: datetime) -> pd.DataFrame:
        """Hand-offs in [start, end) that carry a note: agent_id, at, note; one row per hand-off."""
        rows = self.session.execute(
            select(col(HoldRow.agent_id), col(HoldRow.ended_at), col(HoldRow.note))
            .where(
                col(HoldRow.role) == HOLDER,
                col(HoldRow.taken_over_by).is_(None),
                col(HoldRow.assigned_by).is_(None),
                col(HoldRow.note).is_not(None),
                col(HoldRow.ended_at) >= start,
                col(HoldRow.ended_at) < end,
            )
            .order_by(col(HoldRow.id))
        ).all()
        frame = pd.DataFrame([tuple(r) for r in rows], columns=["agent_id", "at", "note"])
        frame = frame.drop_duplicates(["agent_id", "at"]).reset_index(drop=True)
        return frame.assign(agent_id=frame["agent_id"].astype("int64"), at=pd.to_datetime(frame["at"], utc=True).astype(TS_DTYPE))

    def notes_of(self, agent_id: int) -> list[tuple[datetime, tuple[str, ...], str]]:
        """The agent's hand-offs with a note: (at, accounts, note), newest first; one /off is one hand-off."""
        rows = self.session.execute(
            select(col(HoldRow.ended_at), col(Account.key), col(HoldRow.note))
            .join(Account, col(Account.id) == col(HoldRow.account_id))
            .where(
                col(HoldRow.agent_id) == agent_id,
                col(HoldRow.role) == HOLDER,
                col(HoldRow.note).is_not(None),
                col(HoldRow.ended_at).is_not(None),
            )
            .order_by(col(HoldRow.ended_at).desc(), col(Account.key))
        ).all()
        grouped: dict[datetime, tuple[list[str], str]] = {}
        for ended_at, key, note in rows:
            grouped.setdefault(ended_at, ([], note))[0].append(key)
        return [(at, tuple(keys), note) for at, (keys, note) in grouped.items()]


# -- evidence of presence (bot/ledger/idle.py, bot/console backdating) ------------------------------


def ended_by_holder(holds: Holds, hold_ids: Iterable[int]) -> set[int]:
    """Of these holds, those whose end their own holder made (a hand-off, a clock-off answer): an
    end someone else's take-over made, or a supervisor's /assign window, is no sign of its holder."""
    ids = list(hold_ids)
    if not ids:
        return set()
    rows = holds.session.execute(
        select(col(HoldRow.id)).where(
            col(HoldRow.id).in_(ids),
            col(HoldRow.ended_at).is_not(None),
            col(HoldRow.taken_over_by).is_(None),
            col(HoldRow.assigned_by).is_(None),
        )
    ).scalars()
    return set(rows)


def assigned(holds: Holds, hold_ids: Iterable[int]) -> set[int]:
    """Of these holds, the supervisors' /assign windows: vouched for, never idle."""
    ids = list(hold_ids)
    if not ids:
        return set()
    return set(
        holds.session.execute(select(col(HoldRow.id)).where(col(HoldRow.id).in_(ids), col(HoldRow.assigned_by).is_not(None))).scalars()
    )


def backdate_take_over(holds: Holds, current: Hold, taker_id: int, at: datetime, update_id: int | None = None) -> Hold:
    """End the open holder hold `current` at the past instant `at` and open the taker's from there:
    a take-over that began when the taker really started. HoldMoved when `current` ended meanwhile."""
    if current.id is None or not holds.end(current.id, at, taken_over_by=taker_id):
        raise HoldMoved(current.id or 0)
    return holds.add(Hold(current.account, taker_id, at), update_id=update_id)
