"""Text people supply, stored on SQLite and PostgreSQL alike: cut to its column, without NUL or controls."""

from __future__ import annotations

import pytest

from storage import audit
from storage.db import make_engine, reading, transaction
from storage.migrate import migrate
from storage.uow import Tables
from tests.factories import local

NINE = local("2026-11-02", "09:00")


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.mark.parametrize(
    ("name", "username", "stored"),
    [
        ("长" * 64 + " " + "名" * 64, "u" * 70, ("长" * 64 + " " + "名" * 63, "u" * 64)),
        ("N\x00U\x1b[2JL", "n\x00ul", ("NU[2JL", "nul")),
        ("李\u202e雷\u2066\u200f", None, ("李雷", None)),
        ("\x00\u202e", "only_controls", ("only_controls", "only_controls")),
        ("\x00", None, ("7", None)),
        ("王\n\t芳", None, ("王 芳", None)),
    ],
)
def test_a_registered_name_is_cleaned_and_fits_its_column(engine, name, username, stored):
    with transaction(engine) as session:
        Tables(session).agents.register(7, name, username, NINE, "zh\x00" + "x" * 30)
    with reading(engine) as session:
        agent = Tables(session).agents.by_tg_id(7)
        assert (agent.name, agent.username) == stored
        assert agent.language_code == "zh" + "x" * 14
        if stored[0] not in ("7", "only_controls"):
            assert Tables(session).agents.find(name).id == agent.id, "found by the name as Telegram sends it"


def test_an_audit_subject_longer_than_its_column_is_cut_and_still_verifies(engine):
    with transaction(engine) as session:
        audit.append(session, NINE, "thanks_flagged", subject="甲" * 128 + "↔" + "乙" * 128)
    with reading(engine) as session:
        (entry,) = audit.entries(session)
        assert entry.subject == "甲" * 128
        assert audit.verify(session) is None
