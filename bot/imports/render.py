"""An import's report: what was read, stored, refused row by row, and to whom the new conversations went."""

from __future__ import annotations

from html import escape

from bot.imports.service import ImportReport
from bot.text.renderer import Renderer

MAX_REJECTED_SHOWN = 10


def import_report(render: Renderer, report: ImportReport) -> str:
    lines = [
        render.t(
            "import.report",
            filename=escape(report.filename),
            label=escape(render.label(report.account)),
            preset=escape(report.preset),
            read=report.rows_read,
            new=report.new,
            duplicates=report.duplicates,
            rejected=len(report.rejected),
        )
    ]
    for row in report.rejected[:MAX_REJECTED_SHOWN]:
        detail = f"（{escape(str(row.value))}）" if row.value not in (None, "") else ""
        lines.append(render.t("import.rejected_line", row=row.row_number, reason=render.t(f"reason.{row.reason}"), detail=detail))
    if len(report.rejected) > MAX_REJECTED_SHOWN:
        lines.append(render.t("import.more_rejected", count=len(report.rejected) - MAX_REJECTED_SHOWN))
    if report.attribution:
        counts = {status: report.attribution.get(status, 0) for status in ("held", "roster", "unattributed")}
        lines.append(render.t("import.attribution", **counts))
        if counts["unattributed"]:
            lines.append(render.t("import.gaps_hint"))
    return "\n".join(lines)
