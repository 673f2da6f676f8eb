"""The roster: a weekly plan in local wall-clock time becomes concrete UTC windows; validity, changes, overlaps, notation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.attribution import attribute_conversations
from domain.roster import (
    ROSTER_COLUMNS,
    RosterEntry,
    expand_roster,
    overlaps,
    parse_hours,
    parse_week,
    parse_weekdays,
    supersede,
    weekdays_text,
)
from domain.time import TS_DTYPE, days_between

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
    lengths = {(row.agent_id, row.start.tz_convert(NEW_YORK).date()): row.end - row.start for row in spring.itertuples()}
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


# -- validity, skipped days and overnight shifts ---------------------------------------------------------------


def test_occurrences_start_only_inside_the_validity_and_not_on_skipped_days():
    entry = RosterEntry(
        7, "jd", EVERY_DAY, time(9), time(18), valid_from=date(2024, 3, 5), valid_to=date(2024, 3, 8), skipped={date(2024, 3, 6)}
    )
    windows = expand_roster([entry], date(2024, 3, 1), date(2024, 3, 12), SHANGHAI)
    days = [w.tz_convert(SHANGHAI).date() for w in windows["start"]]
    assert days == [date(2024, 3, 5), date(2024, 3, 7), date(2024, 3, 8)]


def test_an_overnight_shift_on_its_last_valid_day_still_runs_into_the_next_morning():
    entry = RosterEntry(8, "jd", EVERY_DAY, time(22), time(6), valid_from=MONDAY, valid_to=MONDAY)
    windows = expand_roster([entry], MONDAY - timedelta(days=1), MONDAY + timedelta(days=1), SHANGHAI)
    assert windows[["start", "end"]].values.tolist() == [[local(MONDAY, 22, SHANGHAI), local(MONDAY + timedelta(days=1), 6, SHANGHAI)]]


def test_a_validity_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="cannot start"):
        RosterEntry(1, "jd", WEEKDAYS, time(9), time(18), valid_from=date(2024, 3, 5), valid_to=date(2024, 3, 4))


TIMES = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
WEEKDAY_SETS = st.frozensets(st.integers(0, 6), min_size=1)
FIRST = date(2026, 11, 2)


@settings(max_examples=200, deadline=None)
@given(weekdays=WEEKDAY_SETS, start=TIMES, end=TIMES, offset=st.integers(0, 60 * 24 * 16 - 1))
def test_an_overnight_shift_covers_exactly_its_hours(weekdays, start, end, offset):
    # Shanghai keeps one offset all year, so wall-clock hours and UTC hours agree.
    entry = RosterEntry(1, "jd", weekdays, start, end)
    windows = expand_roster([entry], FIRST - timedelta(days=1), FIRST + timedelta(days=16), SHANGHAI)
    instant = datetime.combine(FIRST, time(0), tzinfo=SHANGHAI) + timedelta(minutes=offset)
    inside = bool(((windows["start"] <= instant) & (instant < windows["end"])).any())
    day, minute = instant.date(), instant.hour * 60 + instant.minute
    begin, finish = start.hour * 60 + start.minute, end.hour * 60 + end.minute
    yesterday = (day - timedelta(days=1)).weekday() in weekdays
    if entry.crosses_midnight:
        expected = (day.weekday() in weekdays and minute >= begin) or (yesterday and minute < finish)
    else:
        expected = day.weekday() in weekdays and begin <= minute < finish
    assert inside == expected


@settings(max_examples=200, deadline=None)
@given(
    weekdays=WEEKDAY_SETS,
    start=TIMES,
    end=TIMES,
    first=st.integers(0, 20),
    length=st.one_of(st.none(), st.integers(0, 20)),
    skipped=st.frozensets(st.integers(0, 40), max_size=5),
    tz=st.sampled_from([SHANGHAI, NEW_YORK]),
)
def test_occurrences_never_reach_outside_the_validity(weekdays, start, end, first, length, skipped, tz):
    valid_from = FIRST + timedelta(days=first)
    valid_to = None if length is None else valid_from + timedelta(days=length)
    skip = {FIRST + timedelta(days=n) for n in skipped}
    entry = RosterEntry(1, "jd", weekdays, start, end, valid_from=valid_from, valid_to=valid_to, skipped=skip)
    windows = expand_roster([entry], FIRST - timedelta(days=3), FIRST + timedelta(days=45), tz)
    last_end = None if valid_to is None else datetime.combine(valid_to + timedelta(days=1 if entry.crosses_midnight else 0), end, tzinfo=tz)
    for row in windows.itertuples():
        starts_on = row.start.tz_convert(tz).date()
        assert valid_from <= starts_on and (valid_to is None or starts_on <= valid_to)
        assert starts_on.weekday() in weekdays and starts_on not in skip
        assert row.start >= datetime.combine(valid_from, time(0), tzinfo=tz)
        assert last_end is None or row.end <= last_end


# -- a newer shift replaces an older one on its own days -------------------------------------------------------------


def test_a_new_shift_from_a_day_trims_the_old_one_and_keeps_its_other_weekdays():
    old = RosterEntry(1, "jd", WEEKDAYS, time(9), time(18), valid_from=date(2024, 1, 1))
    new = RosterEntry(1, "jd", frozenset({2}), time(12), time(21), valid_from=date(2024, 3, 4), valid_to=date(2024, 3, 31))
    cut = supersede(old, new)
    assert cut.keep_until == date(2024, 3, 3)
    assert [(p.weekdays, p.valid_from, p.valid_to) for p in cut.pieces] == [
        (frozenset({0, 1, 3, 4}), date(2024, 3, 4), date(2024, 3, 31)),
        (WEEKDAYS, date(2024, 4, 1), None),
    ]


@pytest.mark.parametrize(
    "new",
    [
        RosterEntry(2, "jd", WEEKDAYS, time(9), time(18), valid_from=date(2024, 3, 4)),  # someone else
        RosterEntry(1, "vip", WEEKDAYS, time(9), time(18), valid_from=date(2024, 3, 4)),  # another account
        RosterEntry(1, "jd", frozenset({5, 6}), time(9), time(18), valid_from=date(2024, 3, 4)),  # the weekend
        RosterEntry(1, "jd", WEEKDAYS, time(9), time(18), valid_from=date(2024, 5, 1)),  # after the old one ended
    ],
)
def test_a_shift_that_does_not_meet_the_old_one_leaves_it_alone(new):
    old = RosterEntry(1, "jd", WEEKDAYS, time(9), time(18), valid_from=date(2024, 1, 1), valid_to=date(2024, 4, 30))
    assert supersede(old, new) is None


DAY_OFFSETS = st.integers(0, 30)


@settings(max_examples=300, deadline=None)
@given(
    old_days=WEEKDAY_SETS,
    new_days=WEEKDAY_SETS,
    old_from=DAY_OFFSETS,
    old_len=st.one_of(st.none(), DAY_OFFSETS),
    new_from=DAY_OFFSETS,
    new_len=st.one_of(st.none(), DAY_OFFSETS),
)
def test_after_superseding_the_old_plan_runs_exactly_where_the_new_one_does_not(old_days, new_days, old_from, old_len, new_from, new_len):
    def validity(start, length):
        first = FIRST + timedelta(days=start)
        return first, None if length is None else first + timedelta(days=length)

    old = RosterEntry(1, "jd", old_days, time(9), time(18), *validity(old_from, old_len))
    new = RosterEntry(1, "jd", new_days, time(10), time(19), *validity(new_from, new_len))
    cut = supersede(old, new)
    remaining = [old] if cut is None else ([replace(old, valid_to=cut.keep_until)] if cut.keep_until else []) + list(cut.pieces)
    for day in days_between(FIRST - timedelta(days=1), FIRST + timedelta(days=70)):
        expected = old.runs_on(day) and not new.runs_on(day)
        assert any(entry.runs_on(day) for entry in remaining) == expected, day
        assert sum(entry.runs_on(day) for entry in remaining) <= 1, "no day is planned twice"


# -- overlaps and the notation ----------------------------------------------------------------------------------


def test_two_agents_at_once_on_one_account_are_an_overlap_and_the_same_agent_is_not():
    plan = [
        RosterEntry(1, "jd", EVERY_DAY, time(9), time(18)),
        RosterEntry(2, "jd", EVERY_DAY, time(17), time(23)),
        RosterEntry(2, "vip", EVERY_DAY, time(9), time(18)),
        RosterEntry(1, "jd", EVERY_DAY, time(18), time(20)),
    ]
    found = overlaps(expand_roster(plan, MONDAY, MONDAY, SHANGHAI))
    assert [(o.account, o.first_agent, o.second_agent, o.start, o.end) for o in found] == [
        ("jd", 1, 2, local(MONDAY, 17, SHANGHAI), local(MONDAY, 18, SHANGHAI)),
        ("jd", 1, 2, local(MONDAY, 18, SHANGHAI), local(MONDAY, 20, SHANGHAI)),
    ]


@pytest.mark.parametrize(
    "text, days",
    [
        ("1-5", {0, 1, 2, 3, 4}),
        ("1,3,5", {0, 2, 4}),
        ("6-7", {5, 6}),
        ("135", {0, 2, 4}),
        ("一至五", {0, 1, 2, 3, 4}),
        ("周六日", {5, 6}),
        ("周一、周三", {0, 2}),
        ("5-1", {4, 5, 6, 0}),
        ("工作日", {0, 1, 2, 3, 4}),
        ("每天", set(range(7))),
        ("1-3,6", {0, 1, 2, 5}),
        ("8", None),
        ("0", None),
        ("1-", None),
        ("mon", None),
        ("", None),
        ("１２", None),
    ],
)
def test_weekdays_as_people_write_them(text, days):
    assert parse_weekdays(text) == (None if days is None else frozenset(days))


@given(WEEKDAY_SETS)
def test_weekdays_written_back_read_the_same(days):
    assert parse_weekdays(weekdays_text(days)) == days


@pytest.mark.parametrize(
    "text, hours",
    [
        ("09:00-18:00", (time(9), time(18))),
        ("9:30-18:00", (time(9, 30), time(18))),
        ("22:00-06:00", (time(22), time(6))),
        ("08:00-24:00", (time(8), time(0))),
        ("09：00~18：00", (time(9), time(18))),
        ("24:00-06:00", None),
        ("09:00", None),
        ("25:00-26:00", None),
        ("09:00-24:30", None),
        ("9-18", None),
    ],
)
def test_hours_as_people_write_them(text, hours):
    assert parse_hours(text) == hours


@pytest.mark.parametrize(
    "text, monday",
    [
        ("", date(2026, 11, 23)),
        ("2026-W48", date(2026, 11, 23)),
        ("2026w49", date(2026, 11, 30)),
        ("2026-11-29", date(2026, 11, 23)),
        ("2026-W54", None),
        ("next", None),
        ("2026-13-01", None),
    ],
)
def test_a_week_is_named_by_its_iso_number_or_a_day_in_it(text, monday):
    assert parse_week(text, date(2026, 11, 25)) == monday
