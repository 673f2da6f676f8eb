"""Attribution: who gets credit for a conversation, by the holds on its account at its moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.attribution import (
    STATUSES,
    as_ts,
    attribute_conversations,
    credit_events,
    find_gaps,
)
from domain.time import TS_DTYPE

DAY = datetime(2024, 3, 1, tzinfo=UTC)
FAR_PAST, FAR_FUTURE = datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)


def at(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return DAY + timedelta(hours=hours, minutes=minutes)


def holds_frame(*rows: tuple[str, int, str, str | None]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "account": pd.Series([account for account, *_ in rows], dtype="str"),
            "agent_id": pd.Series([agent for _, agent, *_ in rows], dtype="int64"),
            "start": pd.Series([at(start) for *_, start, _ in rows], dtype=TS_DTYPE),
            "end": pd.Series([at(end) if end else pd.NaT for *_, end in rows], dtype=TS_DTYPE),
        }
    )


def conversations_frame(*rows: tuple) -> pd.DataFrame:
    """Rows of (id, account, start) or (id, account, start, first reply)."""
    return pd.DataFrame(
        {
            "conversation_id": pd.Series([row[0] for row in rows], dtype="int64"),
            "account": [row[1] for row in rows],
            "start": pd.Series([at(row[2]) for row in rows], dtype=TS_DTYPE),
            "first_reply_at": pd.Series([at(row[3]) if len(row) > 3 and row[3] else pd.NaT for row in rows], dtype=TS_DTYPE),
        }
    )


def credited(result, conversation_id: int) -> dict[int, float]:
    rows = result.credits[result.credits["conversation_id"] == conversation_id]
    return dict(zip(rows["agent_id"], rows["share"], strict=True))


def status_of(result, conversation_id: int) -> str:
    return result.statuses.set_index("conversation_id").at[conversation_id, "status"]


# --- the rules, one at a time ---------------------------------------------------------------


def test_conversation_in_a_gap_is_not_credited_to_the_previous_holder():
    holds = holds_frame(("jd", 1, "09:00", "10:00"), ("jd", 2, "10:30", "12:00"))
    result = attribute_conversations(conversations_frame((1, "jd", "10:15")), holds)
    assert status_of(result, 1) == "unattributed"
    assert result.credits.empty


def test_hold_includes_its_start_and_excludes_its_end():
    holds = holds_frame(("jd", 1, "09:00", "10:00"))
    conversations = conversations_frame((1, "jd", "09:00"), (2, "jd", "10:00"), (3, "jd", "08:59"))
    result = attribute_conversations(conversations, holds)
    assert credited(result, 1) == {1: 1.0}
    assert status_of(result, 2) == "unattributed"
    assert status_of(result, 3) == "unattributed"


def test_handover_instant_belongs_to_the_agent_taking_over():
    holds = holds_frame(("jd", 1, "09:00", "10:00"), ("jd", 2, "10:00", "11:00"))
    result = attribute_conversations(conversations_frame((1, "jd", "10:00")), holds)
    assert credited(result, 1) == {2: 1.0}


def test_open_hold_lasts_until_now():
    holds = holds_frame(("jd", 1, "09:00", None))
    conversations = conversations_frame((1, "jd", "11:59"), (2, "jd", "12:00"), (3, "jd", "23:00"))
    result = attribute_conversations(conversations, holds, now=at("12:00"))
    assert credited(result, 1) == {1: 1.0}
    assert status_of(result, 2) == "unattributed"
    assert status_of(result, 3) == "unattributed"


def test_open_hold_without_now_never_ends():
    holds = holds_frame(("jd", 1, "09:00", None))
    far_future = DAY + timedelta(days=3650)
    conversations = pd.DataFrame({"conversation_id": [1], "account": ["jd"], "start": [far_future], "first_reply_at": [pd.NaT]})
    result = attribute_conversations(conversations, holds)
    assert credited(result, 1) == {1: 1.0}


def test_overlapping_holders_split_the_credit_equally():
    holds = holds_frame(
        ("jd", 1, "09:00", "12:00"),
        ("jd", 2, "10:00", "11:00"),  # a supervisor's /assign window
        ("jd", 3, "10:30", "13:00"),  # peak help
    )
    conversations = conversations_frame((1, "jd", "09:30"), (2, "jd", "10:15"), (3, "jd", "10:45"), (4, "jd", "12:30"))
    result = attribute_conversations(conversations, holds)
    assert credited(result, 1) == {1: 1.0}
    assert credited(result, 2) == {1: 0.5, 2: 0.5}
    assert credited(result, 3) == pytest.approx({1: 1 / 3, 2: 1 / 3, 3: 1 / 3})
    assert credited(result, 4) == {3: 1.0}


def test_duplicate_hold_rows_do_not_give_one_agent_two_shares():
    holds = holds_frame(("jd", 1, "09:00", "11:00"), ("jd", 1, "10:00", "12:00"), ("jd", 2, "10:00", "12:00"))
    result = attribute_conversations(conversations_frame((1, "jd", "10:30")), holds)
    assert credited(result, 1) == {1: 0.5, 2: 0.5}


def test_holds_on_another_account_do_not_count():
    holds = holds_frame(("vip", 1, "09:00", "12:00"))
    result = attribute_conversations(conversations_frame((1, "jd", "10:00")), holds)
    assert status_of(result, 1) == "unattributed"


def test_nobody_holding_falls_back_to_the_roster_and_says_so():
    holds = holds_frame(("jd", 1, "09:00", "10:00"))
    roster = holds_frame(("jd", 7, "08:00", "18:00"), ("jd", 8, "10:00", "18:00"))
    conversations = conversations_frame((1, "jd", "09:30"), (2, "jd", "10:30"), (3, "jd", "19:00"))
    result = attribute_conversations(conversations, holds, roster)
    assert credited(result, 1) == {1: 1.0}  # a holder beats the roster
    assert status_of(result, 2) == "roster"
    assert credited(result, 2) == {7: 0.5, 8: 0.5}
    assert set(result.credits.loc[result.credits["conversation_id"] == 2, "status"]) == {"roster"}
    assert status_of(result, 3) == "unattributed"
    assert result.counts() == {"held": 1, "roster": 1, "unattributed": 1}


def test_first_reply_moment_falls_back_to_the_start_without_a_reply():
    holds = holds_frame(("jd", 1, "09:00", "10:00"), ("jd", 2, "10:00", "11:00"))
    conversations = conversations_frame((1, "jd", "09:55", "10:02"), (2, "jd", "09:58", None))
    by_reply = attribute_conversations(conversations, holds, moment="first_reply")
    assert credited(by_reply, 1) == {2: 1.0}
    assert credited(by_reply, 2) == {1: 1.0}
    by_start = attribute_conversations(conversations, holds, moment="start")
    assert credited(by_start, 1) == {1: 1.0}


def test_unknown_moment_is_refused():
    with pytest.raises(ValueError, match="moment"):
        attribute_conversations(conversations_frame((1, "jd", "09:00")), holds_frame(), moment="end")


def test_correcting_a_hold_re_attributes():
    conversations = conversations_frame((1, "jd", "10:15"))
    before = attribute_conversations(conversations, holds_frame(("jd", 1, "09:00", "10:00")))
    after = attribute_conversations(conversations, holds_frame(("jd", 1, "09:00", "10:30")))
    assert status_of(before, 1) == "unattributed"
    assert credited(after, 1) == {1: 1.0}


def test_cases_logged_through_the_bot_use_the_same_rules():
    holds = holds_frame(("jd", 1, "09:00", "10:00"))
    cases = pd.DataFrame({"case_id": [11, 12], "account": ["jd", "jd"], "at": [at("09:10"), at("10:10")]})
    result = credit_events(cases, holds, id_column="case_id")
    assert list(result.statuses.columns) == ["case_id", "account", "at", "status"]
    assert result.credits[["case_id", "agent_id", "share"]].values.tolist() == [[11, 1, 1.0]]
    assert result.counts()["unattributed"] == 1


def test_shares_by_agent_separates_held_from_roster():
    holds = holds_frame(("jd", 1, "09:00", "10:00"))
    roster = holds_frame(("jd", 1, "10:00", "11:00"), ("jd", 2, "10:00", "11:00"))
    conversations = conversations_frame((1, "jd", "09:10"), (2, "jd", "10:10"))
    shares = attribute_conversations(conversations, holds, roster).shares_by_agent()
    assert shares.loc[1].to_dict() == {"held": 1.0, "roster": 0.5}
    assert shares.loc[2].to_dict() == {"held": 0.0, "roster": 0.5}


# --- input hygiene --------------------------------------------------------------------------


def test_timestamps_in_other_units_and_zones_are_coerced():
    holds = holds_frame(("jd", 1, "09:00", "10:00"))
    holds["start"] = holds["start"].dt.tz_convert("Asia/Shanghai").astype("datetime64[ns, Asia/Shanghai]")
    conversations = conversations_frame((1, "jd", "09:30"))
    conversations["start"] = conversations["start"].astype("datetime64[ms, UTC]")
    result = attribute_conversations(conversations, holds)
    assert credited(result, 1) == {1: 1.0}
    assert result.statuses["at"].dtype == TS_DTYPE


def test_naive_timestamps_are_refused():
    with pytest.raises(ValueError, match="naive"):
        as_ts(pd.Series([datetime(2024, 3, 1, 9)]))


def test_duplicate_conversation_ids_are_refused():
    conversations = conversations_frame((2, "jd", "09:00"), (1, "jd", "09:10"), (2, "jd", "09:20"))
    with pytest.raises(ValueError, match="duplicate"):
        attribute_conversations(conversations, holds_frame())


def test_a_hold_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before"):
        attribute_conversations(conversations_frame((1, "jd", "09:00")), holds_frame(("jd", 1, "10:00", "09:00")))


def test_centuries_of_time_on_hundreds_of_accounts_still_attribute():
    # Wide enough that (account, instant) no longer packs into one int64 the cheap way.
    accounts = [f"acct{i}" for i in range(300)]
    early, late = datetime(1700, 1, 1, tzinfo=UTC), datetime(2250, 1, 1, tzinfo=UTC)
    holds = pd.DataFrame({"account": accounts, "agent_id": range(300), "start": [early] * 300, "end": [late] * 300})
    conversations = pd.DataFrame(
        {
            "conversation_id": range(600),
            "account": accounts * 2,
            "start": [datetime(1800, 1, 1, tzinfo=UTC)] * 300 + [late] * 300,
            "first_reply_at": [pd.NaT] * 600,
        }
    )
    result = attribute_conversations(conversations, holds)
    assert result.counts() == {"held": 300, "roster": 0, "unattributed": 300}
    assert (result.credits["agent_id"].to_numpy() == np.arange(300)).all()


# --- gaps -----------------------------------------------------------------------------------


def test_gaps_are_the_no_holder_windows_that_lost_conversations():
    holds = holds_frame(
        ("jd", 1, "09:00", "10:00"),
        ("jd", 2, "10:30", "12:00"),
        ("jd", 3, "11:00", "13:00"),
        ("jd", 4, "14:00", "15:00"),
    )
    roster = holds_frame(("jd", 9, "13:30", "14:00"))
    conversations = conversations_frame(
        (1, "jd", "08:00"),  # before anyone: window opens at -inf
        (2, "jd", "10:00"),
        (3, "jd", "10:29"),
        (4, "jd", "13:10"),  # gap after the overlapping pair ends at 13:00
        (5, "jd", "13:45"),  # same gap, but the roster covers it
        (6, "jd", "12:30"),  # held
        (7, "vip", "12:00"),  # an account nobody ever held
    )
    result = attribute_conversations(conversations, holds, roster)
    gaps = find_gaps(result, holds)
    assert gaps.dtypes["start"] == TS_DTYPE and gaps.dtypes["end"] == TS_DTYPE
    rows = [
        (account, None if pd.isna(start) else start, None if pd.isna(end) else end, n)
        for account, start, end, n in gaps.itertuples(index=False)
    ]
    assert rows == [
        ("jd", None, at("09:00"), 1),
        ("jd", at("10:00"), at("10:30"), 2),
        ("jd", at("13:00"), at("14:00"), 1),
        ("vip", None, None, 1),
    ]


def test_gap_after_an_open_hold_starts_at_now():
    holds = holds_frame(("jd", 1, "09:00", None))
    conversations = conversations_frame((1, "jd", "13:00"))
    result = attribute_conversations(conversations, holds, now=at("12:00"))
    gaps = find_gaps(result, holds, now=at("12:00"))
    assert gaps[["start", "conversations"]].values.tolist() == [[pd.Timestamp(at("12:00")), 1]]
    assert pd.isna(gaps.at[0, "end"])


def test_no_unattributed_conversations_means_no_gaps():
    holds = holds_frame(("jd", 1, "09:00", "10:00"))
    result = attribute_conversations(conversations_frame((1, "jd", "09:30")), holds)
    gaps = find_gaps(result, holds)
    assert gaps.empty
    assert list(gaps.columns) == ["account", "start", "end", "conversations"]


# --- invariants over random holds and conversations ------------------------------------------

ACCOUNTS = ["jd", "vip"]
minutes = st.integers(min_value=0, max_value=60)
hold_rows = st.tuples(st.sampled_from(ACCOUNTS), st.integers(1, 4), minutes, st.one_of(st.none(), st.integers(0, 25)))
roster_rows = st.tuples(st.sampled_from(ACCOUNTS), st.integers(5, 6), minutes, st.integers(0, 25))
conversation_rows = st.tuples(st.sampled_from([*ACCOUNTS, "tmall"]), minutes, st.one_of(st.none(), st.integers(-2, 10)))


def minute(n: int) -> datetime:
    return DAY + timedelta(minutes=n)


def as_frames(holds, roster, conversations):
    hold_frame = pd.DataFrame(
        {
            "account": pd.Series([h[0] for h in holds], dtype="str"),
            "agent_id": pd.Series([h[1] for h in holds], dtype="int64"),
            "start": pd.Series([minute(h[2]) for h in holds], dtype=TS_DTYPE),
            "end": pd.Series([pd.NaT if h[3] is None else minute(h[2] + h[3]) for h in holds], dtype=TS_DTYPE),
        }
    )
    roster_frame = pd.DataFrame(
        {
            "account": pd.Series([r[0] for r in roster], dtype="str"),
            "agent_id": pd.Series([r[1] for r in roster], dtype="int64"),
            "start": pd.Series([minute(r[2]) for r in roster], dtype=TS_DTYPE),
            "end": pd.Series([minute(r[2] + r[3]) for r in roster], dtype=TS_DTYPE),
        }
    )
    conversation_frame = pd.DataFrame(
        {
            "conversation_id": pd.Series([10 * i + 3 for i in range(len(conversations))], dtype="int64"),
            "account": [c[0] for c in conversations],
            "start": pd.Series([minute(c[1]) for c in conversations], dtype=TS_DTYPE),
            "first_reply_at": pd.Series([pd.NaT if c[2] is None else minute(c[1] + c[2]) for c in conversations], dtype=TS_DTYPE),
        }
    )
    return hold_frame, roster_frame, conversation_frame


def oracle(holds, roster, conversations, moment, now, early=0):
    """Brute force: scan every interval for every conversation."""
    expected = {}
    for i, (account, start, reply) in enumerate(conversations):
        moment_at = start + reply if moment == "first_reply" and reply is not None else start
        holders = {
            agent
            for acct, agent, hold_start, length in holds
            if acct == account
            and hold_start <= moment_at
            and (moment_at < hold_start + length if length is not None else now is None or moment_at < now)
        }
        rostered = {
            agent for acct, agent, window_start, length in roster if acct == account and window_start <= moment_at < window_start + length
        }
        if not rostered:
            rostered = {
                agent for acct, agent, window_start, _ in roster if acct == account and window_start - early <= moment_at < window_start
            }
        chosen, status = (holders, "held") if holders else (rostered, "roster") if rostered else (set(), "unattributed")
        expected[10 * i + 3] = (status, {agent: 1 / len(chosen) for agent in chosen})
    return expected


scenarios = st.tuples(
    st.lists(hold_rows, max_size=8),
    st.lists(roster_rows, max_size=3),
    st.lists(conversation_rows, min_size=1, max_size=15),
    st.sampled_from(["start", "first_reply"]),
    st.one_of(st.none(), minutes),
)


@settings(max_examples=200, deadline=None)
@given(scenarios)
def test_attribution_matches_a_brute_force_scan(scenario):
    holds, roster, conversations, moment, now_minute = scenario
    now = None if now_minute is None else minute(now_minute)
    result = attribute_conversations(*_frames_in_call_order(holds, roster, conversations), moment=moment, now=now)
    expected = oracle(holds, roster, conversations, moment, now_minute)

    statuses = dict(zip(result.statuses["conversation_id"], result.statuses["status"], strict=True))
    assert len(result.statuses) == len(conversations)
    assert statuses == {cid: status for cid, (status, _) in expected.items()}
    for cid, (_status, shares) in expected.items():
        assert credited(result, cid) == pytest.approx(shares, abs=1e-12)
    assert set(result.statuses["status"]) <= set(STATUSES)


@settings(max_examples=200, deadline=None)
@given(scenarios, st.integers(min_value=0, max_value=30))
def test_the_minutes_before_a_shift_go_to_it_only_where_nobody_holds_or_is_rostered(scenario, early):
    holds, roster, conversations, moment, now_minute = scenario
    now = None if now_minute is None else minute(now_minute)
    frames = _frames_in_call_order(holds, roster, conversations)
    result = attribute_conversations(*frames, moment=moment, now=now, roster_early=timedelta(minutes=early))
    expected = oracle(holds, roster, conversations, moment, now_minute, early)
    statuses = dict(zip(result.statuses["conversation_id"], result.statuses["status"], strict=True))
    assert statuses == {cid: status for cid, (status, _) in expected.items()}
    for cid, (_status, shares) in expected.items():
        assert credited(result, cid) == pytest.approx(shares, abs=1e-12)


def test_the_nights_backlog_answered_just_before_the_shift_is_the_shifts():
    roster = holds_frame(("jd", 7, "09:00", "15:00"), ("jd", 8, "14:00", "23:00"))
    conversations = conversations_frame((1, "jd", "02:00", "08:50"), (2, "jd", "03:00", "08:40"), (3, "jd", "13:50", "13:55"))
    result = attribute_conversations(conversations, holds_frame(), roster, roster_early=timedelta(minutes=15))
    assert (status_of(result, 1), credited(result, 1)) == ("roster", {7: 1.0})
    assert status_of(result, 2) == "unattributed", "twenty minutes before: nobody's"
    assert credited(result, 3) == {7: 1.0}, "someone rostered then keeps it: the early window only fills what is nobody's"
    assert status_of(attribute_conversations(conversations, holds_frame(), roster), 1) == "unattributed", "off by default"


@settings(max_examples=200, deadline=None)
@given(scenarios)
def test_shares_of_every_attributed_conversation_sum_to_one(scenario):
    holds, roster, conversations, moment, now_minute = scenario
    now = None if now_minute is None else minute(now_minute)
    result = attribute_conversations(*_frames_in_call_order(holds, roster, conversations), moment=moment, now=now)
    totals = result.credits.groupby("conversation_id")["share"].sum()
    attributed = result.statuses.loc[result.statuses["status"] != "unattributed", "conversation_id"]
    assert sorted(totals.index) == sorted(attributed)
    assert np.allclose(totals.to_numpy(), 1.0, rtol=0, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(scenarios, st.randoms(use_true_random=False))
def test_result_does_not_depend_on_input_row_order(scenario, random):
    holds, roster, conversations, moment, now_minute = scenario
    now = None if now_minute is None else minute(now_minute)
    frames = _frames_in_call_order(holds, roster, conversations)
    shuffled = [frame.sample(frac=1, random_state=random.randrange(2**32)) for frame in frames]
    first = attribute_conversations(*frames, moment=moment, now=now)
    second = attribute_conversations(*shuffled, moment=moment, now=now)
    pd.testing.assert_frame_equal(first.statuses, second.statuses)
    pd.testing.assert_frame_equal(first.credits, second.credits)
    keys = first.credits[["conversation_id", "agent_id"]].to_records(index=False).tolist()
    assert keys == sorted(keys)


@settings(max_examples=100, deadline=None)
@given(scenarios)
def test_a_held_credit_always_has_a_hold_covering_its_moment(scenario):
    holds, roster, conversations, moment, now_minute = scenario
    now = None if now_minute is None else minute(now_minute)
    conversation_frame, hold_frame, roster_frame = _frames_in_call_order(holds, roster, conversations)
    result = attribute_conversations(conversation_frame, hold_frame, roster_frame, moment=moment, now=now)
    held = result.credits[result.credits["status"] == "held"].merge(result.statuses, on="conversation_id")
    open_until = pd.Timestamp(now if now else FAR_FUTURE).as_unit("us")
    hold_frame = hold_frame.assign(closing=hold_frame["end"].fillna(open_until))
    pairs = held.merge(hold_frame, on=["account", "agent_id"], suffixes=("", "_hold"))
    pairs["covers"] = (pairs["start"] <= pairs["at"]) & (pairs["at"] < pairs["closing"])
    covered = pairs.groupby(["conversation_id", "agent_id"])["covers"].any()
    assert len(covered) == len(held)
    assert covered.all()


@settings(max_examples=100, deadline=None)
@given(scenarios)
def test_every_gap_window_is_free_of_holds_and_counts_every_lost_conversation(scenario):
    holds, roster, conversations, moment, now_minute = scenario
    now = None if now_minute is None else minute(now_minute)
    conversation_frame, hold_frame, roster_frame = _frames_in_call_order(holds, roster, conversations)
    result = attribute_conversations(conversation_frame, hold_frame, roster_frame, moment=moment, now=now)
    gaps = find_gaps(result, hold_frame, now=now)
    assert gaps["conversations"].sum() == result.counts()["unattributed"]
    far = pd.Timestamp(FAR_FUTURE).as_unit("us")
    closing = hold_frame["end"].fillna(pd.Timestamp(now if now else FAR_FUTURE).as_unit("us"))
    for account, start, end, _ in gaps.itertuples(index=False):
        low = pd.Timestamp(FAR_PAST).as_unit("us") if pd.isna(start) else start
        high = far if pd.isna(end) else end
        mine = hold_frame["account"] == account
        live = mine & (closing > hold_frame["start"])
        assert not (live & (hold_frame["start"] < high) & (closing > low)).any()
        # The window is maximal: a hold ends exactly where it starts, another starts where it ends.
        assert pd.isna(start) or (live & (closing == start)).any()
        assert pd.isna(end) or (live & (hold_frame["start"] == end)).any()


def _frames_in_call_order(holds, roster, conversations):
    hold_frame, roster_frame, conversation_frame = as_frames(holds, roster, conversations)
    return conversation_frame, hold_frame, roster_frame
