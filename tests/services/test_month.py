"""The month's use cases in the domain's words: adjust, preview, close, reopen, and the monthly digest."""

from __future__ import annotations

import pytest

from bot.console.service import hand_off_account, log_case, take_over_account
from bot.core.errors import Refused
from bot.month.service import (
    AlreadyClosed,
    adjust,
    close_month,
    frozen_snapshot,
    month_span,
    preview_close,
    provisional_standings,
    reopen_month,
)
from tests.factories import act, local

POOL = 100_000  # ¥1,000.00


def work_october(baton, clock, wang, li) -> None:
    """王芳 holds jd 09:00–17:00 and logs two cases; 李雷 holds vip 09:00–12:00 and logs one. Nothing is compiled yet."""
    clock.set(local("2026-10-05", "09:00"))
    act(baton, wang, take_over_account, "jd")
    act(baton, li, take_over_account, "vip")
    clock.set(local("2026-10-05", "10:00"))
    act(baton, wang, log_case, None, "consult")
    act(baton, wang, log_case, None, "aftersale")
    act(baton, li, log_case, None, "consult")
    clock.set(local("2026-10-05", "12:00"))
    act(baton, li, hand_off_account)
    clock.set(local("2026-10-05", "17:00"))
    act(baton, wang, hand_off_account)
    clock.set(local("2026-11-02", "10:00"))


def closes(baton, month):
    return baton.read(lambda uow: uow.months.month_closes(month))


def test_a_close_freezes_exactly_the_preview_and_splits_the_pool_to_the_cent(baton, clock, wang, li, boss):
    work_october(baton, clock, wang, li)
    preview = act(baton, boss, preview_close, "2026-10", POOL)
    assert closes(baton, "2026-10") == [], "a preview freezes nothing"

    closed = act(baton, boss, close_month, "2026-10", POOL, preview.snapshot.checksum[:12])
    frozen = baton.read(frozen_snapshot, "2026-10")
    assert closed.version == 1 and frozen.checksum == preview.snapshot.checksum
    payouts = {closed.scored.names[r.agent_id]: r.payout_cents for r in frozen.rows}
    assert set(payouts) == {"王芳", "李雷"} and payouts["王芳"] > payouts["李雷"], "the close compiled the month's holds itself"
    assert sum(payouts.values()) + frozen.team_fund_cents == POOL
    (entry,) = [e for e in baton.read(lambda uow: uow.audit.all()) if e.action == "close_month"]
    assert entry.subject == "2026-10" and entry.actor_agent_id == baton.read(lambda uow: uow.agents.find("@boss").id)


def test_a_change_after_the_preview_makes_confirm_stale_and_nothing_is_frozen(baton, clock, wang, li, boss):
    work_october(baton, clock, wang, li)
    preview = act(baton, boss, preview_close, "2026-10", POOL)
    act(baton, boss, adjust, "@lilei", 2, "补录加班", "2026-10")
    with pytest.raises(Refused) as refused:
        act(baton, boss, close_month, "2026-10", POOL, preview.snapshot.checksum[:12])
    assert refused.value.code == "preview_stale"
    assert closes(baton, "2026-10") == []


def test_a_closed_month_refuses_adjustments_until_reopened_and_a_second_close_keeps_version_1(baton, clock, wang, li, boss):
    work_october(baton, clock, wang, li)
    first = baton.run(close_month, "2026-10", POOL, None)  # from the command line: nobody behind it
    assert act(baton, boss, preview_close, "2026-10", POOL) == AlreadyClosed("2026-10", 1)
    with pytest.raises(Refused) as refused:
        act(baton, boss, adjust, "@lilei", -3, "迟到", "2026-10")
    assert refused.value.code == "month_closed"

    reopened = act(baton, boss, reopen_month, "2026-10", "漏记了李雷的加班")
    assert (reopened.by, reopened.version) == ("Boss", 1)
    added = act(baton, boss, adjust, "@lilei", 10, "加班补录", "2026-10")
    assert (added.agent, added.points, added.by) == ("李雷", 10, "Boss")
    second = baton.run(close_month, "2026-10", POOL, None)
    (v1, v2) = closes(baton, "2026-10")
    assert (second.version, v1.closed_by, v1.reopened_at is not None) == (2, None, True)
    assert v1.checksum == first.scored.snapshot.checksum != v2.checksum


def test_a_month_not_over_or_misspelt_cannot_be_closed_and_refusals_change_nothing(baton, clock, wang, li, boss):
    work_october(baton, clock, wang, li)
    for month, code in (("2026-11", "month_not_over"), ("2026-13", "bad_month")):
        with pytest.raises(Refused) as refused:
            act(baton, boss, close_month, month, POOL, None)
        assert refused.value.code == code
    for args, code in (
        (("@lilei", 5, " "), "adjust_needs_reason"),
        (("@lilei", 0, "无"), "adjust_points_range"),
        (("@nobody", 5, "好"), "unknown_agent"),
        (("@lilei", 5, "好", "2026-12"), "month_in_future"),
    ):
        with pytest.raises(Refused) as refused:
            act(baton, boss, adjust, *args)
        assert refused.value.code == code
    assert baton.read(lambda uow: uow.months.adjustments_between(*month_span("2026-11"))) == []


def test_the_monthly_digest_shows_provisional_standings_until_the_month_is_closed(baton, clock, wang, li):
    work_october(baton, clock, wang, li)
    scored = baton.run(provisional_standings, "2026-10")
    assert scored.snapshot.pool_cents == baton.config.payout.pool_cents
    assert sorted(scored.names[r.agent_id] for r in scored.snapshot.rows) == ["李雷", "王芳"]
    baton.run(close_month, "2026-10", POOL, None)
    assert baton.run(provisional_standings, "2026-10") is None
