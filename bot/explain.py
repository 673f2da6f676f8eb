"""Explaining one agent's month (/me, /why): every factor, every extra point, the rank and the money.

An open month is scored now, exactly as /close_month would score it (score_month, with the
configured pool); a closed month is read from its frozen snapshot, so the explanation is of
what was actually paid. Both come out as a Snapshot row, so one explanation serves both.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

from bot.month import COLLABORATION_KINDS, frozen_snapshot, month_of, month_span, rules_versions, score_month
from bot.render import Renderer, quantity, truncate
from bot.render_month import scheme_name
from bot.services import Baton, Refused
from domain.ledger import MILLI
from domain.rules import KNOWN_FACTORS, LOWER_IS_BETTER, Rules
from domain.scoring import POINT_DECIMALS, gaps_to_next_rank
from domain.snapshot import Snapshot
from storage import month as months
from storage import repositories as repo
from storage.db import reading

MAX_ENTRIES_SHOWN = 12
MAX_REASON_WIDTH = 60  # with at most 12 entries, the message stays far below Telegram's 4096 characters
RATE_PERCENT = frozenset({"satisfaction", "conversion", "resolved_rate"})


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

    @property
    def factor_points(self) -> float:
        return round(sum(f.points for f in self.factors), POINT_DECIMALS)

    @property
    def collaboration_recorded(self) -> float:
        return round(sum(e.points for e in self.collaboration_entries), POINT_DECIMALS)


# -- the service -----------------------------------------------------------------------------------


def explain_member(baton: Baton, tg_user_id: int, month: str | None = None) -> Explanation:
    """/me: the month of the person writing, by their Telegram id."""
    with reading(baton.engine) as session:
        agent = repo.agent_by_tg_id(session, tg_user_id)
    if agent is None:
        raise Refused("explain_not_known")
    return explain_agent(baton, agent.id, agent.name, month)


def explain_handle(baton: Baton, handle: str, month: str | None = None) -> Explanation:
    """/why @name: anyone's month, by @username or display name."""
    with reading(baton.engine) as session:
        agent = repo.find_agent(session, handle)
    if agent is None:
        raise Refused("unknown_agent", handle=handle)
    return explain_agent(baton, agent.id, agent.name, month)


def explain_replied_to(baton: Baton, tg_user_id: int, display_name: str, month: str | None = None) -> Explanation:
    """/why as a reply: the month of whoever wrote the message replied to."""
    try:
        return explain_member(baton, tg_user_id, month)
    except Refused as refusal:
        if refusal.code != "explain_not_known":
            raise
        # "I don't know you" would speak to the supervisor about someone else.
        raise Refused("unknown_agent", handle=display_name) from None


def explain_agent(baton: Baton, agent_id: int, name: str, month: str | None = None) -> Explanation:
    today = baton.today()
    month = month or month_of(today)
    first, last = month_span(month)
    if first > today:
        raise Refused("month_in_future", month=month)
    with reading(baton.engine) as session:
        closed = months.is_closed(session, month)
    snapshot = frozen_snapshot(baton, month) if closed else score_month(baton, month, baton.config.payout.pool_cents).snapshot
    try:
        row = snapshot.row(agent_id)
    except KeyError:
        raise Refused("explain_nothing_yet", name=name, month=month) from None
    rules = snapshot.rules or _rules_numbered(baton, snapshot.rules_version)
    collaboration, adjustments = _entries(baton, agent_id, first, last)
    gap = gaps_to_next_rank({r.agent_id: r.score for r in snapshot.rows})[agent_id]
    # Ranks fall as scores do, so the nearest better score holds the largest rank above this one.
    next_rank = max((r.rank for r in snapshot.rows if r.score > row.score), default=None)
    return Explanation(
        month=month,
        closed=closed,
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
    )


def in_display_order(names):
    """Factors in the canonical order, whatever order storage handed them back in."""
    return sorted(names, key=lambda name: KNOWN_FACTORS.index(name) if name in KNOWN_FACTORS else len(KNOWN_FACTORS))


def _factor_views(snapshot: Snapshot, row, rules: Rules | None) -> list[FactorView]:
    with_data = {line.factor for r in snapshot.rows for line in r.factors if line.raw is not None}
    lines = {line.factor: line for line in row.factors}
    views = []
    for line in (lines[name] for name in in_display_order(lines)):
        rule = _rule(rules, line.factor)
        views.append(
            FactorView(
                factor=line.factor, raw=line.raw, normalisation=rule.normalisation if rule else "",
                target=rule.target if rule else None, normalised=line.normalised, weight=line.weight,
                points=line.points, team_has_data=line.factor in with_data,
            )
        )
    return views


def _rule(rules: Rules | None, factor: str):
    if rules is None:
        return None
    try:
        return rules.factor(factor)
    except KeyError:
        return None


def _rules_numbered(baton: Baton, number: int) -> Rules | None:
    """A snapshot frozen with only the version number: the weights are in the versions table."""
    return next((v.rules for v in rules_versions(baton) if v.version == number), None)


def _entries(baton: Baton, agent_id: int, first: date, last: date) -> tuple[tuple[EntryView, ...], tuple[EntryView, ...]]:
    with reading(baton.engine) as session:
        ledger = repo.entries_between(session, first, last)
        adjusted = months.adjustments_between(session, first, last)
        names = {a.id: a.name for a in repo.agents_by_id(session).values()}
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
    return collaboration, adjustments


# -- rendering --------------------------------------------------------------------------------------


def trimmed(value: float) -> str:
    """Whole numbers without decimals, anything else with one: 30, 12.5."""
    return str(round(value)) if abs(value - round(value)) < 0.05 else f"{value:.1f}"


def factor_label(render: Renderer, factor: str) -> str:
    return render.t(f"explain.factor.{factor}")


def factor_value(render: Renderer, factor: str, value: float) -> str:
    """A raw factor value (or a target) in its own unit: counts, hours, seconds or percent."""
    if factor == "hours_held":
        return render.t("explain.unit.hours", value=f"{value:.1f}")
    if factor == "first_response":
        return render.t("explain.unit.seconds", value=trimmed(value))
    if factor in RATE_PERCENT:
        return f"{trimmed(100 * value)}%"
    return quantity(value)


def method_text(render: Renderer, factor: str, normalisation: str, target: float | None) -> str:
    if normalisation == "target" and target is not None:
        key = "explain.method.target_at_most" if factor in LOWER_IS_BETTER else "explain.method.target"
        return render.t(key, target=factor_value(render, factor, target))
    if normalisation in ("share", "rank"):
        return render.t(f"explain.method.{normalisation}")
    return normalisation


def signed(points: float) -> str:
    return f"{points:+.2f}"


def explanation_text(render: Renderer, e: Explanation) -> str:
    title = "explain.title.closed" if e.closed else "explain.title.open"
    lines = [
        render.t(title, name=escape(e.name), month=render.month(e.month), version=e.rules_version),
        render.t("explain.rank", rank=e.rank, count=e.team_size, total=f"{e.total:.2f}"),
        render.t("explain.factors"),
    ]
    lines += [_factor_line(render, f) for f in e.factors]
    capped = ""
    if not math.isclose(e.collaboration_recorded, e.collaboration, abs_tol=0.005):
        cap = render.config.collaboration.monthly_cap
        capped = render.t("explain.collaboration_capped", recorded=f"{e.collaboration_recorded:.2f}", cap=trimmed(cap) if cap is not None else "—")
    lines.append(render.t("explain.collaboration", points=signed(e.collaboration)) + capped)
    lines += _entry_lines(render, e.collaboration_entries, adjustment=False)
    lines.append(render.t("explain.adjustments", points=signed(e.adjustments)))
    lines += _entry_lines(render, e.adjustment_entries, adjustment=True)
    lines.append(
        render.t(
            "explain.total", factors=f"{e.factor_points:.2f}", collaboration=_plus(e.collaboration),
            adjustments=_plus(e.adjustments), total=f"{e.total:.2f}",
        )
    )
    lines.append(_standing_line(render, e))
    money = _money_line(render, e)
    if money:
        lines.append(money)
    return "\n".join(lines)


def _factor_line(render: Renderer, f: FactorView) -> str:
    method = method_text(render, f.factor, f.normalisation, f.target)
    if f.raw is None:
        method += "；" if render.lang == "zh" else "; "
        method += render.t("explain.no_data" if f.team_has_data else "explain.nobody_has_data")
    return render.t(
        "explain.factor_line", factor=factor_label(render, f.factor),
        raw="—" if f.raw is None else factor_value(render, f.factor, f.raw), method=method,
        normalised=f"{f.normalised:.3f}", weight=f"{f.weight:g}", points=f"{f.points:.2f}",
    )


def _entry_lines(render: Renderer, entries: tuple[EntryView, ...], *, adjustment: bool) -> list[str]:
    if not entries:
        return [render.t("explain.no_entries")]
    lines = []
    for entry in entries[:MAX_ENTRIES_SHOWN]:
        day = f"{entry.day:%m-%d}"
        if adjustment:
            lines.append(render.t("explain.adjustment_entry", day=day, points=signed(entry.points), reason=escape(truncate(entry.reason, MAX_REASON_WIDTH)), by=escape(entry.by)))
        else:
            lines.append(render.t("explain.entry", day=day, kind=render.t(f"explain.kind.{entry.kind}"), points=signed(entry.points)))
    if len(entries) > MAX_ENTRIES_SHOWN:
        lines.append(render.t("explain.more_entries", count=len(entries) - MAX_ENTRIES_SHOWN))
    return lines


def _plus(points: float) -> str:
    return f"+ {points:.2f}" if points >= 0 else f"− {-points:.2f}"


def _standing_line(render: Renderer, e: Explanation) -> str:
    if e.next_rank is not None:
        return render.t("explain.gap", gap=f"{e.gap_to_next_rank:.2f}", rank=e.next_rank)
    if e.tied_with:
        return render.t("explain.lead_tied", others=e.tied_with)
    return render.t("explain.lead")


def _money_line(render: Renderer, e: Explanation) -> str | None:
    if e.pool_cents <= 0:
        return None
    if e.scheme == "team_fund":
        return render.t("explain.payout_team_fund", pool=render.money(e.pool_cents))
    tier = render.t("explain.tier", tier=escape(e.tier)) if e.tier else ""
    key = "explain.paid" if e.closed else "explain.payout"
    return render.t(key, amount=render.money(e.payout_cents), tier=tier, pool=render.money(e.pool_cents), scheme=scheme_name(render, e.scheme))
