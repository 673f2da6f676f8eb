"""Explaining one agent's month (/me, /why): every factor, every extra point, the rank and the money.

An open month is scored now, exactly as /close_month would score it (with the configured pool);
a closed month is read from its frozen snapshot, so the explanation is of what was actually paid.
Both come out as a Snapshot row, so one explanation serves both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.ledger.service import idle_hours
from bot.month.service import COLLABORATION_KINDS, month_figures, month_span, rules_versions
from bot.rules.service import in_display_order
from domain.ledger import APPORTIONED, MILLI
from domain.rules import FactorRule, Rules
from domain.scoring import POINT_DECIMALS, gaps_to_next_rank
from domain.snapshot import Snapshot, SnapshotRow
from domain.time import month_of, split_by_day


@dataclass(frozen=True)
class FactorView:
    factor: str
    raw: float | None  # None: this agent had no data for the factor
    normalisation: str  # share, rank or target
    target: float | None
    normalised: float
    weight: float
    points: float
    team_has_data: bool  # False: nobody had data, so the factor gave everyone 0


@dataclass(frozen=True)
class EntryView:
    """A collaboration or adjustment entry in the ledger."""

    day: date
    kind: str
    points: float
    reason: str = ""
    by: str = ""


@dataclass(frozen=True)
class ApportionedView:
    """A day's platform count apportioned to this agent by hold time (no conversation data that day)."""

    day: date
    account: str
    count: float


@dataclass(frozen=True)
class IdleView:
    """Held after this agent's last sign of activity while off roster: paid nothing (domain.presence)."""

    day: date
    account: str
    hours: float
    last_activity: datetime


@dataclass(frozen=True)
class Explanation:
    month: str
    closed: bool
    agent_id: int
    name: str
    rules_version: int
    factors: tuple[FactorView, ...]
    collaboration: float  # what counted, after the monthly cap
    collaboration_entries: tuple[EntryView, ...]
    adjustments: float
    adjustment_entries: tuple[EntryView, ...]
    total: float
    rank: int
    team_size: int
    tied_with: int  # how many others share this rank
    gap_to_next_rank: float  # 0 for rank 1
    next_rank: int | None  # the rank drawn level with by closing the gap
    pool_cents: int
    scheme: str
    payout_cents: int
    tier: str | None
    apportioned_entries: tuple[ApportionedView, ...] = ()  # inside the conversations factor, named apart
    idle_entries: tuple[IdleView, ...] = ()  # hours held that were not paid

    @property
    def idle_hours(self) -> float:
        return sum(i.hours for i in self.idle_entries)

    @property
    def apportioned(self) -> float:
        return sum(a.count for a in self.apportioned_entries)

    @property
    def factor_points(self) -> float:
        return round(sum(f.points for f in self.factors), POINT_DECIMALS)

    @property
    def collaboration_recorded(self) -> float:
        return round(sum(e.points for e in self.collaboration_entries), POINT_DECIMALS)


def explain_me(uow: UnitOfWork, month: str | None = None) -> Explanation:
    """/me: the month of the person writing."""
    return explain_agent(uow, uow.me.id, uow.me.name, month)


def explain_handle(uow: UnitOfWork, handle: str, month: str | None = None) -> Explanation:
    """/why @name: anyone's month, by @username or display name."""
    agent = uow.agents.find(handle)
    if agent is None:
        raise Refused("unknown_agent", handle=handle)
    return explain_agent(uow, agent.id, agent.name, month)


def explain_replied_to(uow: UnitOfWork, tg_user_id: int, display_name: str, month: str | None = None) -> Explanation:
    """/why as a reply: the month of whoever wrote the message replied to."""
    agent = uow.agents.by_tg_id(tg_user_id)
    if agent is None:
        # Named as the supervisor sees them: "I don't know you" would speak to the supervisor about someone else.
        raise Refused("unknown_agent", handle=display_name)
    return explain_agent(uow, agent.id, agent.name, month)


def explain_agent(uow: UnitOfWork, agent_id: int, name: str, month: str | None = None) -> Explanation:
    today = uow.today
    month = month or month_of(today)
    first, last = month_span(month)
    if first > today:
        raise Refused("month_in_future", month=month)
    figures = month_figures(uow, month)
    snapshot = figures.snapshot
    try:
        row = snapshot.row(agent_id)
    except KeyError:
        raise Refused("explain_nothing_yet", name=name, month=month) from None
    rules = snapshot.rules or _rules_numbered(uow, snapshot.rules_version)
    collaboration, adjustments, apportioned = _entries(uow, agent_id, first, last)
    gap = gaps_to_next_rank({r.agent_id: r.score for r in snapshot.rows})[agent_id]
    # Ranks fall as scores do, so the nearest better score holds the largest rank above this one.
    next_rank = max((r.rank for r in snapshot.rows if r.score > row.score), default=None)
    return Explanation(
        month=month,
        closed=figures.closed,
        agent_id=agent_id,
        name=name,
        rules_version=snapshot.rules_version,
        factors=tuple(_factor_views(snapshot, row, rules)),
        collaboration=row.collaboration,
        collaboration_entries=collaboration,
        adjustments=row.adjustments,
        adjustment_entries=adjustments,
        total=row.score,
        rank=row.rank,
        team_size=len(snapshot.rows),
        tied_with=sum(1 for r in snapshot.rows if r.rank == row.rank) - 1,
        gap_to_next_rank=gap,
        next_rank=next_rank,
        pool_cents=snapshot.pool_cents,
        scheme=snapshot.scheme,
        payout_cents=row.payout_cents,
        tier=row.tier,
        apportioned_entries=apportioned,
        idle_entries=_idle(uow, agent_id, first, min(last, today)),
    )


def _idle(uow: UnitOfWork, agent_id: int, first: date, last: date) -> tuple[IdleView, ...]:
    """The agent's idle hours of the month, per day and account, from where they began."""
    views: dict[tuple[date, str], IdleView] = {}
    for item in idle_hours(uow, first, last, agent_id):
        for lo, hi in item.spans:
            for day, start, end in split_by_day(lo, hi, uow.tz):
                key = (day, item.hold.account)
                hours = (end - start).total_seconds() / 3600 + (views[key].hours if key in views else 0.0)
                views[key] = IdleView(day, item.hold.account, hours, item.last_activity)
    return tuple(views[k] for k in sorted(views))


def _factor_views(snapshot: Snapshot, row: SnapshotRow, rules: Rules | None) -> list[FactorView]:
    with_data = {line.factor for r in snapshot.rows for line in r.factors if line.raw is not None}
    lines = {line.factor: line for line in row.factors}
    views = []
    for line in (lines[name] for name in in_display_order(lines)):
        rule = _rule(rules, line.factor)
        views.append(
            FactorView(
                factor=line.factor,
                raw=line.raw,
                normalisation=rule.normalisation if rule else "",
                target=rule.target if rule else None,
                normalised=line.normalised,
                weight=line.weight,
                points=line.points,
                team_has_data=line.factor in with_data,
            )
        )
    return views


def _rule(rules: Rules | None, factor: str) -> FactorRule | None:
    if rules is None:
        return None
    try:
        return rules.factor(factor)
    except KeyError:
        return None


def _rules_numbered(uow: UnitOfWork, number: int) -> Rules | None:
    """A snapshot frozen with only the version number: the weights are in the versions table."""
    return next((v.rules for v in rules_versions(uow) if v.version == number), None)


def _entries(
    uow: UnitOfWork, agent_id: int, first: date, last: date
) -> tuple[tuple[EntryView, ...], tuple[EntryView, ...], tuple[ApportionedView, ...]]:
    ledger = uow.ledger.between(first, last)
    adjusted = uow.months.adjustments_between(first, last)
    names = uow.agents.names()
    collaboration = tuple(
        EntryView(e.day, e.kind, e.millipoints / MILLI)
        for e in sorted(ledger, key=lambda e: (e.day, e.kind))
        if e.agent_id == agent_id and e.kind in COLLABORATION_KINDS
    )
    adjustments = tuple(
        EntryView(e.day, e.kind, e.millipoints / MILLI, reason, names.get(by, "") if by is not None else "")
        for e, _at, reason, by in adjusted
        if e.agent_id == agent_id
    )
    apportioned = tuple(
        ApportionedView(e.day, e.source.split(":", 1)[1], e.quantity)
        for e in sorted(ledger, key=lambda e: (e.day, e.source))
        if e.agent_id == agent_id and e.kind == APPORTIONED
    )
    return collaboration, adjustments, apportioned
