"""The day's standings and the daily digest as Telegram HTML; tables padded by display width, so Chinese names keep the columns straight."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from bot.digest.service import Attention, Digest, HoldLine
from bot.ledger.service import RankedAgent
from bot.text.layout import display_width, hours, quantity, short_datetime, table, truncate
from bot.text.platform import platform_lines, shares_text
from bot.text.renderer import Renderer


def standings_table(render: Renderer, ranked: Sequence[RankedAgent]) -> str:
    if not ranked:
        return render.t("standings.empty")
    name_width = min(12, max(display_width(r.name) for r in ranked))
    rows = [render.t("standings.header").split()] + [
        [
            str(r.standing.rank),
            truncate(r.name, name_width),
            hours(r.standing.seconds_held),
            quantity(r.standing.conversations),
            str(r.standing.cases),
            render.number(r.standing.points, 2),
        ]
        for r in ranked
    ]
    return "<pre>" + escape(table(rows, (4, name_width, 6, 6, 5, 8), right_from=2)) + "</pre>" + apportioned_note(render, ranked)


def apportioned_note(render: Renderer, ranked: Sequence[RankedAgent]) -> str:
    """The conversations column counts credited conversations only; what was apportioned is named apart."""
    shared = [(r.name, r.standing.apportioned) for r in ranked if r.standing.apportioned]
    return "\n" + render.t("standings.apportioned", shares=shares_text(render, shared)) if shared else ""


def standings_message(render: Renderer, day: date, ranked: Sequence[RankedAgent]) -> str:
    return render.t("standings.title", day=render.day(day)) + "\n" + standings_table(render, ranked)


def digest_message(render: Renderer, digest: Digest, *, late: bool = False) -> str:
    parts = [
        render.t("digest.title", team=escape(render.config.team.name), day=render.day(digest.day)),
        standings_table(render, digest.standings),
        render.t("digest.coverage"),
    ]
    for c in digest.coverage:
        parts.append(
            render.t(
                "digest.coverage_line",
                label=escape(render.label(c.account)),
                held=f"{c.held_seconds / 3600:.1f}",
                elapsed=f"{c.elapsed_seconds / 3600:.1f}",
                percent=round(100 * c.ratio),
            )
        )
    counts = digest.conversations
    parts.append(
        render.t("digest.conversations", imported=counts.imported, held=counts.held, roster=counts.roster, unattributed=counts.unattributed)
    )
    parts += platform_lines(render, digest.platform, title="digest.platform")
    parts.append(render.t("digest.open_holds"))
    if not digest.open_holds:
        parts.append(render.t("digest.none_open"))
    for hold in digest.open_holds:
        since = short_datetime(hold.since, render.tz, digest.day)
        parts.append(render.t("digest.open_line", label=escape(render.label(hold.account)), name=escape(hold.holder), since=since))
    parts += attention_lines(render, digest.attention, digest.day)
    if late:
        parts.append(render.t("digest.late"))
    return "\n".join(parts)


def corrected_digest_message(render: Renderer, digest: Digest, at: datetime) -> str:
    """The posted digest as its day now stands, after an import that came in later, and saying so."""
    when = short_datetime(at, render.tz, digest.day)
    return digest_message(render, digest) + "\n" + render.t("digest.corrected", at=when)


def attention_lines(render: Renderer, attention: Attention | None, day: date) -> list[str]:
    if attention is None:
        return []
    lines = [render.t("attention.title")]

    def label(account: str) -> str:
        return escape(render.label(account))

    for first, second in attention.overlaps:
        lines.append(
            render.t(
                "attention.overlap",
                label=label(first.account),
                first=escape(first.name),
                second=escape(second.name),
                first_span=_span(render, first, day),
                second_span=_span(render, second, day),
            )
        )
    for hold in attention.long_holds:
        lines.append(
            render.t(
                "attention.long",
                label=label(hold.account),
                name=escape(hold.name),
                hours=f"{hold.seconds / 3600:.1f}",
                span=_span(render, hold, day),
            )
        )
    for hold in attention.auto_closed:
        lines.append(render.t("attention.auto_closed", label=label(hold.account), name=escape(hold.name), span=_span(render, hold, day)))
    for account, count in attention.unattributed.items():
        lines.append(render.t("attention.unattributed", label=label(account), count=count, day=day.isoformat()))
    for account, days in attention.missing_imports.items():
        lines.append(render.t("attention.no_import", label=label(account), days=render.listed(d.strftime("%m-%d") for d in days)))
    for short in attention.shortfalls:
        lines.append(
            render.t(
                "attention.shortfall",
                label=label(short.account),
                day=f"{short.day:%m-%d}",
                platform=short.platform_count,
                baton=short.baton_count,
                missing=short.missing,
            )
        )
    for unshared in attention.unshared:
        lines.append(
            render.t(
                f"attention.unshared.{unshared.reason}", label=label(unshared.account), day=f"{unshared.day:%m-%d}", count=unshared.count
            )
        )
    for idle in attention.idle:
        span = f"{_at(render, idle.start, day)}–{_at(render, idle.end, day)}"
        lines.append(
            render.t(
                "attention.idle",
                label=label(idle.account),
                name=escape(idle.name),
                hours=f"{idle.seconds / 3600:.1f}",
                span=span,
                last=_at(render, idle.last_activity, day),
            )
        )
    for item in attention.unanswered:
        stretch = item.stretch
        span = f"{_at(render, stretch.start, day)}–{_at(render, stretch.end, day)}"
        lines.append(
            render.t(
                "attention.unanswered", label=label(stretch.account), name=escape(item.name), minutes=round(stretch.minutes), span=span
            )
        )
    if attention.empty:
        lines.append(render.t("attention.none"))
    return lines


def _at(render: Renderer, instant: datetime, day: date) -> str:
    local = instant.astimezone(render.tz)
    return local.strftime("%H:%M") if local.date() == day else local.strftime("%m-%d %H:%M")


def _span(render: Renderer, hold: HoldLine, day: date) -> str:
    def at(instant: datetime) -> str:
        local = instant.astimezone(render.tz)
        return local.strftime("%H:%M") if local.date() == day else local.strftime("%m-%d %H:%M")

    return f"{at(hold.start)}–{at(hold.end) if hold.end is not None else '…'}"
