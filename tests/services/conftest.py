"""The service tier: use cases against a real database (a SQLite file, and PostgreSQL when
BATON_TEST_DATABASE_URL is set), with no Telegram in sight."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.core.baton import Baton
from bot.core.person import Person
from bot.core.setup import prepare_database
from domain.clock import ManualClock
from tests.factories import local, team_config


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(local("2026-11-02", "08:00"))


@pytest.fixture
def config(database_url):
    return team_config(database_url)


@pytest.fixture
def baton(config, clock) -> Iterator[Baton]:
    engine = prepare_database(config)
    try:
        yield Baton(config, engine, clock)
    finally:
        engine.dispose()


@pytest.fixture
def wang() -> Person:
    return Person(101, "王芳", "wangfang")


@pytest.fixture
def li() -> Person:
    return Person(102, "李雷", "lilei")


@pytest.fixture
def boss() -> Person:
    return Person(9000, "Boss", "boss")
