import itertools
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.holds import Hold, HoldError, hand_off, holder_of, open_holds_by_account, take_over
from tests.factories import local

NINE = local("2026-11-02", "09:00")


def test_taking_a_free_account_starts_a_hold_and_is_not_a_handover():
    move = take_over(None, "jd", agent_id=1, at=NINE)
    assert move.started == Hold("jd", 1, NINE)
    assert move.ended is None
    assert not move.is_handover


def test_taking_over_a_held_account_ends_the_holders_hold_at_the_same_instant():
    alice = Hold("jd", 1, NINE, id=7)
    later = NINE + timedelta(hours=2)
    move = take_over(alice, "jd", agent_id=2, at=later)
    assert move.is_handover
    assert move.ended == Hold("jd", 1, NINE, later, id=7)
    assert move.started.start == move.ended.end == later


def test_taking_over_your_own_hold_is_refused():
    with pytest.raises(HoldError) as refused:
        take_over(Hold("jd", 1, NINE), "jd", agent_id=1, at=NINE + timedelta(minutes=5))
    assert refused.value.code == "already_holding"


def test_a_move_before_the_hold_began_is_refused():
    with pytest.raises(HoldError) as refused:
        take_over(Hold("jd", 1, NINE), "jd", agent_id=2, at=NINE - timedelta(seconds=1))
    assert refused.value.code == "before_start"


def test_naive_times_never_enter_the_domain():
    with pytest.raises(ValueError, match="naive"):
        take_over(None, "jd", 1, NINE.replace(tzinfo=None))


def test_one_agent_may_hold_several_accounts_and_hand_off_ends_all_of_them():
    holds = [Hold("vip", 1, NINE), Hold("jd", 1, NINE), Hold("jd2", 2, NINE)]
    ended = hand_off(holds, agent_id=1, at=NINE + timedelta(hours=1))
    assert [(h.account, h.end) for h in ended] == [("jd", NINE + timedelta(hours=1)), ("vip", NINE + timedelta(hours=1))]


def test_hand_off_of_one_account_leaves_the_others_held():
    holds = [Hold("vip", 1, NINE), Hold("jd", 1, NINE)]
    ended = hand_off(holds, agent_id=1, at=NINE + timedelta(hours=1), account="vip")
    assert [h.account for h in ended] == ["vip"]


def test_hand_off_of_someone_elses_hold_is_refused():
    with pytest.raises(HoldError) as refused:
        hand_off([Hold("jd", 1, NINE)], agent_id=2, at=NINE + timedelta(hours=1), account="jd")
    assert refused.value.code == "not_holding"


def test_holds_are_half_open():
    hold = Hold("jd", 1, NINE, NINE + timedelta(hours=1))
    assert holder_of([hold], "jd", NINE) == 1
    assert holder_of([hold], "jd", NINE + timedelta(minutes=59, seconds=59)) == 1
    assert holder_of([hold], "jd", NINE + timedelta(hours=1)) is None
    assert holder_of([hold], "jd", NINE - timedelta(microseconds=1)) is None


def test_an_open_hold_counts_up_to_the_given_instant():
    assert Hold("jd", 1, NINE).seconds(until=NINE + timedelta(minutes=30)) == 1800


presses = st.lists(
    st.tuples(
        st.sampled_from(["take", "off", "off_all"]),
        st.integers(min_value=1, max_value=4),  # agent
        st.sampled_from(["jd", "vip", "tmall"]),
        st.integers(min_value=0, max_value=3600),  # seconds since the previous press; 0 = the same instant
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(presses)
def test_holds_on_one_account_never_overlap_whatever_the_order_of_presses(sequence):
    history: list[Hold] = []
    now = NINE
    for action, agent, account, gap in sequence:
        now += timedelta(seconds=gap)
        open_now = open_holds_by_account(history)
        try:
            if action == "take":
                move = take_over(open_now.get(account), account, agent, now)
                changed = [move.started] + ([move.ended] if move.ended else [])
            else:
                changed = hand_off(open_now.values(), agent, now, account if action == "off" else None)
        except HoldError:
            continue
        for hold in changed:
            history = [
                h
                for h in history
                if not (h.account == hold.account and h.start == hold.start and h.agent_id == hold.agent_id and h.is_open)
            ]
        history.extend(changed)

    for account in ("jd", "vip", "tmall"):
        timeline = sorted((h for h in history if h.account == account), key=lambda h: (h.start, h.end is None, h.end))
        assert sum(h.is_open for h in timeline) <= 1
        for earlier, later in itertools.pairwise(timeline):
            assert earlier.end is not None, "only the latest hold may be open"
            assert earlier.end <= later.start, f"{earlier} overlaps {later}"
