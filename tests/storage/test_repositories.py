from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from domain.holds import take_over
from domain.ledger import CASE, Entry
from storage.accounts import AccountSpec
from storage.db import make_engine, reading, transaction
from storage.migrate import current_revision, migrate
from storage.uow import Tables
from tests.factories import local

NINE = local("2026-11-02", "09:00")


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with transaction(engine) as session:
        t = Tables(session)
        t.accounts.sync([AccountSpec("jd", "jd", "京东"), AccountSpec("vip", "vip", "唯品会")])
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
        t = Tables(session)
        agent = t.agents.register(42, "Alice", "alice", NINE)
        t.holds.take_over(take_over(None, "jd", agent.id, NINE))
    with reading(engine) as session:
        t = Tables(session)
        (hold,) = t.holds.open()
    assert hold.start == NINE and hold.start.utcoffset() == timedelta(0)


def test_registering_twice_keeps_one_agent_and_follows_a_new_name(engine):
    with transaction(engine) as session:
        t = Tables(session)
        first = t.agents.register(42, "Alice", "alice", NINE)
    with transaction(engine) as session:
        t = Tables(session)
        again = t.agents.register(42, "Alice W.", "alice", NINE)
    assert again.id == first.id
    with reading(engine) as session:
        t = Tables(session)
        assert [a.name for a in t.agents.by_id().values()] == ["Alice W."]
        assert t.agents.find("@ALICE").id == first.id


def test_the_database_refuses_a_second_open_hold_on_one_account(engine):
    with transaction(engine) as session:
        t = Tables(session)
        a = t.agents.register(1, "A", None, NINE)
        b = t.agents.register(2, "B", None, NINE)
        t.holds.take_over(take_over(None, "jd", a.id, NINE))
    with pytest.raises(IntegrityError), transaction(engine) as session:
        t = Tables(session)
        # Bypassing the domain on purpose: the index is the last line of defence.
        t.holds.take_over(take_over(None, "jd", b.id, NINE))
    with reading(engine) as session:
        t = Tables(session)
        assert [(h.account, h.agent_id) for h in t.holds.open()] == [("jd", a.id)]


def test_a_unit_of_work_reads_the_open_holds_and_a_name_once_and_sees_its_own_writes(engine):
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    with transaction(engine) as session:
        t = Tables(session)
        a = t.agents.register(1, "A", None, NINE)
        b = t.agents.register(2, "B", None, NINE)
        event.listen(engine, "before_cursor_execute", seen)
        try:
            assert t.holds.open() == t.holds.open() == []
            assert t.agents.name_of(a.id) == t.agents.name_of(a.id) == "A"
            assert len(statements) == 2
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        first = t.holds.take_over(take_over(None, "jd", a.id, NINE))
        assert t.holds.open() == [first]
        handed = t.holds.take_over(take_over(first, "jd", b.id, NINE + timedelta(hours=1)))
        assert t.holds.open() == [handed]
        assert t.holds.restart(handed.id or 0, was=handed, start=NINE + timedelta(hours=2))
        assert [h.start for h in t.holds.open()] == [NINE + timedelta(hours=2)]
        t.agents.register(1, "A. Renamed", None, NINE)
        assert t.agents.name_of(a.id) == "A. Renamed"
    with reading(engine) as session:
        assert [h.agent_id for h in Tables(session).holds.open()] == [b.id]


def test_a_failed_command_leaves_nothing_behind(engine):
    with pytest.raises(RuntimeError), transaction(engine) as session:
        t = Tables(session)
        agent = t.agents.register(7, "G", None, NINE)
        t.holds.take_over(take_over(None, "vip", agent.id, NINE))
        raise RuntimeError("network went away")
    with reading(engine) as session:
        t = Tables(session)
        assert t.holds.open() == []
        assert t.agents.by_id() == {}


def test_replacing_derived_entries_is_idempotent_and_keeps_manual_ones(engine):
    day = date(2026, 11, 2)
    with transaction(engine) as session:
        t = Tables(session)
        agent = t.agents.register(1, "A", None, NINE)
        session.execute(
            text(
                "INSERT INTO ledger (agent_id, day, kind, source, millipoints, quantity, recorded_at) VALUES (:a, :d, 'adjustment', 'audit:1', 5000, 5, :t)"
            ),
            {"a": agent.id, "d": day, "t": NINE.replace(tzinfo=None)},
        )
    entries = [Entry(agent.id, day, CASE, "case:1", 1000, 1.0), Entry(agent.id, day, CASE, "case:2", 1000, 1.0)]
    with transaction(engine) as session:
        t = Tables(session)
        first = t.ledger.replace_derived([day], entries, NINE)
    with transaction(engine) as session:
        t = Tables(session)
        second = t.ledger.replace_derived([day], entries, NINE)
    with transaction(engine) as session:
        t = Tables(session)
        third = t.ledger.replace_derived([day], entries[:1], NINE)
    assert (first.added, second.added, second.unchanged, third.removed) == (2, 0, 2, 1)
    with reading(engine) as session:
        t = Tables(session)
        kept = sorted((e.kind, e.source) for e in t.ledger.between(day, day))
    assert kept == [("adjustment", "audit:1"), (CASE, "case:1")]


def test_an_update_id_is_processed_once(engine):
    with transaction(engine) as session:
        t = Tables(session)
        assert t.updates.mark(1001, NINE) is True
    with transaction(engine) as session:
        t = Tables(session)
        assert t.updates.mark(1001, NINE) is False
        assert t.updates.seen(1001)


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


def test_digest_claims_and_notices_move_into_the_outbox_with_their_ids_and_states(database_url):
    engine = make_engine(database_url)
    try:
        migrate(engine, "0008")
        nine = NINE.replace(tzinfo=None)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO accounts (key, platform, label) VALUES ('jd', 'jd', '京东')"))
            connection.execute(text("INSERT INTO agents (tg_user_id, name, registered_at) VALUES (42, 'A', :t)"), {"t": nine})
            connection.execute(text("INSERT INTO holds (account_id, agent_id, started_at, role) VALUES (1, 1, :t, 'holder')"), {"t": nine})
            notices = [  # id, kind, key, message_id, resolution, resolved_at
                (7, "clock_off", "hold:1", 501, "clock_off", nine),
                (8, "long_hold", "hold:2", None, "sending", None),
                (9, "late_start", "x", None, "unconfirmed", None),
                (10, "auto_closed", "hold:3", None, None, None),
            ]
            for id_, kind, key, message_id, resolution, resolved_at in notices:
                connection.execute(
                    text(
                        "INSERT INTO notices (id, kind, key, sent_at, agent_id, hold_id, chat_id, message_id, resolved_at, resolution) "
                        "VALUES (:i, :k, :key, :t, 1, 1, 42, :m, :r_at, :r)"
                    ),
                    {"i": id_, "k": kind, "key": key, "t": nine, "m": message_id, "r_at": resolved_at, "r": resolution},
                )
            connection.execute(
                text(
                    "INSERT INTO posted_digests (kind, period, chat_id, posted_at, message_id) VALUES "
                    "('daily', '2026-11-01', -100, :t, 900), ('daily', '2026-11-02', -100, :t, NULL)"
                ),
                {"t": nine},
            )
        migrate(engine)
        with reading(engine) as session:
            rows = {
                (r.kind, r.key): (r.id, r.state, r.message_id, r.resolution)
                for r in Tables(session).outbox.owed()
                + [
                    Tables(session).outbox.find(kind, key)
                    for kind, key in [
                        ("clock_off", "hold:1"),
                        ("long_hold", "hold:2"),
                        ("late_start", "x"),
                        ("daily", "2026-11-01@-100"),
                        ("daily", "2026-11-02@-100"),
                    ]
                ]
            }
        assert rows == {
            ("clock_off", "hold:1"): (7, "sent", 501, "clock_off"),
            ("long_hold", "hold:2"): (8, "sending", None, None),
            ("late_start", "x"): (9, "unconfirmed", None, None),
            ("auto_closed", "hold:3"): (10, "owed", None, None),
            ("daily", "2026-11-01@-100"): (rows[("daily", "2026-11-01@-100")][0], "sent", 900, None),
            ("daily", "2026-11-02@-100"): (rows[("daily", "2026-11-02@-100")][0], "sending", None, None),
        }
        assert min(rows[("daily", "2026-11-01@-100")][0], rows[("daily", "2026-11-02@-100")][0]) > 10
        with transaction(engine) as session:
            # New rows number on after the moved ones, on PostgreSQL's sequence too.
            assert Tables(session).outbox.claim("unattended", "jd:1", NINE, chat_id=-100) > 10
    finally:
        engine.dispose()
