"""How much an export may hold, checked before anything is parsed.

A file arrives from a chat (Telegram caps downloads at 20 MB) or from the command line (no
cap at all), and a workbook is a zip archive that can inflate a thousandfold: a few hundred
kilobytes of "zip bomb", or one cell placed at XFD1048576, would exhaust the memory of the one
process the whole team's bot runs in. So the bytes, what a workbook's members really inflate
to, the extent of each sheet's grid and the rows and cells a file holds all have a ceiling,
and crossing one refuses the file with a reason code and the limit crossed.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from storage.importers.archive import ArchiveLimits, check_members
from storage.importers.errors import (
    BAD_FORMAT,
    EXPANDS_TOO_MUCH,
    TOO_LARGE,
    TOO_MANY_CELLS,
    TOO_MANY_ROWS,
    ExportUnreadable,
)

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """``max_bytes``: the file as received; ``max_rows``: rows of the sheet or lines of the CSV;
    ``max_cells``: rows times columns of the grid a reader builds (a workbook's from A1 to its
    last cell); ``max_inflated_bytes``: a workbook's members once unzipped, together;
    ``max_inflation``: how many times larger than its compressed size one member may become
    (real sheets stay under ~20x, zip bombs reach 1000x); ``rows_per_chunk``: how many rows are
    read and stored at once, fewer when rows are wide (``cells_per_chunk``)."""

    max_bytes: int = 256 * MB
    max_rows: int = 1_000_000
    max_cells: int = 4_000_000
    max_inflated_bytes: int = 200 * MB
    max_inflation: int = 200
    rows_per_chunk: int = 20_000
    cells_per_chunk: int = 400_000

    def chunk_rows(self, width: int) -> int:
        return max(1, min(self.rows_per_chunk, self.cells_per_chunk // max(width, 1)))


DEFAULT_LIMITS = ReadLimits()
# Members smaller than this may compress very well (an empty styles.xml) without being a threat.
_SMALL_MEMBER = 1 * MB


def check_size(data: bytes, limits: ReadLimits) -> None:
    if len(data) > limits.max_bytes:
        raise ExportUnreadable(
            TOO_LARGE, f"the file has {len(data)} bytes, more than {limits.max_bytes}", size=len(data), limit=limits.max_bytes
        )


def check_rows(rows: int, limits: ReadLimits, width: int = 1) -> None:
    if rows > limits.max_rows:
        raise ExportUnreadable(TOO_MANY_ROWS, f"more than {limits.max_rows} rows", limit=limits.max_rows)
    if rows * width > limits.max_cells:
        raise ExportUnreadable(TOO_MANY_CELLS, f"{rows} rows of {width} cells", cells=rows * width, limit=limits.max_cells)


def check_archive(data: bytes, limits: ReadLimits) -> None:
    """Refuse a zip whose members would inflate past the limits, from the sizes its directory
    declares, then from what they really inflate to and the extent of each sheet's grid."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    # A damaged directory can claim a zip version the module does not read (NotImplementedError).
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise ExportUnreadable(BAD_FORMAT, f"not a readable zip archive: {error}") from error
    inflated = sum(m.file_size for m in members)
    if inflated > limits.max_inflated_bytes:
        raise ExportUnreadable(
            EXPANDS_TOO_MUCH, f"the members inflate to {inflated} bytes", inflated=inflated, limit=limits.max_inflated_bytes
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _SMALL_MEMBER and ratio > limits.max_inflation:
            raise ExportUnreadable(
                EXPANDS_TOO_MUCH,
                f"{member.filename} inflates {ratio:.0f} times",
                size=member.file_size,
                limit=limits.max_inflation,
            )
    check_members(data, members, ArchiveLimits(limits.max_inflated_bytes, limits.max_rows, limits.max_cells))


__all__ = ["DEFAULT_LIMITS", "ReadLimits", "check_archive", "check_rows", "check_size"]
