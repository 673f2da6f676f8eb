"""Sharing a day's platform totals among the holders by hold time inside scoring hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.apportion import APPORTIONED, HELD_OUTSIDE_SCORING_HOURS, NOBODY_HELD, apportion_days, apportion_totals, without_conversations

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 3)
JD_HOURS = {"jd": (time(9), time(23))}
NOW = datetime(2026, 11, 5, tzinfo=UTC)


def at(hour: int, minute: int = 0, day: date = DAY) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)).tz_convert("UTC")


def holds(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["account", "agent_id", "start", "end"])


def totals(rows: list[tuple], measures=("received", "inquiries")) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["account", "day", "hour", *measures]).astype({"hour": "Int64"})


def test_a_days_totals_follow_hold_time_inside_scoring_hours_and_add_up_exactly():
    team = holds([("jd", 1, at(8), at(12)), ("jd", 2, at(12), at(18)), ("jd", 3, at(23, 30), at(2, day=date(2026, 11, 4)))])
    result = apportion_totals(totals([("jd", DAY, None, 162, 40)]), team, ["received", "inquiries"], windows=JD_HOURS, tz=SHANGHAI, now=NOW)
    per_agent = result.per_agent()
    # 3 h and 6 h inside 09:00-23:00; the night holder held none of the scoring hours.
    assert per_agent.loc[1].to_dict() == {"inquiries": 13, "received": 54}
    assert per_agent.loc[2].to_dict() == {"inquiries": 27, "received": 108}
    assert 3 not in per_agent.index
    assert set(result.shares["basis"]) == {APPORTIONED}
    assert result.shares.groupby("measure")["value"].sum().to_dict() == {"inquiries": 40, "received": 162}
    assert result.unshared.empty


def test_a_slot_nobody_held_is_reported_not_credited():
    night_only = holds([("jd", 1, at(23, 30), at(23, 50))])
    result = apportion_totals(
        totals([("jd", DAY, None, 10, 2)]), night_only, ["received", "inquiries"], windows=JD_HOURS, tz=SHANGHAI, now=NOW
    )
    assert result.shares.empty
    assert result.unshared[["measure", "value", "reason"]].values.tolist() == [
        ["received", 10, HELD_OUTSIDE_SCORING_HOURS],
        ["inquiries", 2, HELD_OUTSIDE_SCORING_HOURS],
    ]
    empty = apportion_totals(totals([("jd", DAY, None, 10, 2)]), holds([]), ["received"], windows=JD_HOURS, tz=SHANGHAI, now=NOW)
    assert empty.unshared["reason"].tolist() == [NOBODY_HELD]


def test_hourly_totals_are_shared_hour_by_hour_and_an_open_hold_runs_until_now():
    team = holds([("jd", 1, at(9), at(10, 30)), ("jd", 2, at(10, 30), pd.NaT)])
    hourly = totals([("jd", DAY, 9, 6, 0), ("jd", DAY, 10, 9, 0)])
    result = apportion_totals(hourly, team, ["received"], windows=JD_HOURS, tz=SHANGHAI, now=at(11).to_pydatetime())
    shares = result.shares.set_index(["hour", "agent_id"])["value"].to_dict()
    assert shares == {(9, 1): 6, (10, 1): 5, (10, 2): 4}  # 10:00-11:00 split 30/30 minutes: 4.5 each, tie to the lower id


def test_overlapping_holds_of_one_agent_count_once_and_a_window_less_platform_counts_every_hour():
    team = holds([("vip", 1, at(0), at(12)), ("vip", 1, at(6), at(12)), ("vip", 2, at(12), at(0, day=date(2026, 11, 4)))])
    result = apportion_totals(totals([("vip", DAY, None, 3, 0)]), team, ["received"], windows={"vip": None}, tz=SHANGHAI, now=NOW)
    assert result.shares.set_index("agent_id")["held_seconds"].to_dict() == {1: 43200.0, 2: 43200.0}
    assert result.per_agent()["received"].to_dict() == {1: 2, 2: 1}


def test_only_days_without_conversations_are_apportioned():
    frame = totals([("jd", DAY, None, 5, 1), ("jd", date(2026, 11, 4), None, 7, 1)])
    covered = pd.DataFrame({"account": ["jd"], "day": [DAY]})
    assert without_conversations(frame, covered)["day"].tolist() == [date(2026, 11, 4)]


def test_fractional_or_negative_totals_are_a_mistake():
    with pytest.raises(ValueError):
        apportion_totals(totals([("jd", DAY, None, 1.5, 0)]), holds([]), ["received"], windows=JD_HOURS, tz=SHANGHAI, now=NOW)


hold_spans = st.lists(
    st.tuples(st.integers(1, 5), st.integers(0, 47 * 60), st.integers(1, 16 * 60)), max_size=8
)  # agent, start minute from the day before 00:00, length in minutes


@settings(max_examples=200, deadline=None)
@given(
    spans=hold_spans,
    counts=st.lists(st.tuples(st.sampled_from([None, 8, 9, 13, 22, 23]), st.integers(0, 500), st.integers(0, 50)), min_size=1, max_size=4),
    window=st.sampled_from([(time(9), time(23)), (time(8), time(0)), None]),
)
def test_shares_add_up_exactly_and_nothing_goes_to_nobody_unreported(spans, counts, window):
    origin = at(0, day=DAY - timedelta(days=1))
    team = holds([("jd", agent, origin + pd.Timedelta(minutes=s), origin + pd.Timedelta(minutes=s + n)) for agent, s, n in spans])
    frame = totals([("jd", DAY, hour, received, inquiries) for hour, received, inquiries in counts])
    result = apportion_totals(frame, team, ["received", "inquiries"], windows={"jd": window}, tz=SHANGHAI, now=NOW)

    given_out = result.shares.groupby("measure")["value"].sum()
    withheld = result.unshared.groupby("measure")["value"].sum()
    for measure in ("received", "inquiries"):
        assert given_out.get(measure, 0) + withheld.get(measure, 0) == frame[measure].sum()
    slots = result.shares.groupby(["hour", "measure"], dropna=False)["value"].sum()
    expected = frame.groupby("hour", dropna=False)[["received", "inquiries"]].sum()
    for (hour, measure), value in slots.items():
        assert value == expected.loc[hour, measure]
    assert (result.shares["value"] >= 0).all() and (result.shares["held_seconds"] > 0).all()
    assert set(result.unshared["reason"]) <= {NOBODY_HELD, HELD_OUTSIDE_SCORING_HOURS}


def test_a_days_count_is_apportioned_only_where_it_has_no_conversations_and_from_its_reference_rows():
    team = holds([("jd", 1, at(9), at(12)), ("jd", 2, at(12), at(15))])
    nov_4 = date(2026, 11, 4)
    frame = pd.DataFrame(
        [
            ("jd", DAY, None, 20, 30),  # a whole-day row: the day's count …
            ("jd", DAY, 10, 99, 99),  # … so its hourly rows are not counted again
            ("jd", nov_4, None, pd.NA, 12),  # no 接待人数: 咨询人数 stands in
            ("jd", date(2026, 11, 5), None, 40, 50),  # conversations were imported for this day
        ],
        columns=["account", "day", "hour", "received", "consulted"],
    ).astype({"hour": "Int64", "received": "Int64", "consulted": "Int64"})
    team = pd.concat([team, holds([("jd", 1, at(9, day=nov_4), at(11, day=nov_4))])], ignore_index=True)
    covered = pd.DataFrame({"account": ["jd"], "day": [date(2026, 11, 5)]})
    result = apportion_days(frame, covered, team, windows=JD_HOURS, tz=SHANGHAI, now=NOW)
    shares = result.shares.set_index(["day", "agent_id", "measure"])["value"].to_dict()
    assert shares == {(DAY, 1, "received"): 10, (DAY, 2, "received"): 10, (nov_4, 1, "consulted"): 12}
    assert set(result.shares["basis"]) == {APPORTIONED} and result.unshared.empty
