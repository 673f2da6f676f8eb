"""A team's config file with two agents' work in October 2026, not closed yet: what the
command-line tests (`baton close-month`, `export`, `audit verify`, `backup`) start from."""

from __future__ import annotations

from pathlib import Path

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
scheme = "{scheme}"
pool = 1000
[database]
url = "{url}"
"""


def october_team(tmp_path: Path, database_url: str, scheme: str = "proportional") -> Path:
    """The config file's path; 王芳 holds jd 09:00–13:00 on 5 Oct, 李雷 13:00–15:00 and logs a case."""
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(url=database_url, scheme=scheme), encoding="utf-8")
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
