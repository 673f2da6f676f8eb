"""What can go wrong with an export, as structured data the bot translates into zh/en.

A file-level problem refuses the whole file (ExportRefused, ExportUnreadable); a row-level
problem rejects one row (RejectedRow) and the rest of the file is imported. Reason codes are
stable identifiers: the bot keys its translations on them, so never rename one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Row-level reason codes.
MISSING_ID = "missing_id"
BAD_ID = "bad_id"
DUPLICATE_IN_FILE = "duplicate_in_file"
BAD_TIME = "bad_time"
BAD_NUMBER = "bad_number"
BAD_RATING = "bad_rating"
BAD_FLAG = "bad_flag"
ROW_REASONS = (MISSING_ID, BAD_ID, DUPLICATE_IN_FILE, BAD_TIME, BAD_NUMBER, BAD_RATING, BAD_FLAG)

# File-level reason codes of ExportRefused.
MISSING_COLUMNS = "missing_columns"
UNKNOWN_FORMAT = "unknown_format"
AMBIGUOUS_FORMAT = "ambiguous_format"


class ExportError(ValueError):
    """Base of the file-level refusals: nothing from the file is imported."""


class ExportRefused(ExportError):
    """The columns of the file do not fit the preset (or no preset, or more than one).

    ``expected`` are the headers the (closest) preset requires, ``found`` the headers of the
    file, ``missing`` the expected ones that are absent. ``reason`` is one of
    'missing_columns' (the preset was given), 'unknown_format' (auto-detection found no
    preset; the fields describe the closest one) and 'ambiguous_format' (several presets fit
    equally well; ``candidates`` names them)."""

    def __init__(
        self,
        expected: Iterable[str],
        found: Iterable[str],
        missing: Iterable[str],
        *,
        reason: str = MISSING_COLUMNS,
        preset: str | None = None,
        candidates: Iterable[str] = (),
        accepted_aliases: dict[str, list[str]] | None = None,
        expected_by_preset: dict[str, list[str]] | None = None,
    ) -> None:
        self.expected = list(expected)
        self.found = list(found)
        self.missing = list(missing)
        self.reason = reason
        self.preset = preset
        self.candidates = list(candidates)
        # header -> other headers that would have been accepted in its place
        self.accepted_aliases = dict(accepted_aliases or {})
        # for 'unknown_format': every preset tried -> the headers it requires
        self.expected_by_preset = dict(expected_by_preset or {})
        super().__init__(self._message())

    def _message(self) -> str:
        found = ", ".join(self.found) if self.found else "(no columns)"
        if self.reason == AMBIGUOUS_FORMAT:
            return (
                f"export refused: the columns fit several formats ({', '.join(self.candidates)}); "
                f"choose the platform explicitly. Found columns: {found}"
            )
        missing = ", ".join(self._with_aliases(h) for h in self.missing)
        if self.reason == UNKNOWN_FORMAT and self.expected_by_preset:
            options = " | ".join(f"{name}: {', '.join(headers)}" for name, headers in self.expected_by_preset.items())
            return (
                f"export refused: unknown format. Expected the columns of one of {options}. "
                f"Closest is {self.preset}, missing: {missing}. Found columns: {found}"
            )
        return (
            f"export refused: not a {self.preset} export. Expected columns: {', '.join(self.expected)}. "
            f"Missing: {missing}. Found columns: {found}"
        )

    def _with_aliases(self, header: str) -> str:
        others = self.accepted_aliases.get(header)
        return f"{header} (or {' / '.join(others)})" if others else header


class ExportUnreadable(ExportError):
    """The bytes are not a table we can read: 'bad_encoding', 'bad_format' (corrupt XLSX,
    ragged CSV) or 'unsupported_format' (legacy .xls, HTML)."""

    def __init__(self, reason: str, detail: str) -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"export unreadable ({reason}): {detail}")


@dataclass(frozen=True)
class RejectedRow:
    """One data row left out. ``row_number`` is the row as a spreadsheet user sees it: the
    header is row 1, the first data row is row 2. ``column`` and ``value`` say which cell
    was at fault (None when the row as a whole is)."""

    row_number: int
    reason: str
    detail: str
    column: str | None = None
    value: str | None = None


__all__ = [
    "AMBIGUOUS_FORMAT",
    "BAD_FLAG",
    "BAD_ID",
    "BAD_NUMBER",
    "BAD_RATING",
    "BAD_TIME",
    "DUPLICATE_IN_FILE",
    "MISSING_COLUMNS",
    "MISSING_ID",
    "ROW_REASONS",
    "UNKNOWN_FORMAT",
    "ExportError",
    "ExportRefused",
    "ExportUnreadable",
    "RejectedRow",
]
