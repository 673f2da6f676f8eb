"""Time enters the domain only through a Clock, so tests and the demo can drive it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class ManualClock:
    """A clock that moves only when told to: for tests and the scripted demo."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        self._now = as_utc(instant)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now


def as_utc(instant: datetime) -> datetime:
    """Refuse naive datetimes: a naive instant is a bug waiting for a time zone."""
    if instant.tzinfo is None:
        raise ValueError(f"naive datetime {instant!r}: localise it before it enters the domain")
    return instant.astimezone(UTC)
