"""Careful operator commands (issue 15): `baton backup` onto the live database or into a missing folder,
`baton audit verify` and `baton export` against a frozen month edited in the database, and months
outside the calendar on the command line. On SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.cli import main
from domain.snapshot import canonical_json, checksum_of, snapshot_from_json
from storage import audit
from storage.db import make_engine, reading, transaction
from tests.cli_team import october_team
from tests.factories import local


def october(tmp_path: Path, database_url: str) -> Path:
    """Two agents' work in October 2026, not closed yet."""
    return october_team(tmp_path, database_url)


def closed_october(tmp_path: Path, database_url: str, capsys) -> Path:
    config = october(tmp_path, database_url)
    assert main(["--config", str(config), "close-month", "2026-10", "--pool", "1000"]) == 0
    capsys.readouterr()
    return config


def the_close(database_url: str) -> tuple[str, str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(text("SELECT snapshot, checksum FROM month_closes WHERE month = '2026-10'")).one()
            return row.snapshot, row.checksum
    finally:
        engine.dispose()


def overwrite_close(database_url: str, snapshot: str, checksum: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE month_closes SET snapshot = :snapshot, checksum = :checksum WHERE month = '2026-10'"),
                {"snapshot": snapshot, "checksum": checksum},
            )
    finally:
        engine.dispose()


def moved_money(snapshot_text: str, checksum: str):
    """The frozen month with 1.00 yuan moved from the best paid agent to the other, resealed."""
    frozen = snapshot_from_json(snapshot_text, checksum)
    first, second = frozen.rows
    rows = (replace(first, payout_cents=first.payout_cents - 100), replace(second, payout_cents=second.payout_cents + 100))
    edited = replace(frozen, rows=rows, checksum="")
    return replace(edited, checksum=checksum_of(edited))


# -- audit verify and export against an edited frozen month ---------------------------------------------


def test_a_resealed_snapshot_is_reported_by_verify_and_refused_by_export(tmp_path, database_url, capsys):
    config = closed_october(tmp_path, database_url, capsys)
    assert main(["--config", str(config), "audit", "verify"]) == 0
    capsys.readouterr()

    original, checksum = the_close(database_url)
    forged = moved_money(original, checksum)
    overwrite_close(database_url, canonical_json(forged), forged.checksum)
    assert snapshot_from_json(*the_close(database_url)).checksum == forged.checksum, "the forgery agrees with itself"

    assert main(["--config", str(config), "audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        f"结算记录被改动：2026-10 第 1 版：其校验码 {forged.checksum[:12]} 与结算审计条目记录的 {checksum[:12]} 不同（冻结快照被替换）"
    )

    out = tmp_path / "october.xlsx"
    assert main(["--config", str(config), "export", "2026-10", "--out", str(out)]) == 2
    assert not out.exists()
    assert "2026-10 第 1 版的冻结结算与确认时的不一致" in capsys.readouterr().err


def test_a_snapshot_edited_without_resealing_is_reported_too(tmp_path, database_url, capsys):
    config = closed_october(tmp_path, database_url, capsys)
    original, checksum = the_close(database_url)
    edited = json.loads(original)
    edited["pool_cents"] += 1
    overwrite_close(database_url, json.dumps(edited), checksum)

    assert main(["--config", str(config), "audit", "verify"]) == 1
    assert capsys.readouterr().err.strip() == "结算记录被改动：2026-10 第 1 版：快照内容与其校验码不符（冻结快照被修改）"
    assert main(["--config", str(config), "export", "2026-10", "--out", str(tmp_path / "october.xlsx")]) == 2


def test_a_close_without_its_audit_entry_is_reported(tmp_path, database_url, capsys):
    config = closed_october(tmp_path, database_url, capsys)
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE month_closes SET version = 2 WHERE month = '2026-10'"))
    finally:
        engine.dispose()
    assert main(["--config", str(config), "audit", "verify"]) == 1
    assert capsys.readouterr().err.strip() == "结算记录被改动：2026-10 第 2 版：审计日志中没有记录这次结算的 close_month 条目"


# -- months outside the calendar ----------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1999-12", "2101-01"])
@pytest.mark.parametrize("command", ["close-month", "export"])
def test_a_month_outside_the_calendar_is_refused_on_the_command_line(tmp_path, database_url, capsys, month, command):
    config = october(tmp_path, database_url)
    extra = ["--pool", "1000"] if command == "close-month" else ["--out", str(tmp_path / "x.xlsx")]
    assert main(["--config", str(config), command, month, *extra]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == f"“{month}”超出可用日期范围：请使用 2000 年至 2100 年之间的日期，未做任何更改"
    assert not (tmp_path / "x.xlsx").exists()


# -- backup -----------------------------------------------------------------------------------------------------


def sqlite_config(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "baton.db"
    config = october(tmp_path, f"sqlite:///{db}")
    return config, db


def audit_count(db: Path) -> int:
    engine = make_engine(f"sqlite:///{db}")
    try:
        with reading(engine) as session:
            return sum(1 for _ in audit.entries(session))
    finally:
        engine.dispose()


@pytest.mark.parametrize("target", ["baton.db", "baton.db-wal", "baton.db-shm", "./sub/../baton.db", "link.db"])
def test_backup_refuses_the_live_database_and_its_companions(tmp_path, capsys, monkeypatch, target):
    config, db = sqlite_config(tmp_path)
    engine = make_engine(f"sqlite:///{db}")  # the running bot: its connection keeps the -wal and -shm files
    try:
        with transaction(engine) as session:
            audit.append(session, local("2026-11-02", "09:00"), "import", subject="after")
        before, size = audit_count(db), db.stat().st_size
        (tmp_path / "sub").mkdir()
        (tmp_path / "link.db").symlink_to(db)
        monkeypatch.chdir(tmp_path)
        assert main(["--config", str(config), "backup", target]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.startswith(f"baton backup: {Path(target)} is the live database file ")
        assert "Traceback" not in captured.err
        assert audit_count(db) == before and db.stat().st_size == size
        assert not list(tmp_path.glob("*.partial"))
    finally:
        engine.dispose()


def test_backup_into_a_missing_folder_says_so(tmp_path, database_url, capsys):
    config = october(tmp_path, database_url)
    missing = tmp_path / "no" / "such" / "folder"
    assert main(["--config", str(config), "backup", str(missing / "baton.db")]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        f"baton backup: the folder {missing} does not exist; create it first (mkdir -p {missing}) and run baton backup again"
    )
    assert not missing.exists()


def test_backup_onto_a_folder_says_so(tmp_path, capsys):
    config, _db = sqlite_config(tmp_path)
    assert main(["--config", str(config), "backup", str(tmp_path)]) == 1
    assert "is a folder; name the backup file" in capsys.readouterr().err


def test_backup_beside_the_database_still_works(tmp_path, capsys):
    config, db = sqlite_config(tmp_path)
    assert main(["--config", str(config), "backup", str(tmp_path / "baton.db.backup")]) == 0
    assert audit_count(tmp_path / "baton.db.backup") == audit_count(db)
