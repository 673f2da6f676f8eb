"""Small builders the tests share, so they read in the domain's words."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from bot.core.config import parse_config
from storage.db import make_engine, normalise_url

SHANGHAI = ZoneInfo("Asia/Shanghai")
GROUP_ID = -1001234567890
SUPERVISOR_ID = 9000


def local(day: str, hhmm: str) -> datetime:
    """A Shanghai wall-clock time, as the aware UTC instant the domain works with."""
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=SHANGHAI).astimezone(UTC)


def team_config(database_url: str = "sqlite:///:memory:", **overrides):
    raw = {
        "bot": {"token": "123456:TEST-TOKEN"},
        "team": {"name": "客服一组", "chat_id": GROUP_ID, "timezone": "Asia/Shanghai", "language": "zh", "supervisors": [SUPERVISOR_ID]},
        "accounts": [
            {"key": "jd", "platform": "jd", "label": "京东旗舰店"},
            {"key": "vip", "platform": "vip", "label": "唯品会店"},
        ],
        "schedule": {"daily_digest": "22:00", "compile_every_minutes": 10},
        "points": {"per_case": 1.0, "per_hour": 2.0},
        "database": {"url": database_url},
        # Tests play many commands a second from one person: the allowances are tested on their own.
        "fairness": {"commands_per_minute": 0, "presses_per_minute": 0, "console_repeat_seconds": 0},
    }
    for section, values in overrides.items():
        raw[section] = {**raw.get(section, {}), **values} if isinstance(values, dict) else values
    return parse_config(raw)


def act(baton, person, use_case, *args, update_id: int | None = None, **kwargs):
    """`use_case` as `person`'s command, the way a handler runs it: one transaction, the update id recorded."""
    with baton.command(update_id, person) as uow:
        return use_case(uow, *args, **kwargs)


@contextmanager
def fresh_schema(server_url: str, prefix: str = "t") -> Iterator[str]:
    """A database URL on a new, empty schema of the PostgreSQL server given, dropped afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in server_url else "?"
    try:
        yield f"{normalise_url(server_url)}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
