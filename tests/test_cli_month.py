"""`baton close-month` and `baton export` from the command line, on a real SQLite file."""

import json
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from tests.cli_team import october_team

ROOT = Path(__file__).resolve().parent.parent


def team(tmp_path, scheme="proportional"):
    return october_team(tmp_path, f"sqlite:///{tmp_path / 'baton.db'}", scheme)


def baton_cli(config, *args):
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=config.parent,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


def test_close_month_freezes_once_and_the_payouts_add_up_to_the_pool(tmp_path):
    config = team(tmp_path)
    first = baton_cli(config, "close-month", "2026-10", "--pool", "1234.56", "--json")
    assert first.returncode == 0, first.stderr
    frozen = json.loads(first.stdout)
    assert frozen["version"] == 1 and frozen["pool_cents"] == 123456 and len(frozen["checksum"]) == 64
    assert sum(p["payout_cents"] for p in frozen["payouts"]) + frozen["team_fund_cents"] == 123456
    assert {p["name"] for p in frozen["payouts"]} == {"王芳", "李雷"}

    again = baton_cli(config, "close-month", "2026-10", "--pool", "1234.56")
    assert again.returncode == 2
    assert "2026-10 已结算冻结" in again.stderr


def test_bad_pool_and_bad_month_are_refused(tmp_path):
    config = team(tmp_path)
    assert baton_cli(config, "close-month", "2026-10", "--pool", "12.345").returncode == 2
    bad = baton_cli(config, "close-month", "October", "--pool", "100")
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr


def test_export_writes_the_frozen_workbook(tmp_path):
    config = team(tmp_path, scheme="tiers")
    assert baton_cli(config, "close-month", "2026-10", "--pool", "1000").returncode == 0
    out = tmp_path / "october.xlsx"
    result = baton_cli(config, "export", "2026-10", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "frozen" in result.stdout
    sheet = load_workbook(out)["发放"]
    cents = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]
    assert sum(cents) <= 100000 and len(cents) == 2
