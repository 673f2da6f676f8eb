"""The rules as Telegram HTML: what /rules shows, a weight change's line, and /set_weight's refusals."""

from __future__ import annotations

from html import escape

from bot.core.errors import Refused
from bot.rules.service import RulesToday, Scheduled, WeightChanged, in_display_order, weight_of
from bot.text.factors import factor_label, factor_value
from bot.text.renderer import Renderer
from domain.rules import KNOWN_FACTORS, LOWER_IS_BETTER, FactorRule, Rules


def refusal(render: Renderer, refused: Refused) -> str:
    """/set_weight's refusals name the factors it takes, and a known factor by its label."""
    rendered = {"factors": factors_listed(render)}
    if refused.code in ("unknown_factor", "weight_unchanged") and refused.params.get("factor") in KNOWN_FACTORS:
        rendered["factor"] = factor_label(render, str(refused.params["factor"]))
    return render.refusal(refused, **rendered)


def factors_listed(render: Renderer) -> str:
    """Every factor's key, which /set_weight takes, with its label."""
    if render.lang == "zh":
        return "、".join(f"{f}（{factor_label(render, f)}）" for f in KNOWN_FACTORS)
    return ", ".join(f"{f} ({factor_label(render, f)})" for f in KNOWN_FACTORS)


def usage(render: Renderer) -> str:
    return render.t("usage.set_weight", factors=factors_listed(render))


def weight_changed_text(render: Renderer, c: WeightChanged) -> str:
    """The one line the group sees."""
    first = render.t("set_weight.first_month" if c.effective_from.day == 1 else "set_weight.first_month_mid", month=c.first_month)
    return render.t(
        "set_weight.done",
        by=escape(c.by),
        factor=factor_label(render, c.factor),
        old=f"{c.old:g}",
        new=f"{c.new:g}",
        day=c.effective_from.isoformat(),
        version=c.version,
        old_total=f"{c.old_total:g}",
        new_total=f"{c.new_total:g}",
        first=first,
    )


def weight_changed_reply(render: Renderer, c: WeightChanged) -> str:
    """The supervisor's confirmation: the line, and a warning when a version already scheduled later lacks the change."""
    line = weight_changed_text(render, c)
    if c.superseded_by is None:
        return line
    return line + "\n" + render.t("set_weight.superseded", version=c.superseded_by.version, day=c.superseded_by.effective_from.isoformat())


def rules_text(render: Renderer, today: RulesToday) -> str:
    """The rules in force today, what this month is scored with, what is scheduled, collaboration and payout."""
    current = today.current
    since = render.t("rules.since_start") if today.from_the_start else render.t("rules.since", day=current.effective_from.isoformat())
    lines = [render.t("rules.title", version=current.version, since=since)]
    lines += [_rule_line(render, current.rules.factor(name)) for name in in_display_order(r.name for r in current.rules.factors)]
    lines.append(render.t("rules.total", total=f"{current.rules.total_weight:g}"))
    if today.month_version != current.version:
        lines.append(render.t("rules.month_uses", month=today.month, version=today.month_version))
    lines += [_scheduled_line(render, s) for s in today.scheduled]
    lines.append(_collaboration_line(render))
    lines.append(_payout_line(render))
    return "\n".join(lines)


def _scheduled_line(render: Renderer, s: Scheduled) -> str:
    return render.t(
        "rules.scheduled",
        version=s.version.version,
        day=s.version.effective_from.isoformat(),
        month=s.first_month,
        changes=_changes(render, s.replaces, s.version.rules),
    )


def _method(render: Renderer, factor: str, normalisation: str, target: float | None) -> str:
    if normalisation == "target" and target is not None:
        key = "rules.method.target_at_most" if factor in LOWER_IS_BETTER else "rules.method.target"
        return render.t(key, target=factor_value(render, factor, target))
    return render.t(f"rules.method.{normalisation}")


def _rule_line(render: Renderer, rule: FactorRule) -> str:
    if rule.weight == 0:
        return render.t("rules.factor_off", factor=factor_label(render, rule.name))
    return render.t(
        "rules.factor",
        factor=factor_label(render, rule.name),
        weight=f"{rule.weight:g}",
        method=_method(render, rule.name, rule.normalisation, rule.target),
    )


def _changes(render: Renderer, before: Rules, after: Rules) -> str:
    old = {r.name: r for r in before.factors}
    changes = []
    for rule in (after.factor(name) for name in in_display_order(r.name for r in after.factors)):
        previous = old.get(rule.name)
        if previous is None or previous.weight != rule.weight:
            changes.append(
                render.t(
                    "rules.change", factor=factor_label(render, rule.name), old=f"{weight_of(before, rule.name):g}", new=f"{rule.weight:g}"
                )
            )
        if previous is not None and (previous.normalisation, previous.target) != (rule.normalisation, rule.target):
            changes.append(
                render.t(
                    "rules.change_method",
                    factor=factor_label(render, rule.name),
                    method=_method(render, rule.name, rule.normalisation, rule.target),
                )
            )
    for name in old.keys() - {r.name for r in after.factors}:
        changes.append(render.t("rules.change", factor=factor_label(render, name), old=f"{old[name].weight:g}", new="0"))
    return ("，" if render.lang == "zh" else ", ").join(changes) or render.t("rules.no_change")


def _collaboration_line(render: Renderer) -> str:
    policy = render.config.collaboration
    cap = "" if policy.monthly_cap is None else render.t("rules.collaboration_cap", cap=f"{policy.monthly_cap:g}")
    return render.t(
        "rules.collaboration",
        cover=f"{policy.cover_points_per_hour:g}",
        cover_min=f"{policy.cover_min_minutes:g}",
        handover=f"{policy.handover_points:g}",
        handover_cap=policy.handover_daily_cap,
        thanks=f"{policy.thanks.points:g}",
        allowance=policy.thanks.daily_allowance,
        peak=f"{policy.peak_points_per_hour:g}",
        threshold=f"{policy.peak_threshold:g}",
        cap=cap,
    )


def _payout_line(render: Renderer) -> str:
    settings = render.config.payout
    policy = settings.policy
    if policy.scheme == "tiers":
        bands = []
        for band in policy.tiers:
            amount = f"×{float(band.multiplier):g}" if band.multiplier is not None else render.money(band.fixed_cents or 0)
            key = "rules.payout.band_rest" if band.up_to_rank is None else "rules.payout.band_up_to"
            bands.append(render.t(key, name=escape(band.name), rank=band.up_to_rank, amount=amount))
        scheme = render.t("rules.payout.tiers", bands=render.listed(bands))
    elif policy.scheme == "team_fund":
        scheme = render.t("rules.payout.team_fund")
    else:
        if policy.scheme == "hybrid":
            scheme = render.t("rules.payout.hybrid", percent=f"{float(policy.team_fund_percent):g}")
        else:
            scheme = render.t("rules.payout.proportional")
        if policy.floor_cents:
            scheme += render.t("rules.payout.floor", hours=f"{float(policy.floor_min_hours):g}", amount=render.money(policy.floor_cents))
        if policy.cap_cents is not None:
            scheme += render.t("rules.payout.cap", amount=render.money(policy.cap_cents))
    pool = render.t("rules.pool", amount=render.money(settings.pool_cents)) if settings.pool_cents else render.t("rules.no_pool")
    return render.t("rules.payout", scheme=scheme, pool=pool)
