"""Grouping a chat log into conversations: idle gaps, first replies, average responses, outreach."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.message_log import group_messages
from domain.time import TS_DTYPE

GAP = timedelta(minutes=30)


def messages(rows: list[tuple[str, str, bool]]) -> pd.DataFrame:
    """(customer, 'HH:MM:SS' on 2026-11-03 UTC, from the shop) per message, rows numbered from 2."""
    return pd.DataFrame(
        {
            "customer": [c for c, _, _ in rows],
            "at": pd.Series(pd.to_datetime([f"2026-11-03 {t}" for _, t, _ in rows], utc=True)).astype(TS_DTYPE),
            "from_shop": [s for _, _, s in rows],
            "row_number": np.arange(2, 2 + len(rows)),
        }
    )


def test_a_conversation_ends_after_the_idle_gap_and_a_new_one_starts():
    log = messages([("a", "09:00:00", False), ("a", "09:29:59", True), ("a", "10:00:00", False), ("a", "10:30:01", False)])
    conversations = group_messages(log, GAP).conversations
    assert conversations["start"].dt.strftime("%H:%M:%S").tolist() == ["09:00:00", "10:00:00", "10:30:01"]
    assert conversations["first_response_s"].iloc[0] == 1799.0
    assert conversations[["first_row", "last_row"]].values.tolist() == [[2, 3], [4, 4], [5, 5]]


def test_the_first_reply_is_the_shops_first_message_after_the_customers_first():
    # The shop greets first; the customer asks; the reply to the question is what counts.
    log = messages([("a", "09:00:00", True), ("a", "09:01:00", False), ("a", "09:01:30", False), ("a", "09:02:00", True)])
    (row,) = group_messages(log, GAP).conversations.to_dict("records")
    assert row["start"] == pd.Timestamp("2026-11-03 09:01:00", tz="UTC")
    assert (row["first_response_s"], row["avg_response_s"]) == (60.0, 60.0)
    assert (row["customer_messages"], row["agent_messages"], row["messages"]) == (2, 2, 4)


def test_each_question_after_a_reply_is_timed_to_the_next_reply():
    log = messages(
        [("a", "09:00:00", False), ("a", "09:00:10", True), ("a", "09:05:00", False), ("a", "09:05:50", True), ("a", "09:06:00", False)]
    )
    (row,) = group_messages(log, GAP).conversations.to_dict("records")
    assert row["avg_response_s"] == pytest.approx(30.0)  # (10 + 50) / 2; the last question is unanswered


def test_shop_only_runs_are_outreach_and_customers_are_kept_apart():
    log = messages([("b", "09:00:00", True), ("a", "09:00:05", False), ("b", "09:00:10", True), ("a", "09:00:20", True)])
    grouped = group_messages(log, GAP)
    assert grouped.shop_only == 1
    assert grouped.conversations["customer"].tolist() == ["a"]
    assert grouped.conversations["first_response_s"].tolist() == [15.0]


def test_an_empty_log_has_no_conversations_and_a_gap_must_be_positive():
    assert group_messages(messages([]), GAP).conversations.empty
    with pytest.raises(ValueError):
        group_messages(messages([("a", "09:00:00", False)]), timedelta(0))


def naive_conversations(rows: list[tuple[str, int, bool]], gap_s: int) -> list[tuple]:
    """The obvious loop: per customer, in time order, split at gaps longer than gap_s."""
    result = []
    for customer in sorted({c for c, _, _ in rows}):
        mine = sorted((s, position, shop) for position, (c, s, shop) in enumerate(rows) if c == customer)
        runs, run = [], []
        for message in mine:
            if run and message[0] - run[-1][0] > gap_s:
                runs.append(run)
                run = []
            run.append(message)
        runs.append(run)
        for run in runs:
            asked = [s for s, _, shop in run if not shop]
            if not asked:
                continue
            replies = [s for s, _, shop in run if shop and s >= asked[0]]
            first = replies[0] - asked[0] if replies else None
            result.append((customer, asked[0], first, len(asked), len(run) - len(asked)))
    return result


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 7200), st.booleans()), max_size=40), st.integers(1, 3600))
def test_grouping_agrees_with_the_obvious_loop(rows, gap_s):
    log = messages([(c, f"{9 + s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}", shop) for c, s, shop in rows])
    grouped = group_messages(log, timedelta(seconds=gap_s)).conversations
    origin = pd.Timestamp("2026-11-03 09:00:00", tz="UTC")
    ours = [
        (row.customer, int((row.start - origin).total_seconds()), None if np.isnan(row.first_response_s) else int(row.first_response_s),
         row.customer_messages, row.agent_messages)
        for row in grouped.itertuples()
    ]  # fmt: skip
    assert sorted(ours) == sorted(naive_conversations(rows, gap_s))
    assert (grouped["avg_response_s"].dropna() >= 0).all()
