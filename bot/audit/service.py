"""Reading the audit log: its latest entries, and the hash chain checked end to end."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from bot.core.baton import UnitOfWork
from domain.audit_chain import GENESIS, Sealed, first_break
from domain.snapshot import snapshot_from_json
from storage import audit
from storage.models import MonthClose


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
class AlteredClose:
    """A frozen month that is not what its close_month audit entry recorded."""

    month: str
    version: int
    reason: str  # "no_entry", "checksum" (the snapshot was replaced, checksum and all) or "content"
    stored: str  # the checksum beside the snapshot
    recorded: str | None  # the checksum the audit entry sealed


@dataclass(frozen=True)
class Verified:
    count: int
    head: str  # the last entry's hash
    broken: BrokenEntry | None
    noted_head_found: bool  # whether a head noted earlier is still in the chain
    altered: tuple[AlteredClose, ...] = ()  # frozen months that differ from what their closes recorded


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
    return Verified(seen.count, seen.head, broken, seen.found, tuple(altered_closes(uow)))


def altered_closes(uow: UnitOfWork) -> list[AlteredClose]:
    """Each frozen month checked against the checksum its close_month entry sealed into the chain.

    A snapshot edited in the database with its checksum recomputed still agrees with itself; only
    the audit entry, written in the close's own transaction and sealed, still holds the original.
    """
    recorded = _recorded_checksums(uow)
    return [found for close in uow.months.all_closes() if (found := _altered(close, recorded)) is not None]


def altered_close(uow: UnitOfWork, month: str) -> AlteredClose | None:
    """The month's latest close, if it is not what its close_month entry recorded."""
    close = uow.months.latest_close(month)
    return None if close is None else _altered(close, _recorded_checksums(uow))


def _recorded_checksums(uow: UnitOfWork) -> dict[tuple[str, int], str]:
    recorded: dict[tuple[str, int], str] = {}
    for row in uow.audit.of_action("close_month"):
        try:
            detail = json.loads(row.detail)
            recorded.setdefault((row.subject, int(detail["version"])), str(detail["checksum"]))
        except (ValueError, KeyError, TypeError):
            continue  # an entry this check cannot read proves nothing either way; the close then has no entry
    return recorded


def _altered(close: MonthClose, recorded: dict[tuple[str, int], str]) -> AlteredClose | None:
    sealed = recorded.get((close.month, close.version))
    if sealed is None:
        return AlteredClose(close.month, close.version, "no_entry", close.checksum, None)
    if sealed != close.checksum:
        return AlteredClose(close.month, close.version, "checksum", close.checksum, sealed)
    try:
        snapshot_from_json(close.snapshot, close.checksum)
    except (ValueError, KeyError, TypeError):
        return AlteredClose(close.month, close.version, "content", close.checksum, sealed)
    return None


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
