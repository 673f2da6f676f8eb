"""Configuration: one TOML file, validated up front so a bad value fails at start-up, not at 22:00.

Lookup order: `--config PATH`, else `$BATON_CONFIG`, else `./config.toml`; `BATON_TOKEN` overrides
the file's token. Every problem names the key it is about.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.ledger import PointRates

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"
PLATFORMS = ("jd", "vip", "tmall", "other")
LANGUAGES = ("zh", "en")
MODES = ("polling", "webhook")
_ACCOUNT_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,23}$")


class ConfigError(Exception):
    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"config: {key}: {problem}")
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class BotSettings:
    token: str = ""
    base_url: str = TELEGRAM_API
    base_file_url: str = TELEGRAM_FILES
    mode: str = "polling"


@dataclass(frozen=True)
class TeamSettings:
    name: str
    chat_id: int
    timezone: ZoneInfo
    language: str = "zh"
    supervisors: frozenset[int] = frozenset()


@dataclass(frozen=True)
class AccountSettings:
    key: str
    platform: str
    label: str


@dataclass(frozen=True)
class ScheduleSettings:
    daily_digest: time = time(22, 0)
    compile_every_minutes: int = 10


@dataclass(frozen=True)
class Config:
    bot: BotSettings
    team: TeamSettings
    accounts: tuple[AccountSettings, ...]
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    points: PointRates = field(default_factory=PointRates)
    database_url: str = "sqlite:///baton.db"

    def account(self, key: str) -> AccountSettings | None:
        return next((a for a in self.accounts if a.key == key), None)

    def require_token(self) -> str:
        if not self.bot.token:
            raise ConfigError("BATON_TOKEN", "no bot token: set BATON_TOKEN in the environment or [bot] token in the file")
        return self.bot.token


def config_path(explicit: str | None) -> Path:
    return Path(explicit or os.environ.get("BATON_CONFIG") or "config.toml")


def load_config(path: Path, environ: dict[str, str] | None = None) -> Config:
    environ = os.environ if environ is None else environ
    if not path.exists():
        raise ConfigError(str(path), "file not found (copy config.example.toml to config.toml, or pass --config)")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML: {exc}") from exc
    return parse_config(raw, environ)


def parse_config(raw: dict[str, Any], environ: dict[str, str] | None = None) -> Config:
    environ = {} if environ is None else environ
    bot = _section(raw, "bot")
    team = _section(raw, "team")
    schedule = _section(raw, "schedule")
    points = _section(raw, "points")
    database = _section(raw, "database")
    return Config(
        bot=BotSettings(
            token=environ.get("BATON_TOKEN") or _str(bot, "bot.token", ""),
            base_url=_str(bot, "bot.base_url", TELEGRAM_API),
            base_file_url=_str(bot, "bot.base_file_url", TELEGRAM_FILES),
            mode=_choice(bot, "bot.mode", MODES, "polling"),
        ),
        team=TeamSettings(
            name=_str(team, "team.name", "Baton"),
            chat_id=_chat_id(team),
            timezone=_timezone(team),
            language=_choice(team, "team.language", LANGUAGES, "zh"),
            supervisors=_supervisors(team),
        ),
        accounts=_accounts(raw.get("accounts")),
        schedule=ScheduleSettings(
            daily_digest=_clock_time(schedule, "schedule.daily_digest", "22:00"),
            compile_every_minutes=_positive_int(schedule, "schedule.compile_every_minutes", 10),
        ),
        points=PointRates(
            per_case=_non_negative(points, "points.per_case", 1.0),
            per_hour=_non_negative(points, "points.per_hour", 1.0),
        ),
        database_url=_str(database, "database.url", "sqlite:///baton.db"),
    )


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(name, "must be a table, like [" + name + "]")
    return value


def _leaf(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def _str(section: dict[str, Any], key: str, default: str) -> str:
    value = section.get(_leaf(key), default)
    if not isinstance(value, str):
        raise ConfigError(key, f"must be a string, got {value!r}")
    return value


def _choice(section: dict[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
    value = _str(section, key, default)
    if value not in choices:
        raise ConfigError(key, f"must be one of {', '.join(choices)}; got {value!r}")
    return value


def _chat_id(team: dict[str, Any]) -> int:
    value = team.get("chat_id")
    if value is None:
        raise ConfigError("team.chat_id", "missing: the id of the team's group chat (a negative number for groups)")
    if not isinstance(value, int) or isinstance(value, bool) or value == 0:
        raise ConfigError("team.chat_id", f"must be a non-zero integer chat id, got {value!r}")
    return value


def _timezone(team: dict[str, Any]) -> ZoneInfo:
    name = team.get("timezone", "Asia/Shanghai")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ConfigError("team.timezone", f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai)") from None


def _supervisors(team: dict[str, Any]) -> frozenset[int]:
    value = team.get("supervisors", [])
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ConfigError("team.supervisors", f"must be a list of Telegram user ids, got {value!r}")
    return frozenset(value)


def _accounts(value: Any) -> tuple[AccountSettings, ...]:
    if not value:
        raise ConfigError("accounts", "at least one [[accounts]] entry is needed")
    if not isinstance(value, list):
        raise ConfigError("accounts", "must be an array of tables, written [[accounts]]")
    seen: set[str] = set()
    accounts = []
    for index, entry in enumerate(value):
        where = f"accounts[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(where, "must be a table")
        key = _str(entry, f"{where}.key", "")
        if not _ACCOUNT_KEY.match(key):
            raise ConfigError(f"{where}.key", f"must be 1-24 lowercase letters, digits, '-' or '_'; got {key!r}")
        if key in seen:
            raise ConfigError(f"{where}.key", f"duplicate account key {key!r}")
        seen.add(key)
        platform = _choice(entry, f"{where}.platform", PLATFORMS, "other")
        accounts.append(AccountSettings(key=key, platform=platform, label=_str(entry, f"{where}.label", key)))
    return tuple(accounts)


def _clock_time(section: dict[str, Any], key: str, default: str) -> time:
    value = section.get(_leaf(key), default)
    if isinstance(value, time):
        return value
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(key, f"must be a time of day like \"22:00\", got {value!r}") from None


def _positive_int(section: dict[str, Any], key: str, default: int) -> int:
    value = section.get(_leaf(key), default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(key, f"must be a positive whole number, got {value!r}")
    return value


def _non_negative(section: dict[str, Any], key: str, default: float) -> float:
    value = section.get(_leaf(key), default)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ConfigError(key, f"must be a number >= 0, got {value!r}")
    return float(value)
