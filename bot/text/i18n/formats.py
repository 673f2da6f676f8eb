"""Numbers, money and dates as each language writes them, by Babel's CLDR data.

Money is integer cents all the way here and becomes a Decimal only to be written, so no float
ever rounds a payout. The team is paid in yuan; both languages write it ¥, as the team does
(CLDR's English "CN¥" is for readers who might take ¥ for yen).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

LOCALES = {"zh": "zh_CN", "en": "en"}
YUAN = "¥#,##0.00;-¥#,##0.00"
DAY_FORMATS = {"zh": "long", "en": "d MMM y"}  # 2026年11月26日 · 26 Nov 2026


def locale_of(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["zh"])


def money(lang: str, cents: int) -> str:
    """¥1,234.56 in either language, from integer cents."""
    return format_decimal(Decimal(int(cents)).scaleb(-2), format=YUAN, locale=locale_of(lang))


def number(lang: str, value: float | int | Decimal, decimals: int = 0) -> str:
    """Grouped by the locale, with exactly `decimals` places."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale_of(lang))


def long_date(lang: str, day: date) -> str:
    return format_date(day, DAY_FORMATS.get(lang, "long"), locale=locale_of(lang))


def month_name(lang: str, month: str) -> str:
    """ "2026-11" as 2026年11月 or Nov 2026."""
    year, number_ = (int(part) for part in month.split("-"))
    return format_skeleton("yMMM", date(year, number_, 1), locale=locale_of(lang))
