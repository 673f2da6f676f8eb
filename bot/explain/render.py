"""An agent's month explained, as Telegram HTML: every factor with its raw value, method, weight and
points; collaboration and adjustments entry by entry; the total, the gap to the next rank and the money."""

from __future__ import annotations

import math
from html import escape

from bot.explain.service import EntryView, Explanation, FactorView
from bot.text.factors import factor_label, factor_value, trimmed
from bot.text.i18n import scheme_name
from bot.text.layout import quantity, truncate
from bot.text.renderer import Renderer
from domain.rules import LOWER_IS_BETTER

MAX_ENTRIES_SHOWN = 12
MAX_REASON_WIDTH = 60  # with at most 12 entries, the message stays far below Telegram's 4096 characters


def method_text(render: Renderer, factor: str, normalisation: str, target: float | None) -> str:
    if normalisation == "target" and target is not None:
        key = "explain.method.target_at_most" if factor in LOWER_IS_BETTER else "explain.method.target"
        return render.t(key, target=factor_value(render, factor, target))
    if normalisation in ("share", "rank"):
        return render.t(f"explain.method.{normalisation}")
    return normalisation


def signed(points: float) -> str:
    return f"{points:+.2f}"


def private_only_text(render: Renderer, bot_username: str | None) -> str:
    """/me in the group: where to ask instead, and no numbers."""
    return render.t("explain.private_only", bot=_bot(bot_username))


def start_private_text(render: Renderer, bot_username: str | None) -> str:
    return render.t("access.start_private", bot=_bot(bot_username))


def sent_privately_text(render: Renderer, explained: Explanation) -> str:
    return render.t("access.sent_privately", name=escape(explained.name))


def _bot(username: str | None) -> str:
    return escape(f"@{username}" if username else "Baton")


def explanation_text(render: Renderer, e: Explanation) -> str:
    title = "explain.title.closed" if e.closed else "explain.title.open"
    lines = [
        render.t(title, name=escape(e.name), month=render.month(e.month), version=e.rules_version),
        render.t("explain.rank", rank=e.rank, count=e.team_size, total=f"{e.total:.2f}"),
        render.t("explain.factors"),
    ]
    lines += [_factor_line(render, f) for f in e.factors]
    lines += _apportioned_lines(render, e)
    capped = ""
    if not math.isclose(e.collaboration_recorded, e.collaboration, abs_tol=0.005):
        cap = render.config.collaboration.monthly_cap
        capped = render.t(
            "explain.collaboration_capped", recorded=f"{e.collaboration_recorded:.2f}", cap=trimmed(cap) if cap is not None else "—"
        )
    lines.append(render.t("explain.collaboration", points=signed(e.collaboration)) + capped)
    lines += _entry_lines(render, e.collaboration_entries, adjustment=False)
    lines += _idle_lines(render, e)
    lines.append(render.t("explain.adjustments", points=signed(e.adjustments)))
    lines += _entry_lines(render, e.adjustment_entries, adjustment=True)
    lines.append(
        render.t(
            "explain.total",
            factors=f"{e.factor_points:.2f}",
            collaboration=_plus(e.collaboration),
            adjustments=_plus(e.adjustments),
            total=f"{e.total:.2f}",
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
        "explain.factor_line",
        factor=factor_label(render, f.factor),
        raw="—" if f.raw is None else factor_value(render, f.factor, f.raw),
        method=method,
        normalised=f"{f.normalised:.3f}",
        weight=f"{f.weight:g}",
        points=f"{f.points:.2f}",
    )


def _apportioned_lines(render: Renderer, e: Explanation) -> list[str]:
    """Apportioned conversations are inside the conversations factor: say how many, and from which days."""
    if not e.apportioned_entries:
        return []
    lines = [render.t("explain.apportioned", count=quantity(e.apportioned))]
    for entry in e.apportioned_entries[:MAX_ENTRIES_SHOWN]:
        lines.append(
            render.t(
                "explain.apportioned_entry",
                day=f"{entry.day:%m-%d}",
                label=escape(render.label(entry.account)),
                count=quantity(entry.count),
            )
        )
    if len(e.apportioned_entries) > MAX_ENTRIES_SHOWN:
        lines.append(render.t("explain.more_entries", count=len(e.apportioned_entries) - MAX_ENTRIES_SHOWN))
    return lines


def _idle_lines(render: Renderer, e: Explanation) -> list[str]:
    """Hours held after the agent had gone (domain.presence): how many, and which days; none were paid."""
    if not e.idle_entries:
        return []
    lines = [render.t("explain.idle", hours=f"{e.idle_hours:.1f}")]
    for entry in e.idle_entries[:MAX_ENTRIES_SHOWN]:
        last = entry.last_activity.astimezone(render.tz)
        lines.append(
            render.t(
                "explain.idle_entry",
                day=f"{entry.day:%m-%d}",
                label=escape(render.label(entry.account)),
                hours=f"{entry.hours:.1f}",
                last=last.strftime("%m-%d %H:%M"),
            )
        )
    if len(e.idle_entries) > MAX_ENTRIES_SHOWN:
        lines.append(render.t("explain.more_entries", count=len(e.idle_entries) - MAX_ENTRIES_SHOWN))
    return lines


def _entry_lines(render: Renderer, entries: tuple[EntryView, ...], *, adjustment: bool) -> list[str]:
    if not entries:
        return [render.t("explain.no_entries")]
    lines = []
    for entry in entries[:MAX_ENTRIES_SHOWN]:
        day = f"{entry.day:%m-%d}"
        if adjustment:
            lines.append(
                render.t(
                    "explain.adjustment_entry",
                    day=day,
                    points=signed(entry.points),
                    reason=escape(truncate(entry.reason, MAX_REASON_WIDTH)),
                    by=escape(entry.by),
                )
            )
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
    return render.t(
        key, amount=render.money(e.payout_cents), tier=tier, pool=render.money(e.pool_cents), scheme=scheme_name(render.lang, e.scheme)
    )
