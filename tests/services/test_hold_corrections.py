"""The holds table's corrections: which holds a take-over ended, and moving an ended hold only as it was read."""

from __future__ import annotations

from dataclasses import replace

from bot.console.service import hand_off_account, take_over_account
from tests.factories import act, local


def all_holds(baton):
    return baton.read(lambda uow: uow.holds.between(local("2026-11-01", "00:00"), local("2026-11-05", "00:00")))


def test_a_take_over_by_someone_else_is_found_and_a_hand_off_is_not(baton, clock, wang, li):
    clock.set(local("2026-11-02", "14:00"))
    act(baton, wang, take_over_account, "jd")
    act(baton, wang, take_over_account, "vip")
    clock.set(local("2026-11-02", "18:00"))
    act(baton, wang, hand_off_account, "vip")
    clock.set(local("2026-11-03", "09:00"))
    act(baton, li, take_over_account, "jd")
    taken = baton.read(lambda uow: uow.holds.taken_over_between(local("2026-11-02", "00:00"), local("2026-11-04", "00:00")))
    assert [(h.account, h.end) for h in taken] == [("jd", local("2026-11-03", "09:00"))]
    by = baton.read(lambda uow: [uow.holds.taken_over_by(h.id) for h in all_holds(baton)])
    li_id = baton.read(lambda uow: uow.agents.find("李雷").id)
    assert by == [li_id, None, None], "taken over, handed off, still open"


def test_an_ended_hold_moves_only_as_it_was_read(baton, clock, wang, li):
    clock.set(local("2026-11-02", "14:00"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-03", "09:00"))
    act(baton, li, take_over_account, "jd")
    night, _ = all_holds(baton)
    moved = baton.run(lambda uow: uow.holds.move(night.id, was=night, start=night.start, end=local("2026-11-02", "18:30")))
    assert moved
    stale = baton.run(lambda uow: uow.holds.move(night.id, was=night, start=night.start, end=local("2026-11-02", "18:00")))
    assert not stale, "another writer moved it first"
    assert all_holds(baton)[0].end == local("2026-11-02", "18:30")
    again = replace(night, end=local("2026-11-02", "18:30"))
    assert baton.run(lambda uow: uow.holds.move(night.id, was=again, start=local("2026-11-02", "14:30"), end=again.end))
    assert (all_holds(baton)[0].start, all_holds(baton)[0].end) == (local("2026-11-02", "14:30"), local("2026-11-02", "18:30"))
