"""One agent's months as a small PNG: points and collaboration points side by side, month by month.

Drawn as bot/text/charts.py describes (a bare Figure on the Agg canvas, never pyplot, with the bundled
Noto Sans CJK font), so names and labels in Chinese render on any machine.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.text.charts import DPI, WIDTH_INCHES, cjk_font, literal
from bot.text.i18n import t
from domain.profile import MonthTrend

HEIGHT_INCHES = 2.6
BAR_WIDTH = 0.38
POINTS_COLOUR = "#4C78A8"
COLLABORATION_COLOUR = "#F58518"


def trend_chart(trend: Sequence[MonthTrend], *, name: str, lang: str = "zh") -> bytes:
    """PNG bytes, 1000 px wide: a pair of bars per month, each labelled with its value."""
    font = cjk_font()
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.09, 0.18, 0.88, 0.62))
    positions = list(range(len(trend)))
    series = (
        ([m.points for m in trend], -BAR_WIDTH / 2, POINTS_COLOUR, t(lang, "profile.chart.points")),
        ([m.collaboration for m in trend], BAR_WIDTH / 2, COLLABORATION_COLOUR, t(lang, "profile.chart.collaboration")),
    )
    for values, offset, colour, label in series:
        bars = axes.bar([p + offset for p in positions], values, width=BAR_WIDTH, color=colour, label=label)
        for bar, value in zip(bars, values, strict=True):
            if value:
                axes.annotate(
                    f"{round(value, 1):g}",
                    xy=(bar.get_x() + bar.get_width() / 2, max(value, 0.0)),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontproperties=font,
                    fontsize=6,
                )
    axes.set_xticks(positions, [m.month for m in trend])
    axes.axhline(0, color="#333333", linewidth=0.6)
    highest = max([0.0] + [max(m.points, m.collaboration) for m in trend])
    axes.set_ylim(min([0.0] + [m.points for m in trend]) * 1.1, highest * 1.15 or 1.0)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color="#DDDDDD", linewidth=0.5)
    axes.set_axisbelow(True)
    for tick in axes.get_xticklabels() + axes.get_yticklabels():
        tick.set_fontproperties(font)
        tick.set_fontsize(7)
    legend_font = font.copy()
    legend_font.set_size(7)
    axes.legend(prop=legend_font, frameon=False, loc="lower left", ncols=2, bbox_to_anchor=(0.0, 1.0))
    figure.text(
        0.5,
        0.97,
        t(lang, "profile.chart.title", name=literal(name), months=len(trend)),
        ha="center",
        va="top",
        fontproperties=font,
        fontsize=10,
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()
