"""Careful operator commands (issue 15): months outside the calendar on the command line.
On SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.console.service import hand_off_account, log_case, take_over_account
from bot.core.baton import Baton
from bot.core.config import load_config
from bot.core.person import Person
from bot.core.setup import prepare_database
from domain.clock import ManualClock
from tests.factories import act, local

CONFIG = """
[team]
name = "客服一组"
chat_id = -100
[[accounts]]
key = "jd"
platform = "jd"
[payout]
scheme = "proportional"
pool = 1000
[database]
url = "{url}"
"""


def october(tmp_path: Path, database_url: str) -> Path:
    """Two agents' work in October 2026, not closed yet."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(url=database_url), encoding="utf-8")
    config = load_config(path, environ={})
    clock = ManualClock(local("2026-10-05", "09:00"))
    baton = Baton(config, prepare_database(config), clock)
    wang, li = Person(1, "王芳"), Person(2, "李雷")
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-10-05", "13:00"))
    act(baton, li, take_over_account, "jd")
    act(baton, li, log_case, None, "consult")
    clock.set(local("2026-10-05", "15:00"))
    act(baton, li, hand_off_account)
    baton.engine.dispose()
    return path


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
