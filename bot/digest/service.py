"""The daily digest: standings, coverage, the holds still open, how the day's conversations were
credited, and what a supervisor should look at ("needs attention").

Needs attention: overlapping holds, holds longer than `[checks] max_hold_hours`, holds the
reminders closed automatically that day, conversations nobody could be credited with, recent
days an importing account has no conversations for (its export was probably not imported), a
day the platform counted more than Baton holds (an export is missing rows), a platform count
nobody could be apportioned (nobody held the account in its scoring hours), idle hours (held
with nobody there, unpaid) and unanswered stretches during a hold (domain.presence).

Where the platform's per-agent report gave a count for the day, the digest compares it with the
conversations, or, on a day without any, says to whom it was apportioned by hold time.

The digest goes out at its hour, often before the day's export is imported (22:00, then 23:30).
An import that changes a day whose digest is posted owes that digest a correction
(`owe_corrections`, in the import's transaction): bot/digest/jobs.py then edits the posted
message, through the outbox, with the day as it now stands.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.core.baton import UnitOfWork
from bot.ledger.service import (
    ConversationCounts,
    PlatformDays,
    RankedAgent,
    Unshared,
    attribute,
    compile_days,
    conversation_counts,
    idle_hours,
    platform_days,
    ranked,
)
from bot.presence.service import StretchLine, unanswered
from domain.checks import missing_import_days, over_long_holds, overlapping_holds
from domain.coverage import Coverage, coverage
from domain.holds import Hold
from domain.reconcile import DayReconciliation
from domain.time import day_bounds, days_between, local_day
from storage.models import OutboxRow
from storage.outbox import OWED, SENT

DAILY = "daily"
# A posted daily digest owed an edit after an import changed its day (key: "<day>@<chat>#<n>").
CORRECTION = "digest_fix"
# How far back a digest looks for days without an import; the day itself is usually imported tomorrow.
IMPORT_LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class OpenHold:
    account: str
    holder: str
    since: datetime


@dataclass(frozen=True)
class HoldLine:
    account: str
    name: str
    start: datetime
    end: datetime | None
    seconds: float  # held, an open hold up to when the digest was made


@dataclass(frozen=True)
class IdleLine:
    """Hours held after the holder's last sign of activity while off roster: unpaid, for a supervisor to see."""

    account: str
    name: str
    start: datetime
    end: datetime
    seconds: float
    last_activity: datetime


@dataclass(frozen=True)
class Attention:
    overlaps: list[tuple[HoldLine, HoldLine]] = field(default_factory=list)
    long_holds: list[HoldLine] = field(default_factory=list)
    auto_closed: list[HoldLine] = field(default_factory=list)
    unattributed: dict[str, int] = field(default_factory=dict)
    missing_imports: dict[str, list[date]] = field(default_factory=dict)
    shortfalls: list[DayReconciliation] = field(default_factory=list)  # the platform counted more than Baton holds
    unshared: list[Unshared] = field(default_factory=list)  # a platform count nobody held the account for
    idle: list[IdleLine] = field(default_factory=list)  # held with nobody there (domain.presence): unpaid
    unanswered: list[StretchLine] = field(default_factory=list)  # customers waiting, no reply, during a hold

    @property
    def empty(self) -> bool:
        return not (
            self.overlaps
            or self.long_holds
            or self.auto_closed
            or self.unattributed
            or self.missing_imports
            or self.shortfalls
            or self.unshared
            or self.idle
            or self.unanswered
        )


@dataclass(frozen=True)
class Digest:
    day: date
    standings: list[RankedAgent]
    coverage: list[Coverage]
    open_holds: list[OpenHold]
    conversations: ConversationCounts
    attention: Attention | None = None
    platform: PlatformDays = field(default_factory=PlatformDays)  # the platform's count of the day, against Baton's


def daily_digest(uow: UnitOfWork, day: date) -> Digest:
    """The day compiled, then read back as its digest."""
    compile_days(uow, [day])
    start, end = day_bounds(day, uow.tz)
    holds = uow.holds.between(start, end)
    names = uow.agents.names()
    platform = platform_days(uow, day, day)
    return Digest(
        day=day,
        standings=ranked(uow, day),
        coverage=coverage(day, uow.tz, [a.key for a in uow.config.accounts], holds, uow.now),
        open_holds=[OpenHold(h.account, names[h.agent_id], h.start) for h in uow.holds.open()],
        conversations=conversation_counts(uow, day),
        attention=needs_attention(uow, day, platform),
        platform=platform,
    )


def needs_attention(uow: UnitOfWork, day: date, platform: PlatformDays | None = None) -> Attention:
    tz, now = uow.tz, uow.now
    start, end = day_bounds(day, tz)
    accounts = [a.key for a in uow.config.accounts]
    earlier = days_between(day - timedelta(days=IMPORT_LOOKBACK_DAYS), day - timedelta(days=1))
    holds = uow.holds.between(start, end)
    names = uow.agents.names()
    auto = uow.holds.auto_closed_between(start, end)
    first_import = {a: local_day(t, tz) for a in accounts if (t := uow.conversations.first_at(a)) is not None}
    imported = {a: {d for d in earlier if uow.conversations.any_between(a, *day_bounds(d, tz))} for a in first_import}

    def line(hold: Hold) -> HoldLine:
        return HoldLine(hold.account, names[hold.agent_id], hold.start, hold.end, hold.seconds(now))

    lost = attribute(uow, start, end).attribution.unattributed["account"].value_counts()
    platform = platform_days(uow, day, day) if platform is None else platform
    return Attention(
        overlaps=[(line(o.first), line(o.second)) for o in overlapping_holds(holds, now)],
        long_holds=[line(h) for h in over_long_holds(holds, now, timedelta(hours=uow.config.checks.max_hold_hours))],
        auto_closed=[line(h) for h in auto],
        unattributed={str(a): int(n) for a, n in sorted(lost.items())},
        missing_imports=missing_import_days(earlier, first_import, imported),
        shortfalls=list(platform.shortfalls),
        unshared=list(platform.unshared),
        idle=[
            IdleLine(i.hold.account, names[i.hold.agent_id], i.spans[0][0], i.spans[-1][1], i.seconds, i.last_activity)
            for i in idle_hours(uow, day, day)
        ],
        unanswered=unanswered(uow, day),
    )


def digest_posted(uow: UnitOfWork, kind: str, period: str) -> bool:
    """Posted, or being posted, or in doubt: anything but a digest still owed."""
    row = uow.outbox.find(kind, digest_key(period, uow.config.team.chat_id))
    return row is not None and row.state != OWED


def digest_key(period: str, chat_id: int) -> str:
    return f"{period}@{chat_id}"


def owe_corrections(uow: UnitOfWork, days: list[date]) -> int:
    """Owe the posted digest of each of these days an edit with its new figures; how many were owed.

    Claimed in the caller's transaction (an import's), so it is owed if and only if that commits,
    and once: a correction still owed is composed when it is sent, so it shows every import
    before it. A digest not posted yet needs none: it is composed from the data when it goes out."""
    chat = uow.config.team.chat_id
    owed = 0
    for day in days:
        digest = uow.outbox.find(DAILY, digest_key(day.isoformat(), chat))
        if digest is None or digest.state != SENT or digest.message_id is None:
            continue
        prefix = f"{digest_key(day.isoformat(), chat)}#"
        earlier = uow.outbox.keyed(CORRECTION, prefix)
        if any(row.state == OWED for row in earlier):
            continue
        payload = json.dumps({"day": day.isoformat(), "edit": digest.message_id})
        if uow.outbox.claim(CORRECTION, f"{prefix}{len(earlier) + 1}", uow.now, chat_id=chat, payload=payload, sending=False):
            owed += 1
    return owed


@dataclass(frozen=True)
class Correction:
    """A posted digest to edit: the outbox row that owes it, the day, and the message."""

    outbox_id: int
    day: date
    message_id: int


def take_corrections(uow: UnitOfWork) -> list[Correction]:
    """The corrections owed, each taken (owed -> sending) by this transaction: the caller queues
    each edit and settles it (`corrected`) in the same transaction, so each is made once."""
    taken = []
    for row in uow.outbox.owed((CORRECTION,)):
        if row.id is not None and uow.outbox.take(row.id):
            taken.append(_correction(row))
    return taken


def corrected(uow: UnitOfWork, correction: Correction) -> None:
    uow.outbox.sent(correction.outbox_id, correction.message_id)


def _correction(row: OutboxRow) -> Correction:
    payload = json.loads(row.payload or "{}")
    assert row.id is not None
    return Correction(row.id, date.fromisoformat(payload["day"]), int(payload["edit"]))
