"""`baton backup` taken while another thread keeps writing, on SQLite and PostgreSQL; and `baton health`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.cli import main
from storage import audit
from storage.db import make_engine, reading, transaction
from storage.migrate import migrate
from tests.conftest import POSTGRES_URL
from tests.factories import local

NINE = local("2026-11-02", "09:00")

CONFIG = """
[team]
chat_id = -100
[[accounts]]
key = "jd"
platform = "jd"
[database]
url = "{url}"
"""


def config_for(tmp_path: Path, url: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(url=url), encoding="utf-8")
    return str(path)


def migrated(url: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()


def seeded(url: str, n: int):
    engine = make_engine(url)
    migrate(engine)
    for i in range(n):
        with transaction(engine) as session:
            audit.append(session, NINE + timedelta(seconds=i), "import", subject=f"before-{i}")
    return engine


class Writer(threading.Thread):
    """Keeps appending audit entries, one transaction each, until stopped."""

    def __init__(self, engine) -> None:
        super().__init__(daemon=True)
        self.engine, self.written, self.stop, self.error = engine, 0, threading.Event(), None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with transaction(self.engine) as session:
                    audit.append(session, NINE + timedelta(hours=1, milliseconds=self.written), "import", subject=f"during-{self.written}")
                self.written += 1
        except BaseException as exc:
            self.error = exc

    def wait_for(self, n: int) -> None:
        deadline = time.monotonic() + 30
        while self.written < n and self.error is None:
            assert time.monotonic() < deadline, "the writer made no progress"
            time.sleep(0.01)

    def finish(self) -> int:
        self.stop.set()
        self.join(timeout=30)
        assert self.error is None
        return self.written


def backup_during_writes(tmp_path: Path, url: str, out: Path, capsys) -> tuple[int, int, int]:
    """(entries committed before, written before the backup, written in all)"""
    engine = seeded(url, 40)
    writer = Writer(engine)
    writer.start()
    try:
        writer.wait_for(5)
        started_with = writer.written
        assert main(["--config", config_for(tmp_path, url), "backup", str(out)]) == 0
        writer.wait_for(writer.written + 5)
    finally:
        total = writer.finish()
        engine.dispose()
    assert capsys.readouterr().out.startswith(f"backup written: {out} (")
    return 40, started_with, total


def test_a_sqlite_backup_taken_while_writing_is_whole_and_has_what_was_committed(tmp_path, capsys):
    out = tmp_path / "copy.db"
    before, started_with, total = backup_during_writes(tmp_path, f"sqlite:///{tmp_path / 'baton.db'}", out, capsys)
    assert not (tmp_path / "copy.db.partial").exists()
    with sqlite3.connect(out) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        subjects = [s for (s,) in copy.execute("SELECT subject FROM audit_log ORDER BY id")]
    assert subjects[:before] == [f"before-{i}" for i in range(before)]
    during = subjects[before:]
    assert during == [f"during-{i}" for i in range(len(during))], "a prefix of the writes: one snapshot"
    assert started_with <= len(during) < total
    copy_engine = make_engine(f"sqlite:///{out}")
    with reading(copy_engine) as session:
        assert audit.verify(session) is None
    copy_engine.dispose()


def test_a_sqlite_backup_of_a_missing_file_fails_clearly(tmp_path, capsys):
    assert main(["--config", config_for(tmp_path, f"sqlite:///{tmp_path / 'nope.db'}"), "backup", str(tmp_path / "out.db")]) == 1
    assert "no SQLite database file" in capsys.readouterr().err
    assert not (tmp_path / "out.db").exists()


@pytest.fixture
def scratch_database():
    """An empty PostgreSQL database to restore into, dropped afterwards."""
    name = f"restore_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.skipif(not POSTGRES_URL, reason="BATON_TEST_DATABASE_URL is not set: no PostgreSQL to back up")
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_postgresql_backup_taken_while_writing_restores_whole(tmp_path, capsys, database_url, scratch_database):
    url, schema = database_url, database_url.rsplit("search_path%3D", 1)[1]
    out = tmp_path / "baton.dump"
    before, started_with, total = backup_during_writes(tmp_path, url, out, capsys)
    assert out.stat().st_size > 0
    listing = subprocess.run(["pg_restore", "--list", str(out)], capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0, listing.stderr
    assert f"TABLE DATA {schema} audit_log" in listing.stdout
    assert " public " not in listing.stdout, "only Baton's schema is dumped"

    target = scratch_database.set(drivername="postgresql").render_as_string(hide_password=False)
    restored = subprocess.run(["pg_restore", "--no-owner", f"--dbname={target}", str(out)], capture_output=True, text=True, timeout=120)
    assert restored.returncode == 0, restored.stderr
    engine = make_engine(f"{scratch_database.render_as_string(hide_password=False)}?options=-csearch_path%3D{schema}")
    try:
        with reading(engine) as session:
            assert audit.verify(session) is None
            subjects = [e.subject for e in audit.entries(session)]
    finally:
        engine.dispose()
    assert subjects[:before] == [f"before-{i}" for i in range(before)]
    assert started_with <= len(subjects) - before < total


def test_without_pg_dump_the_backup_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert main(["--config", config_for(tmp_path, url), "backup", str(tmp_path / "x.dump")]) == 1
    err = capsys.readouterr().err
    assert "pg_dump is not on PATH" in err and "postgresql-client" in err


# -- baton health ----------------------------------------------------------------------------------


def test_health_is_ok_when_the_database_answers(tmp_path, database_url, capsys, monkeypatch):
    monkeypatch.delenv("BATON_HEARTBEAT", raising=False)
    migrated(database_url)
    assert main(["--config", config_for(tmp_path, database_url), "health"]) == 0
    assert capsys.readouterr().out.strip() == "ok"


@pytest.mark.parametrize(
    "url, problem",
    [
        ("sqlite:///{tmp}/missing.db", "no SQLite database file"),
        ("postgresql+psycopg://postgres@127.0.0.1:1/test", "the database does not answer"),
    ],
)
def test_health_fails_when_there_is_no_database(tmp_path, capsys, monkeypatch, url, problem):
    monkeypatch.delenv("BATON_HEARTBEAT", raising=False)
    assert main(["--config", config_for(tmp_path, url.format(tmp=tmp_path)), "health"]) == 1
    assert problem in capsys.readouterr().err


def test_health_fails_on_a_database_that_was_never_migrated(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BATON_HEARTBEAT", raising=False)
    sqlite3.connect(tmp_path / "empty.db").close()
    assert main(["--config", config_for(tmp_path, f"sqlite:///{tmp_path / 'empty.db'}"), "health"]) == 1
    assert "the database does not answer" in capsys.readouterr().err


def test_health_wants_a_fresh_heartbeat_when_one_is_configured(tmp_path, capsys, monkeypatch):
    url = f"sqlite:///{tmp_path / 'baton.db'}"
    migrated(url)
    config = config_for(tmp_path, url)
    beat = tmp_path / "heartbeat"
    monkeypatch.setenv("BATON_HEARTBEAT", str(beat))
    assert main(["--config", config, "health"]) == 1
    assert "no heartbeat" in capsys.readouterr().err
    beat.touch()
    assert main(["--config", config, "health"]) == 0
    stale = time.time() - 600
    os.utime(beat, (stale, stale))
    assert main(["--config", config, "health"]) == 1
    assert "the last heartbeat is 600s old" in capsys.readouterr().err
    assert main(["--config", config, "health", "--max-age", "900"]) == 0
