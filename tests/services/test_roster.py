"""The roster's use cases in the domain's words: shifts set and ended, a roster sheet, and a shift swap.

The configuration rosters 王芳 on jd, Monday to Friday 09:00–18:00; Monday 2026-11-02 is today.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.errors import Refused
from bot.roster.parse import parse_shift, parse_swap, read_sheet
from bot.roster.service import ShiftEnded, import_roster, set_shift, week
from bot.roster.swaps import ACCEPT, APPROVE, offer, press, record_message
from tests.factories import act, local, team_config

MONDAY, TUESDAY = date(2026, 11, 2), date(2026, 11, 3)
ACCOUNTS = ("jd", "vip")
GROUP_MESSAGE = (-100, 7)  # where the swap's buttons were posted
SEED = [{"agent": 101, "name": "王芳", "account": "jd", "weekdays": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"}]


@pytest.fixture
def config(database_url):
    return team_config(database_url, roster=SEED)


def shift(text: str):
    """A /shift as the supervisor types it."""
    return parse_shift(text.split(), ACCOUNTS, MONDAY)


def on_jd(baton, monday: date = MONDAY) -> dict[str, tuple[frozenset[int], frozenset[int]]]:
    """Who is rostered on jd that week: the weekdays they work, and the ones they gave away."""
    (_, rows) = next(a for a in baton.read(week, monday).accounts if a[0] == "jd")
    return {row.name: (row.days, row.away) for row in rows}


def test_a_shift_beside_someone_rostered_is_set_and_the_overlap_is_reported_not_refused(baton, li, boss):
    act(baton, li, lambda uow: None)  # 李雷 has written to the bot, so @lilei names him
    done = act(baton, boss, set_shift, shift("@lilei jd 3-5 12:00-21:00"))
    (conflict,) = done.conflicts
    assert (conflict.first, conflict.second, conflict.start, conflict.count) == ("王芳", "李雷", local("2026-11-04", "12:00"), 12)
    assert on_jd(baton) == {"王芳": (frozenset(range(5)), frozenset()), "李雷": (frozenset({2, 3, 4}), frozenset())}
    (this_week,) = baton.read(week, MONDAY).conflicts
    assert this_week.count == 3


def test_taking_someone_off_an_account_ends_their_shifts_from_that_day_and_is_audited(baton, boss):
    ended = act(baton, boss, set_shift, shift("@101 jd off from 2026-11-09"))
    assert ended == ShiftEnded("王芳", "jd", date(2026, 11, 9), 1)
    assert "王芳" in on_jd(baton) and on_jd(baton, date(2026, 11, 9)) == {}
    with pytest.raises(Refused) as refused:
        act(baton, boss, set_shift, shift("@101 vip off"))
    assert (refused.value.code, refused.value.params["name"]) == ("roster_nothing_to_end", "王芳")
    with baton.reading() as uow:
        assert [(row.action, row.subject) for row in uow.audit.all()] == [("shift_end", "王芳")]


def sheet(name: str, *rows: str):
    """A roster sheet as a supervisor uploads it, read."""
    text = "\n".join(["agent,account,weekdays,start,end", *rows]) + "\n"
    return read_sheet(text.encode(), name, ACCOUNTS, MONDAY)


def test_a_sheet_with_one_unknown_person_imports_nothing_and_names_the_row(baton, boss):
    weekend_on_vip = "101,vip,6-7,10:00,16:00"
    with pytest.raises(Refused) as refused:
        act(baton, boss, import_roster, sheet("bad.csv", weekend_on_vip, "@nobody,jd,1-5,09:00,18:00"))
    assert refused.value.params["problems"] == [(3, "roster_unknown_agent", {"handle": "@nobody"})]
    assert baton.read(week, MONDAY).accounts[1] == ("vip", ())

    done = act(baton, boss, import_roster, sheet("ok.csv", weekend_on_vip))
    assert (done.filename, done.shifts, done.people, done.conflicts) == ("ok.csv", 1, 1, ())
    (vip_row,) = baton.read(week, MONDAY).accounts[1][1]
    assert (vip_row.name, vip_row.days) == ("王芳", frozenset({5, 6}))


def test_a_swap_accepted_and_approved_gives_the_day_to_the_colleague(baton, clock, wang, li, boss):
    act(baton, li, lambda uow: None)
    offered = act(baton, wang, offer, parse_swap(["2026-11-03", "jd", "@lilei"], ACCOUNTS, MONDAY))
    baton.run(record_message, offered.id, *GROUP_MESSAGE)
    assert (offered.status, offered.colleague, offered.awaiting) == ("offered", "李雷", ("accept", "decline"))

    accepted = act(baton, li, press, offered.id, ACCEPT, GROUP_MESSAGE, supervisor=False)
    assert accepted.awaiting == ("approve", "reject")
    assert on_jd(baton)["王芳"] == (frozenset(range(5)), frozenset()), "nothing changes hands before approval"
    approved = act(baton, boss, press, offered.id, APPROVE, GROUP_MESSAGE, supervisor=True)
    assert (approved.status, approved.decided_by, approved.awaiting) == ("approved", "Boss", None)
    assert on_jd(baton) == {"王芳": (frozenset({0, 2, 3, 4}), frozenset({1})), "李雷": (frozenset({1}), frozenset())}


def test_only_the_colleague_answers_only_a_supervisor_decides_and_only_on_the_offers_own_message(baton, wang, li, boss):
    act(baton, li, lambda uow: None)
    offered = act(baton, wang, offer, parse_swap(["jd", "11-03", "@lilei"], ACCOUNTS, MONDAY))
    baton.run(record_message, offered.id, *GROUP_MESSAGE)

    def refusal(person, action, where=GROUP_MESSAGE, supervisor=False) -> str:
        with pytest.raises(Refused) as refused:
            act(baton, person, press, offered.id, action, where, supervisor=supervisor)
        return refused.value.code

    assert refusal(boss, ACCEPT) == "swap_colleague_only"
    assert refusal(li, ACCEPT, where=(-100, 8)) == "swap_stale"
    act(baton, li, press, offered.id, ACCEPT, GROUP_MESSAGE, supervisor=False)
    assert refusal(li, APPROVE) == "swap_supervisors_only"
    assert refusal(li, ACCEPT) == "swap_moved"
    with pytest.raises(Refused) as again:
        act(baton, wang, offer, parse_swap(["2026-11-03", "jd", "9000"], ACCOUNTS, MONDAY))
    assert again.value.code == "swap_already_offered"
