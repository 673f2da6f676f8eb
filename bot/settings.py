"""The settings Baton runs with, as bot/config.py reads them from TOML and checks them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo

from domain.collaboration import CollaborationPolicy
from domain.ledger import PointRates
from domain.payouts import PayoutPolicy
from domain.rules import Rules, default_rules

TELEGRAM_API = "https://api.telegram.org/bot"
TELEGRAM_FILES = "https://api.telegram.org/file/bot"


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
class PullSource:
    """An HTTP endpoint that serves this account's conversations as paged JSON (docs/pull-api.md)."""

    url: str
    token: str
    interval_minutes: int = 15


@dataclass(frozen=True)
class AccountSettings:
    key: str
    platform: str
    label: str
    preset: str | None = None  # the export format of this account's files, when not the platform's own
    pull: PullSource | None = None


@dataclass(frozen=True)
class PresetSettings:
    """A column mapping for a platform without a built-in preset, such as Vipshop."""

    name: str
    platform: str
    columns: dict[str, str]
    ratings: dict[str, str] = field(default_factory=dict)
    booleans: dict[str, bool] = field(default_factory=dict)


@dataclass(frozen=True)
class RosterSettings:
    tg_user_id: int
    name: str
    account: str
    weekdays: frozenset[int]  # 0 = Monday, as date.weekday(); the file says 1 = Monday … 7 = Sunday
    start: time
    end: time


@dataclass(frozen=True)
class AttributionSettings:
    moment: str = "start"  # or "first_reply"
    satisfaction_prior: float = 5.0
    quiet_hours: dict[str, tuple[time, time] | None] = field(default_factory=lambda: {"jd": (time(23), time(9))})


@dataclass(frozen=True)
class ScheduleSettings:
    daily_digest: time = time(22, 0)
    compile_every_minutes: int = 10
    monthly_digest_day: int = 1  # day of the month on which last month's provisional standings are posted
    monthly_digest_time: time = time(10, 0)


@dataclass(frozen=True)
class PayoutSettings:
    pool_cents: int = 0  # the default pool for /close_month, from [payout] pool in yuan
    policy: PayoutPolicy = field(default_factory=PayoutPolicy)


@dataclass(frozen=True)
class Config:
    bot: BotSettings
    team: TeamSettings
    accounts: tuple[AccountSettings, ...]
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    points: PointRates = field(default_factory=PointRates)
    database_url: str = "sqlite:///baton.db"
    attribution: AttributionSettings = field(default_factory=AttributionSettings)
    presets: tuple[PresetSettings, ...] = ()
    roster: tuple[RosterSettings, ...] = ()
    rules: Rules = field(default_factory=default_rules)
    collaboration: CollaborationPolicy = field(default_factory=CollaborationPolicy)
    payout: PayoutSettings = field(default_factory=PayoutSettings)

    def is_supervisor(self, tg_user_id: int) -> bool:
        return tg_user_id in self.team.supervisors

    def account(self, key: str) -> AccountSettings | None:
        return next((a for a in self.accounts if a.key == key), None)

    def require_token(self) -> str:
        if not self.bot.token:
            raise ConfigError("BATON_TOKEN", "no bot token: set BATON_TOKEN in the environment or [bot] token in the file")
        return self.bot.token
