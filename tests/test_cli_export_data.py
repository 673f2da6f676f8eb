"""`baton export` of a month whose names and reasons look like formulas or mathtext, on a real SQLite file."""

from openpyxl import load_workbook

from bot.console.service import hand_off_account, take_over_account
from bot.core.baton import Baton
from bot.core.config import load_config
from bot.core.person import Person
from bot.core.setup import prepare_database
from bot.month.service import adjust
from domain.clock import ManualClock
from tests.cli_team import CONFIG
from tests.factories import act, local
from tests.test_cli_month import baton_cli

HYPERLINK = '=HYPERLINK("http://x.example/steal","click")'
MATHTEXT = r"$\undefinedcmd$"


def test_export_of_hostile_names_exits_0_and_holds_no_formula(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(url=f"sqlite:///{tmp_path / 'baton.db'}", scheme="proportional"), encoding="utf-8")
    config = load_config(path, environ={})
    clock = ManualClock(local("2026-10-05", "09:00"))
    baton = Baton(config, prepare_database(config), clock)
    odd, formula = Person(1, MATHTEXT, "odd"), Person(2, HYPERLINK + "\x1b[31m", "formula")
    act(baton, odd, take_over_account, "jd")
    clock.set(local("2026-10-05", "13:00"))
    act(baton, formula, take_over_account, "jd")
    act(baton, formula, adjust, "@odd", 2.0, "=cmd|' /C calc'!A0")
    clock.set(local("2026-10-05", "15:00"))
    act(baton, formula, hand_off_account)
    baton.engine.dispose()

    assert baton_cli(path, "close-month", "2026-10", "--pool", "1000").returncode == 0
    out = tmp_path / "october.xlsx"
    result = baton_cli(path, "export", "2026-10", "--out", str(out))
    assert result.returncode == 0, result.stderr
    workbook = load_workbook(out)
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert {MATHTEXT, HYPERLINK + "[31m", "=cmd|' /C calc'!A0"} <= {c.value for c in cells}
