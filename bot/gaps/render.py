"""/gaps and /assign as Telegram HTML: the unheld windows of a day, and a window credited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

from bot.core.errors import Refused
from bot.gaps.service import Assigned, Gap
from bot.text.layout import clock_time
from bot.text.renderer import Renderer


def gaps_text(render: Renderer, day: date, gaps: Sequence[Gap]) -> str:
    lines = [render.t("gaps.title", day=render.day(day))]
    if not gaps:
        lines.append(render.t("gaps.none"))
    for gap in gaps:
        lines.append(
            render.t(
                "gaps.line",
                label=escape(render.label(gap.account)),
                start=clock_time(gap.start, render.tz),
                end=clock_time(gap.end, render.tz),
                count=gap.conversations,
                account=gap.account,
            )
        )
    if gaps:
        lines.append(render.t("gaps.hint"))
    return "\n".join(lines)


def assigned_text(render: Renderer, result: Assigned) -> str:
    return render.t(
        "assigned",
        label=escape(render.label(result.account)),
        start=clock_time(result.start, render.tz),
        end=clock_time(result.end, render.tz),
        name=escape(result.agent),
        count=result.conversations,
        day=result.start.astimezone(render.tz).date().isoformat(),
    )


def refusal(render: Renderer, refused: Refused) -> str:
    """A clashing hold's times as the team's clock shows them; an open one has no end yet."""
    if refused.code != "assign_overlaps":
        return render.refusal(refused)
    end = refused.params["end"]
    return render.refusal(refused, start=clock_time(refused.params["start"], render.tz), end=clock_time(end, render.tz) if end else "…")
