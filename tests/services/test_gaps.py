"""Gaps in the domain's words: conversations nobody held the account for, and a supervisor crediting the window."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from bot.console.service import hand_off_account, take_over_account
from bot.core.errors import Refused
from bot.core.person import Person
from bot.gaps.service import assign_window, gaps_on
from bot.imports.service import import_export
from bot.ledger.service import ranked
from tests.factories import act, local
from tests.storage.export_samples import SampleConversation, jd_csv_bytes

DAY = date(2026, 11, 2)
ZHANG = Person(103, "张伟", "zhangwei")


@pytest.fixture
def morning(baton, clock, wang, li, boss):
    """王芳 holds JD 09–12, 李雷 12–14; of the three imported conversations, the 15:00 one came in a gap."""
    clock.set(local("2026-11-02", "09:00"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "12:00"))
    act(baton, li, take_over_account, "jd")
    clock.set(local("2026-11-02", "14:00"))
    act(baton, li, hand_off_account)
    clock.set(local("2026-11-02", "18:00"))
    export = [SampleConversation(f"JD-{hour}", datetime(2026, 11, 2, hour)) for hour in (10, 13, 15)]  # naive local, as exports print it
    act(baton, boss, import_export, "jd", jd_csv_bytes(export), "jd.csv")
    act(baton, ZHANG, lambda uow: uow.me)  # 张伟 has written to the bot before


def test_a_window_nobody_held_is_a_gap_with_its_conversations(baton, morning):
    (gap,) = baton.read(gaps_on, DAY)
    assert (gap.account, gap.start, gap.end, gap.conversations) == ("jd", local("2026-11-02", "14:00"), local("2026-11-02", "18:00"), 1)


def test_assigning_the_window_credits_its_conversation_and_hours_at_once(baton, morning, boss):
    done = act(baton, boss, assign_window, "jd", local("2026-11-02", "14:30"), local("2026-11-02", "15:30"), "@zhangwei")
    assert (done.agent, done.conversations) == ("张伟", 1)
    assert baton.read(gaps_on, DAY) == []
    zhang = next(r for r in baton.read(ranked, DAY) if r.name == "张伟")
    assert zhang.standing.points == pytest.approx(2.5)  # 1 h × 2 + 1 conversation × 0.5, compiled by the assignment itself
    (entry,) = [e for e in baton.read(lambda uow: uow.audit.all()) if e.action == "assign"]
    assert entry.actor_agent_id == baton.read(lambda uow: uow.agents.by_tg_id(boss.tg_user_id)).id
    assert (entry.subject, json.loads(entry.detail)["agent"]) == ("jd", "张伟")


def test_a_window_that_touches_a_hold_is_refused_with_the_holder_and_changes_nothing(baton, morning, boss):
    with pytest.raises(Refused) as refused:
        act(baton, boss, assign_window, "jd", local("2026-11-02", "11:00"), local("2026-11-02", "15:00"), "@wangfang")
    assert (refused.value.code, refused.value.params["name"], refused.value.params["start"]) == (
        "assign_overlaps",
        "王芳",
        local("2026-11-02", "09:00"),
    )
    assert [g.conversations for g in baton.read(gaps_on, DAY)] == [1]


@pytest.mark.parametrize(
    "start, end, handle, code",
    [
        ("15:00", "14:00", "@zhangwei", "assign_empty_window"),
        ("19:00", "20:00", "@zhangwei", "assign_in_future"),
        ("14:00", "15:00", "@nobody", "unknown_agent"),
    ],
)
def test_an_impossible_assignment_is_refused(baton, morning, boss, start, end, handle, code):
    with pytest.raises(Refused) as refused:
        act(baton, boss, assign_window, "jd", local("2026-11-02", start), local("2026-11-02", end), handle)
    assert refused.value.code == code
