"""What supervisors type after /set_weight: a factor (by key or by label), a weight, a start date."""

from __future__ import annotations

import re
from datetime import date

from bot.core.calendar import checked_day
from bot.text.i18n import LANGUAGES, t
from domain.rules import KNOWN_FACTORS

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FROM_WORDS = ("from", "自", "从")


def parse_set_weight(args: list[str]) -> tuple[str, float, date | None] | None:
    """`factor weight [from YYYY-MM-DD]` → (factor word, weight, day or None); Refused outside the calendar."""
    words = list(args)
    if len(words) < 2 or not _NUMBER.match(words[1]):
        return None
    factor, weight, rest = words[0], float(words[1]), words[2:]
    if rest and rest[0].lower() in _FROM_WORDS:
        rest = rest[1:]
        if not rest:
            return None
    if not rest:
        return factor, weight, None
    if len(rest) != 1 or not _DAY.match(rest[0]):
        return None
    try:
        day = date.fromisoformat(rest[0])
    except ValueError:
        return None
    return factor, weight, checked_day(day, rest[0])


def factor_named(word: str) -> str:
    """A factor by its key or its label in either language (cases, 案例, "hours held" as hours_held)."""
    word = word.strip().lower()
    for factor in KNOWN_FACTORS:
        names = {factor} | {t(lang, f"explain.factor.{factor}").lower().replace(" ", "_") for lang in LANGUAGES}
        if word in names:
            return factor
    return word
