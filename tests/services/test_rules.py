"""The rules' use cases in the domain's words: what is in force, and a weight changed as a new version."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.errors import Refused
from bot.month.service import close_month, score_month
from bot.rules.service import rules_today, set_weight
from tests.factories import act, local


def versions(baton):
    return [(v.version, v.effective_from, v.rules.factor("cases").weight) for v in baton.read(lambda uow: uow.months.rules_versions())]


def test_a_weight_change_is_a_new_version_from_its_day_and_a_month_keeps_the_version_of_its_first_day(baton, clock, boss):
    changed = act(baton, boss, set_weight, "cases", 20, date(2026, 11, 10))
    assert (changed.version, changed.based_on, changed.old, changed.new, changed.first_month) == (2, 1, 15, 20, "2026-12")
    assert versions(baton) == [(1, date(2000, 1, 1), 15), (2, date(2026, 11, 10), 20)]
    (entry,) = [e for e in baton.read(lambda uow: uow.audit.all()) if e.action == "set_weight"]
    assert entry.subject == "cases"

    clock.set(local("2026-11-20", "10:00"))
    today = baton.run(rules_today)
    assert (today.current.version, today.from_the_start, today.month_version) == (2, False, 1)
    assert baton.run(score_month, "2026-11", 0).version.version == 1
    clock.set(local("2026-12-01", "10:00"))
    assert baton.run(score_month, "2026-12", 0).version.version == 2


def test_rules_today_lists_what_is_scheduled_and_warns_a_change_that_a_later_version_lacks(baton, boss):
    act(baton, boss, set_weight, "cases", 20, date(2026, 12, 1))
    today = baton.run(rules_today)
    assert (today.current.version, today.from_the_start) == (1, True)
    (scheduled,) = today.scheduled
    assert (scheduled.version.version, scheduled.first_month, scheduled.replaces.factor("cases").weight) == (2, "2026-12", 15)

    earlier = act(baton, boss, set_weight, "satisfaction", 0)  # from tomorrow
    assert earlier.effective_from == date(2026, 11, 3) and earlier.superseded_by.version == 2


@pytest.mark.parametrize(
    ("factor", "weight", "day", "code"),
    [
        ("speed", 5, None, "unknown_factor"),
        ("cases", -5, None, "weight_negative"),
        ("cases", 20, date(2026, 11, 1), "rules_in_past"),
        ("cases", 15, date(2026, 12, 1), "weight_unchanged"),
        ("cases", 20, date(2026, 10, 20), "rules_month_closed"),
    ],
)
def test_a_refused_weight_change_stores_no_version(baton, clock, boss, factor, weight, day, code):
    baton.run(close_month, "2026-10", 0, None)
    with pytest.raises(Refused) as refused:
        act(baton, boss, set_weight, factor, weight, day)
    assert refused.value.code == code
    assert [v for v, _, _ in versions(baton)] == [1]
