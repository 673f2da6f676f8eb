"""`baton audit verify` and `baton audit show`, on SQLite and PostgreSQL, before and after someone edits a row by hand."""

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from bot.cli import main
from bot.console.service import hand_off_account, take_over_account
from bot.core.baton import Baton
from bot.core.config import load_config
from bot.core.person import Person
from bot.core.setup import prepare_database
from bot.month.service import adjust
from domain.audit_chain import GENESIS, entry_hash
from domain.clock import ManualClock
from storage import audit
from storage.db import make_engine, reading
from tests.factories import SUPERVISOR_ID, act, local

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """
[team]
name = "客服一组"
chat_id = -100
language = "{language}"
supervisors = [{supervisor}]
[[accounts]]
key = "jd"
platform = "jd"
[database]
url = "{url}"
"""


def a_day(tmp_path, database_url, language="zh") -> Path:
    """Four audited actions: a take-over, two adjustments, a hand-off."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(url=database_url, language=language, supervisor=SUPERVISOR_ID), encoding="utf-8")
    config = load_config(path, environ={})
    clock = ManualClock(local("2026-11-02", "09:00"))
    baton = Baton(config, prepare_database(config), clock)
    wang, boss = Person(1, "王芳", "wangfang"), Person(SUPERVISOR_ID, "主管", "boss")
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "10:15"))
    act(baton, boss, adjust, "@wangfang", 2, "夜班补录")
    clock.set(local("2026-11-02", "10:20"))
    act(baton, boss, adjust, "@wangfang", -1, "重复记录")
    clock.set(local("2026-11-02", "12:00"))
    act(baton, wang, hand_off_account)
    baton.engine.dispose()
    return path


def chain(database_url):
    engine = make_engine(database_url)
    try:
        with reading(engine) as session:
            return list(audit.entries(session))
    finally:
        engine.dispose()


def tamper(database_url, statement: str, **params) -> None:
    engine = make_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(statement), params)
    finally:
        engine.dispose()


def test_an_intact_log_verifies_with_its_count_and_head(tmp_path, database_url, capsys):
    config = a_day(tmp_path, database_url)
    entries = chain(database_url)
    assert main(["--config", str(config), "audit", "verify"]) == 0
    assert capsys.readouterr().out.strip() == f"审计日志完整：4 条，链尾哈希 {entries[-1].hash}"


def test_an_edited_detail_is_reported_at_exactly_that_entry(tmp_path, database_url, capsys):
    config = a_day(tmp_path, database_url)
    second_adjustment = chain(database_url)[2]
    assert second_adjustment.action == "adjust"
    tamper(database_url, "UPDATE audit_log SET detail = replace(detail, ': -1,', ': 1,') WHERE id = :id", id=second_adjustment.id)
    assert chain(database_url)[2].detail != second_adjustment.detail
    assert main(["--config", str(config), "audit", "verify"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        f"审计日志被篡改：第一个断点是第 {second_adjustment.id} 条（adjust，2026-11-02 10:20:00+08:00）：内容与其封存哈希不符（这一条被改过）"
    )


def test_a_deleted_entry_is_reported_at_the_entry_after_it(tmp_path, database_url, capsys):
    config = a_day(tmp_path, database_url)
    entries = chain(database_url)
    tamper(database_url, "DELETE FROM audit_log WHERE id = :id", id=entries[1].id)
    assert main(["--config", str(config), "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"第 {entries[2].id} 条（adjust，2026-11-02 10:20:00+08:00）" in err
    assert "与前一条链接不上" in err


def test_show_prints_the_latest_entries_in_local_time(tmp_path, database_url, capsys):
    config = a_day(tmp_path, database_url)
    assert main(["--config", str(config), "audit", "show", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "🧾 审计日志：最近 2 条（Asia/Shanghai 时间）"
    assert lines[1].endswith("2026-11-02 10:20 主管 · 调整积分 王芳")
    assert lines[2] == "    日期=2026-11-02, 积分=-1, 原因=重复记录"
    assert lines[3].endswith("2026-11-02 12:00 王芳 · 交出 jd")


def test_verify_before_migrating_says_to_migrate(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(url=f"sqlite:///{tmp_path / 'empty.db'}", language="en", supervisor=SUPERVISOR_ID), encoding="utf-8")
    assert main(["--config", str(path), "audit", "verify"]) == 2
    assert "Run baton migrate" in capsys.readouterr().err


def test_the_installed_command_exits_non_zero_on_a_tampered_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'baton.db'}"
    config = a_day(tmp_path, url, language="en")
    first = chain(url)[0]
    tamper(url, "UPDATE audit_log SET subject = 'vip' WHERE id = :id", id=first.id)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(config), "audit", "verify"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"Audit log broken: the first bad entry is #{first.id} (take_over, 2026-11-02 09:00:00+08:00): "
        "its content does not match its seal (this entry was changed)"
    )


def reseal_from(database_url, index: int, detail: str) -> None:
    """What someone with write access would do to hide an edit: change one entry and reseal every later one."""
    entries = chain(database_url)
    prev = entries[index - 1].hash if index else GENESIS
    for position, entry in enumerate(entries[index:], start=index):
        body = detail if position == index else entry.detail
        sealed = entry_hash(prev, entry.at, entry.actor_agent_id, entry.action, entry.subject, body)
        tamper(
            database_url,
            "UPDATE audit_log SET detail = :d, prev_hash = :p, hash = :h WHERE id = :id",
            d=body,
            p=prev,
            h=sealed,
            id=entry.id,
        )
        prev = sealed


def test_a_resealed_chain_passes_alone_but_not_against_a_head_noted_earlier(tmp_path, database_url, capsys):
    config = a_day(tmp_path, database_url)
    noted = chain(database_url)[-1].hash
    assert main(["--config", str(config), "audit", "verify", "--head", noted]) == 0
    capsys.readouterr()

    reseal_from(database_url, 1, '{"day": "2026-11-02", "points": 200, "reason": "夜班补录"}')
    assert main(["--config", str(config), "audit", "verify"]) == 0, "a full reseal is invisible without an outside anchor"
    capsys.readouterr()
    assert main(["--config", str(config), "audit", "verify", "--head", noted]) == 1
    assert capsys.readouterr().err.strip() == f"审计日志被重写：此前记下的链尾哈希 {noted} 已不在链中，它之前的条目被整体改写过"
