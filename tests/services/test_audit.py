"""The audit log in the domain's words: what the latest entries say, and a chain that catches an edit."""

from __future__ import annotations

import json

from sqlalchemy import text

from bot.audit.service import latest, verify
from bot.console.service import hand_off_account, take_over_account
from bot.month.service import adjust
from tests.factories import act, local


def a_morning(baton, clock, wang, boss) -> None:
    """Three audited actions: 王芳 takes JD, the supervisor adjusts her points, she hands off."""
    clock.set(local("2026-11-02", "09:05"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "10:30"))
    act(baton, boss, adjust, "@wangfang", 3, "帮新人排班")
    clock.set(local("2026-11-02", "11:45"))
    act(baton, wang, hand_off_account)


def tamper(baton, statement: str, **params) -> None:
    """An edit made behind the application's back."""
    with baton.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_the_latest_entries_name_who_did_what_oldest_first(baton, clock, wang, boss):
    a_morning(baton, clock, wang, boss)
    entries = baton.read(latest, 2)
    assert [(e.actor, e.action, e.subject) for e in entries] == [("Boss", "adjust", "王芳"), ("王芳", "hand_off", "jd")]
    assert entries[0].at == local("2026-11-02", "10:30")
    assert json.loads(entries[0].detail)["reason"] == "帮新人排班"
    assert len(baton.read(latest, 50)) == 3


def test_an_empty_log_lists_nothing_and_verifies_from_genesis(baton):
    assert baton.read(latest, 10) == []
    verified = baton.read(verify)
    assert (verified.count, verified.broken) == (0, None)


def test_an_intact_chain_verifies_with_its_count_and_head(baton, clock, wang, boss):
    a_morning(baton, clock, wang, boss)
    verified = baton.read(verify)
    assert (verified.count, verified.broken) == (3, None)
    assert verified.head == baton.read(lambda uow: uow.audit.all())[-1].hash


def test_an_edited_entry_is_found_at_that_entry(baton, clock, wang, boss):
    a_morning(baton, clock, wang, boss)
    adjusted = baton.read(latest, 2)[0]
    tamper(baton, "UPDATE audit_log SET detail = replace(detail, '3', '30') WHERE id = :id", id=adjusted.id)
    broken = baton.read(verify).broken
    assert (broken.id, broken.action, broken.at, broken.reason) == (adjusted.id, "adjust", local("2026-11-02", "10:30"), "content")


def test_a_head_noted_earlier_must_still_be_in_the_chain(baton, clock, wang, boss):
    a_morning(baton, clock, wang, boss)
    noted = baton.read(verify).head
    assert baton.read(verify, noted).noted_head_found
    tamper(baton, "DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    after = baton.read(verify, noted)
    assert (after.broken, after.noted_head_found) == (None, False), "a cut tail still links up; only the noted head shows it"
