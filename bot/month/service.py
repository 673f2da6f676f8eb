"""The month: scoring it with the rules in force, supervisors' adjustments, and the close.

Closing freezes a snapshot (rules, pool, scheme, every agent's factors, score, rank, tier and
payout in cents, with a SHA-256 checksum). A closed month is never edited: adjustments and
assignments into it are refused, and reopening it (audited) lets a second close add version 2
beside version 1.

Each use case is a function of one unit of work. Scoring an open month compiles its days first,
in the same transaction, so a close freezes exactly what it read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.ledger.service import attribute, compile_days, paid_holds_frame
from domain.ledger import ADJUSTMENT, APPORTIONED, CASE, CONVERSATION, DERIVED_KINDS, HOURS, MILLI, Entry
from domain.metrics import agent_metrics
from domain.payouts import PayoutPolicy, PayoutResult, compute_payouts
from domain.profile import AllRounders, month_all_rounders
from domain.rules import RulesVersion, rules_for_period
from domain.scoring import ScoreCard, score_period
from domain.scoring_hours import scoring_seconds
from domain.snapshot import Snapshot, freeze, snapshot_from_json, snapshot_rows
from domain.time import day_bounds, days_between, month_days, month_of
from domain.untrusted import clean_text

COLLABORATION_KINDS = ("cover", "handover", "thanks", "peak_help")
MAX_ADJUSTMENT = 1000
REOPEN_REASON_LIMIT = 500  # MonthClose.reopen_reason


@dataclass(frozen=True)
class MonthScore:
    """A month scored and split, before or after it is frozen."""

    month: str
    version: RulesVersion
    factors: pd.DataFrame  # raw factor values, indexed by agent_id
    card: ScoreCard
    payouts: PayoutResult
    snapshot: Snapshot
    names: dict[int, str]
    hours_held: dict[int, float]
    all_rounders: AllRounders | None = None  # the month's 多面手, for the monthly digest


@dataclass(frozen=True)
class MonthFigures:
    """What a month's numbers are now: frozen once it is closed, provisional (the configured pool) before."""

    snapshot: Snapshot
    closed: bool


@dataclass(frozen=True)
class Adjusted:
    agent: str
    points: float
    reason: str
    month: str
    by: str


@dataclass(frozen=True)
class AlreadyClosed:
    month: str
    version: int


@dataclass(frozen=True)
class Closed:
    scored: MonthScore
    version: int  # the close's own version: 2 after a reopen and a second close


@dataclass(frozen=True)
class Reopened:
    by: str
    month: str
    version: int  # the close that was reopened, kept as it was
    reason: str


def month_span(month: str) -> tuple[date, date]:
    """The first and last day of a month someone typed; refused unless it reads YYYY-MM."""
    try:
        return month_days(month)
    except ValueError:
        raise Refused("bad_month", month=month) from None


def rules_versions(uow: UnitOfWork) -> list[RulesVersion]:
    """Every rules version; the configured rules become version 1 the first time anyone asks."""
    uow.months.seed_rules(uow.config.rules, uow.now)
    return uow.months.rules_versions()


# -- scoring -------------------------------------------------------------------------------------


def score_month(uow: UnitOfWork, month: str, pool_cents: int, policy: PayoutPolicy | None = None) -> MonthScore:
    """Score `month` with the rules in force on its first day and split `pool_cents`."""
    first, last = month_span(month)
    policy = policy or uow.config.payout.policy
    if not uow.months.is_closed(month):
        compile_days(uow, days_between(first, min(last, uow.today)))
    version = rules_for_period(rules_versions(uow), first)
    start, end = day_bounds(first, uow.tz)[0], day_bounds(last, uow.tz)[1]
    horizon = min(end, uow.now)
    entries = uow.ledger.between(first, last)
    holds = paid_holds_frame(uow, start, horizon)  # idle hours are not hours held (domain.presence)
    factors, hours_held = _factors(uow, entries, holds, start, end, horizon)
    collaboration = _sum_points(entries, COLLABORATION_KINDS)
    if uow.config.collaboration.monthly_cap is not None:
        collaboration = collaboration.clip(upper=uow.config.collaboration.monthly_cap)
    adjustments = _sum_points(entries, (ADJUSTMENT,))
    card = score_period(factors, version, collaboration, adjustments)
    scores = {int(a): float(t) for a, t in card.standings["total"].items()}
    payouts = compute_payouts(policy, pool_cents, scores, hours_held=hours_held)
    snapshot = freeze(month, version, pool_cents, policy.scheme, snapshot_rows(card, payouts))
    platforms = {a.key: a.platform for a in uow.config.accounts}
    all_rounders = month_all_rounders(holds, platforms, entries, start=start, end=horizon, now=horizon)
    return MonthScore(month, version, factors, card, payouts, snapshot, uow.agents.names(), hours_held, all_rounders)


def _factors(
    uow: UnitOfWork, entries: list[Entry], holds: pd.DataFrame, start: datetime, end: datetime, horizon: datetime
) -> tuple[pd.DataFrame, dict[int, float]]:
    ledger = pd.DataFrame(
        [(e.agent_id, e.kind, e.quantity) for e in entries if e.kind in DERIVED_KINDS], columns=["agent_id", "kind", "quantity"]
    )
    volume = ledger.pivot_table(index="agent_id", columns="kind", values="quantity", aggfunc="sum", fill_value=0.0)
    platforms = {a.key: a.platform for a in uow.config.accounts}
    in_scoring_hours = scoring_seconds(holds, platforms, uow.config.attribution.quiet_hours, uow.tz, start, horizon)
    factors = pd.DataFrame(index=pd.Index(sorted(set(volume.index) | set(in_scoring_hours)), name="agent_id", dtype="int64"))
    # A day without conversation data counts its platform total, apportioned by hold time: the only
    # measure of that day's volume. It is a volume only: the rates below come from conversations alone.
    credited = volume.get(CONVERSATION, pd.Series(dtype=float)).reindex(factors.index, fill_value=0.0)
    factors["conversations"] = credited + volume.get(APPORTIONED, pd.Series(dtype=float)).reindex(factors.index, fill_value=0.0)
    factors["cases"] = volume.get(CASE, pd.Series(dtype=float)).reindex(factors.index, fill_value=0.0)
    factors["hours_held"] = pd.Series(in_scoring_hours, dtype=float).reindex(factors.index, fill_value=0.0) / 3600
    quality = _quality(uow, start, end)
    for factor, column in (
        ("first_response", "avg_first_response_s"),
        ("satisfaction", "satisfaction"),
        ("conversion", "inquiry_conversion"),
        ("resolved_rate", "resolved_rate"),
    ):
        factors[factor] = quality[column].reindex(factors.index) if column in quality else float("nan")
    hours = volume.get(HOURS, pd.Series(dtype=float)).reindex(factors.index, fill_value=0.0) / 3600
    return factors, {int(a): float(h) for a, h in hours.items()}


def _quality(uow: UnitOfWork, start: datetime, end: datetime) -> pd.DataFrame:
    attributed = attribute(uow, start, end, with_facts=True)
    settings = uow.config.attribution
    return agent_metrics(
        attributed.attribution.credits,
        attributed.conversations,
        tz=uow.tz,
        satisfaction_prior=settings.satisfaction_prior,
        quiet_hours=settings.quiet_hours,
    )


def _sum_points(entries: list[Entry], kinds: tuple[str, ...]) -> pd.Series:
    totals: dict[int, float] = {}
    for e in entries:
        if e.kind in kinds:
            totals[e.agent_id] = totals.get(e.agent_id, 0.0) + e.millipoints / MILLI
    return pd.Series(totals, dtype="float64")


def provisional_standings(uow: UnitOfWork, month: str) -> MonthScore | None:
    """The monthly digest: the month scored with the configured pool; nothing once it is closed."""
    if uow.months.is_closed(month):
        return None
    return score_month(uow, month, uow.config.payout.pool_cents)


def frozen_snapshot(uow: UnitOfWork, month: str, version: int | None = None) -> Snapshot:
    """A close as it was frozen (the latest, or the numbered version)."""
    chosen = [c for c in uow.months.month_closes(month) if version is None or c.version == version]
    if not chosen:
        raise Refused("month_not_closed", month=month)
    close = chosen[-1]
    return snapshot_from_json(close.snapshot, close.checksum)


def month_figures(uow: UnitOfWork, month: str) -> MonthFigures:
    month_span(month)
    if uow.months.is_closed(month):
        return MonthFigures(frozen_snapshot(uow, month), closed=True)
    return MonthFigures(score_month(uow, month, uow.config.payout.pool_cents).snapshot, closed=False)


# -- supervisors' commands -----------------------------------------------------------------------


def _require_open(uow: UnitOfWork, month: str) -> None:
    if uow.months.is_closed(month):
        raise Refused("month_closed", month=month)


def adjust(uow: UnitOfWork, handle: str, points: float, reason: str, month: str | None = None) -> Adjusted:
    """Points up or down with a reason, dated today, or the month's last day for an earlier month."""
    reason = clean_text(reason or "").strip()
    if not reason:
        raise Refused("adjust_needs_reason")
    if points == 0 or abs(points) > MAX_ADJUSTMENT:
        raise Refused("adjust_points_range")
    today = uow.today
    month = month or month_of(today)
    first, last = month_span(month)
    if first > today:
        raise Refused("month_in_future", month=month)
    _require_open(uow, month)
    agent = uow.agents.find(handle)
    if agent is None:
        raise Refused("unknown_agent", handle=handle)
    actor = uow.me
    uow.months.add_adjustment(agent_id=agent.id, day=min(last, today), points=points, reason=reason, by=actor.id, at=uow.now)
    return Adjusted(agent.name, points, reason, month, actor.name)


def _require_over(uow: UnitOfWork, month: str) -> None:
    if month_span(month)[1] >= uow.today:
        raise Refused("month_not_over", month=month)


def preview_close(uow: UnitOfWork, month: str, pool_cents: int) -> MonthScore | AlreadyClosed:
    """/close_month: the month scored as Confirm would freeze it, or the close already in force."""
    close = uow.months.latest_close(month)
    if close is not None and close.reopened_at is None:
        return AlreadyClosed(month, close.version)
    _require_over(uow, month)
    return score_month(uow, month, pool_cents)


# A preview's Confirm carries this many hex digits of the snapshot's checksum: the whole checksum
# (64) does not fit Telegram's 64 bytes of button data beside the month and the largest pool.
CHECKSUM_DIGITS = 12


def offered_checksum(checksum: str) -> str:
    """What a preview offers of its snapshot's checksum; a Confirm must carry exactly this."""
    return checksum[:CHECKSUM_DIGITS]


def close_month(uow: UnitOfWork, month: str, pool_cents: int, preview_checksum: str | None) -> Closed:
    """Freeze exactly what the supervisor previewed; anything changed since means a new preview.

    From the command line there is no preview (preview_checksum None) and no person behind it.
    """
    _require_open(uow, month)
    _require_over(uow, month)
    scored = score_month(uow, month, pool_cents)
    snapshot = scored.snapshot
    if preview_checksum is not None and offered_checksum(snapshot.checksum) != preview_checksum:
        raise Refused("preview_stale", month=month)
    actor = uow.me.id if uow.person is not None else None
    close = uow.months.add_close(snapshot, uow.now, actor)
    uow.audit(
        uow.now,
        "close_month",
        actor_agent_id=actor,
        subject=month,
        version=close.version,
        pool_cents=pool_cents,
        scheme=snapshot.scheme,
        checksum=snapshot.checksum,
    )
    return Closed(scored, close.version)


def cancel_close(uow: UnitOfWork, month: str) -> str:
    """Cancelling a preview freezes nothing; as a command of its own, a redelivered Cancel is answered once."""
    return month


def reopen_month(uow: UnitOfWork, month: str, reason: str) -> Reopened:
    """Allow a correction; the frozen version stays as it was."""
    month_span(month)
    reason = clean_text(reason or "").strip()
    if not reason:
        raise Refused("reopen_needs_reason")
    if len(reason) > REOPEN_REASON_LIMIT:
        raise Refused("reason_too_long", limit=REOPEN_REASON_LIMIT)
    close = uow.months.latest_close(month)
    if close is None or close.reopened_at is not None:
        raise Refused("month_not_closed", month=month)
    actor = uow.me
    uow.months.mark_reopened(close, uow.now, actor.id, reason)
    uow.audit(uow.now, "reopen_month", actor_agent_id=actor.id, subject=month, version=close.version, reason=reason)
    return Reopened(actor.name, month, close.version, reason)
