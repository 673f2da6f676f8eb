"""The stored audit chain on SQLite and PostgreSQL: appends link up, even from many threads at once,
and an edit made behind the application's back is found at the row edited."""

from __future__ import annotations

import itertools
import json
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from domain.audit_chain import GENESIS, Break
from storage import audit
from storage.db import make_engine, reading, transaction
from storage.migrate import migrate
from storage.uow import Tables
from tests.factories import local

NINE = local("2026-11-02", "09:00")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _append(engine, n: int, action: str = "adjust") -> list[int]:
    ids = []
    for i in range(n):
        with transaction(engine) as session:
            ids.append(
                audit.append(session, NINE + timedelta(minutes=i), action, subject=str(i), detail={"reason": f"第{i}次", "points": i}).id
            )
    return ids


def test_appended_entries_link_up_from_genesis_and_verify(engine):
    _append(engine, 4)
    with reading(engine) as session:
        chain = list(audit.entries(session))
        assert audit.verify(session) is None
    assert [e.subject for e in chain] == ["0", "1", "2", "3"]
    assert chain[0].prev_hash == GENESIS
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(chain))
    assert json.loads(chain[2].detail) == {"points": 2, "reason": "第2次"}


def test_entries_are_read_in_batches_without_losing_any(engine):
    _append(engine, 7)
    with reading(engine) as session:
        assert [e.subject for e in audit.entries(session, batch=3)] == [str(i) for i in range(7)]


def test_latest_gives_the_newest_n_oldest_first(engine):
    _append(engine, 5)
    with reading(engine) as session:
        assert [row.subject for row in audit.latest(session, 3)] == ["2", "3", "4"]
        assert len(audit.latest(session, 50)) == 5


def test_the_unit_of_work_appends_to_the_same_chain(engine):
    _append(engine, 1)
    with transaction(engine) as session:
        Tables(session).audit(NINE, "import", subject="jd", filename="a.csv", new=3)
    with reading(engine) as session:
        assert audit.verify(session) is None
        assert [e.action for e in audit.entries(session)] == ["adjust", "import"]


def test_a_rolled_back_append_leaves_the_chain_intact(engine):
    _append(engine, 2)
    with pytest.raises(RuntimeError), transaction(engine) as session:
        audit.append(session, NINE, "adjust", subject="lost")
        raise RuntimeError("the command failed after auditing")
    _append(engine, 1)
    with reading(engine) as session:
        assert audit.verify(session) is None
        assert [e.subject for e in audit.entries(session)] == ["0", "1", "0"]


def test_concurrent_appends_from_several_threads_keep_one_linear_chain(engine):
    threads, each = 6, 8
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            start.wait()
            for i in range(each):
                with transaction(engine) as session:
                    audit.append(session, NINE + timedelta(seconds=i), "assign", subject=f"w{worker}", detail={"i": i})
        except BaseException as exc:  # reported below, on the test's thread
            errors.append(exc)

    workers = [threading.Thread(target=writer, args=(w,)) for w in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    with reading(engine) as session:
        chain = list(audit.entries(session))
        assert audit.verify(session) is None
    assert len(chain) == threads * each
    assert len({e.prev_hash for e in chain}) == len(chain)
    for w in range(threads):
        assert [json.loads(e.detail)["i"] for e in chain if e.subject == f"w{w}"] == list(range(each))


@pytest.mark.parametrize("column, value", [("detail", '{"points": 500, "reason": "第1次"}'), ("subject", "9"), ("action", "thanks")])
def test_a_direct_sql_edit_is_found_at_that_row(engine, column, value):
    ids = _append(engine, 4)
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE audit_log SET {column} = :v WHERE id = :i"), {"v": value, "i": ids[1]})
    with reading(engine) as session:
        assert audit.verify(session) == Break(ids[1], "content")


def test_a_deleted_row_is_found_at_the_row_after_it(engine):
    ids = _append(engine, 4)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = :i"), {"i": ids[2]})
    with reading(engine) as session:
        assert audit.verify(session) == Break(ids[3], "link")


_WRITES_TO_AUDIT = re.compile(
    r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|update\(\s*AuditRow|delete\(\s*AuditRow|AuditRow\)\.\s*(update|delete))", re.IGNORECASE
)


def test_no_code_path_updates_or_deletes_audit_rows():
    # The one exception is migration 0005, which sealed the rows written before the chain existed.
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "storage", "domain")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and _WRITES_TO_AUDIT.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
