"""Which language Baton answers in, over the simulated Bot API.

The group hears the team's language (Chinese here). A private chat hears the person's own
Telegram language when Baton speaks it, else the team's. A message that a private command
sends to the group, or to someone else privately, is in that chat's language, not the asker's.
"""

import re

import pytest

from bot.sandbox.live import LiveBot
from tests.factories import GROUP_ID, SUPERVISOR_ID, local, team_config

pytestmark = pytest.mark.e2e

HAN = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def chinese(text: str) -> bool:
    return bool(HAN.search(text))


def english(text: str) -> bool:
    return not chinese(text) and bool(LATIN_WORD.search(text))


@pytest.fixture
def people(live):
    return {
        "wang": live.user(101, "王芳"),
        "li": live.user(102, "Li", "Lei", username="lilei", language_code="en-GB"),
        "pierre": live.user(104, "Pierre", language_code="fr"),
        "boss": live.user(SUPERVISOR_ID, "Boss", username="boss", language_code="en"),
    }


async def test_the_command_menu_is_published_in_each_language_and_in_the_teams_by_default(live):
    published = {c.params.get("language_code"): c.params["commands"] for c in live.sandbox.calls if c.method == "setMyCommands"}
    assert set(published) == {None, "zh", "en"}
    assert [c["command"] for c in published["en"]] == [c["command"] for c in published["zh"]]
    assert all(english(c["description"]) for c in published["en"]), published["en"]
    assert all(chinese(c["description"]) for c in published["zh"]), published["zh"]
    assert published[None] == published["zh"], "the team speaks Chinese, so the default menu is Chinese"


async def test_a_private_chat_follows_the_persons_telegram_language_and_the_group_stays_chinese(live, people):
    li = people["li"]
    (private,) = (await live.say(li, "/help", chat=live.sandbox.private_chat(li))).texts()
    (in_group,) = (await live.say(li, "/help")).texts()
    assert private.startswith("Baton commands") and english(private.split("\n")[0])
    assert in_group.startswith("Baton 指令")


async def test_a_language_baton_does_not_speak_gets_the_teams(live, people):
    pierre = people["pierre"]
    (private,) = (await live.say(pierre, "/help", chat=live.sandbox.private_chat(pierre))).texts()
    assert private.startswith("Baton 指令")


async def test_refusals_and_buttons_in_a_private_chat_are_in_the_persons_language(live, people):
    li = people["li"]
    chat = live.sandbox.private_chat(li)
    assert (await live.say(li, "/on tmall", chat=chat)).texts() == ["There is no account “tmall”. Accounts: jd, vip"]
    (console,) = (await live.say(li, "/console", chat=chat)).sent()
    buttons = [b["text"] for row in console.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["Take over 京东旗舰店", "Take over 唯品会店"], "account labels are names, kept as configured"


async def test_thanks_given_privately_reach_the_group_in_the_teams_language(live, clock, people):
    li, wang = people["li"], people["wang"]
    clock.set(local("2026-11-02", "10:00"))
    await live.say(wang, "/console")  # 王芳 writes in the group, so Baton knows her
    thanked = await live.say(li, "/thanks 王芳 covered the refunds", chat=live.sandbox.private_chat(li))
    by_chat = {c.params["chat_id"]: text for c, text in zip(thanked.sent(), thanked.texts(), strict=True)}
    assert by_chat[li["id"]] == "🙏 Li Lei thanks 王芳: covered the refunds"
    assert by_chat[GROUP_ID] == "🙏 Li Lei 感谢 王芳：covered the refunds"


async def test_a_profile_asked_for_in_the_group_is_sent_privately_in_the_askers_language(live, clock, people):
    li = people["li"]
    live.sandbox.private_chat(li)
    clock.set(local("2026-11-02", "10:00"))
    reaction = await live.say(li, "/profile")
    by_chat = {c.params["chat_id"]: text for c, text in zip(reaction.sent(), reaction.texts(), strict=True)}
    assert chinese(by_chat[GROUP_ID]), "the group's notice is in the team's language"
    assert english(by_chat[li["id"]].split("\n")[0]), by_chat[li["id"]]
    (photo,) = [c for c in reaction.calls if c.method == "sendPhoto"]
    assert english(photo.params["caption"])


async def test_the_language_a_person_last_wrote_in_is_kept_for_messages_sent_to_them_later(live, people):
    boss = people["boss"]
    await live.say(boss, "/help")
    assert live.parts.for_agent(boss["id"]).lang == "en"
    assert live.parts.for_agent(people["wang"]["id"]).lang == "zh", "someone Baton has never seen gets the team's language"
    silent = live.user(SUPERVISOR_ID, "Boss", username="boss", language_code=None)
    await live.say(silent, "/help")
    assert live.parts.for_agent(boss["id"]).lang == "en", "an update without a language_code does not forget it"


async def test_dates_and_money_are_written_as_the_readers_language_writes_them(database_url, clock):
    async with LiveBot(team_config(database_url, payout={"pool": 123456.78}), clock) as live:
        li = live.user(102, "Li", "Lei", username="lilei", language_code="en-GB")
        chat = live.sandbox.private_chat(li)
        clock.set(local("2026-11-26", "10:00"))
        (mine,) = (await live.say(li, "/standings", chat=chat)).texts()
        (group,) = (await live.say(li, "/standings")).texts()
        assert mine.splitlines()[0] == "🏆 Standings for 26 Nov 2026"
        assert group.splitlines()[0] == "🏆 2026年11月26日 排行"
        (rules_en,) = (await live.say(li, "/rules", chat=chat)).texts()
        (rules_zh,) = (await live.say(li, "/rules")).texts()
        assert "pool ¥123,456.78" in rules_en
        assert "奖金池 ¥123,456.78" in rules_zh


async def test_a_list_is_joined_as_the_readers_language_joins_it(live, clock, people):
    li = people["li"]
    chat = live.sandbox.private_chat(li)
    clock.set(local("2026-11-02", "09:00"))
    await live.say(li, "/on jd", chat=chat)
    await live.say(li, "/on vip", chat=chat)
    (mine,) = (await live.say(li, "/off", chat=chat)).texts()
    assert mine.splitlines()[0] == "👋 Li Lei handed off 京东旗舰店, 唯品会店"
    await live.say(li, "/on jd")
    await live.say(li, "/on vip")
    (group,) = (await live.say(li, "/off")).texts()
    assert group.splitlines()[0] == "👋 Li Lei 交出了 京东旗舰店、唯品会店"
