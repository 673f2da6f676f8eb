"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Table, inspect, type_coerce
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import DateTime, NullType, TypeDecorator
from sqlmodel import SQLModel

from domain.time import TS_DTYPE


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, naive UTC in the column.

    SQLite has no time zones and PostgreSQL's `timestamptz` would convert on display, so
    the column holds naive UTC on both and the conversion lives in exactly one place.
    """

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored: localise it first")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def table_of(model: type[SQLModel]) -> Table:
    """A model's Core table, for bulk statements (SQLModel declares no typed ``__table__``)."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def raw(column) -> ColumnElement:
    """A column read as the driver returns it, skipping per-row type processing."""
    return type_coerce(column, NullType())


def utc_series(values: pd.Series) -> pd.Series:
    """Raw UTCDateTime values (SQLite's ISO text or PostgreSQL's naive datetimes) as TS_DTYPE."""
    present = values.dropna()
    if present.empty:
        return pd.Series(pd.NaT, dtype=TS_DTYPE, index=values.index)
    parsed = pd.to_datetime(values, format="ISO8601") if isinstance(present.iloc[0], str) else pd.to_datetime(values)
    return parsed.dt.tz_localize("UTC").astype(TS_DTYPE)


def fetch_raw(session, statement) -> list[tuple]:
    """Rows as the driver's own tuples. Only for bulk reads whose columns are all converted
    afterwards (see `raw`): building a Row object per record would cost more than the query."""
    result = session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()
