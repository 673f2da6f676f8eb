"""A cover claimed afterwards: which hold it falls in, what is refused, and the three holds it leaves."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.cover_claims import MAX_SPAN, CoverClaim, claimed_hold, split_for_cover
from domain.holds import HELPER, Hold, HoldError
from tests.factories import local

NOW = local("2026-11-02", "15:00")
WANG, LI = 1, 2
HERS = Hold("jd", WANG, local("2026-11-02", "09:00"), None, id=10)
HIS = Hold("vip", LI, local("2026-11-02", "09:00"), None, id=11)


def claim(start: str, end: str, account: str = "jd", day: str = "2026-11-02") -> CoverClaim:
    return CoverClaim(account, LI, local(day, start), local(day, end))


def refusal(c: CoverClaim, holds: list[Hold]) -> str:
    with pytest.raises(HoldError) as refused:
        claimed_hold(c, holds, NOW)
    return refused.value.code


def test_a_break_inside_a_colleagues_hold_is_claimed_against_that_hold():
    assert claimed_hold(claim("12:05", "12:40"), [HERS, HIS], NOW) == HERS


def test_what_is_not_a_break_inside_one_colleagues_hold_is_refused():
    ended = Hold("jd", WANG, local("2026-11-02", "09:00"), local("2026-11-02", "12:30"), id=12)
    next_one = Hold("jd", 3, local("2026-11-02", "12:30"), None, id=13)
    his_jd = Hold("jd", LI, local("2026-11-02", "12:00"), local("2026-11-02", "12:10"), id=14, role=HELPER)
    assert refusal(claim("12:40", "12:05"), [HERS]) == "empty"
    assert refusal(claim("14:30", "15:10"), [HERS]) == "in_future"
    assert refusal(claim("12:05", "12:40", day="2026-10-31"), [HERS]) == "too_old"
    assert refusal(claim("09:30", "14:00"), [HERS]) == "too_long"
    assert refusal(claim("12:05", "12:08"), [HERS]) == "too_short"
    assert refusal(claim("12:05", "12:40"), [HERS, his_jd]) == "own_hold"
    assert refusal(claim("08:00", "08:40"), [HERS]) == "not_held"
    assert refusal(claim("08:50", "09:30"), [HERS]) == "crosses", "it begins before her hold"
    assert refusal(claim("09:00", "09:30"), [HERS]) == "crosses", "a cover from the hold's first minute is a missed take-over"
    assert refusal(claim("12:05", "12:40"), [ended, next_one]) == "crosses", "two holders in the span"
    assert refusal(claim("12:05", "12:30"), [ended]) == "crosses", "it must end before the hold does"
    assert claimed_hold(claim("12:05", "12:29"), [ended], NOW) == ended


def test_the_split_keeps_the_holds_id_on_the_part_before():
    cut = split_for_cover(HERS, claim("12:05", "12:40"))
    assert cut.before == Hold("jd", WANG, HERS.start, local("2026-11-02", "12:05"), id=10)
    assert cut.cover == Hold("jd", LI, local("2026-11-02", "12:05"), local("2026-11-02", "12:40"))
    assert cut.after == Hold("jd", WANG, local("2026-11-02", "12:40"), None)


minutes = st.integers(min_value=0, max_value=24 * 60)


near = st.integers(min_value=-30, max_value=300)  # a claim begins around the hold it is about


@given(hold_from=minutes, hold_for=st.one_of(st.none(), minutes), offset=near, length=near, other_from=minutes, other_for=minutes)
def test_an_accepted_claim_partitions_one_hold_and_overlaps_no_other_holder(hold_from, hold_for, offset, length, other_from, other_for):
    base = local("2026-11-01", "16:00")
    now = base + timedelta(hours=24)
    hold = Hold(
        "jd", WANG, base + timedelta(minutes=hold_from), None if hold_for is None else base + timedelta(minutes=hold_from + hold_for), id=1
    )
    other = Hold("jd", 3, base + timedelta(minutes=other_from), base + timedelta(minutes=other_from + other_for), id=2)
    start = hold_from + offset
    c = CoverClaim("jd", LI, base + timedelta(minutes=start), base + timedelta(minutes=start + length))
    try:
        found = claimed_hold(c, [hold, other], now)
    except HoldError:
        return
    cut = split_for_cover(found, c)
    assert cut.before.start == found.start < cut.before.end == cut.cover.start < cut.cover.end == cut.after.start
    assert cut.after.end == found.end and (found.end is None or cut.after.start < found.end)
    assert timedelta(minutes=5) <= cut.cover.end - cut.cover.start <= MAX_SPAN and cut.cover.end <= now
    for holder in (hold, other):
        if holder is not found:
            assert not (holder.start < c.end and (holder.end or now) > c.start), "another holder held it in the span"
