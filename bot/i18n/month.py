"""Strings of the month: rules, collaboration, adjustments, /me, the close and the monthly digest."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {}
