import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from bot.core.config import ConfigError, load_config, parse_config

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"


def minimal(**team):
    return {"team": {"chat_id": -100, **team}, "accounts": [{"key": "jd", "platform": "jd", "label": "JD"}]}


def test_the_example_config_is_valid_and_documents_every_key():
    config = load_config(EXAMPLE, environ={})
    assert config.team.timezone.key == "Asia/Shanghai"
    assert [a.key for a in config.accounts] == ["jd", "vip"]
    assert config.schedule.daily_digest == time(22, 0)
    text = EXAMPLE.read_text(encoding="utf-8")
    for key in (
        "token",
        "base_url",
        "base_file_url",
        "mode",
        "chat_id",
        "timezone",
        "language",
        "supervisors",
        "platform",
        "label",
        "daily_digest",
        "compile_every_minutes",
        "per_case",
        "per_hour",
        "url",
        "preset",
        "pull",
        "per_conversation",
        "moment",
        "roster_early_minutes",
        "satisfaction_prior",
        "quiet_hours",
        "columns",
        "ratings",
        "booleans",
        "agent",
        "account",
        "weekdays",
        "from",
        "to",
        "monthly_digest_day",
        "monthly_digest_time",
        "scheme",
        "pool",
        "floor_cents",
        "cap_cents",
        "team_fund_percent",
        "tiers",
        "daily_allowance",
        "pair_monthly_cap",
        "handover_points",
        "peak_threshold",
        "cover_points_per_hour",
        "commands_per_minute",
        "command_burst",
        "presses_per_minute",
        "press_burst",
        "console_repeat_seconds",
    ):
        assert f"{key} =" in text, key


def test_defaults_fill_in_what_the_file_leaves_out():
    config = parse_config(minimal())
    assert config.team.language == "zh"
    assert config.team.timezone.key == "Asia/Shanghai"
    assert config.bot.base_url == "https://api.telegram.org/bot"
    assert config.database_url == "sqlite:///baton.db"


def test_the_environment_token_overrides_the_file():
    raw = minimal()
    raw["bot"] = {"token": "from-file"}
    assert parse_config(raw, {"BATON_TOKEN": "from-env"}).bot.token == "from-env"


@pytest.mark.parametrize(
    "raw, key, words",
    [
        (minimal(timezone="Mars/Olympus"), "team.timezone", "unknown time zone"),
        ({"team": {}, "accounts": [{"key": "jd"}]}, "team.chat_id", "missing"),
        ({"team": {"chat_id": -1}, "accounts": [{"key": "jd"}, {"key": "jd"}]}, "accounts[1].key", "duplicate"),
        ({"team": {"chat_id": -1}, "accounts": [{"key": "jd", "platform": "amazon"}]}, "accounts[0].platform", "one of"),
        (minimal(language="fr"), "team.language", "one of"),
        ({**minimal(), "schedule": {"daily_digest": "late"}}, "schedule.daily_digest", "time of day"),
        ({**minimal(), "points": {"per_case": -1}}, "points.per_case", ">= 0"),
        ({**minimal(), "attribution": {"moment": "end"}}, "attribution.moment", "one of"),
        ({**minimal(), "attribution": {"roster_early_minutes": -1}}, "attribution.roster_early_minutes", "whole number of minutes"),
        ({**minimal(), "attribution": {"quiet_hours": {"jd": "late"}}}, "attribution.quiet_hours.jd", "23:00-09:00"),
        ({**minimal(), "presets": {"vip": {"columns": {"start": "开始"}}}}, "presets.vip.columns", "external_id"),
        ({**minimal(), "presets": {"jd": {"columns": {}}}}, "presets.jd", "built-in"),
        (
            {**minimal(), "presets": {"v": {"columns": {"external_id": "a", "start": "b"}, "ratings": {"好": "great"}}}},
            "presets.v.ratings",
            "very_satisfied",
        ),
        ({**minimal(), "roster": [{"agent": 1, "account": "tmall"}]}, "roster[0].account", "unknown account"),
        ({**minimal(), "roster": [{"agent": "王芳", "account": "jd"}]}, "roster[0].agent", "Telegram user id"),
        ({**minimal(), "roster": [{"agent": 1, "account": "jd", "weekdays": [0]}]}, "roster[0].weekdays", "1 (Monday)"),
        ({**minimal(), "roster": [{"agent": 1, "account": "jd", "from": "9am"}]}, "roster[0].from", "time of day"),
        ({"team": {"chat_id": -1}, "accounts": [{"key": "jd", "pull": {"url": "ftp://x"}}]}, "accounts[0].pull.url", "http"),
        ({"team": {"chat_id": -1}, "accounts": [{"key": "jd", "preset": "amazon"}]}, "accounts[0].preset", "unknown preset"),
        ({**minimal(), "payout": {"pool": 12.345}}, "payout.pool", "two decimals"),
        ({**minimal(), "payout": {"scheme": "lottery"}}, "payout", "scheme"),
        ({**minimal(), "rules": {"factors": {"smiles": {"weight": 5, "normalisation": "share"}}}}, "rules", "unknown factor"),
        ({**minimal(), "collaboration": {"thanks": {"daily_allowance": -1}}}, "collaboration", "daily_allowance"),
        ({**minimal(), "schedule": {"monthly_digest_day": 31}}, "schedule.monthly_digest_day", "1 to 28"),
    ],
)
def test_a_bad_value_names_its_key_and_the_problem(raw, key, words):
    with pytest.raises(ConfigError) as error:
        parse_config(raw)
    assert error.value.key == key
    assert words in str(error.value)


def test_the_roster_reads_iso_weekdays_and_quiet_hours_can_be_switched_off():
    raw = {
        **minimal(),
        "roster": [{"agent": 7, "account": "jd", "weekdays": [1, 7], "from": "21:00", "to": "06:00"}],
        "attribution": {"quiet_hours": {"jd": ""}},
    }
    config = parse_config(raw)
    (entry,) = config.roster
    assert entry.weekdays == frozenset({0, 6}) and (entry.start, entry.end) == (time(21), time(6))
    assert config.attribution.quiet_hours["jd"] is None


def test_a_missing_token_is_named_when_asked_for():
    with pytest.raises(ConfigError, match="BATON_TOKEN"):
        parse_config(minimal()).require_token()


def run_baton(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60)


def test_baton_run_without_a_token_exits_2_naming_BATON_TOKEN(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(EXAMPLE.parent)}
    result = run_baton("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "BATON_TOKEN" in result.stderr
    config = tmp_path / "config.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_baton("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "BATON_TOKEN" in result.stderr


def test_baton_run_with_a_bad_config_exits_2_naming_the_key(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Asia/Shanghai", "Asia/Atlantis"), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(EXAMPLE.parent), "BATON_TOKEN": "1:x"}
    result = run_baton("--config", str(config), "run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "team.timezone" in result.stderr and "Asia/Atlantis" in result.stderr
