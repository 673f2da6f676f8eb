"""Money, numbers and dates by locale: exact to the cent, in the shapes each language reads."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.text.i18n import LANGUAGES
from bot.text.i18n.formats import long_date, money, month_name, number


def test_money_is_yuan_with_grouping_in_both_languages():
    assert money("zh", 123456) == "¥1,234.56"
    assert money("en", 123456) == "¥1,234.56"
    assert money("zh", -5) == "-¥0.05"
    assert money("en", 1_200_000_00) == "¥1,200,000.00"


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(LANGUAGES))
def test_money_never_loses_a_cent(cents, lang):
    shown = money(lang, cents)
    sign = -1 if shown.startswith("-") else 1
    digits = shown.removeprefix("-").removeprefix("¥").replace(",", "").replace(".", "")
    assert sign * int(digits) == cents


def test_dates_and_months_read_as_each_language_writes_them():
    assert long_date("zh", date(2026, 11, 26)) == "2026年11月26日"
    assert long_date("en", date(2026, 11, 26)) == "26 Nov 2026"
    assert month_name("zh", "2026-11") == "2026年11月"
    assert month_name("en", "2026-11") == "Nov 2026"


def test_numbers_are_grouped_and_rounded_to_the_places_asked():
    assert number("en", 12345.678, 2) == "12,345.68"
    assert number("zh", 1234) == "1,234"
