"""Explaining a month in the domain's words: /me for oneself, /why for anyone, open or frozen."""

from __future__ import annotations

import pytest

from bot.core.errors import Refused
from bot.explain.service import explain_handle, explain_me, explain_replied_to
from bot.month.service import adjust, close_month
from tests.factories import act, local
from tests.services.test_month import work_october


def test_an_agent_sees_every_point_of_their_open_month_and_their_rank(baton, clock, wang, li, boss):
    work_october(baton, clock, wang, li)
    clock.set(local("2026-10-30", "10:00"))
    act(baton, boss, adjust, "@lilei", 5, "帮忙培训新人")
    mine = act(baton, wang, explain_me)
    theirs = act(baton, li, explain_me, "2026-10")
    assert (mine.month, mine.closed, mine.rank, mine.team_size) == ("2026-10", False, 1, 2)
    assert mine.total == pytest.approx(mine.factor_points + mine.collaboration + mine.adjustments)
    assert theirs.adjustments == 5 and [(e.points, e.reason, e.by) for e in theirs.adjustment_entries] == [(5, "帮忙培训新人", "Boss")]
    assert (theirs.rank, theirs.next_rank) == (2, 1) and theirs.gap_to_next_rank == pytest.approx(mine.total - theirs.total)


def test_a_closed_month_is_explained_from_what_was_frozen(baton, clock, wang, li, boss):
    work_october(baton, clock, wang, li)
    closed = baton.run(close_month, "2026-10", 100_000, None)
    explained = act(baton, boss, explain_handle, "王芳", "2026-10")
    frozen = closed.scored.snapshot.row(explained.agent_id)
    assert (explained.closed, explained.payout_cents, explained.total) == (True, frozen.payout_cents, frozen.score)


def test_someone_unknown_or_without_work_or_a_future_month_is_refused_kindly(baton, clock, wang, li, boss):
    work_october(baton, clock, wang, li)
    cases = [
        (explain_handle, ("@nobody",), "unknown_agent", {"handle": "@nobody"}),
        (explain_replied_to, (555, "小新"), "unknown_agent", {"handle": "小新"}),
        (explain_handle, ("王芳", "2026-12"), "month_in_future", {"month": "2026-12"}),
        (explain_handle, ("王芳",), "explain_nothing_yet", {"name": "王芳", "month": "2026-11"}),
    ]
    for use_case, args, code, params in cases:
        with pytest.raises(Refused) as refused:
            act(baton, boss, use_case, *args)
        assert (refused.value.code, refused.value.params) == (code, params)
