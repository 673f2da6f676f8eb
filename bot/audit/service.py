"""Reading the audit log: its latest entries, and the hash chain checked end to end."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from bot.core.baton import UnitOfWork
from domain.audit_chain import GENESIS, Sealed, first_break
from storage import audit


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor: str | None  # None: the system (a job, the command line)
    action: str
    subject: str  # an /adjust's agent id is given as the agent's name
    detail: str  # the stored JSON


@dataclass(frozen=True)
class BrokenEntry:
    id: int
    action: str
    at: datetime
    reason: str  # domain.audit_chain.Break's


@dataclass(frozen=True)
class Verified:
    count: int
    head: str  # the last entry's hash
    broken: BrokenEntry | None
    noted_head_found: bool  # whether a head noted earlier is still in the chain


def latest(uow: UnitOfWork, n: int) -> list[Entry]:
    """The newest `n` entries, oldest first."""
    names = uow.agents.names()

    def subject(action: str, subject: str) -> str:
        if action == "adjust" and subject.isdigit():  # /adjust names the agent by id
            return names.get(int(subject), subject)
        return subject

    return [
        Entry(
            row.id,
            row.at,
            names.get(row.actor_agent_id) if row.actor_agent_id is not None else None,
            row.action,
            subject(row.action, row.subject),
            row.detail,
        )
        for row in uow.audit.latest(n)
    ]


def verify(uow: UnitOfWork, noted_head: str | None = None) -> Verified:
    """Walk the chain from genesis. `noted_head`: a head hash written down earlier, outside the database.

    Someone able to write the database can reseal every entry after the one they changed; they
    cannot make that old hash reappear, so an intact chain that lacks it was rewritten.
    """
    seen = _Counted(audit.entries(uow.session), noted_head)
    found = first_break(seen)
    broken = None
    if found is not None and seen.last is not None:
        broken = BrokenEntry(found.id, seen.last.action, seen.last.at, found.reason)
    return Verified(seen.count, seen.head, broken, seen.found)


class _Counted:
    """Passes the chain through, noting how many entries went by, the last one, and whether `noted` was one."""

    def __init__(self, entries: Iterator[Sealed], noted: str | None) -> None:
        self._entries = entries
        self._noted = noted
        self.count = 0
        self.head = GENESIS
        self.last: Sealed | None = None
        self.found = False

    def __iter__(self) -> Iterator[Sealed]:
        for entry in self._entries:
            self.count += 1
            self.head = entry.hash
            self.last = entry
            self.found = self.found or entry.hash == self._noted
            yield entry
