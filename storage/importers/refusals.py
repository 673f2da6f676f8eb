"""The file-level refusals, built with the structured facts the bot words them from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from storage.importers.errors import (
    AMBIGUOUS_FORMAT,
    MISSING_COLUMNS,
    TOTALS_WITHOUT_DAY,
    UNKNOWN_FORMAT,
    UNKNOWN_RATINGS,
    ExportRefused,
)
from storage.importers.preset import ColumnPreset


def required_headers(preset: ColumnPreset) -> list[str]:
    return [preset.header_for(f) for f in preset.fields if f in preset.required_fields]


def missing_columns(
    preset: ColumnPreset,
    headers: Sequence[str],
    reason: str = MISSING_COLUMNS,
    candidates: Sequence[str] = (),
    expected_by_preset: dict[str, list[str]] | None = None,
    help: object | None = None,
) -> ExportRefused:
    missing_fields = preset.missing(headers)
    return ExportRefused(
        required_headers(preset),
        headers,
        [preset.header_for(f) for f in missing_fields],
        reason=reason,
        preset=preset.name,
        candidates=candidates,
        accepted_aliases={preset.header_for(f): list(preset.columns[f][1:]) for f in missing_fields},
        expected_by_preset=expected_by_preset,
        help=help,
    )


def unknown_format(closest: ColumnPreset, headers: Sequence[str], presets: Mapping[str, ColumnPreset], help: object) -> ExportRefused:
    return missing_columns(
        closest,
        headers,
        UNKNOWN_FORMAT,
        candidates=list(presets),
        expected_by_preset={p.name: required_headers(p) for p in presets.values()},
        help=help,
    )


def ambiguous_format(leaders: Sequence[ColumnPreset], headers: Sequence[str], help: object) -> ExportRefused:
    expected = list(dict.fromkeys(h for p in leaders for h in required_headers(p)))
    return ExportRefused(expected, headers, [], reason=AMBIGUOUS_FORMAT, candidates=[p.name for p in leaders], help=help)


def unknown_ratings(header: str, labels: Iterable[str]) -> ExportRefused:
    return ExportRefused([], [header], [], reason=UNKNOWN_RATINGS, labels=labels, column=header)


def totals_without_day(preset: ColumnPreset, headers: Sequence[str], period: tuple[date, date] | None) -> ExportRefused:
    params: dict[str, object] = {"first_day": period[0].isoformat(), "last_day": period[1].isoformat()} if period else {}
    return ExportRefused(
        [preset.header_for("day")], headers, [preset.header_for("day")], reason=TOTALS_WITHOUT_DAY, preset=preset.name, params=params
    )


__all__ = ["ambiguous_format", "missing_columns", "required_headers", "totals_without_day", "unknown_format", "unknown_ratings"]
