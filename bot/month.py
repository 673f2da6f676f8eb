"""The month: scoring it with the rules in force, supervisors' adjustments, and the close.

Closing freezes a snapshot (rules, pool, scheme, every agent's factors, score, rank, tier and
payout in cents, with a SHA-256 checksum). A closed month is never edited: adjustments and
assignments into it are refused, and reopening it (audited) lets a second close add version 2
beside version 1.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from bot.services import Baton, Person, Refused
from domain.ledger import ADJUSTMENT, CASE, CONVERSATION, DERIVED_KINDS, HOURS, MILLI
from domain.metrics import agent_metrics
from domain.payouts import PayoutPolicy, PayoutResult, compute_payouts
from domain.profile import AllRounders, month_all_rounders
from domain.rules import RulesVersion, rules_for_period
from domain.scoring import ScoreCard, score_period
from domain.scoring_hours import scoring_seconds
from domain.snapshot import Snapshot, freeze, snapshot_from_json, snapshot_rows
from domain.time import day_bounds, days_between
from storage import month as months
from storage import repositories as repo
from storage.db import reading, transaction

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
COLLABORATION_KINDS = ("cover", "handover", "thanks", "peak_help")


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
class Adjusted:
    agent: str
    points: float
    reason: str
    month: str
    by: str


def month_span(month: str) -> tuple[date, date]:
    if not MONTH.match(month or ""):
        raise Refused("bad_month", month=month)
    first = date.fromisoformat(month + "-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def previous_month(today: date) -> str:
    return f"{(today.replace(day=1) - timedelta(days=1)):%Y-%m}"


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


def parse_pool(text: str) -> int | None:
    """An amount in yuan, at most two decimals, as integer cents."""
    if not re.fullmatch(r"\d{1,9}(\.\d{1,2})?", text or ""):
        return None
    whole, _, fraction = text.partition(".")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


def rules_versions(baton: Baton) -> list[RulesVersion]:
    with transaction(baton.engine) as session:
        months.seed_rules(session, baton.config.rules, baton.clock.now())
        return months.rules_versions(session)


def score_month(baton: Baton, month: str, pool_cents: int, policy: PayoutPolicy | None = None) -> MonthScore:
    """Score `month` with the rules in force on its first day and split `pool_cents`."""
    first, last = month_span(month)
    policy = policy or baton.config.payout.policy
    with reading(baton.engine) as session:
        closed = months.is_closed(session, month)
    if not closed:
        baton.compile(days_between(first, min(last, baton.today())))
    version = rules_for_period(rules_versions(baton), first)
    start, end = day_bounds(first, baton.tz)[0], day_bounds(last, baton.tz)[1]
    horizon = min(end, baton.clock.now())
    with reading(baton.engine) as session:
        entries = repo.entries_between(session, first, last)
        holds = repo.holds_frame_between(session, start, horizon)
        names = {a.id: a.name for a in repo.agents_by_id(session).values()}
    factors, hours_held = _factors(baton, entries, holds, start, end, horizon)
    collaboration = _sum_points(entries, COLLABORATION_KINDS)
    if baton.config.collaboration.monthly_cap is not None:
        collaboration = collaboration.clip(upper=baton.config.collaboration.monthly_cap)
    adjustments = _sum_points(entries, (ADJUSTMENT,))
    card = score_period(factors, version, collaboration, adjustments)
    scores = {int(a): float(t) for a, t in card.standings["total"].items()}
    payouts = compute_payouts(policy, pool_cents, scores, hours_held=hours_held)
    snapshot = freeze(month, version, pool_cents, policy.scheme, snapshot_rows(card, payouts))
    all_rounders = month_all_rounders(holds, {a.key: a.platform for a in baton.config.accounts}, entries, start=start, end=horizon, now=horizon)
    return MonthScore(month, version, factors, card, payouts, snapshot, names, hours_held, all_rounders)


def _factors(baton: Baton, entries, holds: pd.DataFrame, start: datetime, end: datetime, horizon: datetime):
    ledger = pd.DataFrame(
        [(e.agent_id, e.kind, e.quantity) for e in entries if e.kind in DERIVED_KINDS], columns=["agent_id", "kind", "quantity"]
    )
    volume = ledger.pivot_table(index="agent_id", columns="kind", values="quantity", aggfunc="sum", fill_value=0.0)
    platforms = {a.key: a.platform for a in baton.config.accounts}
    in_scoring_hours = scoring_seconds(holds, platforms, baton.config.attribution.quiet_hours, baton.tz, start, horizon)
    factors = pd.DataFrame(index=pd.Index(sorted(set(volume.index) | set(in_scoring_hours)), name="agent_id", dtype="int64"))
    factors["conversations"] = volume.get(CONVERSATION, pd.Series(dtype=float)).reindex(factors.index, fill_value=0.0)
    factors["cases"] = volume.get(CASE, pd.Series(dtype=float)).reindex(factors.index, fill_value=0.0)
    factors["hours_held"] = pd.Series(in_scoring_hours, dtype=float).reindex(factors.index, fill_value=0.0) / 3600
    quality = _quality(baton, start, end)
    for factor, column in (("first_response", "avg_first_response_s"), ("satisfaction", "satisfaction"),
                           ("conversion", "inquiry_conversion"), ("resolved_rate", "resolved_rate")):
        factors[factor] = quality[column].reindex(factors.index) if column in quality else float("nan")
    hours = volume.get(HOURS, pd.Series(dtype=float)).reindex(factors.index, fill_value=0.0) / 3600
    return factors, {int(a): float(h) for a, h in hours.items()}


def _quality(baton: Baton, start: datetime, end: datetime) -> pd.DataFrame:
    attributed = baton.attribute(start, end, with_facts=True)
    settings = baton.config.attribution
    return agent_metrics(
        attributed.attribution.credits, attributed.conversations, tz=baton.tz,
        satisfaction_prior=settings.satisfaction_prior, quiet_hours=settings.quiet_hours,
    )


def _sum_points(entries, kinds) -> pd.Series:
    totals: dict[int, float] = {}
    for e in entries:
        if e.kind in kinds:
            totals[e.agent_id] = totals.get(e.agent_id, 0.0) + e.millipoints / MILLI
    return pd.Series(totals, dtype="float64")


# -- commands ----------------------------------------------------------------------------------


def require_open(session, month: str) -> None:
    if months.is_closed(session, month):
        raise Refused("month_closed", month=month)


def adjust(baton: Baton, supervisor: Person, handle: str, points: float, reason: str, month: str | None, update_id: int | None) -> Adjusted:
    """Points up or down with a reason, dated today, or the month's last day for an earlier month."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("adjust_needs_reason")
    if points == 0 or abs(points) > 1000:
        raise Refused("adjust_points_range")
    today = baton.today()
    month = month or month_of(today)
    first, last = month_span(month)
    if first > today:
        raise Refused("month_in_future", month=month)
    day = min(last, today)
    now = baton.clock.now()
    with baton.command(update_id) as session:
        require_open(session, month)
        agent = repo.find_agent(session, handle)
        if agent is None:
            raise Refused("unknown_agent", handle=handle)
        actor = repo.register_agent(session, supervisor.tg_user_id, supervisor.name, supervisor.username, now)
        months.add_adjustment(session, agent_id=agent.id, day=day, points=points, reason=reason, by=actor.id, at=now)
        return Adjusted(agent.name, points, reason, month, actor.name)


def close_month(
    baton: Baton, supervisor: Person | None, month: str, pool_cents: int, preview_checksum: str | None, update_id: int | None = None
) -> MonthScore:
    """Freeze exactly what the supervisor previewed; anything changed since means a new preview.

    From the command line there is no preview (supervisor and preview_checksum are None).
    """
    with reading(baton.engine) as session:
        require_open(session, month)
    if month_span(month)[1] >= baton.today():
        raise Refused("month_not_over", month=month)
    scored = score_month(baton, month, pool_cents)
    if preview_checksum is not None and not scored.snapshot.checksum.startswith(preview_checksum):
        raise Refused("preview_stale", month=month)
    now = baton.clock.now()
    with baton.command(update_id) as session:
        require_open(session, month)
        actor = repo.register_agent(session, supervisor.tg_user_id, supervisor.name, supervisor.username, now) if supervisor else None
        close = months.add_close(session, scored.snapshot, now, actor.id if actor else None)
        repo.audit(session, now, "close_month", actor_agent_id=actor.id if actor else None, subject=month, version=close.version,
                   pool_cents=pool_cents, scheme=scored.snapshot.scheme, checksum=scored.snapshot.checksum)
    return scored


def reopen_month(baton: Baton, supervisor: Person, month: str, reason: str, update_id: int | None) -> int:
    """Allow a correction; the frozen version stays as it was. Returns the reopened version."""
    month_span(month)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reopen_needs_reason")
    now = baton.clock.now()
    with baton.command(update_id) as session:
        close = months.latest_close(session, month)
        if close is None or close.reopened_at is not None:
            raise Refused("month_not_closed", month=month)
        actor = repo.register_agent(session, supervisor.tg_user_id, supervisor.name, supervisor.username, now)
        months.mark_reopened(session, close, now, actor.id, reason)
        repo.audit(session, now, "reopen_month", actor_agent_id=actor.id, subject=month, version=close.version, reason=reason)
        return close.version


def frozen_snapshot(baton: Baton, month: str, version: int | None = None) -> Snapshot:
    with reading(baton.engine) as session:
        closes = months.month_closes(session, month)
    chosen = [c for c in closes if version is None or c.version == version]
    if not chosen:
        raise Refused("month_not_closed", month=month)
    close = chosen[-1]
    return snapshot_from_json(close.snapshot, close.checksum)
