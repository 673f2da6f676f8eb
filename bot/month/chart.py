"""A closed month as a PNG: each agent's score as a bar, best at the top, with the payout.

Drawn as bot/text/charts.py describes: a bare Figure on the Agg canvas, with the bundled CJK font.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

from bot.text.charts import DPI, WIDTH_INCHES, cjk_font, literal
from bot.text.i18n import scheme_name, t
from bot.text.i18n.formats import money, month_name, number
from domain.snapshot import Snapshot

INCHES_PER_AGENT = 0.34
TITLE_INCHES = 0.34
SUBTITLE_LINE_INCHES = 0.17
FOOTER_INCHES = 0.48
MARGIN_INCHES = 0.1

BAR_COLOUR = "#4C78A8"
LEADER_COLOUR = "#E45756"
NEGATIVE_COLOUR = "#9D9D9D"


def month_chart(snapshot: Snapshot, names: Mapping[int, str], *, lang: str = "zh", title: str | None = None) -> bytes:
    """The month's standings as PNG bytes, 1000 px wide, taller with more agents."""
    font = cjk_font()
    rows = snapshot.rows  # frozen in rank order, ties by agent id
    subtitle = _subtitle(snapshot, lang)
    header = TITLE_INCHES + SUBTITLE_LINE_INCHES * (subtitle.count("\n") + 1) + 2.5 * MARGIN_INCHES
    height = header + FOOTER_INCHES + INCHES_PER_AGENT * max(len(rows), 2)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)

    top = 1 - MARGIN_INCHES / height
    heading = literal(title) if title else _label(lang, "title", month=month_name(lang, snapshot.month))
    figure.text(0.5, top, heading, ha="center", va="top", fontproperties=font, fontsize=13)
    figure.text(
        0.5,
        top - TITLE_INCHES / height,
        subtitle,
        ha="center",
        va="top",
        fontproperties=font,
        fontsize=8,
        color="#444444",
        linespacing=1.5,
    )
    axes = figure.add_axes((0.0, FOOTER_INCHES / height, 1.0, 1 - (header + FOOTER_INCHES) / height))
    if rows:
        _draw_bars(axes, snapshot, names, lang, font)
    else:
        axes.set_axis_off()
        axes.text(0.5, 0.5, _label(lang, "nobody"), ha="center", va="center", fontproperties=font, fontsize=10)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _draw_bars(axes: Axes, snapshot: Snapshot, names: Mapping[int, str], lang: str, font: FontProperties) -> None:
    rows = snapshot.rows
    positions = list(range(len(rows)))
    scores = [row.score for row in rows]
    colours = [NEGATIVE_COLOUR if row.score < 0 else LEADER_COLOUR if row.rank == 1 else BAR_COLOUR for row in rows]
    axes.barh(positions, scores, color=colours, height=0.62)
    axes.set_yticks(positions, [_agent(names, row.agent_id) for row in rows])
    axes.set_ylim(len(rows) - 0.5, -0.5)  # rank 1 at the top
    annotations = [
        axes.annotate(
            _bar_label(row.score, row.payout_cents, row.tier, lang),
            xy=(max(row.score, 0.0), position),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontproperties=font,
            fontsize=7.5,
        )
        for position, row in zip(positions, rows, strict=True)
    ]

    axes.axvline(0, color="#333333", linewidth=0.6)
    axes.set_xlabel(_label(lang, "score_axis"), fontproperties=font, fontsize=8)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="x", color="#DDDDDD", linewidth=0.5)
    axes.set_axisbelow(True)
    axes.tick_params(axis="y", length=0)
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(font)
        tick.set_fontsize(9)
    for tick in axes.get_xticklabels():
        tick.set_fontproperties(font)
        tick.set_fontsize(7)
    _fit(axes, scores, annotations)


def _fit(axes: Axes, scores: list[float], annotations: list) -> None:
    """Leave room left of the axes for the names and right of each bar for its label.

    Both are measured in pixels from a first layout pass, so long names and large amounts
    fit whatever the font, instead of trusting a guessed margin.
    """
    figure = axes.get_figure()
    renderer = figure.canvas.get_renderer()
    names_px = max(label.get_window_extent(renderer).width for label in axes.get_yticklabels())
    figure_px = figure.get_figwidth() * figure.dpi
    margin_px = MARGIN_INCHES * figure.dpi
    left = (names_px + 2 * margin_px) / figure_px
    box = axes.get_position()
    axes.set_position((left, box.y0, 1 - left - margin_px / figure_px, box.height))

    axes_px = axes.get_position().width * figure_px
    lowest, highest = min(min(scores), 0.0), max(max(scores), 0.0)
    span = (highest - lowest) or 1.0
    lowest -= 0.03 * span if lowest < 0 else 0.0
    # A bar ending at score s is (s - lowest) / (right - lowest) of the way across; its label
    # (plus the 4 pt offset) must fit in what is left. Solve for the smallest right edge.
    right = highest
    for score, label in zip(scores, annotations, strict=True):
        label_px = label.get_window_extent(renderer).width + 4 / 72 * figure.dpi + margin_px
        room = max(axes_px - label_px, axes_px * 0.2)
        right = max(right, lowest + (max(score, 0.0) - lowest) * axes_px / room)
    axes.set_xlim(lowest, right if right > lowest else lowest + 1.0)


def _bar_label(score: float, payout_cents: int, tier: str | None, lang: str) -> str:
    parts = [_label(lang, "points", score=number(lang, score, 2)), money(lang, payout_cents)]
    if tier:
        parts.append(tier)
    return literal(" · ".join(parts))


def _subtitle(snapshot: Snapshot, lang: str) -> str:
    heading = [
        month_name(lang, snapshot.month),
        _label(lang, "pool", amount=money(lang, snapshot.pool_cents)),
        _label(lang, "scheme", scheme=scheme_name(lang, snapshot.scheme)),
    ]
    lines = [" · ".join(heading)]
    if snapshot.team_fund_cents:
        lines.append(_label(lang, "team_fund", amount=money(lang, snapshot.team_fund_cents)))
    lines.append(_label(lang, "checksum", checksum=snapshot.checksum[:12]))
    return "\n".join(lines)


def _agent(names: Mapping[int, str], agent_id: int) -> str:
    return literal(names.get(agent_id) or f"#{agent_id}")


def _label(lang: str, key: str, **params: object) -> str:
    return t(lang, f"chart.{key}", **params)


__all__ = ["month_chart"]
