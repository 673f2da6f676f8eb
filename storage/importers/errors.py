"""What can go wrong with an export, as structured data the bot translates into zh/en.

A file-level problem refuses the whole file (ExportRefused, ExportUnreadable); a row-level
problem rejects one row (RejectedRow) and the rest of the file is imported. Reason codes are
stable identifiers: the bot keys its translations on them, so never rename one. The English
``detail`` and ``str()`` of an error are for logs and developers; what a reader sees is built
from the code and the structured fields (``params``, ``labels``, ``help``).
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
MISSING_KEY = "missing_key"  # a part of a composite key (the customer of a session or a message) is empty
BAD_SESSION_TYPE = "bad_session_type"  # neither an online session nor a left message (留言)
BAD_SENDER = "bad_sender"  # a message whose sender is neither the buyer nor the shop
BAD_DAY = "bad_day"  # a per-agent report row without a readable day (or hour)
ROW_REASONS = (
    MISSING_ID, BAD_ID, DUPLICATE_IN_FILE, BAD_TIME, BAD_NUMBER, BAD_RATING, BAD_FLAG,
    MISSING_KEY, BAD_SESSION_TYPE, BAD_SENDER, BAD_DAY,
)  # fmt: skip

# File-level reason codes of ExportRefused.
MISSING_COLUMNS = "missing_columns"
UNKNOWN_FORMAT = "unknown_format"
AMBIGUOUS_FORMAT = "ambiguous_format"
UNKNOWN_RATINGS = "unknown_ratings"  # rating labels no preset knows: dropping their rows would bias satisfaction
TOTALS_WITHOUT_DAY = "totals_without_day"  # a per-agent report over several days with no day column
REFUSAL_REASONS = (MISSING_COLUMNS, UNKNOWN_FORMAT, AMBIGUOUS_FORMAT, UNKNOWN_RATINGS, TOTALS_WITHOUT_DAY)

# Reason codes of ExportUnreadable.
BAD_ENCODING = "bad_encoding"
BAD_FORMAT = "bad_format"  # a corrupt workbook, a ragged CSV
UNSUPPORTED_FORMAT = "unsupported_format"  # a web page or another file saved under a spreadsheet's name
PASSWORD_PROTECTED = "password_protected"
TOO_LARGE = "too_large"  # params: size, limit (bytes)
TOO_MANY_ROWS = "too_many_rows"  # params: limit
EXPANDS_TOO_MUCH = "expands_too_much"  # a zip bomb; params: inflated, limit (bytes) past the total, or size, limit (a ratio)
TOO_MANY_CELLS = "too_many_cells"  # params: cells, limit: a sheet whose grid (A1 to its last cell) is too large
UNREADABLE_REASONS = (
    BAD_ENCODING, BAD_FORMAT, UNSUPPORTED_FORMAT, PASSWORD_PROTECTED, TOO_LARGE, TOO_MANY_ROWS, EXPANDS_TOO_MUCH,
    TOO_MANY_CELLS,
)  # fmt: skip


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
        labels: Iterable[str] = (),
        column: str | None = None,
        params: dict[str, object] | None = None,
        help: object | None = None,
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
        # for 'unknown_ratings': the labels nobody knows, as written, and the column they stand in
        self.labels = list(labels)
        self.column = column
        # other structured facts, e.g. 'totals_without_day': {"first_day": ..., "last_day": ...}
        self.params = dict(params or {})
        # a storage.importers.inspect.FormatHelp for 'unknown_format' and 'ambiguous_format':
        # the header row found, what each preset matched and missed, a guessed mapping
        self.help = help
        super().__init__(self._message())

    def _message(self) -> str:
        found = ", ".join(self.found) if self.found else "(no columns)"
        if self.reason == UNKNOWN_RATINGS:
            return f"export refused: unknown rating labels in {self.column}: {', '.join(self.labels)}"
        if self.reason == TOTALS_WITHOUT_DAY:
            return f"export refused: a report over several days without a day column ({self.params})"
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
    """The bytes are not a table we can read; ``reason`` is one of UNREADABLE_REASONS and
    ``params`` holds its numbers (a size and its limit, a row number)."""

    def __init__(self, reason: str, detail: str, **params: object) -> None:
        self.reason = reason
        self.detail = detail
        self.params = params
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
    "BAD_DAY",
    "BAD_ENCODING",
    "BAD_FLAG",
    "BAD_FORMAT",
    "BAD_ID",
    "BAD_NUMBER",
    "BAD_RATING",
    "BAD_SENDER",
    "BAD_SESSION_TYPE",
    "BAD_TIME",
    "DUPLICATE_IN_FILE",
    "EXPANDS_TOO_MUCH",
    "MISSING_COLUMNS",
    "MISSING_ID",
    "MISSING_KEY",
    "PASSWORD_PROTECTED",
    "REFUSAL_REASONS",
    "ROW_REASONS",
    "TOO_LARGE",
    "TOO_MANY_ROWS",
    "TOTALS_WITHOUT_DAY",
    "UNKNOWN_FORMAT",
    "UNKNOWN_RATINGS",
    "UNREADABLE_REASONS",
    "UNSUPPORTED_FORMAT",
    "ExportError",
    "ExportRefused",
    "ExportUnreadable",
    "RejectedRow",
]
