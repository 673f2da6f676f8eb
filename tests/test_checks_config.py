"""[checks]: defaults, validation naming the key, and the reminders' callback_data."""

from datetime import UTC, datetime, time

import pytest

from bot.core.config import ConfigError, parse_config
from bot.reminders import callbacks as rcb
from tests.test_config import EXAMPLE, minimal


def test_checks_default_to_the_platforms_scoring_hours_and_sensible_thresholds():
    checks = parse_config(minimal()).checks
    assert (checks.every_minutes, checks.max_hold_hours, checks.auto_close_hours) == (5, 10.0, 30.0)
    assert (checks.unattended_minutes, checks.late_minutes) == (30, 15)
    assert (checks.day_end, checks.morning) == (time(23, 59), time(9, 0))
    assert checks.handoff_grace_minutes == 30
    assert checks.cover_overdue_minutes == 60
    assert parse_config({**minimal(), "checks": {"handoff_grace_minutes": 0}}).checks.handoff_grace_minutes == 0
    assert checks.scoring_hours == {"jd": (time(9), time(23)), "tmall": (time(8), time(0))}


def test_a_platform_can_be_watched_until_midnight_or_not_at_all():
    checks = parse_config({**minimal(), "checks": {"scoring_hours": {"vip": "10:00-24:00", "jd": ""}}}).checks
    assert checks.scoring_hours == {"jd": None, "tmall": (time(8), time(0)), "vip": (time(10), time(0))}


def test_the_example_documents_every_checks_key():
    text = EXAMPLE.read_text(encoding="utf-8")
    for key in (
        "every_minutes",
        "max_hold_hours",
        "auto_close_hours",
        "unattended_minutes",
        "late_minutes",
        "handoff_grace_minutes",
        "cover_overdue_minutes",
        "day_end",
        "morning",
        "scoring_hours",
    ):
        assert f"{key} =" in text, key


@pytest.mark.parametrize(
    "checks, key, words",
    [
        ({"max_hold_hours": 0}, "checks.max_hold_hours", "> 0"),
        ({"max_hold_hours": 12, "auto_close_hours": 12}, "checks.auto_close_hours", "more than max_hold_hours"),
        ({"unattended_minutes": 1.5}, "checks.unattended_minutes", "whole number"),
        ({"handoff_grace_minutes": -5}, "checks.handoff_grace_minutes", "whole number of minutes"),
        ({"handoff_grace_minutes": 2.5}, "checks.handoff_grace_minutes", "whole number of minutes"),
        ({"cover_overdue_minutes": 0}, "checks.cover_overdue_minutes", "whole number"),
        ({"morning": "soon"}, "checks.morning", "time of day"),
        ({"morning": "23:59"}, "checks.morning", "differ from day_end"),
        ({"scoring_hours": {"jd": "nine to five"}}, "checks.scoring_hours.jd", "09:00-23:00"),
        ({"scoring_hours": {"amazon": "09:00-17:00"}}, "checks.scoring_hours.amazon", "unknown platform"),
        ({"scoring_hours": "09:00-23:00"}, "checks.scoring_hours", "table"),
    ],
)
def test_a_bad_checks_value_is_refused_naming_its_key(checks, key, words):
    with pytest.raises(ConfigError) as raised:
        parse_config({**minimal(), "checks": checks})
    assert raised.value.key == key and words in raised.value.problem


def test_reminder_buttons_round_trip_and_stay_under_64_bytes():
    at = datetime(2026, 11, 2, 10, 5, tzinfo=UTC)
    for press in (
        rcb.ReminderPress(rcb.STILL_ON, 2**31),
        rcb.ReminderPress(rcb.HAND_OFF_NOW, 7),
        rcb.ReminderPress(rcb.LEFT_AT, 2**31, at),
        rcb.ReminderPress(rcb.JUST_NOW, 2**31),
    ):
        data = rcb.encode(press)
        assert len(data.encode()) <= 64 and rcb.decode(data) == press
    assert rcb.decode("t:jd:0") is None and rcb.decode("rm:l:3") is None and rcb.decode("rm:s:x") is None
    with pytest.raises(ValueError):
        rcb.encode(rcb.ReminderPress(rcb.LEFT_AT, 1))


def test_every_reason_a_hold_is_overdue_has_words_in_every_language():
    from bot.text.i18n import LANGUAGES, MESSAGES
    from domain.checks import DAY_END, ROSTER, SCORING

    for reason in (ROSTER, SCORING, DAY_END):
        assert set(MESSAGES[f"reminder.overdue.{reason}"]) == set(LANGUAGES), reason
