"""Platform export importers, parsing half: bytes of an export -> what it holds, in UTC.

    parsed = parse_export(data, "会话明细.csv", tz=ZoneInfo("Asia/Shanghai"))
    parsed.shape     # 'sessions', 'messages' (a chat log, grouped) or 'totals' (a per-agent report)
    parsed.records   # one row per conversation, start in UTC (sessions, messages)
    parsed.totals    # one row per agent and day or hour (totals)
    parsed.rejected  # RejectedRow(row_number, reason, detail, column, value)
    parsed.report    # ImportReport: fields read, absent and what that means, summary rows …

``open_export`` reads the same chunk by chunk (storage.imports stores as it reads). A file
whose columns fit no preset raises ExportRefused (carrying a FormatHelp); bytes that are no
table raise ExportUnreadable. Both are ExportError (a ValueError), with a reason code.
"""

from storage.importers.encoding import detect_encoding
from storage.importers.errors import (
    REFUSAL_REASONS,
    ROW_REASONS,
    UNREADABLE_REASONS,
    ExportError,
    ExportRefused,
    ExportUnreadable,
    RejectedRow,
)
from storage.importers.fields import FIELDS, MESSAGES, SESSIONS, SHAPES, TOTALS
from storage.importers.inspect import FormatHelp, PresetFit, format_help, inspect_export
from storage.importers.limits import DEFAULT_LIMITS, ReadLimits
from storage.importers.parse import OpenedExport, ParsedExport, choose_preset, open_export, parse_export
from storage.importers.presets import GENERIC, JD, JD_SESSION, PLATFORM_PRESETS, PRESETS, TMALL, ColumnPreset, preset_from_mapping
from storage.importers.record import RECORD_COLUMNS
from storage.importers.report import CONSEQUENCES, ImportReport
from storage.importers.table import read_table
from storage.importers.values import RATINGS

__all__ = [
    "CONSEQUENCES",
    "DEFAULT_LIMITS",
    "FIELDS",
    "GENERIC",
    "JD",
    "JD_SESSION",
    "MESSAGES",
    "PLATFORM_PRESETS",
    "PRESETS",
    "RATINGS",
    "RECORD_COLUMNS",
    "REFUSAL_REASONS",
    "ROW_REASONS",
    "SESSIONS",
    "SHAPES",
    "TMALL",
    "TOTALS",
    "UNREADABLE_REASONS",
    "ColumnPreset",
    "ExportError",
    "ExportRefused",
    "ExportUnreadable",
    "FormatHelp",
    "ImportReport",
    "OpenedExport",
    "ParsedExport",
    "PresetFit",
    "ReadLimits",
    "RejectedRow",
    "choose_preset",
    "detect_encoding",
    "format_help",
    "inspect_export",
    "open_export",
    "parse_export",
    "preset_from_mapping",
    "read_table",
]
