"""The daily digest's "needs attention" section: what a supervisor should look at for the day.

Overlapping holds, holds longer than `[checks] max_hold_hours`, holds the reminders closed
automatically that day, conversations nobody could be credited with, and recent days an
importing account has no conversations for (its export was probably not imported).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING

from domain.checks import missing_import_days, over_long_holds, overlapping_holds
from domain.time import day_bounds, days_between, local_day
from storage import notices
from storage import repositories as repo
from storage.db import reading

if TYPE_CHECKING:
    from bot.ledger_service import LedgerViews
    from bot.render import Renderer

# How far back a digest looks for days without an import; the day itself is usually imported tomorrow.
IMPORT_LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class HoldLine:
    account: str
    name: str
    start: datetime
    end: datetime | None
    seconds: float  # held, an open hold up to when the digest was made


@dataclass(frozen=True)
class Attention:
    overlaps: list[tuple[HoldLine, HoldLine]] = field(default_factory=list)
    long_holds: list[HoldLine] = field(default_factory=list)
    auto_closed: list[HoldLine] = field(default_factory=list)
    unattributed: dict[str, int] = field(default_factory=dict)
    missing_imports: dict[str, list[date]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.overlaps or self.long_holds or self.auto_closed or self.unattributed or self.missing_imports)


def needs_attention(views: LedgerViews, day: date) -> Attention:
    tz, now = views.tz, views.clock.now()
    start, end = day_bounds(day, tz)
    accounts = [a.key for a in views.config.accounts]
    earlier = days_between(day - timedelta(days=IMPORT_LOOKBACK_DAYS), day - timedelta(days=1))
    with reading(views.engine) as session:
        holds = repo.holds_between(session, start, end)
        names = {a.id: a.name for a in repo.agents_by_id(session).values()}
        auto = [notices.hold(session, i) for i in notices.auto_closed_holds(session, start, end)]
        first_import = {a: local_day(t, tz) for a in accounts if (t := notices.first_conversation_at(session, a)) is not None}
        imported = {a: {d for d in earlier if notices.has_conversations(session, a, *day_bounds(d, tz))} for a in first_import}
    line = lambda h: HoldLine(h.account, names[h.agent_id], h.start, h.end, h.seconds(now))  # noqa: E731
    lost = views.attribute(start, end).attribution.unattributed["account"].value_counts()
    return Attention(
        overlaps=[(line(o.first), line(o.second)) for o in overlapping_holds(holds, now)],
        long_holds=[line(h) for h in over_long_holds(holds, now, timedelta(hours=views.config.checks.max_hold_hours))],
        auto_closed=[line(h) for h in auto],
        unattributed={str(a): int(n) for a, n in sorted(lost.items())},
        missing_imports=missing_import_days(earlier, first_import, imported),
    )


def attention_lines(render: Renderer, attention: Attention | None, day: date) -> list[str]:
    if attention is None:
        return []
    lines = [render.t("attention.title")]
    label = lambda account: escape(render.label(account))  # noqa: E731
    for first, second in attention.overlaps:
        lines.append(render.t("attention.overlap", label=label(first.account), first=escape(first.name), second=escape(second.name),
                              first_span=_span(render, first, day), second_span=_span(render, second, day)))
    for hold in attention.long_holds:
        lines.append(render.t("attention.long", label=label(hold.account), name=escape(hold.name),
                              hours=f"{hold.seconds / 3600:.1f}", span=_span(render, hold, day)))
    for hold in attention.auto_closed:
        lines.append(render.t("attention.auto_closed", label=label(hold.account), name=escape(hold.name), span=_span(render, hold, day)))
    for account, count in attention.unattributed.items():
        lines.append(render.t("attention.unattributed", label=label(account), count=count, day=day.isoformat()))
    for account, days in attention.missing_imports.items():
        lines.append(render.t("attention.no_import", label=label(account), days=render.listed(d.strftime("%m-%d") for d in days)))
    if attention.empty:
        lines.append(render.t("attention.none"))
    return lines


def _span(render: Renderer, hold: HoldLine, day: date) -> str:
    def at(instant: datetime) -> str:
        local = instant.astimezone(render.tz)
        return local.strftime("%H:%M") if local.date() == day else local.strftime("%m-%d %H:%M")

    return f"{at(hold.start)}–{at(hold.end) if hold.end is not None else '…'}"
