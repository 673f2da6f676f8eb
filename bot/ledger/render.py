"""Service metrics (/stats) as a monospace table, padded by display width so Chinese names keep the columns straight."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.ledger.service import AgentMetrics
from bot.text.layout import display_width, percent, quantity, table, truncate
from bot.text.renderer import Renderer


def metrics_table(render: Renderer, title: str, rows: Sequence[AgentMetrics]) -> str:
    if not rows:
        return title + "\n" + render.t("metrics.empty")
    name_width = min(10, max(display_width(r.name) for r in rows))
    body = [render.t("metrics.header").split()] + [
        [
            truncate(r.name, name_width),
            quantity(r.conversations),
            render.seconds(r.avg_first_response_s),
            percent(r.first_reply_30s_rate),
            percent(r.satisfaction),
            percent(r.inquiry_conversion),
            percent(r.resolved_rate),
        ]
        for r in rows
    ]
    return title + "\n<pre>" + escape(table(body, (name_width, 6, 6, 5, 5, 5, 5), right_from=1)) + "</pre>\n" + render.t("metrics.legend")
