"""The scoring rules: what is in force, what is scheduled, and a weight changed (/rules, /set_weight).

A weight change is a new rules version with a start date, never an edit: every past period
keeps the version it was scored with. A month is scored with the version in force on its
first day (domain.rules.rules_for_period), so a version that starts mid-month first counts
for the month after; the confirmation names that month.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.month.service import rules_versions
from domain.rules import KNOWN_FACTORS, Rules, RulesVersion, default_rules, new_version, rules_for_period, rules_in_force
from domain.time import month_days, month_of
from storage.months import SEED_FROM


@dataclass(frozen=True)
class WeightChanged:
    by: str
    factor: str
    old: float
    new: float
    version: int
    based_on: int
    effective_from: date
    first_month: str  # the first month scored with the new version
    old_total: float
    new_total: float
    superseded_by: RulesVersion | None  # an already scheduled later version that lacks this change


@dataclass(frozen=True)
class Scheduled:
    """A later version that will be in force on its start date, and the rules it replaces then."""

    version: RulesVersion
    replaces: Rules
    first_month: str


@dataclass(frozen=True)
class RulesToday:
    current: RulesVersion
    from_the_start: bool  # version 1, from the configuration, in force before any data
    month: str
    month_version: int  # this month is scored with the version in force on its first day
    scheduled: tuple[Scheduled, ...]


def rules_today(uow: UnitOfWork) -> RulesToday:
    """/rules: the rules in force today, what this month is scored with, and what is scheduled."""
    versions = rules_versions(uow)
    today = uow.today
    current = rules_in_force(versions, today)
    scheduled = tuple(
        Scheduled(v, rules_in_force(versions, v.effective_from - timedelta(days=1)).rules, first_month_scored(v.effective_from))
        for v in scheduled_versions(versions, today)
    )
    return RulesToday(
        current, current.effective_from == SEED_FROM, month_of(today), rules_for_period(versions, today.replace(day=1)).version, scheduled
    )


def set_weight(uow: UnitOfWork, factor: str, weight: float, effective_from: date | None = None) -> WeightChanged:
    """A new rules version from `effective_from` (default tomorrow), audited."""
    if factor not in KNOWN_FACTORS:
        raise Refused("unknown_factor", factor=factor)
    if not math.isfinite(weight) or weight < 0:
        raise Refused("weight_negative")
    today = uow.today
    day = effective_from or today + timedelta(days=1)
    versions = rules_versions(uow)
    closed = uow.months.closed_months()
    if month_of(day) in closed:
        raise Refused("rules_month_closed", month=month_of(day), day=day.isoformat())
    not_before = month_days(max(closed))[1] + timedelta(days=1) if closed else None
    if not_before is not None and day < not_before:
        raise Refused("rules_before_close", not_before=not_before.isoformat())
    if day < today:
        raise Refused("rules_in_past", day=day.isoformat(), today=today.isoformat())
    base = rules_in_force(versions, day)
    old = weight_of(base.rules, factor)
    if old == weight:
        raise Refused("weight_unchanged", factor=factor, weight=f"{weight:g}", day=day.isoformat())
    actor = uow.me
    rules = with_weight(base.rules, factor, weight)
    version = new_version(versions, rules, day, note=f"set_weight {factor} {old:g} -> {weight:g} by {actor.name}", not_before=not_before)
    uow.months.add_rules_version(version, uow.now, actor.id)
    uow.audit(
        uow.now,
        "set_weight",
        actor_agent_id=actor.id,
        subject=factor,
        version=version.version,
        based_on=base.version,
        old=old,
        new=weight,
        effective_from=day.isoformat(),
    )
    later = sorted({v.effective_from for v in versions if v.effective_from > day})
    return WeightChanged(
        by=actor.name,
        factor=factor,
        old=old,
        new=weight,
        version=version.version,
        based_on=base.version,
        effective_from=day,
        first_month=first_month_scored(day),
        old_total=base.rules.total_weight,
        new_total=rules.total_weight,
        superseded_by=rules_in_force(versions, later[0]) if later else None,
    )


def weight_of(rules: Rules, factor: str) -> float:
    return next((r.weight for r in rules.factors if r.name == factor), 0.0)


def with_weight(rules: Rules, factor: str, weight: float) -> Rules:
    """The same rules with one factor's weight changed; a factor they lacked joins with its default normalisation."""
    if any(r.name == factor for r in rules.factors):
        return Rules(tuple(replace(r, weight=weight) if r.name == factor else r for r in rules.factors))
    return Rules((*rules.factors, replace(default_rules().factor(factor), weight=weight)))


def first_month_scored(day: date) -> str:
    """The first month a version starting on `day` scores: its own if it starts on the 1st, else the next."""
    if day.day == 1:
        return month_of(day)
    return month_of(month_days(month_of(day))[1] + timedelta(days=1))


def scheduled_versions(versions: list[RulesVersion], today: date) -> list[RulesVersion]:
    """Later versions that will be in force on their start date (a same-day higher number wins)."""
    later = sorted((v for v in versions if v.effective_from > today), key=lambda v: (v.effective_from, v.version))
    return [v for v in later if rules_in_force(versions, v.effective_from) is v]


def in_display_order(names: Iterable[str]) -> list[str]:
    """Factors in the canonical order, whatever order storage handed them back in."""
    return sorted(names, key=lambda name: KNOWN_FACTORS.index(name) if name in KNOWN_FACTORS else len(KNOWN_FACTORS))
