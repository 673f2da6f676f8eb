"""Baton's calendar: the years a typed date may name, checked before any arithmetic can overflow."""

from datetime import date

import pytest

from domain.time import FIRST_DAY, LAST_DAY, in_calendar, month_in_calendar, week_in_calendar


@pytest.mark.parametrize(
    "day, inside",
    [
        (date.min, False),
        (date(1999, 12, 31), False),
        (FIRST_DAY, True),
        (date(2026, 11, 2), True),
        (LAST_DAY, True),
        (date(2101, 1, 1), False),
        (date.max, False),
    ],
)
def test_a_day_is_in_the_calendar_only_from_2000_to_2100(day, inside):
    assert in_calendar(day) is inside


@pytest.mark.parametrize(
    "month, inside",
    [
        ("0001-01", False),
        ("1999-12", False),
        ("2000-01", True),
        ("2100-12", True),
        ("2101-01", False),
        ("9999-12", False),
        ("2026-13", False),
        ("", False),
    ],
)
def test_a_month_is_in_the_calendar_when_all_its_days_are(month, inside):
    assert month_in_calendar(month) is inside


@pytest.mark.parametrize(
    "monday, inside",
    [
        (date(1999, 12, 20), False),
        (date(1999, 12, 27), True),
        (date(2100, 12, 27), True),
        (date(2101, 1, 3), False),
        (date(9999, 12, 27), False),
    ],
)
def test_a_week_is_in_the_calendar_when_any_of_its_days_is(monday, inside):
    assert week_in_calendar(monday) is inside
