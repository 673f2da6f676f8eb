"""Evidence of presence: idle hours, unanswered stretches, backdating limits, hand-back."""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from domain.collaboration import cover_minutes
from domain.holds import Hold
from domain.ledger import HOURS, PointRates, compile_day
from domain.presence import (
    Rostered,
    Waiting,
    backdate_choices,
    backdate_refusal,
    hand_backs,
    idle_spans,
    offered_moment,
    unanswered_stretches,
)
from domain.scoring_hours import outside_scoring_spans, scoring_spans
from tests.factories import SHANGHAI, local

JD = (time(9), time(23))
GRACE = timedelta(minutes=30)
DAY = "2026-11-02"
NEXT = "2026-11-03"


def idle(hold: Hold, shifts=(), activity=(), window=JD, horizon=None):
    return idle_spans(
        hold, horizon=horizon or local(NEXT, "12:00"), shifts=shifts, activity=activity, window=window, tz=SHANGHAI, grace=GRACE
    )


# -- scoring hours ----------------------------------------------------------------------------------


def test_scoring_spans_wrap_midnight_and_a_platform_without_a_window_scores_every_hour():
    start, end = local(DAY, "06:00"), local(NEXT, "06:00")
    assert scoring_spans((time(8), time(0)), start, end, SHANGHAI) == [(local(DAY, "08:00"), local(NEXT, "00:00"))]
    assert outside_scoring_spans(JD, start, end, SHANGHAI) == [(start, local(DAY, "09:00")), (local(DAY, "23:00"), end)]
    assert outside_scoring_spans(None, start, end, SHANGHAI) == []


# -- idle hours -------------------------------------------------------------------------------------


def test_a_hold_forgotten_past_the_rostered_end_is_idle_from_the_end_plus_grace_until_the_next_take_over():
    hold = Hold("jd", 1, local(DAY, "09:00"), local(NEXT, "09:30"), id=7)
    shift = Rostered("jd", 1, local(DAY, "09:00"), local(DAY, "17:00"))
    assert idle(hold, [shift], [local(DAY, "16:00")]) == [(local(DAY, "17:30"), local(NEXT, "09:30"))]
    # The last case after the grace moves the start of the idle hours to it.
    assert idle(hold, [shift], [local(DAY, "18:10")]) == [(local(DAY, "18:10"), local(NEXT, "09:30"))]


def test_a_hold_its_holder_handed_off_has_no_idle_hours():
    hold = Hold("jd", 1, local(DAY, "09:00"), local(DAY, "21:00"), id=7)
    shift = Rostered("jd", 1, local(DAY, "09:00"), local(DAY, "17:00"))
    assert (
        idle_spans(
            hold, horizon=local(NEXT, "12:00"), shifts=[shift], activity=[], window=JD, tz=SHANGHAI, grace=GRACE, ended_by_holder=True
        )
        == []
    )


def test_without_a_shift_only_hours_outside_scoring_hours_are_idle_and_they_stay_idle_into_the_morning():
    hold = Hold("jd", 1, local(DAY, "14:00"), local(NEXT, "10:00"), id=7)
    assert idle(hold, [], [local(DAY, "20:00")]) == [(local(DAY, "23:00"), local(NEXT, "10:00"))]
    # The early morning of a take-over is not the night: idle only once scoring hours closed.
    early = Hold("jd", 1, local(DAY, "08:30"), local(NEXT, "10:00"), id=8)
    assert idle(early, [], []) == [(local(DAY, "23:00"), local(NEXT, "10:00"))]
    # A platform scored around the clock never makes an unrostered holder idle.
    assert idle(hold, [], [], window=None) == []


def test_the_holders_next_shift_ends_the_idle_hours():
    hold = Hold("jd", 1, local(DAY, "09:00"), None, id=7)
    shifts = [Rostered("jd", 1, local(DAY, "09:00"), local(DAY, "17:00")), Rostered("vip", 1, local(NEXT, "09:00"), local(NEXT, "17:00"))]
    assert idle(hold, shifts, [], horizon=local(NEXT, "11:00")) == [(local(DAY, "17:30"), local(NEXT, "09:00"))]


def test_idle_hours_earn_no_hours_points():
    hold = Hold("jd", 1, local(DAY, "09:00"), local(DAY, "20:00"), id=7)
    spans = {7: [(local(DAY, "17:30"), local(DAY, "20:00"))]}
    (entry,) = compile_day(date(2026, 11, 2), SHANGHAI, [hold], [], PointRates(per_hour=2.0), local(NEXT, "00:00"), spans)
    assert (entry.kind, entry.quantity, entry.millipoints) == (HOURS, 8.5 * 3600, 17_000)


# -- cover counts only inside scoring hours ---------------------------------------------------------


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        [(a, g, pd.Timestamp(s), pd.Timestamp(e) if e is not None else pd.NaT) for a, g, s, e in rows],
        columns=["account", "agent_id", "start", "end"],
    )


def test_cover_outside_scoring_hours_and_idle_cover_count_nothing():
    holds = frame(("jd", 2, local(DAY, "20:00"), local(NEXT, "01:00")))
    roster = frame(("jd", 1, local(DAY, "09:00"), local(NEXT, "01:00")))
    everything = cover_minutes(holds, roster, now=local(NEXT, "02:00"), tz=SHANGHAI)
    assert everything["minutes"].sum() == 300
    night = [("jd", None, lo, hi) for lo, hi in outside_scoring_spans(JD, local(DAY, "00:00"), local(NEXT, "09:00"), SHANGHAI)]
    in_hours = cover_minutes(holds, roster, now=local(NEXT, "02:00"), tz=SHANGHAI, excluded=night)
    assert in_hours["minutes"].sum() == 180
    gone = [*night, ("jd", 2, local(DAY, "21:00"), local(NEXT, "01:00"))]
    assert cover_minutes(holds, roster, now=local(NEXT, "02:00"), tz=SHANGHAI, excluded=gone)["minutes"].sum() == 60


# -- unanswered stretches ---------------------------------------------------------------------------


def test_a_customer_waiting_an_hour_with_no_reply_at_all_during_a_hold_is_a_stretch():
    hold = Hold("jd", 1, local(DAY, "09:00"), local(DAY, "18:00"), id=3)
    waits = [
        Waiting("jd", local(DAY, "10:00"), local(DAY, "10:05")),
        Waiting("jd", local(DAY, "13:00"), local(DAY, "14:30")),  # 90 min with nothing answered
        Waiting("jd", local(DAY, "13:20"), local(DAY, "14:31")),
        Waiting("vip", local(DAY, "15:00"), None),  # another account
    ]
    (stretch,) = unanswered_stretches([hold], waits, horizon=local(DAY, "20:00"), minutes=60)
    assert (stretch.start, stretch.end, stretch.waiting, stretch.hold_id) == (local(DAY, "13:00"), local(DAY, "14:30"), 2, 3)


def test_a_reply_in_between_cuts_the_stretch_and_an_unanswered_customer_waits_the_threshold_only():
    hold = Hold("jd", 1, local(DAY, "09:00"), local(DAY, "18:00"), id=3)
    busy = [Waiting("jd", local(DAY, "13:00"), local(DAY, "14:30")), Waiting("jd", local(DAY, "13:10"), local(DAY, "13:40"))]
    assert unanswered_stretches([hold], busy, horizon=local(DAY, "20:00"), minutes=60) == []
    (lonely,) = unanswered_stretches([hold], [Waiting("jd", local(DAY, "16:00"), None)], horizon=local(DAY, "20:00"), minutes=60)
    assert (lonely.start, lonely.end) == (local(DAY, "16:00"), local(DAY, "17:00"))


# -- backdating -------------------------------------------------------------------------------------


def test_the_offered_moment_is_the_shift_start_within_the_limits():
    now, limit = local(DAY, "10:00"), timedelta(minutes=120)
    assert offered_moment(now, local(DAY, "09:00"), local(DAY, "08:00"), None, limit) == local(DAY, "09:00")
    assert offered_moment(now, local(DAY, "06:00"), local(DAY, "05:00"), None, limit) == local(DAY, "08:00")
    assert offered_moment(now, local(DAY, "09:00"), local(DAY, "09:20"), local(DAY, "09:40"), limit) == local(DAY, "09:40")
    assert offered_moment(now, None, local(DAY, "08:00"), None, limit) == now


def test_a_backdate_is_refused_into_the_future_before_the_holders_hold_or_case_and_past_the_limit():
    now, limit = local(DAY, "12:00"), timedelta(minutes=120)
    start, case = local(DAY, "09:00"), local(DAY, "10:30")
    assert backdate_refusal(local(DAY, "12:01"), now, start, case, limit) == "backdate_future"
    assert backdate_refusal(local(DAY, "10:29"), now, start, case, limit) == "backdate_before_holder"
    assert backdate_refusal(local(DAY, "09:59"), now, start, None, limit) == "backdate_too_far"
    assert backdate_refusal(local(DAY, "10:31"), now, start, case, limit) is None


# -- hand-back --------------------------------------------------------------------------------------


def test_a_cover_held_beside_ones_own_account_long_enough_is_handed_back_to_a_rostered_agent_who_is_back():
    now, after = local(DAY, "12:00"), timedelta(minutes=30)
    own, cover = Hold("jd", 1, local(DAY, "09:00"), id=1), Hold("vip", 1, local(DAY, "11:00"), id=2)
    shifts = [Rostered("jd", 1, local(DAY, "09:00"), local(DAY, "18:00")), Rostered("vip", 2, local(DAY, "09:00"), local(DAY, "18:00"))]
    (due,) = hand_backs([own, cover], shifts, {2: True}, now=now, after=after)
    assert (due.hold, due.rostered) == (cover, 2)
    assert hand_backs([own, cover], shifts, {2: False}, now=now, after=after) == [], "not back yet"
    assert hand_backs([cover], shifts, {2: True}, now=now, after=after) == [], "one account only: no cover beside one's own"
    assert hand_backs([own, cover], shifts, {2: True}, now=local(DAY, "11:20"), after=after) == [], "not long enough"


@given(
    back=st.integers(min_value=0, max_value=240),
    suggested=st.integers(min_value=0, max_value=240),
    seconds=st.integers(min_value=0, max_value=59),
)
def test_the_moments_offered_lie_between_the_earliest_allowed_and_now_with_the_suggestion_and_now_among_them(back, suggested, seconds):
    now = local("2026-11-02", "11:50") + timedelta(seconds=seconds)
    floor = now - timedelta(minutes=back)
    offered = max(floor, now - timedelta(minutes=suggested))
    choices = backdate_choices(now, offered, floor)
    assert list(choices) == sorted(set(choices)) and len(choices) <= 8
    assert all(floor <= c <= now for c in choices)
    assert offered in choices and now in choices
    if back >= 10:
        assert floor in choices, "the earliest allowed, when it is a while ago"
    gaps = [b - a for a, b in itertools.pairwise(choices)]
    assert max(gaps, default=timedelta(0)) <= timedelta(minutes=max(30, back // 4 + 10)), "spread over the whole span"
