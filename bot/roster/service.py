"""The roster's use cases: /shift, a roster sheet, and the week's view.

Each change is one command with its audit entry; a refusal writes nothing. Two people on one
account at the same time are allowed, and reported back as conflicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.roster.parse import Sheet, ShiftRequest
from domain.roster import Overlap, RosterEntry, expand_roster, overlaps, weekdays_text
from domain.time import local_day
from storage.models import Agent
from storage.roster import COMMAND, IMPORT, SWAP

CONFLICT_HORIZON = timedelta(days=27)  # four weeks from a shift's first day: every weekday's pattern, and what changes soon
MAX_CONFLICTS = 8


@dataclass(frozen=True)
class Conflict:
    """Two people rostered on one account at once: the first time in the horizon, and how often."""

    account: str
    first: str
    second: str
    start: datetime
    end: datetime
    count: int


@dataclass(frozen=True)
class ShiftSet:
    name: str
    account: str
    weekdays: frozenset[int]
    start: time
    end: time
    valid_from: date
    valid_to: date | None
    replaced: int  # earlier shifts of theirs it trimmed or replaced
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True)
class ShiftEnded:
    name: str
    account: str
    valid_from: date
    count: int


@dataclass(frozen=True)
class RosterImported:
    filename: str
    shifts: int
    people: int
    conflicts: tuple[Conflict, ...]


@dataclass(frozen=True)
class WeekRow:
    name: str
    start: time
    end: time
    days: frozenset[int]  # 0 = the week's Monday
    away: frozenset[int]  # days given to a colleague in an approved swap
    swapped_in: bool  # a colleague's occurrence taken over in a swap


@dataclass(frozen=True)
class RosterWeek:
    monday: date
    accounts: tuple[tuple[str, tuple[WeekRow, ...]], ...]
    conflicts: tuple[Conflict, ...]


# -- changing the roster -------------------------------------------------------------------------------------


def set_shift(uow: UnitOfWork, request: ShiftRequest) -> ShiftSet | ShiftEnded:
    """A supervisor's /shift, audited; its conflicts are reported, not refused."""
    agent = named_agent(uow, request.handle)
    if request.weekdays is None:
        return _take_off(uow, agent, request)
    entry = _entry(agent.id, request)
    change = uow.roster.set_shift(entry, COMMAND, uow.me.id, uow.now)
    uow.audit(
        uow.now,
        "shift_set",
        actor_agent_id=uow.me.id,
        subject=agent.name,
        shift=change.shift_id,
        **_described(entry),
        trimmed=list(change.trimmed),
        replaced=list(change.replaced),
        pieces=list(change.pieces),
    )
    return ShiftSet(
        agent.name,
        entry.account,
        entry.weekdays,
        entry.start,
        entry.end,
        entry.valid_from,
        entry.valid_to,
        len(change.trimmed) + len(change.replaced),
        conflicts_of(uow, [entry]),
    )


def _take_off(uow: UnitOfWork, agent: Agent, request: ShiftRequest) -> ShiftEnded:
    ended = uow.roster.end_shifts(agent.id, request.account, request.valid_from, uow.now)
    if not ended:
        raise Refused("roster_nothing_to_end", name=agent.name, account=request.account)
    uow.audit(
        uow.now,
        "shift_end",
        actor_agent_id=uow.me.id,
        subject=agent.name,
        account=request.account,
        valid_from=request.valid_from,
        shifts=ended,
    )
    return ShiftEnded(agent.name, request.account, request.valid_from, len(ended))


def import_roster(uow: UnitOfWork, sheet: Sheet) -> RosterImported:
    """A roster sheet, every row checked before anything is written: all of it, or none of it if any row is bad."""
    people = {row.number: uow.agents.find_or_name_by_id(row.request.handle, uow.now) for row in sheet.rows}
    unknown = [(row.number, "roster_unknown_agent", {"handle": row.request.handle}) for row in sheet.rows if people[row.number] is None]
    if sheet.problems or unknown:
        raise Refused("roster_sheet_rows", problems=sorted([*sheet.problems, *unknown], key=lambda p: p[0]))
    entries = [_entry(people[row.number].id, row.request) for row in sheet.rows]
    added: list[int] = []
    for entry in entries:
        # An import's rows never replace each other, only what was there before.
        added.append(uow.roster.set_shift(entry, IMPORT, uow.me.id, uow.now, keep=added).shift_id)
    rows = [{"row": row.number, "agent": people[row.number].name, **_described(e)} for row, e in zip(sheet.rows, entries, strict=True)]
    uow.audit(uow.now, "roster_import", actor_agent_id=uow.me.id, subject=sheet.filename[:128], shifts=added, rows=rows)
    return RosterImported(sheet.filename, len(entries), len({e.agent_id for e in entries}), conflicts_of(uow, entries))


def named_agent(uow: UnitOfWork, handle: str) -> Agent:
    """@username, display name, or a Telegram user id (someone who may never have written yet)."""
    agent = uow.agents.find_or_name_by_id(handle, uow.now)
    if agent is None:
        raise Refused("roster_unknown_agent", handle=handle)
    return agent


def _entry(agent_id: int, request: ShiftRequest) -> RosterEntry:
    return RosterEntry(
        agent_id, request.account, request.weekdays, request.start, request.end, valid_from=request.valid_from, valid_to=request.valid_to
    )


def _described(entry: RosterEntry) -> dict[str, object]:
    return {
        "account": entry.account,
        "weekdays": weekdays_text(entry.weekdays),
        "hours": f"{entry.start:%H:%M}-{entry.end:%H:%M}",
        "valid_from": entry.valid_from,
        "valid_to": entry.valid_to,
    }


def conflicts_of(uow: UnitOfWork, entries: Sequence[RosterEntry]) -> tuple[Conflict, ...]:
    """Everyone rostered beside the entries' agents on their accounts, over each entry's first four weeks."""
    horizons = [(e, e.valid_from, min(e.valid_to or date.max, e.valid_from + CONFLICT_HORIZON)) for e in entries]
    first, last = min(h[1] for h in horizons), max(h[2] for h in horizons)
    windows = expand_roster([s.entry for s in uow.roster.shifts_between(first, last)], first, last, uow.tz)
    found = [
        o
        for o in overlaps(windows)
        if any(
            o.account == e.account and e.agent_id in (o.first_agent, o.second_agent) and start <= local_day(o.start, uow.tz) <= end
            for e, start, end in horizons
        )
    ]
    return _grouped(uow, found)


def _grouped(uow: UnitOfWork, found: Iterable[Overlap]) -> tuple[Conflict, ...]:
    names = uow.agents.names()
    by_pair: dict[tuple[str, int, int], list[Overlap]] = {}
    for o in found:
        by_pair.setdefault((o.account, o.first_agent, o.second_agent), []).append(o)
    conflicts = [
        Conflict(account, names[a], names[b], group[0].start, group[0].end, len(group)) for (account, a, b), group in by_pair.items()
    ]
    return tuple(sorted(conflicts, key=lambda c: (c.start, c.account, c.first, c.second))[:MAX_CONFLICTS])


# -- the week's view -------------------------------------------------------------------------------------------


def week(uow: UnitOfWork, monday: date) -> RosterWeek:
    """Who is rostered on each account, day by day, in the week from `monday`, and who overlaps whom."""
    days = [monday + timedelta(days=i) for i in range(7)]
    shifts = uow.roster.shifts_between(monday, days[-1])
    names = uow.agents.names()
    conflicts = _grouped(uow, overlaps(expand_roster([s.entry for s in shifts], monday, days[-1], uow.tz)))
    rows: dict[tuple, tuple[set[int], set[int]]] = {}
    for shift in shifts:
        e = shift.entry
        on = {i for i, day in enumerate(days) if e.runs_on(day)}
        away = {i for i, day in enumerate(days) if day in e.skipped and day.weekday() in e.weekdays and e.valid_on(day)}
        if on or away:
            key = (e.account, e.agent_id, e.start, e.end, shift.source == SWAP)
            rows.setdefault(key, (set(), set()))
            rows[key][0].update(on)
            rows[key][1].update(away)
    per_account = []
    for account in (a.key for a in uow.config.accounts):
        listed = sorted(
            (
                WeekRow(names[agent], start, end, frozenset(on), frozenset(away), swapped)
                for (acc, agent, start, end, swapped), (on, away) in rows.items()
                if acc == account
            ),
            key=lambda r: (r.start, r.name, r.swapped_in),
        )
        per_account.append((account, tuple(listed)))
    return RosterWeek(monday, tuple(per_account), conflicts)
