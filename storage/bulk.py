"""Inserting many rows at once: the write-side counterpart of types.fetch_raw.

SQLAlchemy's Core insert binds every value through its type (UTCDateTime, SQLite's DateTime
rendering, Boolean): at 200,000 rows x 17 columns that per-value Python work costs ~3 s, more
than SQLite's own work. On SQLite the values are therefore rendered once, column by column,
exactly as those types would render them, and handed to the driver's executemany; other
databases go through Core's multi-row INSERT, which already batches. Even the driver's binding
costs: a column with one value in every row (the account, the import's time and source, a field
the file lacks) is written into the statement as SQLite's own literal of it, and at 376,521 rows
binding 8 values a row instead of 17 halves the time the import holds the write lock.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from types import NoneType

import pandas as pd
from sqlalchemy import Table, bindparam, insert, update
from sqlmodel import Session

from storage.types import UTCDateTime

# SQLAlchemy's SQLite DateTime storage format, which UTCDateTime's naive UTC values go through.
_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S.%f"
_SLICE = 10_000
# SQLite refuses more than 32,766 bound parameters (builds before 3.32: 999).
_IN_SLICE = 5_000
_ARRAY_SLICE = 50_000


def insert_rows(session: Session, table: Table, columns: Mapping[str, Sequence], *, rendered: Collection[str] = ()) -> int:
    """Insert rows given as equally long columns of Python values (UTCDateTime columns as
    aware datetimes or a TS_DTYPE Series). Returns the number of rows. ``rendered``: columns
    given already as `driver_values` made them for this database (before the transaction)."""
    names = list(columns)
    count = len(next(iter(columns.values()))) if columns else 0
    if count == 0:
        return 0
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        plain = {n: list(v) if n in rendered else driver_values(table, n, v, sqlite=False) for n, v in columns.items()}
        for start in range(0, count, _SLICE):
            connection.execute(
                insert(table),
                [dict(zip(names, row, strict=True)) for row in zip(*(plain[n][start : start + _SLICE] for n in names), strict=True)],
            )
        return count
    values = {name: list(v) if name in rendered else driver_values(table, name, v, sqlite=True) for name, v in columns.items()}
    quote = connection.dialect.identifier_preparer.quote
    literals = {name: _literal(session, v) for name, v in values.items()}
    bound = [name for name in names if literals[name] is None]
    placeholders = ", ".join(literals[name] or "?" for name in names)
    sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES ({placeholders})"
    rows = list(zip(*(values[name] for name in bound), strict=True)) if bound else [()] * count
    for start in range(0, count, _SLICE):
        connection.exec_driver_sql(sql, rows[start : start + _SLICE])
    return count


def update_rows(session: Session, table: Table, ids: Sequence[int], columns: Mapping[str, Sequence]) -> int:
    """Set ``columns`` (equally long, the driver's form as `driver_values` makes it for this
    database) of the rows with these ids, row for row: one executemany a slice, not a statement
    a row. Returns the number of rows."""
    if not ids:
        return 0
    names = list(columns)
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        statement = update(table).where(table.c.id == bindparam("row_id")).values({n: bindparam(f"new_{n}") for n in names})
        for start in range(0, len(ids), _SLICE):
            connection.execute(
                statement,
                [
                    {"row_id": row_id, **{f"new_{n}": columns[n][start + i] for n in names}}
                    for i, row_id in enumerate(ids[start : start + _SLICE])
                ],
            )
        return len(ids)
    quote = connection.dialect.identifier_preparer.quote
    sql = f"UPDATE {quote(table.name)} SET {', '.join(f'{quote(n)} = ?' for n in names)} WHERE {quote('id')} = ?"
    rows = list(zip(*(columns[n] for n in names), ids, strict=True))
    for start in range(0, len(rows), _SLICE):
        connection.exec_driver_sql(sql, rows[start : start + _SLICE])
    return len(ids)


def _literal(session: Session, values: list) -> str | None:
    """SQLite's literal of the one value every row has (its own quote(), so any text is safe), or None.
    A REAL is bound all the same: its literal need not read back as the very same double."""
    first = values[0]
    if not isinstance(first, str | int | NoneType) or values.count(first) != len(values) or len(set(map(type, values))) != 1:
        return None
    return session.connection().exec_driver_sql("SELECT quote(?)", (first,)).scalar_one()


def select_in(
    session: Session, table: Table, columns: Sequence[str], where: Mapping[str, object], key: str, values: Sequence
) -> list[tuple]:
    """``columns`` of the rows matching ``where`` (equalities) whose ``key`` is among ``values``,
    as the driver's tuples. The SQL is written once per slice with the driver's placeholders:
    SQLAlchemy would build a bound parameter per value (an "expanding" IN), which at 200,000
    ids costs more than the queries themselves."""
    connection = session.connection()
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}[connection.dialect.paramstyle]
    quote = connection.dialect.identifier_preparer.quote
    conditions = " AND ".join(f"{quote(name)} = {mark}" for name in where)
    head = f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table.name)} WHERE {conditions} AND {quote(key)} "
    found: list[tuple] = []
    if connection.dialect.name == "postgresql":
        # One array, not thousands of parameters: psycopg prepares a statement run five times, and
        # PostgreSQL's generic plan of a long IN list of parameters compares every row with each of them
        # (minutes at 376,521 rows); = ANY of an array keeps to the index.
        for start in range(0, len(values), _ARRAY_SLICE):
            found.extend(
                connection.exec_driver_sql(
                    head + f"= ANY({mark})", (*where.values(), list(values[start : start + _ARRAY_SLICE]))
                ).fetchall()
            )
        return found
    for start in range(0, len(values), _IN_SLICE):
        part = list(values[start : start + _IN_SLICE])
        sql = head + "IN (" + ", ".join([mark] * len(part)) + ")"
        found.extend(connection.exec_driver_sql(sql, (*where.values(), *part)).fetchall())
    return found


def driver_values(table: Table, name: str, values: Sequence, *, sqlite: bool) -> list:
    """A column's values as insert_rows hands them to the driver: on SQLite an instant as the text
    SQLAlchemy would store, elsewhere as a datetime. Done before a transaction, it is not done in it."""
    if not sqlite:
        return list(values.dt.to_pydatetime()) if isinstance(values, pd.Series) and hasattr(values, "dt") else list(values)
    if not isinstance(table.c[name].type, UTCDateTime):
        return list(values)
    instants = pd.Series(values) if not isinstance(values, pd.Series) else values
    instants = pd.to_datetime(instants, utc=True)
    return instants.dt.tz_convert(None).dt.strftime(_SQLITE_DATETIME).where(instants.notna(), None).tolist()


__all__ = ["driver_values", "insert_rows", "select_in", "update_rows"]
