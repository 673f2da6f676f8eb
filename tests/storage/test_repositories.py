from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from domain.holds import take_over
from domain.ledger import CASE, Entry
from storage import repositories as repo
from storage.db import make_engine, reading, transaction
from storage.migrate import current_revision, migrate
from tests.factories import local

NINE = local("2026-11-02", "09:00")


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with transaction(engine) as session:
        repo.sync_accounts(session, [repo.AccountSpec("jd", "jd", "京东"), repo.AccountSpec("vip", "vip", "唯品会")])
    yield engine
    engine.dispose()


def test_the_migration_creates_exactly_the_schema_the_models_describe(engine):
    assert current_revision(engine) is not None
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_migrating_twice_is_harmless(engine):
    head = current_revision(engine)
    migrate(engine)
    assert current_revision(engine) == head


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_times_come_back_as_the_same_aware_utc_instant(engine):
    with transaction(engine) as session:
        agent = repo.register_agent(session, 42, "Alice", "alice", NINE)
        repo.save_take_over(session, take_over(None, "jd", agent.id, NINE))
    with reading(engine) as session:
        (hold,) = repo.open_holds(session)
    assert hold.start == NINE and hold.start.utcoffset() == timedelta(0)


def test_registering_twice_keeps_one_agent_and_follows_a_new_name(engine):
    with transaction(engine) as session:
        first = repo.register_agent(session, 42, "Alice", "alice", NINE)
    with transaction(engine) as session:
        again = repo.register_agent(session, 42, "Alice W.", "alice", NINE)
    assert again.id == first.id
    with reading(engine) as session:
        assert [a.name for a in repo.agents_by_id(session).values()] == ["Alice W."]
        assert repo.find_agent(session, "@ALICE").id == first.id


def test_the_database_refuses_a_second_open_hold_on_one_account(engine):
    with transaction(engine) as session:
        a = repo.register_agent(session, 1, "A", None, NINE)
        b = repo.register_agent(session, 2, "B", None, NINE)
        repo.save_take_over(session, take_over(None, "jd", a.id, NINE))
    with pytest.raises(IntegrityError):
        with transaction(engine) as session:
            # Bypassing the domain on purpose: the index is the last line of defence.
            repo.save_take_over(session, take_over(None, "jd", b.id, NINE))
    with reading(engine) as session:
        assert [(h.account, h.agent_id) for h in repo.open_holds(session)] == [("jd", a.id)]


def test_a_failed_command_leaves_nothing_behind(engine):
    with pytest.raises(RuntimeError):
        with transaction(engine) as session:
            agent = repo.register_agent(session, 7, "G", None, NINE)
            repo.save_take_over(session, take_over(None, "vip", agent.id, NINE))
            raise RuntimeError("network went away")
    with reading(engine) as session:
        assert repo.open_holds(session) == []
        assert repo.agents_by_id(session) == {}


def test_replacing_derived_entries_is_idempotent_and_keeps_manual_ones(engine):
    day = date(2026, 11, 2)
    with transaction(engine) as session:
        agent = repo.register_agent(session, 1, "A", None, NINE)
        session.execute(
            text("INSERT INTO ledger (agent_id, day, kind, source, millipoints, quantity, recorded_at) VALUES (:a, :d, 'adjustment', 'audit:1', 5000, 5, :t)"),
            {"a": agent.id, "d": day, "t": NINE.replace(tzinfo=None)},
        )
    entries = [Entry(agent.id, day, CASE, "case:1", 1000, 1.0), Entry(agent.id, day, CASE, "case:2", 1000, 1.0)]
    with transaction(engine) as session:
        first = repo.replace_derived_entries(session, [day], entries, NINE)
    with transaction(engine) as session:
        second = repo.replace_derived_entries(session, [day], entries, NINE)
    with transaction(engine) as session:
        third = repo.replace_derived_entries(session, [day], entries[:1], NINE)
    assert (first.added, second.added, second.unchanged, third.removed) == (2, 0, 2, 1)
    with reading(engine) as session:
        kept = sorted((e.kind, e.source) for e in repo.entries_between(session, day, day))
    assert kept == [("adjustment", "audit:1"), (CASE, "case:1")]


def test_an_update_id_is_processed_once(engine):
    with transaction(engine) as session:
        assert repo.mark_update_processed(session, 1001, NINE) is True
    with transaction(engine) as session:
        assert repo.mark_update_processed(session, 1001, NINE) is False
        assert repo.is_update_processed(session, 1001)


def test_the_migrations_go_down_to_nothing_and_back_up(engine):
    from alembic import command

    from storage.migrate import alembic_config

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert current_revision(engine) is None
    migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
