"""A supervisor's correction of a hold (/fix_hold): what the typed times mean, and what is refused."""

from datetime import date, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.holds import HELPER, Hold, fix_refusal, fixed_span
from tests.factories import SHANGHAI, local

NOW = local("2026-11-03", "10:00")
NIGHT = Hold("jd", 1, local("2026-11-02", "14:00"), local("2026-11-03", "09:00"), id=1)


def test_a_bare_time_is_read_on_the_day_the_hold_began_and_an_end_before_the_start_on_the_next():
    assert fixed_span(NIGHT, None, (None, time(18, 30)), SHANGHAI) == (local("2026-11-02", "14:00"), local("2026-11-02", "18:30"))
    assert fixed_span(NIGHT, None, (None, time(2, 0)), SHANGHAI)[1] == local("2026-11-03", "02:00")
    assert fixed_span(NIGHT, (None, time(13, 0)), None, SHANGHAI) == (local("2026-11-02", "13:00"), NIGHT.end)
    dated = fixed_span(NIGHT, (date(2026, 11, 1), time(23, 0)), (date(2026, 11, 2), time(1, 0)), SHANGHAI)
    assert dated == (local("2026-11-01", "23:00"), local("2026-11-02", "01:00"))
    still_open = Hold("jd", 1, local("2026-11-03", "08:00"), None, id=3)
    assert fixed_span(still_open, (None, time(7, 30)), None, SHANGHAI) == (local("2026-11-03", "07:30"), None)


def test_nonsense_ranges_and_the_future_are_refused():
    assert fix_refusal(NIGHT, local("2026-11-02", "19:00"), local("2026-11-02", "18:00"), [], NOW) == ("empty", None)
    assert fix_refusal(NIGHT, local("2026-11-02", "19:00"), local("2026-11-02", "19:00"), [], NOW) == ("empty", None)
    assert fix_refusal(NIGHT, local("2026-11-02", "14:00"), local("2026-11-03", "10:01"), [], NOW) == ("in_future", None)
    open_hold = Hold("jd", 1, local("2026-11-03", "08:00"), None, id=3)
    assert fix_refusal(open_hold, local("2026-11-03", "10:30"), None, [], NOW) == ("in_future", None)
    assert fix_refusal(NIGHT, local("2026-11-02", "14:00"), local("2026-11-02", "18:30"), [], NOW) is None


def test_overlaps_with_the_same_agents_holds_and_other_holders_are_refused_helpers_are_not():
    morning = Hold("jd", 2, local("2026-11-03", "09:00"), None, id=2)
    helper = Hold("jd", 3, local("2026-11-02", "15:00"), local("2026-11-02", "16:00"), id=4, role=HELPER)
    elsewhere = Hold("vip", 1, local("2026-11-02", "15:00"), local("2026-11-02", "16:00"), id=5)
    others = [NIGHT, morning, helper, elsewhere]
    assert fix_refusal(NIGHT, NIGHT.start, local("2026-11-03", "09:30"), others, NOW) == ("overlaps", morning)
    assert fix_refusal(NIGHT, NIGHT.start, local("2026-11-02", "18:30"), others, NOW) is None, "itself, a helper, another account"
    own_helping = Hold("jd", 1, local("2026-11-02", "10:00"), local("2026-11-02", "12:00"), id=6, role=HELPER)
    assert fix_refusal(NIGHT, local("2026-11-02", "11:00"), NIGHT.end, [own_helping], NOW) == ("overlaps", own_helping)
    assert fix_refusal(morning, local("2026-11-03", "08:00"), None, others, NOW) == ("overlaps", NIGHT)


minutes = st.integers(min_value=0, max_value=3 * 24 * 60)


@given(start=minutes, length=minutes, other_start=minutes, other_length=minutes)
def test_an_accepted_correction_never_overlaps_another_holder_on_the_account(start, length, other_start, other_length):
    base = local("2026-10-30", "00:00")
    hold = Hold("jd", 1, base, base + timedelta(minutes=1), id=1)
    other = Hold("jd", 2, base + timedelta(minutes=other_start), base + timedelta(minutes=other_start + other_length), id=2)
    new_start, new_end = base + timedelta(minutes=start), base + timedelta(minutes=start + length)
    if fix_refusal(hold, new_start, new_end, [other], NOW) is None:
        assert new_start < new_end <= NOW
        assert new_end <= other.start or other.end <= new_start or other.start == other.end
