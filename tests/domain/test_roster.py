"""The roster: a weekly plan in local wall-clock time becomes concrete UTC windows."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from domain.attribution import attribute_conversations
from domain.roster import ROSTER_COLUMNS, RosterEntry, expand_roster
from domain.time import TS_DTYPE

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
MONDAY = date(2024, 3, 4)


def local(day: date, hour: int, tz: ZoneInfo, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)


def test_day_shift_on_chosen_weekdays_only():
    # 2024-03-04 is a Monday.
    entry = RosterEntry(7, "jd", WEEKDAYS, time(9), time(18))
    windows = expand_roster([entry], date(2024, 3, 4), date(2024, 3, 10), SHANGHAI)
    assert list(windows.columns) == ROSTER_COLUMNS
    assert len(windows) == 5
    first = windows.iloc[0]
    assert (first["account"], first["agent_id"]) == ("jd", 7)
    assert first["start"] == local(date(2024, 3, 4), 9, SHANGHAI)
    assert first["end"] == local(date(2024, 3, 4), 18, SHANGHAI)
    assert windows["start"].dt.tz_convert(SHANGHAI).dt.day_of_week.max() == 4


def test_frame_uses_the_domain_timestamp_unit():
    windows = expand_roster([RosterEntry(7, "jd", EVERY_DAY, time(9), time(18))], MONDAY, MONDAY, SHANGHAI)
    assert windows["start"].dtype == TS_DTYPE and windows["end"].dtype == TS_DTYPE
    assert windows["agent_id"].dtype == "int64"


def test_night_shift_crosses_midnight_into_the_next_day():
    entry = RosterEntry(8, "jd", frozenset({4}), time(22), time(6))  # Friday night
    windows = expand_roster([entry], date(2024, 3, 4), date(2024, 3, 10), SHANGHAI)
    assert len(windows) == 1
    assert windows.at[0, "start"] == local(date(2024, 3, 8), 22, SHANGHAI)
    assert windows.at[0, "end"] == local(date(2024, 3, 9), 6, SHANGHAI)


def test_equal_start_and_end_is_a_full_day():
    windows = expand_roster([RosterEntry(8, "jd", EVERY_DAY, time(8), time(8))], MONDAY, MONDAY, SHANGHAI)
    assert windows.at[0, "end"] - windows.at[0, "start"] == timedelta(hours=24)


def test_shifts_keep_wall_clock_hours_across_daylight_saving():
    # New York springs forward on Sunday 2024-03-10 and falls back on Sunday 2024-11-03.
    day_shift = RosterEntry(1, "tmall", EVERY_DAY, time(9), time(17))
    night_shift = RosterEntry(2, "tmall", EVERY_DAY, time(22), time(6))
    spring = expand_roster([day_shift, night_shift], date(2024, 3, 9), date(2024, 3, 10), NEW_YORK)
    lengths = {
        (row.agent_id, row.start.tz_convert(NEW_YORK).date()): row.end - row.start for row in spring.itertuples()
    }
    assert lengths[(1, date(2024, 3, 10))] == timedelta(hours=8)
    assert lengths[(2, date(2024, 3, 9))] == timedelta(hours=7)  # the night the clocks skip an hour
    assert lengths[(2, date(2024, 3, 10))] == timedelta(hours=8)
    assert spring[spring["agent_id"] == 1]["start"].dt.tz_convert(NEW_YORK).dt.hour.tolist() == [9, 9]

    autumn = expand_roster([night_shift], date(2024, 11, 2), date(2024, 11, 2), NEW_YORK)
    assert autumn.at[0, "end"] - autumn.at[0, "start"] == timedelta(hours=9)


def test_several_agents_on_one_account_are_all_listed_in_order():
    plan = [RosterEntry(9, "jd", EVERY_DAY, time(9), time(18)), RosterEntry(3, "jd", EVERY_DAY, time(9), time(18))]
    windows = expand_roster(plan, date(2024, 3, 4), date(2024, 3, 4), SHANGHAI)
    assert windows["agent_id"].tolist() == [3, 9]


def test_generator_of_entries_is_read_once_for_every_day():
    plan = (RosterEntry(agent, "jd", EVERY_DAY, time(9), time(18)) for agent in (1, 2))
    assert len(expand_roster(plan, date(2024, 3, 4), date(2024, 3, 6), SHANGHAI)) == 6


def test_empty_plan_gives_an_empty_frame_with_the_right_columns():
    windows = expand_roster([], date(2024, 3, 4), date(2024, 3, 6), SHANGHAI)
    assert windows.empty
    assert list(windows.columns) == ROSTER_COLUMNS
    assert windows["start"].dtype == TS_DTYPE


@pytest.mark.parametrize(
    "weekdays, start, message",
    [
        (frozenset(), time(9), "at least one weekday"),
        (frozenset({7}), time(9), "0 \\(Monday\\) to 6"),
        (EVERY_DAY, time(9, tzinfo=UTC), "wall-clock"),
    ],
)
def test_nonsense_entries_are_refused(weekdays, start, message):
    with pytest.raises(ValueError, match=message):
        RosterEntry(1, "jd", weekdays, start, time(18))


def test_weekdays_given_as_a_list_become_a_frozenset():
    assert RosterEntry(1, "jd", [0, 2, 2], time(9), time(18)).weekdays == frozenset({0, 2})


def test_expanded_roster_is_what_attribution_falls_back_to():
    windows = expand_roster([RosterEntry(7, "jd", EVERY_DAY, time(9), time(18))], MONDAY, MONDAY, SHANGHAI)
    no_holds = pd.DataFrame({"account": [], "agent_id": [], "start": [], "end": []}).astype(
        {"account": object, "agent_id": "int64", "start": TS_DTYPE, "end": TS_DTYPE}
    )
    conversations = pd.DataFrame(
        {
            "conversation_id": [1, 2],
            "account": ["jd", "jd"],
            "start": [local(date(2024, 3, 4), 10, SHANGHAI), local(date(2024, 3, 4), 19, SHANGHAI)],
            "first_reply_at": [pd.NaT, pd.NaT],
        }
    )
    result = attribute_conversations(conversations, no_holds, windows)
    assert result.statuses["status"].tolist() == ["roster", "unattributed"]
    assert result.credits[["conversation_id", "agent_id"]].values.tolist() == [[1, 7]]
