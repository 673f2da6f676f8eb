"""What /covered reads: an account, an optional day, and a span however people write its dash."""

from datetime import date, time

import pytest

from bot.core.errors import Refused
from bot.covers import callbacks as cb
from bot.covers.parse import ClaimTyped, parse_claim
from tests.factories import local


@pytest.mark.parametrize("typed", ["jd 12:05-12:40", "JD 12:05 - 12:40", "jd 12：05～12：40", "jd 12:05至12:40", "jd 12:05 to 12:40"])
def test_a_span_is_read_whatever_its_dash(typed):
    assert parse_claim(typed.split()) == ClaimTyped("jd", None, time(12, 5), time(12, 40))


def test_a_day_may_come_first():
    assert parse_claim(["jd", "2026-11-02", "23:40-00:20"]) == ClaimTyped("jd", date(2026, 11, 2), time(23, 40), time(0, 20))


@pytest.mark.parametrize("typed", ["", "jd", "jd 12:05", "jd 25:00-26:00", "jd noon-13:00", "jd 2026-11-02", "jd 1 2 3 4 5 6 7"])
def test_anything_else_is_not_a_claim(typed):
    assert parse_claim(typed.split()) is None


def test_a_day_outside_the_calendar_is_refused_in_words():
    with pytest.raises(Refused):
        parse_claim(["jd", "1900-01-01", "12:05-12:40"])


def test_the_buttons_carry_the_claim_and_nothing_else_reads_as_one():
    press = cb.ClaimPress(cb.CONFIRM, 123456, 789, local("2026-11-02", "12:05"), local("2026-11-02", "12:40"))
    assert cb.decode(cb.encode(press)) == press
    for data in ("cv:y:1:2:3", "cv:x:1:2:3:4", "cv:y:1:2:3:-4", "rm:y:1:2:3:4", "cv:y:１:2:3:4", None):
        assert cb.decode(data) is None
