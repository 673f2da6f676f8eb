"""Onboarding over the simulated Bot API: /start privately introduces Baton and opens the console;
adding the bot to a group posts the setup checklist there, once, even before chat_id names it."""

from __future__ import annotations

import pytest

from bot.sandbox.live import LiveBot, shown
from tests.factories import GROUP_ID, SUPERVISOR_ID, team_config

pytestmark = pytest.mark.e2e

NEW_GROUP = -1009998887776
INTRO_ZH = (
    "👋 Baton 记录「客服一组」共用店铺账号的值班：谁在登录、接了哪些客户。\n"
    "接手时点控制台上的账号（或 /on），交班点“交出 …”（或 /off），每接一位客户记一单（或 /case）。\n"
    "在线时长和记录的客户换成积分，月底按积分分配奖金：下面就是你的控制台。"
)
INTRO_EN = (
    "👋 Baton keeps track of who holds “Team One”'s shared shop logins and the customers they served.\n"
    "Take over by pressing an account on the console (or /on), hand off with “Hand off …” (or /off), and log each customer as a case (or /case).\n"
    "Time held and cases logged earn points, and the monthly bonus is shared by points: here is your console."
)
PRIVACY_ON_ZH = (
    "⚠️ 隐私模式已开启：机器人看不到 /import 这类文件说明。请在 @BotFather 中发送 /setprivacy → Disable，或把机器人设为本群管理员。"
)


def sent_in(live: LiveBot, chat_id: int) -> list[str]:
    return [shown(c) for c in live.sandbox.calls if c.method == "sendMessage" and c.params["chat_id"] == chat_id]


async def added(live: LiveBot, chat: dict, by: dict, status: str = "member") -> str:
    """The checklist the bot posts after being added; the adder's /help behind it proves it was only one."""
    live.sandbox.add_bot_to_group(chat, by, status)
    (text,) = await live.sandbox.wait_for(lambda _: sent_in(live, chat["id"]), timeout=live.timeout)
    return text


async def test_private_start_introduces_baton_in_three_lines_then_shows_the_console(live):
    wang = live.user(101, "王芳")
    private = live.sandbox.private_chat(wang)
    start = await live.say(wang, "/start", chat=private)
    console = await live.say(wang, "/console", chat=private)

    intro, panel = start.sent()
    assert shown(intro) == INTRO_ZH and len(shown(intro).splitlines()) == 3
    assert {c.params["chat_id"] for c in start.sent()} == {private["id"]}
    (expected,) = console.sent()
    assert panel.params["text"] == expected.params["text"]
    assert panel.params["reply_markup"] == expected.params["reply_markup"]
    assert "inline_keyboard" in str(panel.params["reply_markup"])


async def test_start_in_the_group_is_still_help(live):
    wang = live.user(101, "王芳")
    start = await live.say(wang, "/start")
    help_ = await live.say(wang, "/help")
    assert start.texts() == help_.texts() and start.texts()


async def test_a_strangers_private_start_gets_the_gates_refusal(live):
    live.sandbox.set_member(live.group, stranger := live.user(500, "路人"), "left")
    live.sandbox.send_message(live.sandbox.private_chat(stranger), stranger, "/start")
    refused = await live.sandbox.wait_for(lambda _: sent_in(live, stranger["id"]), timeout=live.timeout)
    assert refused == ["🚫 只有「客服一组」群的成员可以使用这个机器人。"]


async def test_start_speaks_english_when_the_team_does(database_url, clock):
    config = team_config(database_url, team={"name": "Team One", "language": "en"})
    async with LiveBot(config, clock) as live:
        wang = live.user(101, "Fang", language_code=None)  # Telegram told no language: the team's
        start = await live.say(wang, "/start", chat=live.sandbox.private_chat(wang))
        intro, panel = start.sent()
        assert shown(intro) == INTRO_EN
        assert panel.params.get("reply_markup")


async def test_added_to_a_new_group_it_posts_the_checklist_there_once_and_registers_nobody(live):
    founder = live.user(700, "老板")
    chat = {"id": NEW_GROUP, "type": "supergroup", "title": "新客服群"}
    text = await added(live, chat, founder)
    assert text == (
        "🛠 Baton 设置清单\n"
        f"1️⃣ 本群还不是团队群：在配置文件中写入 [team] chat_id = {NEW_GROUP}，然后重启 Baton。\n"
        f"{PRIVACY_ON_ZH}\n"
        f"👮 主管：{SUPERVISOR_ID}"
    )
    update = live.sandbox.last_update
    live.sandbox.inject_update(update)  # Telegram redelivering it after a restart
    # Updates are handled in order: once the gate refuses this /help, the redelivery is behind it.
    live.sandbox.send_message(chat, founder, "/help")
    await live.sandbox.wait_for(lambda _: len(sent_in(live, NEW_GROUP)) == 2, timeout=live.timeout)
    assert sent_in(live, NEW_GROUP) == [text, "🚫 这个机器人只为「客服一组」服务，不会在这里回应。"]
    with live.baton.reading() as uow:
        assert uow.agents.by_tg_id(founder["id"]) is None


async def test_added_to_the_team_group_as_admin_the_checklist_says_all_is_set(database_url, clock):
    config = team_config(database_url, team={"supervisors_include_group_admins": True})
    async with LiveBot(config, clock) as live:
        text = await added(live, live.group, live.user(SUPERVISOR_ID, "主管"), status="administrator")
        assert text == (
            "🛠 Baton 设置清单\n"
            f"✅ 本群（chat id {GROUP_ID}）已是配置里的团队群。\n"
            "✅ 机器人是本群管理员，能看到群里的所有消息，包括 /import 这类文件说明。\n"
            f"👮 主管：{SUPERVISOR_ID}, 群管理员"
        )


async def test_with_privacy_mode_off_the_checklist_says_so_in_english(database_url, clock):
    config = team_config(database_url, team={"name": "Team One", "language": "en", "supervisors": []})
    live = LiveBot(config, clock)
    live.sandbox.reads_all_group_messages = True  # before getMe, which the bot reads once at start
    async with live:
        chat = {"id": NEW_GROUP, "type": "supergroup", "title": "New team"}
        text = await added(live, chat, live.user(700, "Boss"))
        assert text == (
            "🛠 Baton setup checklist\n"
            f"1️⃣ This group is not the team group yet: put [team] chat_id = {NEW_GROUP} in the config file and restart Baton.\n"
            "✅ Privacy mode is off: the bot sees every group message, including document captions like /import.\n"
            "👮 Supervisors: none configured yet (list Telegram user ids in [team] supervisors)"
        )
