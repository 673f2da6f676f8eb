from datetime import date, timedelta

import pandas as pd
import pytest

from domain.holds import Hold
from domain.ledger import APPORTIONED, CASE, HOURS, LoggedCase, PointRates, apportioned_entries, compile_day
from domain.standings import competition_ranks, standings
from tests.factories import SHANGHAI, local

DAY = date(2026, 11, 2)
RATES = PointRates(per_case=1.0, per_hour=2.0)


def test_hours_held_earn_points_per_hour_and_cases_points_per_case():
    holds = [Hold("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "12:30"), id=1)]
    cases = [LoggedCase(1, 1, "jd", local("2026-11-02", "10:00"), "consult"), LoggedCase(2, 1, "jd", local("2026-11-02", "11:00"), "other")]
    entries = compile_day(DAY, SHANGHAI, holds, cases, RATES, now=local("2026-11-03", "00:00"))
    assert [(e.kind, e.source, e.millipoints) for e in entries] == [
        (CASE, "case:1", 1000),
        (CASE, "case:2", 1000),
        (HOURS, "hold:1", 7000),
    ]


def test_a_hold_across_midnight_is_split_between_the_two_days():
    hold = Hold("jd", 1, local("2026-11-02", "22:00"), local("2026-11-03", "01:00"), id=5)
    now = local("2026-11-04", "00:00")
    first = compile_day(DAY, SHANGHAI, [hold], [], RATES, now)
    second = compile_day(DAY + timedelta(days=1), SHANGHAI, [hold], [], RATES, now)
    assert [e.quantity for e in first] == [7200]
    assert [e.quantity for e in second] == [3600]


def test_an_open_hold_counts_up_to_now_and_compiling_twice_gives_the_same_entries():
    hold = Hold("jd", 1, local("2026-11-02", "09:00"), None, id=1)
    now = local("2026-11-02", "10:15")
    once = compile_day(DAY, SHANGHAI, [hold], [], RATES, now)
    twice = compile_day(DAY, SHANGHAI, [hold], [], RATES, now)
    assert once == twice
    assert once[0].quantity == 4500 and once[0].millipoints == 2500


def test_negative_rates_are_refused():
    with pytest.raises(ValueError):
        PointRates(per_case=-1)


def test_standings_rank_by_points_and_equal_points_share_a_rank():
    holds = [
        Hold("jd", 1, local("2026-11-02", "09:00"), local("2026-11-02", "10:00"), id=1),
        Hold("jd", 2, local("2026-11-02", "10:00"), local("2026-11-02", "11:00"), id=2),
        Hold("vip", 3, local("2026-11-02", "09:00"), local("2026-11-02", "12:00"), id=3),
    ]
    entries = compile_day(DAY, SHANGHAI, holds, [], RATES, now=local("2026-11-02", "23:00"))
    table = standings(entries, agents=[4])
    assert [(s.agent_id, s.rank, s.points) for s in table] == [(3, 1, 6.0), (1, 2, 2.0), (2, 2, 2.0), (4, 4, 0.0)]


def test_competition_ranking_skips_after_a_tie():
    assert competition_ranks({10: 5, 11: 7, 12: 5, 13: 1}) == {11: 1, 10: 2, 12: 2, 13: 4}


def test_apportioned_counts_are_entries_of_their_own_kind_worth_a_conversation_each_and_apart_in_the_standings():
    shares = pd.DataFrame(
        [("tm", DAY, 9, 1, "received", 3, 3600.0, APPORTIONED), ("tm", DAY, 10, 1, "received", 2, 3600.0, APPORTIONED),
         ("tm", DAY, 10, 2, "received", 1, 1800.0, APPORTIONED), ("tm", DAY + timedelta(days=1), None, 2, "received", 9, 60.0, APPORTIONED)],
        columns=["account", "day", "hour", "agent_id", "measure", "value", "held_seconds", "basis"],
    )  # fmt: skip
    entries = apportioned_entries(shares, PointRates(per_conversation=0.5), [DAY])
    assert [(e.agent_id, e.kind, e.source, e.quantity, e.millipoints) for e in entries] == [
        (1, APPORTIONED, "apportioned:tm", 5.0, 2500),
        (2, APPORTIONED, "apportioned:tm", 1.0, 500),
    ]
    (first, second) = standings(entries)
    assert (first.agent_id, first.conversations, first.apportioned, first.points) == (1, 0.0, 5.0, 2.5)
    assert (second.agent_id, second.apportioned) == (2, 1.0)
