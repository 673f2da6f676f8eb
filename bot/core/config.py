"""Configuration: one TOML file, validated up front so a bad value fails at start-up, not at 22:00.

Lookup order: `--config PATH`, else `$BATON_CONFIG`, else `./config.toml`; `BATON_TOKEN`,
`BATON_WEBHOOK_SECRET` and `BATON_DATABASE_URL` override the file's values. Every problem names the key it is about.
"""

from __future__ import annotations

import os
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.config_accounts import PLATFORMS, configured_preset, read_accounts, read_presets
from bot.core.config_values import (
    boolean,
    choice,
    clock_time,
    import_settings,
    non_negative,
    positive_int,
    positive_number,
    quiet_window,
    scoring_window,
    string,
    table,
)
from bot.core.settings import (
    LANGUAGES,
    TELEGRAM_API,
    TELEGRAM_FILES,
    AccountSettings,
    AttributionSettings,
    BotSettings,
    ChecksSettings,
    Config,
    ConfigError,
    FairnessSettings,
    PayoutSettings,
    PresenceSettings,
    RosterSettings,
    ScheduleSettings,
    TeamSettings,
)
from domain.collaboration import CollaborationPolicy
from domain.ledger import PointRates
from domain.payouts import PayoutPolicy
from domain.rules import Rules, default_rules

__all__ = ["AccountSettings", "Config", "ConfigError", "config_path", "configured_preset", "load_config", "parse_config"]

MODES = ("polling", "webhook")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


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
    bot = table(raw, "bot")
    team = table(raw, "team")
    schedule = table(raw, "schedule")
    points = table(raw, "points")
    database = table(raw, "database")
    presets = read_presets(table(raw, "presets"))
    accounts = read_accounts(raw.get("accounts"), {p.name for p in presets})
    return Config(
        bot=_bot(bot, environ),
        team=TeamSettings(
            name=string(team, "team.name", "Baton"),
            chat_id=_chat_id(team),
            timezone=_timezone(team),
            language=choice(team, "team.language", LANGUAGES, "zh"),
            supervisors=_supervisors(team),
            supervisors_include_group_admins=boolean(team, "team.supervisors_include_group_admins", False),
        ),
        accounts=accounts,
        schedule=ScheduleSettings(
            daily_digest=clock_time(schedule, "schedule.daily_digest", "22:00"),
            compile_every_minutes=positive_int(schedule, "schedule.compile_every_minutes", 10),
            monthly_digest_day=_day_of_month(schedule),
            monthly_digest_time=clock_time(schedule, "schedule.monthly_digest_time", "10:00"),
        ),
        points=PointRates(
            per_case=non_negative(points, "points.per_case", 1.0),
            per_hour=non_negative(points, "points.per_hour", 1.0),
            per_conversation=non_negative(points, "points.per_conversation", 0.5),
        ),
        database_url=environ.get("BATON_DATABASE_URL") or string(database, "database.url", "sqlite:///baton.db"),
        attribution=_attribution(table(raw, "attribution")),
        presets=presets,
        roster=_roster(_roster_shifts(raw.get("roster", [])), {a.key for a in accounts}),
        swaps_auto_approve=boolean(raw["roster"] if isinstance(raw.get("roster"), dict) else {}, "roster.swaps_auto_approve", False),
        rules=_domain_table("rules", table(raw, "rules"), Rules.from_mapping, default_rules()),
        collaboration=_domain_table("collaboration", table(raw, "collaboration"), CollaborationPolicy.from_mapping, CollaborationPolicy()),
        payout=_payout(table(raw, "payout")),
        checks=_checks(table(raw, "checks")),
        fairness=_fairness(table(raw, "fairness")),
        imports=import_settings(table(raw, "imports")),
        presence=_presence(table(raw, "presence")),
    )


def _bot(bot: dict[str, Any], environ: dict[str, str]) -> BotSettings:
    webhook_url = string(bot, "bot.webhook_url", "")
    if webhook_url and not webhook_url.startswith(("https://", "http://")):
        raise ConfigError("bot.webhook_url", f"must be the public https URL Telegram posts to, got {webhook_url!r}")
    port = bot.get("port", 8443)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise ConfigError("bot.port", f"must be a TCP port from 1 to 65535, got {port!r}")
    pace = bot.get("group_writes_per_minute", 20)
    if isinstance(pace, bool) or not isinstance(pace, int) or not (pace == 0 or 4 <= pace <= 20):
        raise ConfigError(
            "bot.group_writes_per_minute", f"must be a whole number from 4 to 20 (Telegram's limit), or 0 for not paced, got {pace!r}"
        )
    secret = environ.get("BATON_WEBHOOK_SECRET") or string(bot, "bot.webhook_secret", "")
    if secret and not _WEBHOOK_SECRET.match(secret):
        raise ConfigError("BATON_WEBHOOK_SECRET", "must be 1-256 characters A-Z, a-z, 0-9, _ or - (Telegram's rule for secret_token)")
    return BotSettings(
        token=environ.get("BATON_TOKEN") or string(bot, "bot.token", ""),
        base_url=string(bot, "bot.base_url", TELEGRAM_API),
        base_file_url=string(bot, "bot.base_file_url", TELEGRAM_FILES),
        mode=choice(bot, "bot.mode", MODES, "polling"),
        webhook_url=webhook_url,
        listen=string(bot, "bot.listen", "127.0.0.1"),
        port=port,
        # Behind a proxy that passes the path through, the local path is the public one.
        path=string(bot, "bot.path", urlsplit(webhook_url).path or "/"),
        webhook_secret=secret,
        group_writes_per_minute=pace,
    )


def _domain_table(name: str, section: dict[str, Any], build, default):
    """Tables the domain validates itself; its message is passed on with the table's name."""
    if not section:
        return default
    try:
        return build(section)
    except (ValueError, TypeError) as exc:
        raise ConfigError(name, str(exc)) from None


def _payout(section: dict[str, Any]) -> PayoutSettings:
    section = dict(section)
    pool = section.pop("pool", 0)
    if isinstance(pool, bool) or not isinstance(pool, int | float) or pool < 0:
        raise ConfigError("payout.pool", f"must be an amount in yuan >= 0, like 12000 or 12000.50; got {pool!r}")
    cents = Decimal(str(pool)) * 100
    if cents != cents.to_integral_value():
        raise ConfigError("payout.pool", f"has more than two decimals: {pool!r}")
    return PayoutSettings(pool_cents=int(cents), policy=_domain_table("payout", section, PayoutPolicy.from_mapping, PayoutPolicy()))


def _day_of_month(schedule: dict[str, Any]) -> int:
    day = schedule.get("monthly_digest_day", 1)
    if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= 28:
        raise ConfigError("schedule.monthly_digest_day", f"must be a day from 1 to 28 (every month has it), got {day!r}")
    return day


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


def _attribution(section: dict[str, Any]) -> AttributionSettings:
    quiet = dict(AttributionSettings().quiet_hours)
    raw_quiet = section.get("quiet_hours", {})
    if not isinstance(raw_quiet, dict):
        raise ConfigError("attribution.quiet_hours", 'must be a table of platform = "HH:MM-HH:MM" (or "" for none)')
    for platform, window in raw_quiet.items():
        quiet[platform] = quiet_window(window, f"attribution.quiet_hours.{platform}")
    prior = section.get("satisfaction_prior", 5)
    if not isinstance(prior, int | float) or isinstance(prior, bool) or prior < 0:
        raise ConfigError("attribution.satisfaction_prior", f"must be a number >= 0, got {prior!r}")
    return AttributionSettings(
        moment=choice(section, "attribution.moment", ("start", "first_reply"), "first_reply"),
        roster_early_minutes=_whole_minutes(section, "attribution.roster_early_minutes", AttributionSettings.roster_early_minutes),
        satisfaction_prior=float(prior),
        quiet_hours=quiet,
    )


def _fairness(section: dict[str, Any]) -> FairnessSettings:
    values = {}
    for name, default in vars(FairnessSettings()).items():
        value = section.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"fairness.{name}", f"must be a whole number >= 0 (0: no limit), got {value!r}")
        values[name] = value
    return FairnessSettings(**values)


def _whole_minutes(section: dict[str, Any], key: str, default: int) -> int:
    """A whole number of minutes, none allowed (ask the moment the roster or the scoring hours end)."""
    value = section.get(key.rsplit(".", 1)[-1], default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ConfigError(key, f"must be a whole number of minutes >= 0, got {value!r}")
    return value


def _checks(section: dict[str, Any]) -> ChecksSettings:
    defaults = ChecksSettings()
    hours = dict(defaults.scoring_hours)
    raw_hours = section.get("scoring_hours", {})
    if not isinstance(raw_hours, dict):
        raise ConfigError("checks.scoring_hours", 'must be a table of platform = "HH:MM-HH:MM" ("" to watch nothing)')
    for platform, window in raw_hours.items():
        if platform not in PLATFORMS:
            raise ConfigError(f"checks.scoring_hours.{platform}", f"unknown platform; one of {', '.join(PLATFORMS)}")
        hours[platform] = scoring_window(window, f"checks.scoring_hours.{platform}")
    checks = ChecksSettings(
        every_minutes=positive_int(section, "checks.every_minutes", defaults.every_minutes),
        max_hold_hours=positive_number(section, "checks.max_hold_hours", defaults.max_hold_hours),
        auto_close_hours=positive_number(section, "checks.auto_close_hours", defaults.auto_close_hours),
        unattended_minutes=positive_int(section, "checks.unattended_minutes", defaults.unattended_minutes),
        scoring_hours=hours,
        late_minutes=positive_int(section, "checks.late_minutes", defaults.late_minutes),
        handoff_grace_minutes=_whole_minutes(section, "checks.handoff_grace_minutes", defaults.handoff_grace_minutes),
        cover_overdue_minutes=positive_int(section, "checks.cover_overdue_minutes", defaults.cover_overdue_minutes),
        day_end=clock_time(section, "checks.day_end", "23:59"),
        morning=clock_time(section, "checks.morning", "09:00"),
    )
    if checks.auto_close_hours <= checks.max_hold_hours:
        raise ConfigError(
            "checks.auto_close_hours", f"must be more than max_hold_hours ({checks.max_hold_hours:g}), got {checks.auto_close_hours:g}"
        )
    if checks.day_end == checks.morning:
        raise ConfigError("checks.morning", "must differ from day_end: a typed time before the morning is read as after the day's end")
    return checks


def _presence(section: dict[str, Any]) -> PresenceSettings:
    defaults = PresenceSettings()
    unknown = set(section) - set(vars(defaults))
    if unknown:
        raise ConfigError(f"presence.{sorted(unknown)[0]}", f"unknown key; one of {', '.join(sorted(vars(defaults)))}")
    return PresenceSettings(**{name: positive_int(section, f"presence.{name}", default) for name, default in vars(defaults).items()})


def _roster_shifts(value: Any) -> Any:
    """`[[roster]]` lists the shifts; `[roster]` is a table with settings and `[[roster.shifts]]`."""
    return value.get("shifts", []) if isinstance(value, dict) else value


def _roster(value: Any, account_keys: set[str]) -> tuple[RosterSettings, ...]:
    if not isinstance(value, list):
        raise ConfigError("roster", "must be an array of tables, written [[roster]]")
    entries = []
    for index, entry in enumerate(value):
        where = f"roster[{index}]"
        if not isinstance(entry, dict):
            raise ConfigError(where, "must be a table")
        agent = entry.get("agent")
        if not isinstance(agent, int) or isinstance(agent, bool):
            raise ConfigError(f"{where}.agent", f"must be the agent's Telegram user id, got {agent!r}")
        account = string(entry, f"{where}.account", "")
        if account not in account_keys:
            raise ConfigError(f"{where}.account", f"unknown account {account!r}")
        weekdays = entry.get("weekdays", [1, 2, 3, 4, 5])
        if not isinstance(weekdays, list) or not weekdays or not all(isinstance(d, int) and 1 <= d <= 7 for d in weekdays):
            raise ConfigError(f"{where}.weekdays", f"must list days 1 (Monday) to 7 (Sunday), got {weekdays!r}")
        entries.append(
            RosterSettings(
                tg_user_id=agent,
                name=string(entry, f"{where}.name", str(agent)),
                account=account,
                weekdays=frozenset(d - 1 for d in weekdays),
                start=clock_time(entry, f"{where}.from", "09:00"),
                end=clock_time(entry, f"{where}.to", "18:00"),
            )
        )
    return tuple(entries)
