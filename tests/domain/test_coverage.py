from datetime import date

from domain.coverage import coverage
from domain.holds import Hold
from tests.factories import SHANGHAI, local


def test_coverage_counts_held_time_against_the_part_of_the_day_that_has_passed():
    holds = [
        Hold("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "12:00")),
        Hold("jd", 2, local("2026-11-02", "12:00"), None),
    ]
    result = {c.account: c for c in coverage(date(2026, 11, 2), SHANGHAI, ["jd", "vip"], holds, now=local("2026-11-02", "18:00"))}
    assert result["jd"].held_seconds == 9 * 3600
    assert result["jd"].elapsed_seconds == 18 * 3600
    assert result["jd"].ratio == 0.5
    assert result["vip"].held_seconds == 0


def test_overlapping_holds_are_not_counted_twice():
    holds = [
        Hold("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "12:00")),
        Hold("jd", 2, local("2026-11-02", "11:00"), local("2026-11-02", "13:00")),
    ]
    (jd,) = coverage(date(2026, 11, 2), SHANGHAI, ["jd"], holds, now=local("2026-11-03", "09:00"))
    assert jd.held_seconds == 4 * 3600
    assert jd.elapsed_seconds == 24 * 3600
