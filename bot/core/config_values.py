"""Reading one value of the configuration: each reader names the key in the error it raises."""

from __future__ import annotations

from datetime import time
from typing import Any

from bot.core.settings import ConfigError, ImportSettings


def table(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(name, "must be a table, like [" + name + "]")
    return value


def leaf(key: str) -> str:
    return key.rsplit(".", 1)[-1]


def string(section: dict[str, Any], key: str, default: str) -> str:
    value = section.get(leaf(key), default)
    if not isinstance(value, str):
        raise ConfigError(key, f"must be a string, got {value!r}")
    return value


def choice(section: dict[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
    value = string(section, key, default)
    if value not in choices:
        raise ConfigError(key, f"must be one of {', '.join(choices)}; got {value!r}")
    return value


def boolean(section: dict[str, Any], key: str, default: bool) -> bool:
    value = section.get(leaf(key), default)
    if not isinstance(value, bool):
        raise ConfigError(key, f"must be true or false, got {value!r}")
    return value


def positive_int(section: dict[str, Any], key: str, default: int) -> int:
    value = section.get(leaf(key), default)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(key, f"must be a positive whole number, got {value!r}")
    return value


def positive_number(section: dict[str, Any], key: str, default: float) -> float:
    value = section.get(leaf(key), default)
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ConfigError(key, f"must be a number > 0, got {value!r}")
    return float(value)


def non_negative(section: dict[str, Any], key: str, default: float) -> float:
    value = section.get(leaf(key), default)
    if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
        raise ConfigError(key, f"must be a number >= 0, got {value!r}")
    return float(value)


def clock_time(section: dict[str, Any], key: str, default: str) -> time:
    value = section.get(leaf(key), default)
    if isinstance(value, time):
        return value
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(key, f'must be a time of day like "22:00", got {value!r}') from None


def quiet_window(value: Any, key: str) -> tuple[time, time] | None:
    if value in ("", None):
        return None
    try:
        start, end = str(value).split("-")
        return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise ConfigError(key, f'must look like "23:00-09:00", got {value!r}') from None


def scoring_window(value: Any, key: str) -> tuple[time, time] | None:
    """ "09:00-23:00"; "08:00-24:00" ends at midnight, kept as 00:00 (an end at or before the start runs past midnight)."""
    if value in ("", None):
        return None
    try:
        start, end = (part.strip() for part in str(value).split("-"))
        return time.fromisoformat(start), time(0) if end == "24:00" else time.fromisoformat(end)
    except ValueError:
        raise ConfigError(key, f'must look like "09:00-23:00" ("24:00" for midnight), got {value!r}') from None


def import_settings(section: dict[str, Any]) -> ImportSettings:
    default = ImportSettings()
    return ImportSettings(
        max_file_mb=positive_int(section, "imports.max_file_mb", default.max_file_mb),
        max_inflated_mb=positive_int(section, "imports.max_inflated_mb", default.max_inflated_mb),
        max_cells=positive_int(section, "imports.max_cells", default.max_cells),
        max_rows=positive_int(section, "imports.max_rows", default.max_rows),
    )
