"""What a supervisor may type after /fix_hold."""

from datetime import date, time

import pytest

from bot.core.errors import Refused
from bot.holds.parse import FixHold, ListHolds, parse_fix_hold


@pytest.mark.parametrize(
    "typed, parsed",
    [
        ("jd", ListHolds("jd", None)),
        ("JD 2026-11-02", ListHolds("jd", date(2026, 11, 2))),
        ("#12 end=18:30 忘记 交班", FixHold(12, None, (None, time(18, 30)), "忘记 交班")),
        (
            "12 start=2026-11-02T14:00 end=2026-11-02 18:30 x",
            FixHold(12, (date(2026, 11, 2), time(14)), (date(2026, 11, 2), time(18, 30)), "x"),
        ),
        ("#3 END=9：05", FixHold(3, None, (None, time(9, 5)), "")),
        ("#3", None),
        ("#3 end=soon x", None),
        ("#3 end=18:30 end=19:00 x", None),
        ("#3 end=2026-11-02 x", None),
        ("jd tomorrow", None),
        ("jd 2026-11-02 extra", None),
        ("", None),
    ],
)
def test_fix_hold_reads_a_listing_or_a_correction(typed, parsed):
    assert parse_fix_hold(typed.split()) == parsed


def test_a_date_outside_the_calendar_is_refused_as_typed():
    with pytest.raises(Refused) as refused:
        parse_fix_hold(["#3", "end=2101-01-01T10:00", "x"])
    assert (refused.value.code, refused.value.params["value"]) == ("out_of_calendar", "2101-01-01")
