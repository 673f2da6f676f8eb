"""Who may do what, where: supervisors from the config and (if asked) the group's admins, the
gate that answers only the team's group and its members' private chats, and per-person detail
that never lands in the group."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (the tables SQLModel.metadata lists)
from bot.core.config import ConfigError
from bot.sandbox.live import LiveBot, Reaction
from bot.telegram.courier import POST
from domain.ledger import DERIVED_KINDS
from tests.factories import SUPERVISOR_ID, local, team_config

pytestmark = pytest.mark.e2e

FOREIGN = "🚫 这个机器人只为「客服一组」服务，不会在这里回应。"
NOT_MEMBER = "🚫 只有「客服一组」群的成员可以使用这个机器人。"
BOOKKEEPING = {"processed_updates"}  # which update ids were handled: written for every update, refused or not


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table but the bookkeeping, to prove a refused update changed nothing.

    The ledger's derived rows are left out too: a read may recompile them first, and they
    follow from holds, cases and conversations, which are compared.
    """
    with engine.connect() as connection:
        tables = {
            table.name: connection.execute(select(table)).mappings().all()
            for table in SQLModel.metadata.sorted_tables
            if table.name not in BOOKKEEPING
        }
    tables["ledger"] = [row for row in tables["ledger"] if row["kind"] not in DERIVED_KINDS]
    # The answers themselves, queued for the group's courier: an answer is what a refusal leaves.
    tables["outbox"] = [row for row in tables["outbox"] if row["kind"] != POST]
    return {name: sorted((tuple(row.values()) for row in rows), key=repr) for name, rows in tables.items()}


async def behind_marker(live: LiveBot, inject, marker: dict) -> Reaction:
    """What the bot did about an update the gate may stop, and then about a /help from `marker`.

    The marker's answer, the last message to the group, is left out: the bot still answers its team.
    """
    before = len(live.sandbox.calls)
    await live.deliver(inject)
    await live.say(marker, "/help")
    calls = [c for c in live.sandbox.calls[before:] if c.method != "getUpdates"]
    help_answer = max(i for i, c in enumerate(calls) if c.method == "sendMessage" and c.params.get("chat_id") == live.group["id"])
    return Reaction(calls[:help_answer] + calls[help_answer + 1 :])


def calls_of(live: LiveBot, method: str) -> int:
    return sum(1 for c in live.sandbox.calls if c.method == method)


# -- the gate ----------------------------------------------------------------------------------------


async def test_a_foreign_group_hears_one_short_refusal_and_nothing_is_recorded(live, clock):
    wang = live.user(101, "王芳")
    await live.say(wang, "/on jd")
    stranger = live.user(500, "路人")
    foreign = live.sandbox.group(-1009998887776, "别的群")
    before = snapshot(live.baton.engine)

    first = await behind_marker(live, lambda: live.sandbox.send_message(foreign, stranger, "/console"), wang)
    assert first.texts() == [FOREIGN]
    assert [c.params["chat_id"] for c in first.sent()] == [foreign["id"]]
    for command in ("/on jd", "/off", "/standings", "/help"):
        later = await behind_marker(live, lambda command=command: live.sandbox.send_message(foreign, stranger, command), wang)
        assert later.calls == [], f"{command}: the group was told once"
    # A team member writing there is refused too: what counts is the chat.
    silent = await behind_marker(live, lambda: live.sandbox.send_message(foreign, wang, "/off jd"), wang)
    assert silent.calls == []

    assert snapshot(live.baton.engine) == before, "no stranger registered, nothing handed off"
    with live.baton.reading() as uow:
        assert uow.agents.by_tg_id(500) is None


async def test_a_button_pressed_in_a_foreign_chat_gets_a_refusal_toast_and_changes_nothing(live, clock):
    wang = live.user(101, "王芳")
    await live.say(wang, "/on jd")
    foreign = live.sandbox.group(-1009998887776, "别的群")
    copied = {"message_id": 7, "from": live.sandbox.bot_user, "chat": foreign, "date": 0, "text": "🎛 控制台"}
    before = snapshot(live.baton.engine)
    for data in ("h:jd", "t:jd:0", "mc:2026-10:100:abc"):
        pressed = await behind_marker(live, lambda data=data: live.sandbox.forge_press(copied, wang, data), wang)
        assert pressed.toasts() == [FOREIGN] and pressed.sent() == []
        assert live.sandbox.callback_answers[-1].show_alert
    assert snapshot(live.baton.engine) == before


async def test_strangers_are_refused_in_private_in_their_language_and_members_are_answered(live, clock):
    wang = live.user(101, "王芳")
    await live.say(wang, "/help")
    stranger, english = live.user(500, "路人"), live.sandbox.user(501, "Eve", language_code="en-GB")
    for outsider in (stranger, english):
        live.sandbox.set_member(live.group, outsider, "left")
    before = snapshot(live.baton.engine)

    chat = live.sandbox.private_chat(stranger)
    for command in ("/console", "/on jd"):
        refused = await behind_marker(live, lambda command=command: live.sandbox.send_message(chat, stranger, command), wang)
        assert refused.texts() == [NOT_MEMBER], "a person writing privately is answered every time"
    assert calls_of(live, "getChatMember") == 1, "Telegram is asked at most once a minute"
    clock.advance(timedelta(minutes=11))
    await behind_marker(live, lambda: live.sandbox.send_message(chat, stranger, "/console"), wang)
    assert calls_of(live, "getChatMember") == 2

    eve_chat = live.sandbox.private_chat(english)
    refused = await behind_marker(live, lambda: live.sandbox.send_message(eve_chat, english, "/help"), wang)
    assert refused.texts() == ["🚫 Only members of the “客服一组” group can use this bot."]
    assert snapshot(live.baton.engine) == before

    # In the group per Telegram, never seen by Baton before: answered privately.
    (console,) = (await live.say(live.user(102, "李雷"), "/console", chat=live.sandbox.private_chat(live.user(102, "李雷")))).texts()
    assert console.startswith("🎛 客服一组")


async def test_a_supervisor_outside_the_group_is_still_answered_privately(live, clock):
    boss = live.user(SUPERVISOR_ID, "主管")
    live.sandbox.set_member(live.group, boss, "left")
    (rules,) = (await live.say(boss, "/rules", chat=live.sandbox.private_chat(boss))).texts()
    assert rules.startswith("📏 计分规则")


# -- supervisors: the config, and the group's admins when asked ------------------------------------


async def test_group_admins_supervise_when_configured_and_lose_it_within_ten_minutes(database_url, clock):
    config = team_config(database_url, team={"supervisors_include_group_admins": True})
    async with LiveBot(config, clock) as live:
        admin, agent = live.user(700, "组长"), live.user(101, "王芳")
        live.sandbox.set_member(live.group, admin, "administrator")
        clock.set(local("2026-11-02", "10:00"))

        for day, shown in (("2026-11-01", "2026年11月1日"), ("2026-11-02", "2026年11月2日")):
            (answer,) = (await live.say(admin, f"/gaps {day}")).texts()
            assert answer.startswith(f"🕳 {shown} 无人接管却有会话的时段")
        assert (await live.say(agent, "/gaps")).texts() == ["只有主管可以使用 /gaps，未做任何更改"]
        assert calls_of(live, "getChatAdministrators") == 1, "the admin list is cached"

        live.sandbox.set_member(live.group, admin, "member")
        clock.set(local("2026-11-02", "10:09"))
        assert (await live.say(admin, "/gaps")).texts()[0].startswith("🕳"), "still cached"
        clock.set(local("2026-11-02", "10:11"))
        assert (await live.say(admin, "/gaps")).texts() == ["只有主管可以使用 /gaps，未做任何更改"]
        assert calls_of(live, "getChatAdministrators") == 2


async def test_group_admins_are_not_supervisors_by_default(live, clock):
    admin = live.user(700, "组长")
    live.sandbox.set_member(live.group, admin, "creator")
    assert (await live.say(admin, "/gaps")).texts() == ["只有主管可以使用 /gaps，未做任何更改"]
    assert calls_of(live, "getChatAdministrators") == 0


async def test_the_month_close_button_obeys_the_same_rule(database_url, clock):
    config = team_config(database_url, team={"supervisors_include_group_admins": True}, payout={"pool": 1000})
    async with LiveBot(config, clock) as live:
        admin, agent = live.user(700, "组长"), live.user(101, "王芳")
        live.sandbox.set_member(live.group, admin, "administrator")
        clock.set(local("2026-10-10", "10:00"))
        await live.say(agent, "/on jd")
        clock.set(local("2026-10-10", "12:00"))
        await live.say(agent, "/off")
        clock.set(local("2026-11-02", "10:00"))
        await live.say(admin, "/close_month 2026-10")
        preview = live.sandbox.last_message(live.group["id"])
        confirm = preview["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        assert (await live.press(agent, preview, confirm)).toasts() == ["只有主管可以结算"]
        assert (await live.press(admin, preview, confirm)).toasts() == ["2026-10 已结算"]


# -- per-person detail stays out of the group ---------------------------------------------------------


async def test_why_in_the_group_asks_the_supervisor_to_open_a_private_chat_and_shows_no_numbers(live, clock):
    wang, boss = live.user(101, "王芳", username="wangfang"), live.user(SUPERVISOR_ID, "主管")
    await live.say(wang, "/on jd")
    clock.advance(timedelta(hours=2))
    await live.say(wang, "/off")
    answer = await live.say(boss, "/why @wangfang")
    # The bot tried the supervisor's private chat, which Telegram refused: never started.
    assert [c.params["chat_id"] for c in answer.sent()] == [SUPERVISOR_ID, live.group["id"]]
    assert live.sandbox.messages(SUPERVISOR_ID) == []
    assert (
        live.sandbox.last_message(live.group["id"])["text"] == "📬 个人得分明细只在私聊里发送：请先私聊 @baton_bot 并点“开始”，再发送 /why"
    )


def test_the_admins_switch_is_off_by_default_and_must_be_a_boolean():
    assert team_config().team.supervisors_include_group_admins is False
    assert team_config(team={"supervisors_include_group_admins": True}).team.supervisors_include_group_admins is True
    with pytest.raises(ConfigError, match=r"team.supervisors_include_group_admins"):
        team_config(team={"supervisors_include_group_admins": "yes"})
