"""The roster in the database: shifts, their changes, and shift swaps. Callers own the transaction.

A shift row becomes a domain.roster.RosterEntry; an approved swap skips the offerer's occurrence
(matched by agent, account, day and start time, so it survives the plan being re-cut around it)
and adds a one-day row for the colleague.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlmodel import Session, col

from domain.roster import RosterEntry, expand_roster, supersede
from domain.time import local_day
from storage.accounts import Accounts
from storage.agents import Agents
from storage.models import ShiftRow, ShiftSwapRow, stored_id

CONFIG, COMMAND, IMPORT, SWAP = "config", "command", "import", "swap"
# The configured roster has always applied: seeded rows reach back past any data.
SEED_FROM = date(2000, 1, 1)

OFFERED, ACCEPTED, APPROVED, DECLINED, REJECTED, WITHDRAWN = "offered", "accepted", "approved", "declined", "rejected", "withdrawn"
LIVE = (OFFERED, ACCEPTED, APPROVED)


@dataclass(frozen=True)
class Shift:
    id: int
    entry: RosterEntry
    source: str


@dataclass(frozen=True)
class SeedShift:
    tg_user_id: int
    name: str
    account: str
    weekdays: frozenset[int]
    start: time
    end: time


@dataclass(frozen=True)
class ShiftChange:
    """What setting one shift did: the new row, the rows it trimmed or replaced, and the rows re-cut from them."""

    shift_id: int
    trimmed: tuple[int, ...] = ()
    replaced: tuple[int, ...] = ()
    pieces: tuple[int, ...] = ()


def weekdays_digits(weekdays: Iterable[int]) -> str:
    """0 = Monday as ISO digits: {0, 1, 2, 3, 4} -> "12345"."""
    return "".join(str(d + 1) for d in sorted(set(weekdays)))


def digits_weekdays(digits: str) -> frozenset[int]:
    return frozenset(int(d) - 1 for d in digits)


def _active(first_day: date | None = None, last_day: date | None = None) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [col(ShiftRow.cancelled_at).is_(None)]
    if last_day is not None:
        conditions.append(col(ShiftRow.valid_from) <= last_day)
    if first_day is not None:
        conditions.append(or_(col(ShiftRow.valid_to).is_(None), col(ShiftRow.valid_to) >= first_day))
    return and_(*conditions)


def _shift(row: ShiftRow, keys: dict[int, str], skipped: frozenset[date] = frozenset()) -> Shift:
    entry = RosterEntry(
        agent_id=row.agent_id,
        account=keys[row.account_id],
        weekdays=digits_weekdays(row.weekdays),
        start=row.start_time,
        end=row.end_time,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        skipped=skipped,
    )
    return Shift(stored_id(row), entry, row.source)


class Roster:
    """The shifts and shift_swaps tables."""

    def __init__(self, session: Session, accounts: Accounts, agents: Agents) -> None:
        self.session = session
        self.accounts = accounts
        self.agents = agents

    # -- reading -----------------------------------------------------------------------------------------

    def shifts_between(self, first_day: date, last_day: date) -> list[Shift]:
        """The shifts in force on some day from first_day to last_day, with their swapped-away days skipped."""
        rows = self.session.execute(select(ShiftRow).where(_active(first_day, last_day)).order_by(col(ShiftRow.id))).scalars().all()
        if not rows:
            return []  # a team without a roster asks at every refused case press: one query, not three
        keys = self.accounts.keys
        skips = self._approved_skips(first_day, last_day)
        return [_shift(row, keys, skips.get((row.agent_id, row.account_id, row.start_time), frozenset())) for row in rows]

    def _approved_skips(self, first_day: date, last_day: date) -> dict[tuple[int, int, time], frozenset[date]]:
        rows = self.session.execute(
            select(col(ShiftSwapRow.offerer_id), col(ShiftSwapRow.account_id), col(ShiftSwapRow.start_time), col(ShiftSwapRow.day)).where(
                col(ShiftSwapRow.status) == APPROVED, col(ShiftSwapRow.day) >= first_day, col(ShiftSwapRow.day) <= last_day
            )
        ).all()
        skips: dict[tuple[int, int, time], set[date]] = defaultdict(set)
        for offerer, account, start, day in rows:
            skips[(offerer, account, start)].add(day)
        return {key: frozenset(days) for key, days in skips.items()}

    def roster_frame(self, start: datetime, end: datetime, tz: ZoneInfo) -> pd.DataFrame | None:
        """The roster windows (domain.roster frame) of the shifts starting on the local days [start, end) touches.

        A night shift that began the evening before still covers the first morning, so the day
        before is included. None when nobody is rostered at all.
        """
        first, last = local_day(start, tz) - timedelta(days=1), local_day(end, tz)
        plan = [s.entry for s in self.shifts_between(first, last)]
        return expand_roster(plan, first, last, tz) if plan else None

    def is_empty(self) -> bool:
        return self.session.execute(select(func.count()).select_from(ShiftRow)).scalar_one() == 0

    def occurrence(self, agent_id: int, account: str, day: date) -> Shift | None:
        """The agent's earliest shift on the account that starts on `day`, unless swapped away."""
        running = [
            s for s in self.shifts_between(day, day) if s.entry.agent_id == agent_id and s.entry.account == account and s.entry.runs_on(day)
        ]
        return min(running, key=lambda s: (s.entry.start, s.id), default=None)

    # -- writing -----------------------------------------------------------------------------------------

    def seed(self, shifts: Iterable[SeedShift], at: datetime) -> int:
        """The configured roster as the first rows, once: only while the table is empty."""
        if not self.is_empty():
            return 0
        count = 0
        for shift in shifts:
            agent = self.agents.register_if_missing(shift.tg_user_id, shift.name, at)
            entry = RosterEntry(stored_id(agent), shift.account, shift.weekdays, shift.start, shift.end, valid_from=SEED_FROM)
            self.add_shift(entry, CONFIG, None, at)
            count += 1
        return count

    def add_shift(self, entry: RosterEntry, source: str, created_by: int | None, at: datetime) -> int:
        if entry.valid_from is None:
            raise ValueError("a stored shift starts on a day")
        row = ShiftRow(
            agent_id=entry.agent_id,
            account_id=self.accounts.ids[entry.account],
            weekdays=weekdays_digits(entry.weekdays),
            start_time=entry.start,
            end_time=entry.end,
            valid_from=entry.valid_from,
            valid_to=entry.valid_to,
            source=source,
            created_by=created_by,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return stored_id(row)

    def set_shift(self, entry: RosterEntry, source: str, created_by: int | None, at: datetime, *, keep: Iterable[int] = ()) -> ShiftChange:
        """Add `entry`; it replaces the agent's other shifts on the account on its weekdays and days.

        Rows in `keep` are left alone (an import does not let its own rows replace each other).
        """
        keep = set(keep)
        existing = [s for s in self._agent_shifts(entry.agent_id, entry.account) if s.id not in keep and s.entry.valid_from is not None]
        shift_id = self.add_shift(entry, source, created_by, at)
        trimmed, replaced, pieces = [], [], []
        for old in existing:
            cut = supersede(old.entry, entry)
            if cut is None:
                continue
            row = self.session.get_one(ShiftRow, old.id)
            if cut.keep_until is None:
                row.cancelled_at, row.replaced_by = at, shift_id
                replaced.append(old.id)
            else:
                row.valid_to = cut.keep_until
                trimmed.append(old.id)
            pieces += [self.add_shift(piece, old.source, created_by, at) for piece in cut.pieces]
        self.session.flush()
        return ShiftChange(shift_id, tuple(trimmed), tuple(replaced), tuple(pieces))

    def end_shifts(self, agent_id: int, account: str, from_day: date, at: datetime) -> list[int]:
        """Take the agent off the account from `from_day`: later rows are cancelled, running ones end the day before."""
        ended = []
        for old in self._agent_shifts(agent_id, account):
            if old.entry.valid_to is not None and old.entry.valid_to < from_day:
                continue
            row = self.session.get_one(ShiftRow, old.id)
            if row.valid_from >= from_day:
                row.cancelled_at = at
            else:
                row.valid_to = from_day - timedelta(days=1)
            ended.append(old.id)
        self.session.flush()
        return ended

    def _agent_shifts(self, agent_id: int, account: str) -> list[Shift]:
        account_id = self.accounts.ids[account]
        rows = self.session.execute(
            select(ShiftRow)
            .where(_active(), col(ShiftRow.agent_id) == agent_id, col(ShiftRow.account_id) == account_id)
            .order_by(col(ShiftRow.id))
        ).scalars()
        keys = self.accounts.keys
        return [_shift(row, keys) for row in rows]

    # -- swaps -----------------------------------------------------------------------------------------------

    def add_swap(self, shift: Shift, colleague_id: int, day: date, at: datetime) -> ShiftSwapRow:
        """Offer the occurrence of `shift` on `day`; the live-swap index refuses a second offer of it."""
        row = ShiftSwapRow(
            shift_id=shift.id,
            offerer_id=shift.entry.agent_id,
            colleague_id=colleague_id,
            account_id=self.accounts.ids[shift.entry.account],
            day=day,
            start_time=shift.entry.start,
            end_time=shift.entry.end,
            status=OFFERED,
            offered_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def get_swap(self, swap_id: int) -> ShiftSwapRow | None:
        return self.session.get(ShiftSwapRow, swap_id)

    def set_swap_message(self, swap_id: int, chat_id: int, message_id: int) -> None:
        self.session.execute(update(ShiftSwapRow).where(col(ShiftSwapRow.id) == swap_id).values(chat_id=chat_id, message_id=message_id))

    def move_swap(self, swap_id: int, from_status: str | tuple[str, ...], to_status: str, **values: object) -> bool:
        """Change the swap's status only if it is still `from_status`: of two presses at once, one wins."""
        expected = (from_status,) if isinstance(from_status, str) else from_status
        moved = self.session.exec(
            update(ShiftSwapRow)
            .where(col(ShiftSwapRow.id) == swap_id, col(ShiftSwapRow.status).in_(expected))
            .values(status=to_status, **values)
        )
        return moved.rowcount == 1

    def approve_swap(self, swap: ShiftSwapRow, decided_by: int | None, at: datetime) -> int | None:
        """Approve an accepted swap: the colleague gets the occurrence as a one-day shift. None if it moved meanwhile."""
        keys = self.accounts.keys
        entry = RosterEntry(
            swap.colleague_id,
            keys[swap.account_id],
            frozenset({swap.day.weekday()}),
            swap.start_time,
            swap.end_time,
            valid_from=swap.day,
            valid_to=swap.day,
        )
        swap_id = stored_id(swap)
        if not self.move_swap(swap_id, ACCEPTED, APPROVED, decided_at=at, decided_by=decided_by):
            return None
        cover = self.add_shift(entry, SWAP, decided_by, at)
        self.session.execute(update(ShiftSwapRow).where(col(ShiftSwapRow.id) == swap_id).values(cover_shift_id=cover))
        return cover
