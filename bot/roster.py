"""The roster as application services: /shift, a roster sheet, the week's view, the seed from config.

Each change is one command transaction with its audit entry; a refusal writes nothing. Two
people on one account at the same time are allowed, and reported back as conflicts. Nothing
here knows about Telegram.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from bot.config import Config
from bot.roster_input import ShiftRequest, parse_shift, read_sheet
from bot.services import Baton, Person, Refused
from domain.roster import RosterEntry, expand_roster, overlaps, weekdays_text
from domain.time import local_day
from storage import repositories as repo
from storage import roster as store
from storage.db import reading
from storage.models import Agent

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


def find_person(session: Session, handle: str, at: datetime) -> Agent | None:
    """@username or display name; a Telegram user id may name someone who never wrote yet."""
    bare = handle.strip().removeprefix("@")
    if bare.isascii() and bare.isdigit() and 0 < len(bare) <= 15:
        return repo.register_agent_if_missing(session, int(bare), bare, at)
    return repo.find_agent(session, handle) if bare else None


# -- changing the roster -------------------------------------------------------------------------------------


def set_shift(baton: Baton, supervisor: Person, words: Sequence[str], update_id: int | None) -> ShiftSet | ShiftEnded:
    """A supervisor's /shift: one transaction, audited; its conflicts are reported, not refused."""
    request = parse_shift(words, (a.key for a in baton.config.accounts), baton.today())
    now = baton.clock.now()
    with baton.command(update_id) as session:
        actor = repo.register_agent(session, supervisor.tg_user_id, supervisor.name, supervisor.username, now)
        agent = find_person(session, request.handle, now)
        if agent is None:
            raise Refused("roster_unknown_agent", handle=request.handle)
        if request.weekdays is None:
            ended = store.end_shifts(session, agent.id, request.account, request.valid_from, now)
            if not ended:
                raise Refused("roster_nothing_to_end", name=agent.name, account=request.account)
            repo.audit(session, now, "shift_end", actor_agent_id=actor.id, subject=agent.name, account=request.account,
                       valid_from=request.valid_from, shifts=ended)
            return ShiftEnded(agent.name, request.account, request.valid_from, len(ended))
        entry = _entry(agent.id, request)
        change = store.set_shift(session, entry, store.COMMAND, actor.id, now)
        repo.audit(session, now, "shift_set", actor_agent_id=actor.id, subject=agent.name, shift=change.shift_id,
                   **_described(entry), trimmed=list(change.trimmed), replaced=list(change.replaced), pieces=list(change.pieces))
        conflicts = conflicts_of(session, [entry], baton)
    return ShiftSet(agent.name, entry.account, entry.weekdays, entry.start, entry.end, entry.valid_from, entry.valid_to,
                    len(change.trimmed) + len(change.replaced), conflicts)


def import_roster(baton: Baton, supervisor: Person, data: bytes, filename: str, update_id: int | None) -> RosterImported:
    """A roster sheet: every row is checked before anything is written, then all rows in one transaction."""
    rows, problems = read_sheet(data, filename, (a.key for a in baton.config.accounts), baton.today())
    now = baton.clock.now()
    with baton.command(update_id) as session:
        actor = repo.register_agent(session, supervisor.tg_user_id, supervisor.name, supervisor.username, now)
        people = {row.number: find_person(session, row.request.handle, now) for row in rows}
        problems += [(row.number, "roster_unknown_agent", {"handle": row.request.handle}) for row in rows if people[row.number] is None]
        if problems:
            raise Refused("roster_sheet_rows", problems=sorted(problems, key=lambda p: p[0]))
        entries = [_entry(people[row.number].id, row.request) for row in rows]
        added: list[int] = []
        for entry in entries:
            added.append(store.set_shift(session, entry, store.IMPORT, actor.id, now, keep=added).shift_id)
        repo.audit(session, now, "roster_import", actor_agent_id=actor.id, subject=filename[:128], shifts=added,
                   rows=[{"row": row.number, "agent": people[row.number].name, **_described(e)} for row, e in zip(rows, entries, strict=True)])
        conflicts = conflicts_of(session, entries, baton)
    return RosterImported(filename, len(entries), len({e.agent_id for e in entries}), conflicts)


def _entry(agent_id: int, request: ShiftRequest) -> RosterEntry:
    return RosterEntry(agent_id, request.account, request.weekdays, request.start, request.end,
                       valid_from=request.valid_from, valid_to=request.valid_to)


def _described(entry: RosterEntry) -> dict[str, object]:
    return {"account": entry.account, "weekdays": weekdays_text(entry.weekdays), "hours": f"{entry.start:%H:%M}-{entry.end:%H:%M}",
            "valid_from": entry.valid_from, "valid_to": entry.valid_to}


def conflicts_of(session: Session, entries: Sequence[RosterEntry], baton: Baton) -> tuple[Conflict, ...]:
    """Everyone rostered beside the entries' agents on their accounts, over each entry's first four weeks."""
    horizons = [(e, e.valid_from, min(e.valid_to or date.max, e.valid_from + CONFLICT_HORIZON)) for e in entries]
    first, last = min(h[1] for h in horizons), max(h[2] for h in horizons)
    windows = expand_roster([s.entry for s in store.shifts_between(session, first, last)], first, last, baton.tz)
    found = [
        o for o in overlaps(windows)
        if any(o.account == e.account and e.agent_id in (o.first_agent, o.second_agent)
               and start <= local_day(o.start, baton.tz) <= end for e, start, end in horizons)
    ]
    return _grouped(session, found)


def _grouped(session: Session, found) -> tuple[Conflict, ...]:
    names = {a.id: a.name for a in repo.agents_by_id(session).values()}
    by_pair: dict[tuple[str, int, int], list] = {}
    for o in found:
        by_pair.setdefault((o.account, o.first_agent, o.second_agent), []).append(o)
    conflicts = [
        Conflict(account, names[a], names[b], group[0].start, group[0].end, len(group))
        for (account, a, b), group in by_pair.items()
    ]
    return tuple(sorted(conflicts, key=lambda c: (c.start, c.account, c.first, c.second))[:MAX_CONFLICTS])


def seed_from_config(session: Session, config: Config, at: datetime | None = None) -> int:
    """The configured [[roster]] becomes the first shifts, once, while the table is still empty."""
    seeds = [store.SeedShift(r.tg_user_id, r.name, r.account, r.weekdays, r.start, r.end) for r in config.roster]
    return store.seed(session, seeds, at or datetime.now(UTC))


# -- the week's view -------------------------------------------------------------------------------------------


def week(baton: Baton, monday: date) -> RosterWeek:
    days = [monday + timedelta(days=i) for i in range(7)]
    with reading(baton.engine) as session:
        shifts = store.shifts_between(session, monday, days[-1])
        names = {a.id: a.name for a in repo.agents_by_id(session).values()}
        windows = expand_roster([s.entry for s in shifts], monday, days[-1], baton.tz)
        conflicts = _grouped(session, overlaps(windows))
    rows: dict[tuple, tuple[set[int], set[int]]] = {}
    for shift in shifts:
        e = shift.entry
        on = {i for i, day in enumerate(days) if e.runs_on(day)}
        away = {i for i, day in enumerate(days) if day in e.skipped and day.weekday() in e.weekdays and e.valid_on(day)}
        if on or away:
            key = (e.account, e.agent_id, e.start, e.end, shift.source == store.SWAP)
            rows.setdefault(key, (set(), set()))
            rows[key][0].update(on)
            rows[key][1].update(away)
    per_account = []
    for account in (a.key for a in baton.config.accounts):
        listed = sorted(
            (WeekRow(names[agent], start, end, frozenset(on), frozenset(away), swapped)
             for (acc, agent, start, end, swapped), (on, away) in rows.items() if acc == account),
            key=lambda r: (r.start, r.name, r.swapped_in),
        )
        per_account.append((account, tuple(listed)))
    return RosterWeek(monday, tuple(per_account), conflicts)
