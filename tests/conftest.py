"""Shared fixtures. Databases are real: a SQLite file, and PostgreSQL when BATON_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.factories import fresh_schema

POSTGRES_URL = os.environ.get("BATON_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty database per test: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'baton.db'}"
        return
    with fresh_schema(POSTGRES_URL) as url:
        yield url
