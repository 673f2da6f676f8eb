"""The platform's own counts in words: a day's count against Baton's, and what was apportioned.

Shared by the import report (bot/imports/) and the daily digest (bot/digest/). An apportioned
count is always named as such: it was shared by hold time, not credited conversation by
conversation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Protocol

from bot.text.renderer import Renderer
from domain.reconcile import DayReconciliation


class Shared(Protocol):
    name: str
    count: int


class NotShared(Protocol):
    count: int
    reason: str


class PlatformReport(Protocol):
    """What the ledger says of some days' platform counts (bot.ledger.service.PlatformDays)."""

    reconciliation: tuple[DayReconciliation, ...]

    def shares_on(self, account: str, day: date) -> Sequence[Shared]: ...

    def unshared_on(self, account: str, day: date) -> Sequence[NotShared]: ...


def platform_lines(render: Renderer, platform: PlatformReport, *, title: str) -> list[str]:
    """A title, then each account-day the platform counted: against Baton's count, or apportioned."""
    if not platform.reconciliation:
        return []
    lines = [render.t(title)]
    for day in platform.reconciliation:
        shares = [(s.name, s.count) for s in platform.shares_on(day.account, day.day)]
        unshared = [(u.count, u.reason) for u in platform.unshared_on(day.account, day.day)]
        lines.append(platform_line(render, day, shares, unshared))
    return lines


def platform_line(render: Renderer, day: DayReconciliation, shares: Sequence[tuple[str, int]], unshared: Sequence[tuple[int, str]]) -> str:
    """One account-day: "the platform counts 162, Baton has 150: 12 missing", or, on a day without
    conversations, to whom the count was apportioned (``shares``: name, count) and what nobody
    could be given (``unshared``: count, reason)."""
    params = {
        "day": f"{day.day:%m-%d}",
        "label": escape(render.label(day.account)),
        "platform": day.platform_count,
        "measure": render.t(f"platform.measure.{day.measure}"),
        "baton": day.baton_count,
        "counted": render.t(f"platform.counted.{day.counted}"),
        "missing": day.missing,
        "surplus": day.surplus,
    }
    if day.baton_count == 0 and (shares or unshared):
        parts = [render.t("platform.apportioned", shares=shares_text(render, shares))] if shares else []
        parts += [render.t(f"platform.unshared.{reason}", count=count) for count, reason in unshared]
        return render.t("platform.no_conversations", what=render.listed(parts), **params)
    return render.t(f"platform.{day.status}", **params)


def shares_text(render: Renderer, shares: Sequence[tuple[str, int | float]]) -> str:
    """王芳 97、李雷 65 · 王芳 97, 李雷 65."""
    return render.listed(render.t("platform.share", name=escape(name), count=render.number(count)) for name, count in shares)
