"""An import's report and its refusals, in the reader's language.

The report says what the file is (a session list, a message log or a per-agent report) and what
each column became: the fields read, the fields made without a column, those absent and what that
costs, the rows rejected (grouped by reason), summary rows, cells not final yet, and how the new
conversations were credited or how the platform's counts compare with Baton's. A refusal names
the header row it found, what each format matched and missed, and a [presets.NAME] table to paste.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from html import escape

from bot.core.errors import Refused
from bot.imports.service import Imported, Inspected
from bot.text.platform import platform_lines
from bot.text.renderer import Renderer
from bot.text.uploads import file_list, unreadable
from storage.importers import MESSAGES, TOTALS, FormatHelp, ImportReport, RejectedRow
from storage.importers.report import FROM_KEY, FROM_MESSAGES, FROM_PERIOD, FROM_REPLY_TIME, MessageTally

MAX_ROWS_SHOWN = 10
MAX_PRESETS_SHOWN = 8
# How a field was made without a column -> the catalogue's words for it (import.derived.*).
DERIVED = {FROM_KEY: "key", FROM_REPLY_TIME: "reply_time", FROM_MESSAGES: "messages", FROM_PERIOD: "period"}


def import_report(render: Renderer, imported: Imported) -> str:
    file = imported.file
    head = dict(filename=escape(imported.filename), label=escape(render.label(imported.account)), preset=escape(file.preset))
    if file.shape == TOTALS:
        lines = [render.t("import.report_totals", **head, read=file.rows_read, new=imported.new, replaced=imported.replaced)]
    else:
        lines = [
            render.t(
                "import.report",
                **head,
                read=file.rows_read,
                new=imported.new,
                duplicates=imported.duplicates,
                rejected=len(imported.rejected),
            )
        ]
    lines += merged_lines(render, imported)
    lines.append(_shape(render, file))
    if file.header_rows and file.header_rows != (1,):
        lines.append(render.t("import.header_rows", rows=_numbers(render, file.header_rows)))
    lines += _columns(render, file, imported.key)
    lines += _left_out(render, file, imported.rejected)
    lines += platform_lines(render, imported.platform, title="import.platform_title")
    if imported.attribution:
        counts = {status: imported.attribution.get(status, 0) for status in ("held", "roster", "unattributed")}
        lines.append(render.t("import.attribution", **counts))
        if counts["unattributed"]:
            lines.append(render.t("import.gaps_hint"))
    if imported.updated_attribution:
        counts = {status: imported.updated_attribution.get(status, 0) for status in ("held", "roster", "unattributed")}
        lines.append(render.t("import.updated_attribution", **counts))
    lines += start_fallback_lines(render, imported)
    return "\n".join(lines)


# A stored column -> the field whose words name it in a report.
MERGED_LABELS = {"started_at": "start", "first_response_s": "first_reply_at"}


def merged_lines(render: Renderer, imported: Imported) -> list[str]:
    """What the file did to conversations stored before: nothing, or what it filled in and changed (the newer export wins)."""
    if not imported.duplicates or imported.file.shape == TOTALS:
        return []
    if not imported.updated:
        return [render.t("import.nothing_new", count=imported.unchanged)] if imported.unchanged else []
    filled = (render.t("import.filled_field", field=merged_label(render, f), count=n) for f, n in imported.filled.items())
    lines = [render.t("import.updated", count=imported.updated, unchanged=imported.unchanged)]
    if imported.filled:
        lines.append(render.t("import.filled", fields=render.listed(filled)))
    if imported.changed:
        changed = (render.t("import.filled_field", field=merged_label(render, f), count=n) for f, n in imported.changed.items())
        lines.append(render.t("import.changed", count=imported.changed_records, fields=render.listed(changed)))
        for change in imported.examples:
            lines.append(
                render.t(
                    "import.change_example",
                    id=escape(change.external_id),
                    field=merged_label(render, change.field),
                    before=escape(_value(render, change.field, change.before)),
                    after=escape(_value(render, change.field, change.after)),
                )
            )
    return lines


def start_fallback_lines(render: Renderer, imported: Imported) -> list[str]:
    """Credit goes by the first reply; where there is none to go by, by the start, and the report says how many."""
    if imported.moment != "first_reply" or imported.file.shape == TOTALS or not imported.unreplied:
        return []
    if not imported.reply_times:
        return [render.t("import.no_reply_times", count=imported.unreplied)]
    return [render.t("import.unreplied", count=imported.unreplied)]


def merged_label(render: Renderer, column: str) -> str:
    return field_label(render, MERGED_LABELS.get(column, column))


def _value(render: Renderer, column: str, value: object) -> str:
    if column in ("first_response_s", "avg_response_s") and isinstance(value, int | float):
        return render.seconds(value)
    if isinstance(value, datetime):
        return value.astimezone(render.tz).strftime("%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _shape(render: Renderer, file: ImportReport) -> str:
    if file.shape == MESSAGES:
        tally = file.messages or MessageTally()
        return render.t(
            "import.shape.messages",
            messages=tally.messages,
            conversations=tally.conversations,
            minutes=f"{tally.idle_gap_s / 60:g}",
            system=tally.system_messages,
            shop_only=tally.shop_only,
        )
    return render.t(f"import.shape.{file.shape}")


def _columns(render: Renderer, file: ImportReport, key: Sequence[str]) -> list[str]:
    """Which field each header became, which fields were made without one, and what is missing."""
    lines = []
    if file.fields:
        read = (render.t("import.field", field=field_label(render, f), header=escape(h)) for f, h in file.fields.items())
        lines.append(render.t("import.fields", fields=render.listed(read)))
    derived = _derived(render, file, key)
    if derived:
        lines.append(render.t("import.derived", fields=render.listed(derived)))
    if file.absent:
        lines.append(render.t("import.absent_title"))
        for absent in file.absent:
            lines.append(
                render.t(f"import.absent.{absent.consequence}", field=field_label(render, absent.field), count=absent.conversations)
            )
    if file.unused_headers:
        lines.append(render.t("import.unused", headers=file_list(render, file.unused_headers)))
    return lines


def _derived(render: Renderer, file: ImportReport, key: Sequence[str]) -> list[str]:
    by_code: dict[str, list[str]] = {}
    for field, code in file.derived.items():
        if field in file.fields:
            continue  # read from its column after all (a message log's customer)
        by_code.setdefault(DERIVED.get(code, code), []).append(field)
    items = []
    for code, fields in by_code.items():
        labels = render.listed(field_label(render, f) for f in fields)
        period = f"{file.period[0]:%m-%d}" if file.period else "—"
        parts = render.listed(field_label(render, f) for f in key)
        items.append(render.t(f"import.derived.{code}", fields=labels, parts=parts, day=period))
    return items


def _left_out(render: Renderer, file: ImportReport, rejected: Sequence[RejectedRow]) -> list[str]:
    """Rejected rows by reason, summary rows, cells not final yet, left messages."""
    lines = []
    if file.rejected:
        lines.append(render.t("import.rejected_title"))
        for group in file.rejected:
            example = next((r.value for r in rejected if r.reason == group.reason and r.value not in (None, "")), None)
            lines.append(
                render.t(
                    "import.rejected_group",
                    reason=render.t(f"reason.{group.reason}"),
                    count=group.count,
                    rows=_rows(render, group.rows, group.count),
                    example=render.t("import.example", value=escape(str(example))) if example is not None else "",
                )
            )
    if file.summary_rows:
        rows = (render.t("import.summary_row", row=s.row_number, label=escape(s.label)) for s in file.summary_rows[:MAX_ROWS_SHOWN])
        lines.append(render.t("import.summary_rows", rows=render.listed(rows)))
    if file.not_final:
        cells = (
            render.t("import.not_final_cell", header=escape(n.header), count=n.count, rows=_rows(render, n.rows, n.count))
            for n in file.not_final
        )
        lines.append(render.t("import.not_final", cells=render.listed(cells)))
    if file.left_messages:
        lines.append(render.t("import.left_messages", count=file.left_messages))
    return lines


def field_label(render: Renderer, field: str) -> str:
    return render.t(f"field.{field}")


def _numbers(render: Renderer, numbers: Iterable[int]) -> str:
    return render.listed(str(n) for n in numbers)


def _rows(render: Renderer, rows: Sequence[int], count: int) -> str:
    shown = rows[:MAX_ROWS_SHOWN]
    key = "import.rows_more" if count > len(shown) else "import.rows"
    return render.t(key, rows=_numbers(render, shown))


# -- refusals -------------------------------------------------------------------------------------


def refusal(render: Renderer, refused: Refused) -> str:
    """A refused file in words: an unreadable one by its reason, a misfit with format help."""
    params = refused.params
    if refused.code == "export_unreadable":
        return unreadable(render, params)
    if refused.code != "export_refused":
        return render.refusal(refused)
    reason = str(params["reason"])
    text = _refused(render, reason, params)
    help = params.get("help")
    if isinstance(help, FormatHelp) and reason in ("missing_columns", "unknown_format", "ambiguous_format"):
        guess = reason != "ambiguous_format"  # several formats fit: name one, no mapping needed
        return "\n".join([text, *format_help_lines(render, help, str(params["toml"]), str(params["name"]), guess=guess)])
    return text


def _refused(render: Renderer, reason: str, params: Mapping[str, object]) -> str:
    if reason == "missing_columns":
        return render.t(f"error.export_refused.{reason}", preset=escape(str(params["preset"])), missing=_listed(render, params["missing"]))
    if reason == "ambiguous_format":
        return render.t(
            f"error.export_refused.{reason}", candidates=_listed(render, params["candidates"]), account=escape(str(params["account"]))
        )
    if reason == "unknown_ratings":
        return render.t(f"error.export_refused.{reason}", column=escape(str(params["column"])), labels=_listed(render, params["labels"]))
    if reason == "totals_without_day" and "first_day" not in params:
        return render.t("error.export_refused.totals_without_period")
    return render.t(f"error.export_refused.{reason}", first_day=params.get("first_day"), last_day=params.get("last_day"))


def _listed(render: Renderer, values: object) -> str:
    """Names from the file or the presets, a bounded few: a 10,000-column header stays one message."""
    return file_list(render, values if isinstance(values, list | tuple) else [values])


def format_help_lines(render: Renderer, help: FormatHelp, toml: str, name: str, *, guess: bool = True) -> list[str]:
    """The header found, how each format fares with it, and the guessed [presets.NAME] table."""
    if not help.headers:
        return [render.t("import.help.no_header")]
    lines = [render.t("import.help.header", rows=_numbers(render, help.header_rows) or "—", headers=_listed(render, list(help.headers)))]
    lines.append(render.t("import.help.fits_title"))
    for fit in help.fits[:MAX_PRESETS_SHOWN]:
        if fit.fits:
            lines.append(render.t("import.help.fits", preset=escape(fit.preset), matched=len(fit.matched)))
        else:
            lines.append(
                render.t(
                    "import.help.misses", preset=escape(fit.preset), missing=_listed(render, list(fit.missing)), matched=len(fit.matched)
                )
            )
    if guess and help.guessed:
        shape = render.t(f"import.shape_name.{help.shape}")
        lines.append(render.t("import.help.guess", shape=shape, name=escape(name), toml=escape(toml.rstrip("\n"))))
    elif guess:
        lines.append(render.t("import.help.no_guess"))
    return lines


def inspected_text(render: Renderer, inspected: Inspected) -> str:
    """`baton inspect FILE`: the same help a refusal gives, and which formats fit."""
    help = inspected.help
    fitting = render.listed(escape(p) for p in help.fitting)
    lines = [render.t("inspect.title", filename=escape(inspected.filename))]
    lines.append(render.t("inspect.fitting", presets=fitting) if help.fitting else render.t("inspect.none_fits"))
    lines += format_help_lines(render, help, inspected.toml, inspected.name)
    return "\n".join(lines)
