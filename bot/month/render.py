"""A month's standings and payouts as Telegram HTML: the close's preview and result, the monthly
digest, and the supervisors' adjustments and reopenings."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.month import callbacks as cb
from bot.month.service import Adjusted, AlreadyClosed, MonthScore, Reopened
from bot.text.i18n import scheme_name
from bot.text.layout import display_width, pad, truncate
from bot.text.renderer import Renderer
from domain.snapshot import Snapshot

NAME_WIDTH = 10
# rank, name, score, tier, payout; the score and the payout align right
COLUMN_WIDTHS = (4, NAME_WIDTH, 7, 5, 12)
RIGHT_ALIGNED = (2, 4)


def payout_table(render: Renderer, snapshot: Snapshot, names: dict[int, str]) -> str:
    rows = sorted(snapshot.rows, key=lambda r: (r.rank, r.agent_id))
    name_width = min(NAME_WIDTH, max([display_width(names.get(r.agent_id, "?")) for r in rows] or [4]))
    widths = (COLUMN_WIDTHS[0], name_width, *COLUMN_WIDTHS[2:])
    header = render.t("close.header").split()
    body = [header] + [
        [
            str(r.rank),
            truncate(names.get(r.agent_id, f"#{r.agent_id}"), name_width),
            render.number(r.score, 2),
            r.tier or "",
            render.money(r.payout_cents),
        ]
        for r in rows
    ]
    lines = [
        " ".join(pad(cell, width, right=i in RIGHT_ALIGNED) for i, (cell, width) in enumerate(zip(row, widths, strict=True)))
        for row in body
    ]
    parts = ["<pre>" + escape("\n".join(lines)) + "</pre>"]
    if snapshot.team_fund_cents:
        parts.append(render.t("close.team_fund", amount=render.money(snapshot.team_fund_cents)))
    paid = sum(r.payout_cents for r in rows) + snapshot.team_fund_cents
    parts.append(render.t("close.total", amount=render.money(paid), pool=render.money(snapshot.pool_cents)))
    parts.append(render.t("close.checksum", checksum=snapshot.checksum[:12]))
    return "\n".join(parts)


# -- the close -----------------------------------------------------------------------------------


def preview_message(render: Renderer, snapshot: Snapshot, names: dict[int, str]) -> str:
    title = render.t(
        "close.preview_title",
        month=render.month(snapshot.month),
        version=snapshot.rules_version,
        scheme=scheme_name(render.lang, snapshot.scheme),
    )
    return "\n".join([title, payout_table(render, snapshot, names), render.t("close.confirm_hint")])


def preview_keyboard(render: Renderer, snapshot: Snapshot) -> InlineKeyboardMarkup:
    """Confirm carries the preview's checksum; Cancel needs none."""
    month, pool = snapshot.month, snapshot.pool_cents
    confirm = cb.encode(cb.ClosePress(cb.CONFIRM, month, pool, cb.offered(snapshot.checksum)))
    cancel = cb.encode(cb.ClosePress(cb.CANCEL, month, pool, ""))
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(render.t("button.confirm_close"), callback_data=confirm),
                InlineKeyboardButton(render.t("button.cancel_close"), callback_data=cancel),
            ]
        ]
    )


def already_closed_text(render: Renderer, closed: AlreadyClosed) -> str:
    return render.t("close.already", month=closed.month, version=closed.version)


def closed_message(render: Renderer, snapshot: Snapshot, names: dict[int, str], close_version: int) -> str:
    title = render.t(
        "close.title",
        month=render.month(snapshot.month),
        close_version=close_version,
        version=snapshot.rules_version,
        scheme=scheme_name(render.lang, snapshot.scheme),
    )
    return "\n".join([title, payout_table(render, snapshot, names)])


def close_failed_text(render: Renderer, month: str) -> str:
    return render.t("close.failed", month=month)


def closed_toast(render: Renderer, month: str) -> str:
    return render.t("toast.closed", month=month)


def cancelled_toast(render: Renderer) -> str:
    return render.t("toast.cancelled")


def cancelled_text(render: Renderer, month: str) -> str:
    return render.t("close.cancelled", month=month)


def supervisors_only_toast(render: Renderer) -> str:
    return render.t("toast.supervisors_only")


# -- adjustments and reopening -------------------------------------------------------------------


def adjusted_text(render: Renderer, done: Adjusted) -> str:
    return render.t(
        "adjusted",
        by=escape(done.by),
        name=escape(done.agent),
        points=signed_points(done.points),
        month=done.month,
        reason=escape(done.reason),
    )


def signed_points(points: float) -> str:
    """+5, +2.5, -0.01: hundredths at most, as points are shown everywhere, and never in exponent form."""
    return f"{points:+.2f}".rstrip("0").rstrip(".")


def reopened_text(render: Renderer, done: Reopened) -> str:
    return render.t("reopened", by=escape(done.by), month=done.month, version=done.version, reason=escape(done.reason))


# -- the monthly digest --------------------------------------------------------------------------


def monthly_message(render: Renderer, scored: MonthScore, *, late: bool = False) -> str:
    """Last month's provisional standings, its most collaborative agent and all-rounders, and a reminder to close it."""
    snapshot = scored.snapshot
    parts = [render.t("monthly.title", month=render.month(snapshot.month)), payout_table(render, snapshot, scored.names)]
    collaboration = scored.card.standings["collaboration"]
    if len(collaboration) and collaboration.max() > 0:
        top = int(collaboration.idxmax())
        parts.append(render.t("monthly.collaboration", name=escape(scored.names.get(top, f"#{top}")), points=f"{collaboration.max():g}"))
    parts.extend(all_rounders_section(render, scored))
    parts.append(render.t("monthly.reminder", month=snapshot.month))
    if late:
        parts.append(render.t("digest.late"))
    return "\n".join(parts)


def all_rounders_section(render: Renderer, scored: MonthScore) -> list[str]:
    """The monthly digest's 多面手 lines; none when the month had no all-rounder."""
    found = scored.all_rounders
    if found is None or found.empty:
        return []

    def who(agent_ids: tuple[int, ...]) -> str:
        return render.listed(escape(scored.names.get(a, f"#{a}")) for a in agent_ids)

    lines = [render.t("monthly.all_rounders")]
    if found.widest:
        lines.append(render.t("monthly.widest", names=who(found.widest), platforms=found.platforms, accounts=found.accounts))
    if found.covered_most:
        lines.append(render.t("monthly.covered_most", names=who(found.covered_most), hours=f"{found.cover_minutes / 60:.1f}"))
    return ["\n".join(lines)]
