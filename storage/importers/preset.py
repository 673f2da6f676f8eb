"""ColumnPreset: how to read one export format, and building one from a config mapping.

A preset names the shape of the file (sessions, messages or totals), the headers accepted for
each field (compared ignoring case, spaces and full-/half-width differences), which fields must
be present, and the value labels it reads. Session lists without a usable id (JD's ChatSession
documents ``sid`` as 保留，暂不支持) declare a composite ``key``, such as customer + start, from
which a deterministic id is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType

from storage.importers.fields import DEFAULT_KEY, MESSAGES, SESSIONS, SHAPE_FIELDS, SHAPES
from storage.importers.labels import (
    BOOLEAN_LABELS,
    RATING_LABELS,
    SENDER_LABELS,
    SESSION_TYPE_LABELS,
)
from storage.importers.values import CUSTOMER, RATINGS, SHOP, SYSTEM, normalise_label

DEFAULT_IDLE_GAP = timedelta(minutes=30)
# Fields a composite key may be built from: what identifies a session, never one of its metrics.
KEY_FIELDS = frozenset({"external_id", "customer", "start"})


@dataclass(frozen=True, eq=False)
class ColumnPreset:
    """How to read one export format. ``columns`` maps a field to the headers accepted for it,
    preferred first; ``required`` fields must be present or the file is refused (by default the
    key and the start of a session list, the time, customer and sender of a message log, the
    day, agent and 接待人数 that a report maps). Label maps are keyed by normalise_label(label).
    ``idle_gap`` splits a customer's messages into conversations."""

    name: str
    platform: str
    columns: Mapping[str, tuple[str, ...]]
    required: frozenset[str] | None = None
    rating_labels: Mapping[str, str | None] = field(default_factory=lambda: RATING_LABELS)
    boolean_labels: Mapping[str, bool] = field(default_factory=lambda: BOOLEAN_LABELS)
    rating_stars: bool = False
    title: str = ""
    shape: str = SESSIONS
    key: tuple[str, ...] = DEFAULT_KEY
    session_type_labels: Mapping[str, bool] = field(default_factory=lambda: SESSION_TYPE_LABELS)
    sender_labels: Mapping[str, str] = field(default_factory=lambda: SENDER_LABELS)
    idle_gap: timedelta = DEFAULT_IDLE_GAP

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"preset {self.name!r}: shape {self.shape!r} is not one of {', '.join(SHAPES)}")
        known = SHAPE_FIELDS[self.shape]
        unknown = set(self.columns) - set(known)
        if unknown:
            raise ValueError(f"preset {self.name!r}: unknown fields {sorted(unknown)}; known: {', '.join(known)}")
        key = tuple(self.key)
        if self.shape == SESSIONS and (not key or not set(key) <= KEY_FIELDS):
            raise ValueError(f"preset {self.name!r}: a key is built from {', '.join(sorted(KEY_FIELDS))}, not {key}")
        if self.shape == MESSAGES and not {"sender", "from_shop"} & set(self.columns):
            raise ValueError(f"preset {self.name!r}: a message log needs a sender or from_shop column")
        if self.idle_gap <= timedelta(0):
            raise ValueError(f"preset {self.name!r}: the idle gap must be positive")
        required = frozenset(self._default_required(key) if self.required is None else self.required)
        unmapped = required - set(self.columns)
        if unmapped:
            raise ValueError(f"preset {self.name!r}: required fields {sorted(unmapped)} have no header")
        object.__setattr__(self, "columns", MappingProxyType({f: tuple(h) for f, h in self.columns.items()}))
        object.__setattr__(self, "required", required)
        object.__setattr__(self, "key", key)

    def _default_required(self, key: tuple[str, ...]) -> set[str]:
        if self.shape == SESSIONS:
            return {*key, "start"}
        if self.shape == MESSAGES:
            return {"time", "customer", "sender" if "sender" in self.columns else "from_shop"}
        return {f for f in ("day", "agent", "received") if f in self.columns}

    @property
    def required_fields(self) -> frozenset[str]:
        """The fields a file must have: ``required`` as given, or the shape's default."""
        assert self.required is not None, "set in __post_init__"
        return self.required

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field of this preset's shape, in the order problems are reported."""
        return SHAPE_FIELDS[self.shape]

    @property
    def composite_key(self) -> bool:
        return self.key != DEFAULT_KEY

    def header_for(self, field_name: str) -> str:
        """The header named in messages for a field."""
        return self.columns[field_name][0]

    def match(self, headers: Iterable[str]) -> dict[str, str]:
        """field -> the file's header that holds it, for every field found. When a file has
        two accepted headers for one field, the alias listed first wins."""
        by_normal: dict[str, str] = {}
        for header in headers:
            by_normal.setdefault(normalise_label(header), header)
        found: dict[str, str] = {}
        for field_name, aliases in self.columns.items():
            for alias in aliases:
                found_header = by_normal.get(normalise_label(alias))
                if found_header is not None:
                    found[field_name] = found_header
                    break
        return found

    def missing(self, headers: Iterable[str]) -> list[str]:
        """The required fields whose column is absent, in field order."""
        found = self.match(headers)
        return [f for f in self.fields if f in self.required_fields and f not in found]


def known_headers(presets: Iterable[ColumnPreset]) -> set[str]:
    """Every header some preset accepts, normalised: what the header search looks for."""
    return {normalise_label(alias) for preset in presets for aliases in preset.columns.values() for alias in aliases}


def preset_from_mapping(
    name: str,
    platform: str,
    mapping: Mapping[str, str | Iterable[str]],
    *,
    rating_labels: Mapping[str, str | None] | None = None,
    boolean_labels: Mapping[str, bool | str] | None = None,
    required: Iterable[str] | None = None,
    rating_stars: bool = True,
    shape: str = SESSIONS,
    key: Iterable[str] | None = None,
    idle_gap_minutes: float | None = None,
    sender_labels: Mapping[str, str] | None = None,
) -> ColumnPreset:
    """A preset from config: ``mapping`` is field -> header (or a list of accepted headers).

    ``rating_labels`` (label -> rating name or None), ``boolean_labels`` (label -> bool) and
    ``sender_labels`` (label -> customer/shop/system) extend the built-in labels. ``key`` makes
    a session list's id from other fields (["customer", "start"]) when it has none. ``required``
    defaults to every mapped field. Raises ValueError on a config mistake."""
    columns = {f: (headers,) if isinstance(headers, str) else tuple(headers) for f, headers in mapping.items()}
    key = tuple(key) if key is not None else DEFAULT_KEY
    if shape == SESSIONS:
        unmapped = [f for f in (*key, "start") if f not in columns]
        if unmapped:
            raise ValueError(f"preset {name!r}: the mapping needs a header for {', '.join(dict.fromkeys(unmapped))}")
    extra_ratings = {}
    for label, rating in (rating_labels or {}).items():
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"preset {name!r}: rating label {label!r} maps to {rating!r}; use one of {RATINGS}")
        extra_ratings[normalise_label(label)] = rating
    extra_flags = {normalise_label(label): _config_bool(name, label, value) for label, value in (boolean_labels or {}).items()}
    extra_senders = {}
    for label, sender in (sender_labels or {}).items():
        if sender not in (CUSTOMER, SHOP, SYSTEM):
            raise ValueError(f"preset {name!r}: sender label {label!r} maps to {sender!r}; use customer, shop or system")
        extra_senders[normalise_label(label)] = sender
    preset = ColumnPreset(
        name=name,
        platform=platform,
        columns=columns,
        required=frozenset(columns if required is None else required),
        rating_labels=MappingProxyType({**RATING_LABELS, **extra_ratings}),
        boolean_labels=MappingProxyType({**BOOLEAN_LABELS, **extra_flags}),
        rating_stars=rating_stars,
        title=name,
        shape=shape,
        key=key,
        sender_labels=MappingProxyType({**SENDER_LABELS, **extra_senders}),
        idle_gap=DEFAULT_IDLE_GAP if idle_gap_minutes is None else timedelta(minutes=idle_gap_minutes),
    )
    missing_key = set(preset.key) - preset.required_fields if shape == SESSIONS else set()
    if missing_key:
        raise ValueError(f"preset {name!r}: the key fields {sorted(missing_key)} must be required")
    return preset


def _config_bool(preset: str, label: str, value: bool | str) -> bool:
    if isinstance(value, bool):
        return value
    normal = normalise_label(str(value))
    if normal in BOOLEAN_LABELS:
        return BOOLEAN_LABELS[normal]
    raise ValueError(f"preset {preset!r}: yes/no label {label!r} maps to {value!r}, which is neither yes nor no")


__all__ = ["DEFAULT_IDLE_GAP", "KEY_FIELDS", "ColumnPreset", "known_headers", "preset_from_mapping"]
