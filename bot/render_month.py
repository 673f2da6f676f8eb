"""A month's standings and payouts as a Telegram message."""
from __future__ import annotations

from html import escape

from bot import i18n
from bot.render import Renderer, display_width, pad, truncate
from bot.render_profile import all_rounders_section
from domain.snapshot import Snapshot

def scheme_name(render: Renderer, scheme: str) -> str:
    return i18n.scheme_name(render.lang, scheme)


def payout_table(render: Renderer, snapshot: Snapshot, names: dict[int, str]) -> str:
    rows = sorted(snapshot.rows, key=lambda r: (r.rank, r.agent_id))
    name_width = min(10, max([display_width(names.get(r.agent_id, "?")) for r in rows] or [4]))
    widths = (4, name_width, 7, 5, 12)
    header = render.t("close.header").split()
    body = [header] + [
        [str(r.rank), truncate(names.get(r.agent_id, f"#{r.agent_id}"), name_width), render.number(r.score, 2), r.tier or "", render.money(r.payout_cents)]
        for r in rows
    ]
    lines = [" ".join(pad(cell, width, right=i in (2, 4)) for i, (cell, width) in enumerate(zip(row, widths))) for row in body]
    parts = ["<pre>" + escape("\n".join(lines)) + "</pre>"]
    if snapshot.team_fund_cents:
        parts.append(render.t("close.team_fund", amount=render.money(snapshot.team_fund_cents)))
    paid = sum(r.payout_cents for r in rows) + snapshot.team_fund_cents
    parts.append(render.t("close.total", amount=render.money(paid), pool=render.money(snapshot.pool_cents)))
    parts.append(render.t("close.checksum", checksum=snapshot.checksum[:12]))
    return "\n".join(parts)


def preview_message(render: Renderer, snapshot: Snapshot, names: dict[int, str]) -> str:
    title = render.t("close.preview_title", month=render.month(snapshot.month), version=snapshot.rules_version, scheme=scheme_name(render, snapshot.scheme))
    return "\n".join([title, payout_table(render, snapshot, names), render.t("close.confirm_hint")])


def closed_message(render: Renderer, snapshot: Snapshot, names: dict[int, str], close_version: int) -> str:
    title = render.t(
        "close.title", month=render.month(snapshot.month), close_version=close_version, version=snapshot.rules_version,
        scheme=scheme_name(render, snapshot.scheme),
    )
    return "\n".join([title, payout_table(render, snapshot, names)])


def monthly_message(render: Renderer, scored) -> str:
    snapshot = scored.snapshot
    parts = [render.t("monthly.title", month=render.month(snapshot.month)), payout_table(render, snapshot, scored.names)]
    collaboration = scored.card.standings["collaboration"]
    if len(collaboration) and collaboration.max() > 0:
        top = int(collaboration.idxmax())
        parts.append(render.t("monthly.collaboration", name=escape(scored.names.get(top, f"#{top}")), points=f"{collaboration.max():g}"))
    parts.extend(all_rounders_section(render, scored))
    parts.append(render.t("monthly.reminder", month=snapshot.month))
    return "\n".join(parts)
