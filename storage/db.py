"""Engines and transactions. SQLite on a file by default; PostgreSQL with the same code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.dml import Insert
from sqlmodel import Session, create_engine

from storage.types import table_of

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_OPTION = "baton_writes"


def normalise_url(url: str) -> str:
    """Let people write postgresql:// and still get the psycopg 3 driver we install."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(normalise_url(url)).get_backend_name() == "sqlite"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalise_url(url)
    if is_sqlite(url):
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})
        _tune_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Take transaction control away from pysqlite so BEGIN/SAVEPOINT behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A writer takes the write lock up front: a deferred BEGIN that reads, then writes, fails with
        # SQLITE_BUSY_SNAPSHOT when another writer committed in between, and busy_timeout cannot help.
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any exception."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        session.connection(execution_options={WRITE_OPTION: True})
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


def insert_ignoring_conflict(session: Session, model, values: dict, index_elements: list[str]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on either database; False when the row was there already."""
    dialect = session.get_bind().dialect.name
    shape = (model, dialect, tuple(index_elements))
    statement = _IGNORING.get(shape)
    if statement is None:
        # Built once: every command runs this (its update id), and building costs more than running.
        table = table_of(model)
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        statement = insert(table).on_conflict_do_nothing(index_elements=index_elements).returning(table.c[index_elements[0]])
        _IGNORING[shape] = statement
    return session.connection().execute(statement, values).first() is not None


_IGNORING: dict[tuple, Insert] = {}


# SQLite names the columns of the unique index a write broke, PostgreSQL the index itself.
_SQLITE_UNIQUE_COLUMNS: dict[str, str] = {}


def name_unique_index(name: str, sqlite_columns: str) -> str:
    """Register how SQLite reports a unique index, so `broken_constraint` names it on both databases."""
    _SQLITE_UNIQUE_COLUMNS[sqlite_columns] = name
    return name


def broken_constraint(exc: IntegrityError) -> str | None:
    """The unique index or constraint an IntegrityError names, on PostgreSQL and SQLite alike."""
    diag = getattr(exc.orig, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    message = str(exc.orig)
    prefix = "UNIQUE constraint failed: "
    return _SQLITE_UNIQUE_COLUMNS.get(message[len(prefix) :].strip()) if message.startswith(prefix) else None
