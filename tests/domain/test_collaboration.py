"""Collaboration points: cover, clean handovers, peer thanks, help at peak load."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.collaboration import (
    CollaborationPolicy,
    ThanksDecision,
    ThanksPolicy,
    check_thanks,
    collaboration_totals,
    cover_minutes,
    cover_points,
    handover_points,
    peak_help_minutes,
    peak_help_points,
    reciprocal_pairs,
    thanks_points,
)
from domain.time import TS_DTYPE

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2025, 3, 3)
NOW = datetime(2025, 3, 3, 23, 0, tzinfo=SHANGHAI).astimezone(UTC)


def at(hhmm: str, day: date = DAY) -> pd.Timestamp:
    """Shanghai wall-clock time as a UTC instant."""
    return pd.Timestamp(f"{day.isoformat()} {hhmm}", tz=SHANGHAI).tz_convert("UTC")


def spans(*rows) -> pd.DataFrame:
    """(account, agent_id, start, end-or-None) rows as a holds or roster frame."""
    frame = pd.DataFrame(rows, columns=["account", "agent_id", "start", "end"])
    frame["start"] = pd.to_datetime(frame["start"], utc=True).astype(TS_DTYPE)
    frame["end"] = pd.to_datetime(frame["end"], utc=True).astype(TS_DTYPE)
    return frame


def minutes_by_agent(frame: pd.DataFrame) -> dict[int, float]:
    return frame.groupby("agent_id")["minutes"].sum().to_dict()


NOBODY = spans()


# --- cover -----------------------------------------------------------------------------


def test_holding_when_nobody_was_rostered_is_cover():
    holds = spans(("jd", 1, at("09:00"), at("10:30")))
    cover = cover_minutes(holds, NOBODY, now=NOW, tz=SHANGHAI)
    assert cover.to_dict("records") == [{"agent_id": 1, "account": "jd", "day": DAY, "minutes": 90.0}]


def test_holding_your_own_rostered_shift_is_not_cover():
    holds = spans(("jd", 1, at("09:00"), at("12:00")))
    roster = spans(("jd", 1, at("08:00"), at("11:00")))
    assert minutes_by_agent(cover_minutes(holds, roster, now=NOW, tz=SHANGHAI)) == {1: 60.0}


def test_standing_in_for_an_absent_colleague_is_cover():
    holds = spans(("jd", 2, at("09:00"), at("11:00")))
    roster = spans(("jd", 1, at("09:00"), at("17:00")))
    assert minutes_by_agent(cover_minutes(holds, roster, now=NOW, tz=SHANGHAI)) == {2: 120.0}


def test_holding_beside_the_rostered_colleague_is_help_not_cover():
    # 1 is rostered 09-12 and holds 09-10; 2 holds 09-11: only 10-11 is cover.
    holds = spans(("jd", 1, at("09:00"), at("10:00")), ("jd", 2, at("09:00"), at("11:00")))
    roster = spans(("jd", 1, at("09:00"), at("12:00")))
    assert minutes_by_agent(cover_minutes(holds, roster, now=NOW, tz=SHANGHAI)) == {2: 60.0}


def test_being_rostered_on_another_account_does_not_stop_cover_here():
    holds = spans(("vip", 1, at("09:00"), at("10:00")))
    roster = spans(("jd", 1, at("09:00"), at("10:00")))
    assert minutes_by_agent(cover_minutes(holds, roster, now=NOW, tz=SHANGHAI)) == {1: 60.0}


def test_an_open_hold_counts_up_to_now():
    holds = spans(("jd", 1, at("22:00"), None))
    assert minutes_by_agent(cover_minutes(holds, NOBODY, now=NOW, tz=SHANGHAI)) == {1: 60.0}


def test_short_stretches_are_ignored_but_a_stretch_is_judged_whole_across_midnight():
    holds = spans(
        ("jd", 1, at("10:00"), at("10:10")),  # 10 minutes: too short
        ("jd", 1, at("23:50"), at("00:10", date(2025, 3, 4))),  # 20 minutes, 10 on each day
    )
    cover = cover_minutes(holds, NOBODY, now=at("12:00", date(2025, 3, 4)), tz=SHANGHAI, min_minutes=15)
    assert cover[["day", "minutes"]].values.tolist() == [[DAY, 10.0], [date(2025, 3, 4), 10.0]]


def test_back_to_back_holds_make_one_stretch():
    holds = spans(("jd", 1, at("10:00"), at("10:10")), ("jd", 1, at("10:10"), at("10:20")))
    cover = cover_minutes(holds, NOBODY, now=NOW, tz=SHANGHAI, min_minutes=15)
    assert minutes_by_agent(cover) == {1: 20.0}


def test_cover_points_are_paid_per_hour_with_a_daily_cap_across_accounts():
    holds = spans(
        ("jd", 1, at("09:00"), at("12:00")),
        ("vip", 1, at("13:00"), at("15:00")),
        ("jd", 2, at("16:00"), at("16:30")),
    )
    policy = CollaborationPolicy(cover_points_per_hour=2, cover_daily_cap_minutes=240)
    points = cover_points(cover_minutes(holds, NOBODY, now=NOW, tz=SHANGHAI), policy)
    assert points[["agent_id", "kind", "points"]].values.tolist() == [[1, "cover", 8.0], [2, "cover", 1.0]]


def test_naive_timestamps_are_refused():
    holds = pd.DataFrame({"account": ["jd"], "agent_id": [1], "start": [datetime(2025, 3, 3, 9)], "end": [datetime(2025, 3, 3, 10)]})
    with pytest.raises(ValueError, match="naive"):
        cover_minutes(holds, NOBODY, now=NOW, tz=SHANGHAI)


# (account, agent, first half-hour slot, number of slots)
slots = st.tuples(st.sampled_from(["jd", "vip"]), st.integers(1, 4), st.integers(0, 20), st.integers(1, 12))


@settings(max_examples=200, deadline=None)
@given(holds=st.lists(slots, max_size=8), roster=st.lists(slots, max_size=6))
def test_nobody_covers_more_than_they_held_outside_their_own_roster(holds, roster):
    def frame(rows):
        half_hour = pd.Timedelta(minutes=30)
        return spans(*[(acc, who, at("00:00") + s * half_hour, at("00:00") + (s + n) * half_hour) for acc, who, s, n in rows])

    cover = minutes_by_agent(cover_minutes(frame(holds), frame(roster), now=NOW, tz=SHANGHAI))
    for agent, minutes in cover.items():
        own = {(acc, 30 * t) for acc, who, s, n in holds if who == agent for t in range(s, s + n)}
        rostered = {(acc, 30 * t) for acc, who, s, n in roster if who == agent for t in range(s, s + n)}
        assert minutes <= 30 * len(own - rostered)


# --- handovers ---------------------------------------------------------------------------


def test_only_handovers_with_a_note_count_and_only_up_to_the_daily_cap():
    handovers = pd.DataFrame(
        {
            "agent_id": [1, 1, 1, 1, 2],
            "at": [at("09:00"), at("12:00"), at("15:00"), at("18:00"), at("10:00")],
            "note": ["客户12345等退款", "", None, "订单已改地址", "   "],
        }
    )
    policy = CollaborationPolicy(handover_points=0.5, handover_daily_cap=3)
    points = handover_points(handovers, policy, SHANGHAI)
    assert points[["agent_id", "day", "points"]].values.tolist() == [[1, DAY, 1.0]]
    capped = handover_points(handovers, CollaborationPolicy(handover_points=0.5, handover_daily_cap=1), SHANGHAI)
    assert capped["points"].tolist() == [0.5]


def test_a_late_evening_handover_counts_on_the_local_day():
    handovers = pd.DataFrame({"agent_id": [1], "at": [at("23:30")], "note": ["交接: 3 个未回复"]})
    assert handover_points(handovers, CollaborationPolicy(), SHANGHAI)["day"].tolist() == [DAY]


# --- thanks ------------------------------------------------------------------------------


def thanks(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["giver", "receiver", "day"])


def test_nobody_may_thank_themselves():
    assert check_thanks(1, 1, DAY, thanks()) == ThanksDecision(False, "self")


def test_each_giver_has_a_daily_allowance():
    history = thanks((1, 2, DAY), (1, 3, DAY), (1, 4, DAY), (2, 1, DAY))
    assert check_thanks(1, 5, DAY, history) == ThanksDecision(False, "daily_allowance")
    assert check_thanks(1, 5, date(2025, 3, 4), history) == ThanksDecision(True, None)
    assert check_thanks(2, 5, DAY, history).ok


def test_a_pair_has_a_monthly_cap_that_resets_next_month():
    history = thanks((1, 2, date(2025, 3, 1)), (1, 2, date(2025, 3, 2)))
    policy = ThanksPolicy(pair_monthly_cap=2)
    assert check_thanks(1, 2, date(2025, 3, 20), history, policy) == ThanksDecision(False, "pair_cap")
    assert check_thanks(2, 1, date(2025, 3, 20), history, policy).ok  # the other direction is its own pair
    assert check_thanks(1, 2, date(2025, 4, 1), history, policy).ok


def test_pairs_who_keep_thanking_each_other_are_flagged_not_blocked():
    history = thanks(
        (1, 2, date(2025, 3, 1)),
        (1, 2, date(2025, 3, 2)),
        (1, 2, date(2025, 3, 3)),
        (2, 1, date(2025, 3, 1)),
        (2, 1, date(2025, 3, 5)),
        (3, 4, date(2025, 3, 1)),
        (3, 4, date(2025, 3, 2)),  # one-way: not reciprocal
        (2, 1, date(2025, 2, 27)),  # another month
    )
    assert reciprocal_pairs(history, "2025-03", threshold=2) == [(1, 2, (3, 2))]
    assert reciprocal_pairs(history, "2025-03", threshold=3) == []


def test_each_accepted_thanks_gives_the_receiver_points_on_its_day():
    history = thanks((1, 2, DAY), (3, 2, DAY), (2, 1, date(2025, 3, 4)))
    points = thanks_points(history, ThanksPolicy(points=0.5))
    assert points[["agent_id", "day", "points"]].values.tolist() == [[1, date(2025, 3, 4), 0.5], [2, DAY, 1.0]]


# --- peak help ---------------------------------------------------------------------------


def load(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["account", "hour_start", "conversations"])
    frame["hour_start"] = frame["hour_start"].astype(TS_DTYPE)
    return frame


def test_the_second_holder_at_peak_load_is_credited_not_the_first():
    holds = spans(("jd", 1, at("09:00"), at("12:00")), ("jd", 2, at("10:15"), at("11:30")))
    busy = load(("jd", at("10:00"), 40), ("jd", at("11:00"), 10))
    helped = peak_help_minutes(holds, busy, threshold=20, now=NOW, tz=SHANGHAI)
    assert helped.to_dict("records") == [{"agent_id": 2, "account": "jd", "day": DAY, "minutes": 45.0}]


def test_load_exactly_at_the_threshold_is_not_a_peak():
    holds = spans(("jd", 1, at("10:00"), at("11:00")), ("jd", 2, at("10:00"), at("11:00")))
    assert peak_help_minutes(holds, load(("jd", at("10:00"), 20)), threshold=20, now=NOW, tz=SHANGHAI).empty


def test_when_the_first_holder_leaves_the_helper_becomes_first():
    holds = spans(
        ("jd", 1, at("10:00"), at("10:20")),
        ("jd", 2, at("10:10"), at("11:00")),
        ("jd", 3, at("10:40"), at("11:00")),
    )
    helped = peak_help_minutes(holds, load(("jd", at("10:00"), 50)), threshold=20, now=NOW, tz=SHANGHAI)
    # 2 helps 10:10-10:20 beside 1; from 10:20 2 is first, and 3 helps 10:40-11:00
    assert minutes_by_agent(helped) == {2: 10.0, 3: 20.0}


def test_a_busy_hour_on_another_account_earns_nothing_here():
    holds = spans(("jd", 1, at("10:00"), at("11:00")), ("jd", 2, at("10:00"), at("11:00")))
    assert peak_help_minutes(holds, load(("vip", at("10:00"), 99)), threshold=20, now=NOW, tz=SHANGHAI).empty


def test_simultaneous_joiners_are_ordered_by_agent_id():
    holds = spans(("jd", 7, at("10:00"), at("11:00")), ("jd", 3, at("10:00"), at("11:00")))
    helped = peak_help_minutes(holds, load(("jd", at("10:00"), 30)), threshold=20, now=NOW, tz=SHANGHAI)
    assert minutes_by_agent(helped) == {7: 60.0}


def test_peak_help_points_per_hour():
    holds = spans(("jd", 1, at("10:00"), at("12:00")), ("jd", 2, at("10:00"), at("12:00")))
    busy = load(("jd", at("10:00"), 30), ("jd", at("11:00"), 30))
    helped = peak_help_minutes(holds, busy, 20, now=NOW, tz=SHANGHAI)
    points = peak_help_points(helped, CollaborationPolicy(peak_points_per_hour=1.5))
    assert points[["agent_id", "kind", "points"]].values.tolist() == [[2, "peak_help", 3.0]]


# --- totals and config -------------------------------------------------------------------


def test_totals_add_every_kind_and_respect_the_monthly_cap():
    entries = [
        pd.DataFrame({"agent_id": [1, 2], "day": [DAY, DAY], "kind": "cover", "points": [6.0, 1.0]}),
        pd.DataFrame({"agent_id": [1], "day": [DAY], "kind": "thanks", "points": [5.0]}),
    ]
    assert collaboration_totals(entries).to_dict() == {1: 11.0, 2: 1.0}
    assert collaboration_totals(entries, monthly_cap=10).to_dict() == {1: 10.0, 2: 1.0}
    assert collaboration_totals([]).empty


def test_policy_reads_from_config_and_refuses_mistakes():
    policy = CollaborationPolicy.from_mapping(
        {"cover_points_per_hour": 1.5, "handover_daily_cap": 5, "thanks": {"daily_allowance": 2, "pair_monthly_cap": 6}}
    )
    assert (policy.cover_points_per_hour, policy.thanks.daily_allowance, policy.thanks.points) == (1.5, 2, 0.5)
    mistakes = (
        {"cover_points_per_hr": 1},
        {"handover_points": -1},
        {"thanks": {"allowance": 3}},
        {"handover_min_note_chars": 0},
    )
    for mistake in mistakes:
        with pytest.raises(ValueError):
            CollaborationPolicy.from_mapping(mistake)
