"""Words for an uploaded file that cannot be read, shared by /import and /roster_import.

Whatever a file holds can be echoed back: a header row of 10,000 names once became 23 messages
to the group. So a list taken from a file shows its first few items and how many more there
are, each item echoed only so far, and control characters never reach Telegram.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from bot.text.filenames import upload_name
from bot.text.layout import truncate
from bot.text.renderer import Renderer

SHOWN_ITEMS = 20
ITEM_WIDTH = 40


def file_list(render: Renderer, items: Iterable[object], limit: int = SHOWN_ITEMS) -> str:
    """Names read from a file as a list the language reads, at most ``limit`` of them and then
    "and N more"; each escaped, stripped of control characters and cut to ITEM_WIDTH columns."""
    values = list(items)
    shown = [escape(truncate(upload_name(str(v), "?"), ITEM_WIDTH)) for v in values[:limit]]
    listed = render.listed(shown) or "—"
    if len(values) > limit:
        return render.t("upload.and_more", items=listed, count=len(values) - limit)
    return listed


def unreadable(render: Renderer, params: Mapping[str, object]) -> str:
    """A file that cannot be read, by its reason code (storage.importers.errors) and its numbers."""
    reason = str(params["reason"])
    if reason == "bad_format" and "row" in params:
        return render.t("error.export_unreadable.bad_format_row", row=params["row"])
    if reason == "too_large":
        return render.t("error.export_unreadable.too_large", size=_megabytes(params["size"]), limit=_megabytes(params["limit"]))
    if reason == "too_many_rows":
        return render.t("error.export_unreadable.too_many_rows", limit=render.number(float(str(params["limit"]))))
    if reason == "too_many_cells":
        return render.t(
            "error.export_unreadable.too_many_cells",
            cells=render.number(float(str(params["cells"]))),
            limit=render.number(float(str(params["limit"]))),
        )
    if reason == "expands_too_much" and "inflated" in params:
        return render.t("error.export_unreadable.inflates_past", limit=_megabytes(params["limit"]))
    return render.t(f"error.export_unreadable.{reason}")


def _megabytes(value: object) -> str:
    return f"{int(str(value)) / 1024 / 1024:.1f}"


__all__ = ["file_list", "unreadable"]
