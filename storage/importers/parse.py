"""An export file -> what it holds: conversation records or a report's totals, plus what was left out.

The file as a whole either fits a column preset or is refused (ExportRefused); inside a file
that fits, each row stands alone: a bad cell rejects its row, with the row number a
spreadsheet user sees, and the rest is imported. Nothing here touches a database.

Two ways in:

* ``open_export`` reads the top of the file (the header, the preset) and returns an
  OpenedExport whose ``chunks()`` reads the rest a chunk at a time: storage.imports stores
  each chunk as it comes, so a 200,000-row file never sits in memory whole;
* ``parse_export`` reads it all into one ParsedExport, for small files and for tests.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd

from storage.importers.errors import RejectedRow
from storage.importers.fields import MESSAGES, SESSIONS, TOTALS
from storage.importers.header import period_of
from storage.importers.inspect import format_help
from storage.importers.limits import DEFAULT_LIMITS, ReadLimits
from storage.importers.messages import read_messages
from storage.importers.preset import ColumnPreset, known_headers
from storage.importers.presets import PRESETS
from storage.importers.record import RECORD_COLUMNS, records_frame
from storage.importers.refusals import ambiguous_format, missing_columns, totals_without_day, unknown_format
from storage.importers.report import FROM_KEY, FROM_MESSAGES, FROM_PERIOD, FROM_REPLY_TIME, ChunkRead, ImportReport, build_report
from storage.importers.sessions import holds_instants, read_sessions
from storage.importers.table import Table, read_export_table
from storage.importers.totals import empty_totals, read_totals


@dataclass(frozen=True)
class OpenedExport:
    """An export whose header and preset are known. ``fields``: field -> header read;
    ``derived``: field -> how it is made without a column. Call ``chunks()`` once, or
    ``read_ahead()`` first to read every chunk now (before a transaction) and store later."""

    filename: str
    preset: ColumnPreset
    table: Table
    fields: Mapping[str, str]
    derived: Mapping[str, str]
    tz: ZoneInfo
    limits: ReadLimits
    period: tuple[date, date] | None = None
    read: tuple[ChunkRead, ...] | None = None  # every chunk, once read_ahead() has read them

    @property
    def shape(self) -> str:
        return self.preset.shape

    def read_ahead(self) -> OpenedExport:
        """The same export with the whole file read: its parsing done outside the transaction
        that stores it, so a writer's lock is held for the writes alone."""
        return self if self.read is not None else replace(self, read=tuple(self.chunks()))

    def chunks(self) -> Iterator[ChunkRead]:
        if self.read is not None:
            return iter(self.read)
        frames = self.table.frames
        if self.shape == TOTALS:
            day = self.period[0] if "day" not in self.fields and self.period else None
            return read_totals(frames, self.preset, dict(self.fields), day)
        if self.shape == MESSAGES:
            return read_messages(frames, self.preset, dict(self.fields), self.tz, self.limits.rows_per_chunk)
        return read_sessions(frames, self.preset, dict(self.fields), self.tz)

    def report(self, chunks: Sequence[ChunkRead], records: int, left_messages: int = 0) -> ImportReport:
        """The import report from the chunks read (with or without their data)."""
        return build_report(
            shape=self.shape,
            preset=self.preset.name,
            platform=self.preset.platform,
            file_format=self.table.file_format,
            encoding=self.table.encoding,
            header_rows=self.table.header.rows,
            headers=self.table.header.names,
            fields=self.fields,
            derived=self.derived,
            chunks=chunks,
            records=records,
            left_messages=left_messages,
            period=self.period,
        )


@dataclass(frozen=True)
class ParsedExport:
    """What a file held. ``rows_read`` counts the data rows (blank and summary rows left out);
    each is in ``records`` (or ``totals``), in ``rejected``, or grouped into a conversation of
    a message log. ``columns`` says which header each field was read from. ``encoding`` is
    the codec of a CSV ('utf-8', 'utf-8-sig', 'gb18030', 'utf-16'); a workbook is 'utf-8'."""

    preset: str
    platform: str
    encoding: str
    rows_read: int
    records: pd.DataFrame
    rejected: list[RejectedRow]
    columns: dict[str, str] = field(default_factory=dict)
    shape: str = SESSIONS
    totals: pd.DataFrame | None = None
    report: ImportReport | None = None


def open_export(
    data: bytes,
    filename: str,
    *,
    tz: ZoneInfo,
    preset: ColumnPreset | None = None,
    presets: Mapping[str, ColumnPreset] = PRESETS,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> OpenedExport:
    """Find the header and the preset of an export. Raises ExportRefused when the columns do
    not fit and ExportUnreadable when the bytes are not a readable table."""
    table = read_export_table(data, filename, known_headers([preset] if preset is not None else presets.values()), limits)
    headers = list(table.header.names)
    if preset is None:
        preset = choose_preset(headers, presets, header_rows=table.header.rows)
    elif preset.missing(headers):
        raise missing_columns(preset, headers, help=format_help(headers, {**presets, preset.name: preset}, table.header.rows))
    fields = preset.match(headers)
    derived: dict[str, str] = {}
    period = period_of(table.header.titles, filename) if preset.shape == TOTALS else None
    if preset.shape == SESSIONS:
        table, fields = _replies_in_response_column(table, fields, tz)
        if preset.composite_key:
            derived["external_id"] = FROM_KEY
        if "first_response_s" not in fields and "first_reply_at" in fields:
            derived["first_response_s"] = FROM_REPLY_TIME
    elif preset.shape == MESSAGES:
        derived = dict.fromkeys(
            ("external_id", "customer", "start", "first_response_s", "avg_response_s", "customer_messages", "agent_messages"),
            FROM_MESSAGES,
        )
    elif "day" not in fields:
        if period is None or period[0] != period[1]:
            raise totals_without_day(preset, headers, period)
        derived["day"] = FROM_PERIOD
    return OpenedExport(filename, preset, table, fields, derived, tz, limits, period)


def parse_export(
    data: bytes,
    filename: str,
    *,
    tz: ZoneInfo,
    preset: ColumnPreset | None = None,
    presets: Mapping[str, ColumnPreset] = PRESETS,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> ParsedExport:
    """Read a whole export with ``preset``, or with the one of ``presets`` its headers fit."""
    opened = open_export(data, filename, tz=tz, preset=preset, presets=presets, limits=limits)
    chunks = list(opened.chunks())
    parts = [c.records for c in chunks if c.records is not None and len(c.records)]
    records = pd.concat(parts, ignore_index=True) if parts else records_frame([])
    totals_parts = [c.totals for c in chunks if c.totals is not None and len(c.totals)]
    totals = pd.concat(totals_parts, ignore_index=True) if totals_parts else (empty_totals() if opened.shape == TOTALS else None)
    count = len(totals) if totals is not None else len(records)
    report = opened.report(chunks, count, int(records["left_message"].sum()))
    return ParsedExport(
        preset=opened.preset.name,
        platform=opened.preset.platform,
        encoding=opened.table.encoding,
        rows_read=report.rows_read,
        records=records[list(RECORD_COLUMNS)],
        rejected=[r for c in chunks for r in c.rejected],
        columns=dict(opened.fields),
        shape=opened.shape,
        totals=totals,
        report=report,
    )


def choose_preset(headers: Sequence[str], presets: Mapping[str, ColumnPreset], *, header_rows: tuple[int, ...] = ()) -> ColumnPreset:
    """The preset whose required columns are all among ``headers``. When several fit, the
    one that recognises the most columns; a tie is refused as ambiguous, as is no fit. Both
    refusals carry a FormatHelp: what each preset matched and missed, and a guessed mapping."""
    if not presets:
        raise ValueError("no presets to choose from")
    fitting = [p for p in presets.values() if not p.missing(headers)]
    if fitting:
        coverage = {p.name: len(p.match(headers)) for p in fitting}
        best = max(coverage.values())
        leaders = [p for p in fitting if coverage[p.name] == best]
        if len(leaders) == 1:
            return leaders[0]
        raise ambiguous_format(leaders, headers, format_help(headers, presets, header_rows))
    ranked = list(presets.values())
    closest = min(ranked, key=lambda p: (len(p.missing(headers)), -len(p.match(headers)), ranked.index(p)))
    raise unknown_format(closest, headers, presets, format_help(headers, presets, header_rows))


def _replies_in_response_column(table: Table, fields: dict[str, str], tz: ZoneInfo) -> tuple[Table, dict[str, str]]:
    """A 首次响应时间 column of clock times is the first reply's time, not a duration: look at
    the first chunk (and put it back) to tell."""
    response = fields.get("first_response_s")
    if response is None or "first_reply_at" in fields:
        return table, fields
    first = next(table.frames, None)
    table = replace(table, frames=_chained(first, table.frames))
    if first is not None and holds_instants(first[response], tz):
        fields = {("first_reply_at" if f == "first_response_s" else f): h for f, h in fields.items()}
    return table, fields


def _chained(first: pd.DataFrame | None, rest: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    if first is not None:
        yield first
    yield from rest


__all__ = ["OpenedExport", "ParsedExport", "choose_preset", "open_export", "parse_export"]
