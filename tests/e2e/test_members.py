"""Membership is checked, not remembered: someone removed from the team's group loses private access.

Two ways Baton learns of it: a chat_member update (Telegram sends them to a bot that is an admin
of the group), which ends access at once and closes what the person held; and getChatMember,
asked at most once a minute for a private command, which answers "kicked" or "left".
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.sandbox.live import LiveBot, shown
from storage.models import AuditRow
from tests.e2e.test_permissions import NOT_MEMBER, calls_of, snapshot
from tests.factories import SUPERVISOR_ID, local

pytestmark = pytest.mark.e2e


def open_holds(live: LiveBot) -> list:
    return live.baton.read(lambda uow: uow.holds.open())


def audited(live: LiveBot, action: str) -> list[AuditRow]:
    with live.baton.reading() as uow:
        return list(uow.session.exec(select(AuditRow).where(AuditRow.action == action)))


async def test_a_member_removed_from_the_group_has_their_hold_closed_supervisors_told_and_access_ended(live, clock):
    wang, boss = live.user(101, "王芳"), live.user(SUPERVISOR_ID, "主管")
    boss_chat = live.sandbox.private_chat(boss)
    await live.say(boss, "/help", chat=boss_chat)
    clock.set(local("2026-11-02", "09:00"))
    await live.say(wang, "/console")
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "09:40"))

    removed = await live.deliver(lambda: live.sandbox.change_member(live.group, wang, "kicked", by=boss))

    (hold,) = live.baton.read(lambda uow: uow.holds.between(local("2026-11-02", "00:00"), local("2026-11-03", "00:00")))
    assert hold.end == local("2026-11-02", "09:40"), "ended when they were removed"
    assert open_holds(live) == []
    (entry,) = audited(live, "left_group")
    assert entry.subject == "jd"
    told = [c for c in removed.sent() if c.params["chat_id"] == SUPERVISOR_ID]
    assert [shown(c) for c in told] == ["🚪 王芳 已离开本群（或被移出），不能再使用机器人。TA 接管的 京东旗舰店 已在 09:40 结束。"]
    assert any(c.params.get("chat_id") == live.group["id"] for c in removed.edits()), "the live board follows"

    # Their access ended with the update: no getChatMember needed, nothing written.
    before, asked = snapshot(live.baton.engine), calls_of(live, "getChatMember")
    chat = live.sandbox.private_chat(wang)
    for command in ("/on jd", "/case", "/off", "/thanks @nobody 谢谢"):
        refused = await live.say(wang, command, chat=chat)
        assert refused.texts() == [NOT_MEMBER], command
    assert snapshot(live.baton.engine) == before, "no hold, no case, no audit entry"
    assert calls_of(live, "getChatMember") == asked


async def test_telegram_saying_kicked_ends_private_access_within_a_minute_and_closes_the_hold(live, clock):
    wang, english, boss = live.user(101, "王芳"), live.user(102, "Li", language_code="en"), live.user(SUPERVISOR_ID, "主管")
    chat, li_chat, boss_chat = live.sandbox.private_chat(wang), live.sandbox.private_chat(english), live.sandbox.private_chat(boss)
    await live.say(boss, "/help", chat=boss_chat)
    clock.set(local("2026-11-02", "09:00"))
    await live.say(wang, "/on jd", chat=chat)
    await live.say(english, "/help", chat=li_chat)
    assert len(open_holds(live)) == 1, "a member is answered in private"

    live.sandbox.set_member(live.group, wang, "kicked")
    live.sandbox.set_member(live.group, english, "left")
    clock.set(local("2026-11-02", "09:01:01"))
    before = snapshot(live.baton.engine)
    first = await live.say(wang, "/on vip", chat=chat)
    assert [shown(c) for c in first.sent() if c.params["chat_id"] == wang["id"]] == [NOT_MEMBER], "an agent row is no pass"
    (hold,) = live.baton.read(lambda uow: uow.holds.between(local("2026-11-02", "00:00"), local("2026-11-03", "00:00")))
    assert hold.account == "jd" and hold.end == local("2026-11-02", "09:01:01"), "closed when Telegram said they were out"
    (entry,) = audited(live, "left_group")
    assert entry.subject == "jd"
    told = [shown(c) for c in first.sent() if c.params["chat_id"] == SUPERVISOR_ID]
    assert told == ["🚪 王芳 已离开本群（或被移出），不能再使用机器人。TA 接管的 京东旗舰店 已在 09:01 结束。"]

    after_closing = snapshot(live.baton.engine)
    assert {k for k in before if before[k] != after_closing[k]} <= {"holds", "audit_log", "boards"}
    for command in ("/on vip", "/case", "/off", "/thanks @nobody", "/console"):
        refused = await live.say(wang, command, chat=chat)
        assert refused.texts() == [NOT_MEMBER], command
        assert [c for c in refused.sent() if c.params["chat_id"] == SUPERVISOR_ID] == [], "told once"
    assert (await live.say(english, "/on vip", chat=li_chat)).texts() == ["🚫 Only members of the “客服一组” group can use this bot."]
    assert snapshot(live.baton.engine) == after_closing, "nothing written: no hold, no case, no audit entry"


async def test_leaving_and_coming_back_through_chat_member_updates(live, clock):
    wang = live.user(101, "王芳")
    chat = live.sandbox.private_chat(wang)
    await live.say(wang, "/help", chat=chat)
    await live.deliver(lambda: live.sandbox.change_member(live.group, wang, "left"))
    assert audited(live, "left_group") == [], "nothing held, nothing to close"
    assert (await live.say(wang, "/help", chat=chat)).texts() == [NOT_MEMBER]
    await live.deliver(lambda: live.sandbox.change_member(live.group, wang, "member", by=live.user(SUPERVISOR_ID, "主管")))
    assert (await live.say(wang, "/help", chat=chat)).texts()[0] != NOT_MEMBER
