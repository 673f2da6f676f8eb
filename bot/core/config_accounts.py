"""The [[accounts]] and [presets.NAME] tables of the configuration: the shared logins and the
column presets their exports are read with."""

from __future__ import annotations

import re
from typing import Any

from bot.core.config_values import choice, positive_int, string
from bot.core.settings import AccountSettings, ConfigError, PresetSettings, PullSource
from domain.metrics import RATINGS
from storage.importers import PRESETS, SHAPES, ColumnPreset, preset_from_mapping

PLATFORMS = ("jd", "vip", "tmall", "other")
BUILTIN_PRESETS = tuple(PRESETS)
_ACCOUNT_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,23}$")


def read_accounts(value: Any, preset_names: set[str]) -> tuple[AccountSettings, ...]:
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
        key = string(entry, f"{where}.key", "")
        if not _ACCOUNT_KEY.match(key):
            raise ConfigError(f"{where}.key", f"must be 1-24 lowercase letters, digits, '-' or '_'; got {key!r}")
        if key in seen:
            raise ConfigError(f"{where}.key", f"duplicate account key {key!r}")
        seen.add(key)
        platform = choice(entry, f"{where}.platform", PLATFORMS, "other")
        preset = entry.get("preset")
        if preset is not None and preset not in preset_names | set(BUILTIN_PRESETS):
            raise ConfigError(
                f"{where}.preset", f"unknown preset {preset!r}; known: {', '.join(sorted(preset_names | set(BUILTIN_PRESETS)))}"
            )
        accounts.append(
            AccountSettings(
                key=key,
                platform=platform,
                label=string(entry, f"{where}.label", key),
                preset=preset,
                pull=_pull(entry.get("pull"), f"{where}.pull"),
            )
        )
    return tuple(accounts)


def _pull(value: Any, where: str) -> PullSource | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ConfigError(where, 'must be a table: pull = { url = "https://…", token = "…", interval_minutes = 15 }')
    url = string(value, f"{where}.url", "")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}.url", f"must be an http(s) URL, got {url!r}")
    return PullSource(
        url=url, token=string(value, f"{where}.token", ""), interval_minutes=positive_int(value, f"{where}.interval_minutes", 15)
    )


def read_presets(section: dict[str, Any]) -> tuple[PresetSettings, ...]:
    presets = []
    for name, body in section.items():
        where = f"presets.{name}"
        if name in BUILTIN_PRESETS:
            raise ConfigError(where, f"{name!r} is a built-in preset; give yours another name")
        if not isinstance(body, dict):
            raise ConfigError(where, "must be a table")
        columns = body.get("columns")
        if not isinstance(columns, dict) or not all(_headers(v) for v in columns.values()):
            raise ConfigError(
                f"{where}.columns",
                'must map fields to header texts (or lists of them), e.g. { external_id = "会话编号", start = "开始时间" }',
            )
        ratings = body.get("ratings", {})
        if not isinstance(ratings, dict) or not set(ratings.values()) <= set(RATINGS):
            raise ConfigError(f"{where}.ratings", f"must map labels to one of {', '.join(RATINGS)}")
        booleans = body.get("booleans", {})
        if not isinstance(booleans, dict) or not all(isinstance(v, bool) for v in booleans.values()):
            raise ConfigError(f"{where}.booleans", "must map labels to true or false")
        senders = body.get("senders", {})
        if not isinstance(senders, dict) or not set(senders.values()) <= {"customer", "shop", "system"}:
            raise ConfigError(f"{where}.senders", "must map labels to customer, shop or system")
        key = body.get("key")
        if key is not None and (not isinstance(key, list) or not key or not all(isinstance(k, str) for k in key)):
            raise ConfigError(f"{where}.key", f'must list the fields that identify a session, e.g. ["customer", "start"]; got {key!r}')
        gap = body.get("idle_gap_minutes")
        if gap is not None and (isinstance(gap, bool) or not isinstance(gap, int | float) or gap <= 0):
            raise ConfigError(f"{where}.idle_gap_minutes", f"must be a number of minutes > 0, got {gap!r}")
        settings = PresetSettings(
            name,
            choice(body, f"{where}.platform", PLATFORMS, "other"),
            {f: v if isinstance(v, str) else list(v) for f, v in columns.items()},
            dict(ratings),
            dict(booleans),
            shape=choice(body, f"{where}.shape", SHAPES, "sessions"),
            key=tuple(key) if key is not None else None,
            idle_gap_minutes=None if gap is None else float(gap),
            senders=dict(senders),
        )
        try:
            configured_preset(settings)
        except ValueError as exc:
            raise ConfigError(f"{where}.columns", str(exc)) from None
        presets.append(settings)
    return tuple(presets)


def _headers(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value))


def configured_preset(settings: PresetSettings) -> ColumnPreset:
    """The importer's preset for a [presets.NAME] table; ValueError names what does not fit."""
    return preset_from_mapping(
        settings.name,
        settings.platform,
        settings.columns,
        rating_labels=settings.ratings,
        boolean_labels=settings.booleans,
        shape=settings.shape,
        key=settings.key,
        idle_gap_minutes=settings.idle_gap_minutes,
        sender_labels=settings.senders,
    )
