"""The person behind an update, as Telegram names them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    tg_user_id: int
    name: str
    username: str | None = None
    language_code: str | None = None
