"""Per-agent metrics from credited shares, checked against numbers worked out by hand."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from domain.metrics import METRIC_COLUMNS, agent_metrics, in_quiet_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
ALICE, BO = 1, 2


def local(hhmm: str, day: str = "2024-03-04") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=SHANGHAI).astimezone(UTC)


def facts_frame(rows: list[tuple]) -> pd.DataFrame:
    columns = ["conversation_id", "platform", "start", "first_response_s", "rating", "resolved", "inquiry", "paid"]
    return pd.DataFrame(rows, columns=columns)


def credits_frame(rows: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["conversation_id", "agent_id", "share"])


# Five conversations; the third was shared half and half.
FACTS = facts_frame(
    [
        (1, "jd", local("10:00"), 20.0, "very_satisfied", True, True, True),
        (2, "jd", local("23:30"), 100.0, "satisfied", False, True, False),  # JD quiet hours
        (3, "jd", local("12:00"), 40.0, "neutral", None, False, False),
        (4, "tmall", local("02:00"), 10.0, None, True, True, True),  # Tmall has no quiet hours
        (5, "jd", local("08:59"), np.nan, "dissatisfied", True, False, False),  # quiet, and no reply time
    ]
)
CREDITS = credits_frame([(1, ALICE, 1.0), (2, ALICE, 1.0), (3, ALICE, 0.5), (3, BO, 0.5), (4, BO, 1.0), (5, BO, 1.0)])


def test_every_metric_worked_out_by_hand():
    table = agent_metrics(CREDITS, FACTS, tz=SHANGHAI)
    assert list(table.columns) == METRIC_COLUMNS
    assert table.index.tolist() == [ALICE, BO]
    alice, bo = table.loc[ALICE], table.loc[BO]

    assert alice["conversations"] == 2.5 and bo["conversations"] == 2.5
    # Alice answers #1 in 20 s and half of #3 in 40 s; #2 started in JD's quiet hours.
    assert alice["response_conversations"] == 1.5
    assert alice["avg_first_response_s"] == pytest.approx((20 * 1 + 40 * 0.5) / 1.5)
    assert alice["first_reply_30s_rate"] == pytest.approx(1 / 1.5)
    # Bo: half of #3 in 40 s and Tmall's #4 at 02:00 in 10 s.
    assert bo["avg_first_response_s"] == pytest.approx((40 * 0.5 + 10 * 1) / 1.5)
    assert bo["first_reply_30s_rate"] == pytest.approx(1 / 1.5)

    assert alice["rated"] == 2.5 and bo["rated"] == 1.5
    assert alice["satisfaction_raw"] == pytest.approx(2 / 2.5)
    assert bo["satisfaction_raw"] == 0.0
    team_rate = 2 / 4
    assert table.attrs["team_satisfaction"] == pytest.approx(team_rate)
    assert alice["satisfaction"] == pytest.approx((2 + 5 * team_rate) / (2.5 + 5))
    assert bo["satisfaction"] == pytest.approx((0 + 5 * team_rate) / (1.5 + 5))

    assert alice["inquiries"] == 2.0 and alice["inquiry_conversion"] == 0.5
    assert bo["inquiries"] == 1.0 and bo["inquiry_conversion"] == 1.0
    assert alice["resolved_rate"] == 0.5  # #3's outcome is unknown, so it is left out
    assert bo["resolved_rate"] == 1.0


def test_quiet_hours_are_configurable_per_platform():
    everything_counts = agent_metrics(CREDITS, FACTS, tz=SHANGHAI, quiet_hours={})
    assert everything_counts.loc[ALICE, "avg_first_response_s"] == pytest.approx((20 + 100 + 20) / 2.5)

    tmall_nights = agent_metrics(CREDITS, FACTS, tz=SHANGHAI, quiet_hours={"jd": (time(23), time(9)), "tmall": (time(0), time(6))})
    assert tmall_nights.loc[BO, "response_conversations"] == 0.5
    assert tmall_nights.loc[BO, "avg_first_response_s"] == 40.0


def test_jd_quiet_window_includes_23_00_and_excludes_09_00():
    facts = facts_frame(
        [
            (1, "jd", local("22:59:59"), 10.0, None, None, False, False),
            (2, "jd", local("23:00"), 50.0, None, None, False, False),
            (3, "jd", local("09:00"), 30.0, None, None, False, False),
            (4, "jd", local("08:59:59", "2024-03-05"), 70.0, None, None, False, False),
        ]
    )
    table = agent_metrics(credits_frame([(i, ALICE, 1.0) for i in range(1, 5)]), facts, tz=SHANGHAI)
    assert table.loc[ALICE, "response_conversations"] == 2.0
    assert table.loc[ALICE, "avg_first_response_s"] == 20.0
    assert table.loc[ALICE, "first_reply_30s_rate"] == 1.0  # exactly 30 s still counts as within 30 s


def test_quiet_window_that_does_not_wrap_midnight():
    times = pd.Series(pd.to_datetime(["2024-03-04 11:59", "2024-03-04 12:00", "2024-03-04 13:59", "2024-03-04 14:00"]))
    assert in_quiet_hours(times, (time(12), time(14))).tolist() == [False, True, True, False]
    assert in_quiet_hours(times, None).tolist() == [False] * 4


def test_without_prior_weight_satisfaction_is_the_raw_rate():
    table = agent_metrics(CREDITS, FACTS, tz=SHANGHAI, satisfaction_prior=0)
    pd.testing.assert_series_equal(table["satisfaction"], table["satisfaction_raw"], check_names=False)


def test_agent_without_ratings_gets_the_team_rate_and_no_raw_rate():
    facts = pd.concat([FACTS, facts_frame([(6, "jd", local("11:00"), 5.0, None, None, False, False)])])
    credits = pd.concat([CREDITS, credits_frame([(6, 3, 1.0)])])
    table = agent_metrics(credits, facts, tz=SHANGHAI)
    assert np.isnan(table.loc[3, "satisfaction_raw"])
    assert table.loc[3, "satisfaction"] == pytest.approx(0.5)
    assert np.isnan(table.loc[3, "inquiry_conversion"]) and np.isnan(table.loc[3, "resolved_rate"])


def test_period_keeps_conversations_that_started_inside_it():
    table = agent_metrics(CREDITS, FACTS, tz=SHANGHAI, since=local("09:00"), until=local("12:00"))
    assert table.index.tolist() == [ALICE]
    assert table.loc[ALICE, "conversations"] == 1.0


@pytest.mark.parametrize(
    "facts, message",
    [
        (pd.concat([FACTS, FACTS.iloc[:1]]), "once"),
        (FACTS.assign(rating=["great", None, None, None, None]), "unknown ratings"),
    ],
)
def test_bad_facts_are_refused(facts, message):
    with pytest.raises(ValueError, match=message):
        agent_metrics(CREDITS, facts, tz=SHANGHAI)


def test_negative_prior_is_refused():
    with pytest.raises(ValueError, match="negative"):
        agent_metrics(CREDITS, FACTS, tz=SHANGHAI, satisfaction_prior=-1)


def test_a_left_message_counts_as_a_conversation_but_not_in_the_response_metrics():
    facts = facts_frame(
        [
            (1, "jd", local("10:00"), 20.0, "satisfied", None, False, False),
            (2, "jd", local("11:00"), 3600.0, "dissatisfied", None, True, True),  # 留言, answered an hour later
        ]
    ).assign(left_message=[False, True])
    row = agent_metrics(credits_frame([(1, ALICE, 1.0), (2, ALICE, 1.0)]), facts, tz=SHANGHAI).loc[ALICE]
    assert row["conversations"] == 2 and row["response_conversations"] == 1
    assert row["avg_first_response_s"] == 20.0 and row["first_reply_30s_rate"] == 1.0
    # its rating and its payment still count
    assert (row["rated"], row["satisfaction_raw"], row["inquiry_conversion"]) == (2, 0.5, 1.0)
    without_flag = agent_metrics(credits_frame([(1, ALICE, 1.0), (2, ALICE, 1.0)]), facts.drop(columns="left_message"), tz=SHANGHAI)
    assert without_flag.loc[ALICE, "avg_first_response_s"] == 1810.0
