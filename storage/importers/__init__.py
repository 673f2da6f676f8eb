"""Platform export importers, parsing half: bytes of a CSV/XLSX export -> conversation records.

    parsed = parse_export(data, "会话明细.csv", tz=ZoneInfo("Asia/Shanghai"))
    parsed.records   # one row per conversation, start in UTC
    parsed.rejected  # RejectedRow(row_number, reason, detail, column, value)

A file whose columns fit no preset raises ExportRefused; bytes that are no table raise
ExportUnreadable. Both are ExportError (a ValueError). Storing the records is not done here.
"""

from storage.importers.encoding import detect_encoding
from storage.importers.errors import (
    ROW_REASONS,
    ExportError,
    ExportRefused,
    ExportUnreadable,
    RejectedRow,
)
from storage.importers.parse import RECORD_COLUMNS, ParsedExport, choose_preset, parse_export
from storage.importers.presets import FIELDS, GENERIC, JD, PRESETS, TMALL, ColumnPreset, preset_from_mapping
from storage.importers.table import read_table
from storage.importers.values import RATINGS

__all__ = [
    "FIELDS",
    "GENERIC",
    "JD",
    "PRESETS",
    "RATINGS",
    "RECORD_COLUMNS",
    "ROW_REASONS",
    "TMALL",
    "ColumnPreset",
    "ExportError",
    "ExportRefused",
    "ExportUnreadable",
    "ParsedExport",
    "RejectedRow",
    "choose_preset",
    "detect_encoding",
    "parse_export",
    "preset_from_mapping",
    "read_table",
]
