"""Joining a held account as a helper at peak load, and how helpers live with take-overs and hand-offs."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.holds import HELPER, HOLDER, Hold, HoldError, hand_off, join, main_hold, open_holds_by_account, take_over
from tests.factories import local

NINE = local("2026-11-02", "09:00")
TEN = NINE + timedelta(hours=1)
WANG, LI, ZHANG = 1, 2, 3


def held_by_wang():
    return Hold("jd", WANG, NINE, id=1)


def test_joining_a_held_account_starts_a_helper_hold_beside_the_holder():
    helper = join([held_by_wang()], "jd", LI, TEN)
    assert helper == Hold("jd", LI, TEN, role=HELPER)
    assert helper.is_open


def test_joining_an_account_nobody_holds_is_refused():
    with pytest.raises(HoldError) as refused:
        join([Hold("vip", WANG, NINE)], "jd", LI, TEN)
    assert refused.value.code == "nobody_holds"


def test_joining_twice_or_joining_your_own_account_is_refused():
    holds = [held_by_wang(), Hold("jd", LI, TEN, id=2, role=HELPER)]
    with pytest.raises(HoldError) as twice:
        join(holds, "jd", LI, TEN + timedelta(minutes=5))
    assert twice.value.code == "already_helping"
    with pytest.raises(HoldError) as own:
        join(holds, "jd", WANG, TEN)
    assert own.value.code == "already_holding"


def test_only_helpers_are_left_when_the_holder_hands_off_so_nobody_can_join():
    helper = Hold("jd", LI, TEN, id=2, role=HELPER)
    (ended,) = hand_off([held_by_wang(), helper], WANG, TEN + timedelta(hours=1))
    assert ended.role == HOLDER
    with pytest.raises(HoldError) as refused:
        join([helper], "jd", ZHANG, TEN + timedelta(hours=1))
    assert refused.value.code == "nobody_holds"


def test_a_take_over_ends_the_holder_and_leaves_the_helper_where_they_are():
    holds = [held_by_wang(), Hold("jd", LI, TEN, id=2, role=HELPER)]
    later = TEN + timedelta(minutes=30)
    move = take_over(main_hold(holds, "jd"), "jd", ZHANG, later)
    assert move.ended == Hold("jd", WANG, NINE, later, id=1)
    assert move.stepped_up is None


def test_a_helper_who_takes_over_steps_up_at_the_same_instant():
    helper = Hold("jd", LI, TEN, id=2, role=HELPER)
    later = TEN + timedelta(minutes=30)
    move = take_over(held_by_wang(), "jd", LI, later, helping=helper)
    assert move.stepped_up == Hold("jd", LI, TEN, later, id=2, role=HELPER)
    assert move.started == Hold("jd", LI, later)
    assert move.ended.end == later


def test_hand_off_ends_helper_holds_too():
    holds = [Hold("vip", LI, NINE, id=3), Hold("jd", LI, TEN, id=2, role=HELPER), held_by_wang()]
    ended = hand_off(holds, LI, TEN + timedelta(hours=1))
    assert [(h.account, h.role) for h in ended] == [("jd", HELPER), ("vip", HOLDER)]


def test_the_console_shows_the_holder_and_a_helper_only_once_the_holder_left():
    helper = Hold("jd", LI, NINE, id=2, role=HELPER)
    later_holder = Hold("jd", ZHANG, TEN, id=5)
    assert open_holds_by_account([helper, later_holder])["jd"] == later_holder
    assert open_holds_by_account([helper])["jd"] == helper


presses = st.lists(
    st.tuples(st.sampled_from(["take", "join", "off"]), st.integers(1, 4), st.integers(0, 3600)),
    max_size=50,
)


@settings(max_examples=200, deadline=None)
@given(presses)
def test_an_account_has_at_most_one_open_holder_and_nobody_holds_it_twice(sequence):
    holds: list[Hold] = []
    now = NINE
    for action, agent, gap in sequence:
        now += timedelta(seconds=gap)
        open_now = [h for h in holds if h.is_open]
        try:
            if action == "take":
                helping = next((h for h in open_now if h.role == HELPER and h.agent_id == agent), None)
                move = take_over(main_hold(open_now, "jd"), "jd", agent, now, helping=helping)
                changed, added = [h for h in (move.ended, move.stepped_up) if h], [move.started]
            elif action == "join":
                changed, added = [], [join(open_now, "jd", agent, now)]
            else:
                changed, added = hand_off(open_now, agent, now), []
        except HoldError:
            continue
        ended_ids = {id(h) for h in open_now if any(h.agent_id == c.agent_id and h.start == c.start and h.role == c.role for c in changed)}
        holds = [h for h in holds if id(h) not in ended_ids] + changed + added

        still_open = [h for h in holds if h.is_open]
        assert sum(h.role == HOLDER for h in still_open) <= 1
        agents = [h.agent_id for h in still_open]
        assert len(agents) == len(set(agents))
    # Every helper joined somebody: a holder held the account at the instant the helper hold began.
    # Several presses may share one instant, so the holder may leave at the very instant the
    # helper joined (a hold [t, t)); they were still there when the join was pressed.
    for helper in (h for h in holds if h.role == HELPER):
        assert any(h.role == HOLDER and h.start <= helper.start and (h.end is None or h.end >= helper.start) for h in holds)
