"""The take-over → case → digest loop, through the real Application over HTTP."""

from datetime import date

import pytest

from bot.console import callbacks as cb
from bot.ledger.service import compile_days, ranked
from bot.sandbox.live import LiveBot
from tests.factories import local

pytestmark = pytest.mark.e2e

DAY = date(2026, 11, 2)


def take(console, account):
    """The take-over button as this console shows it: it carries the hold the presser sees."""
    return LiveBot.button(console, cb.Press(cb.TAKE, account))


def take_free(account):
    return cb.encode(cb.Press(cb.TAKE, account, seen_hold=0))


def hand_off(account):
    return cb.encode(cb.Press(cb.HAND_OFF, account))


def case(account, case_type):
    return cb.encode(cb.Press(cb.CASE_TYPE, account, case_type))


def console_lines(message):
    """The accounts' lines, without the title and without the recent changes."""
    lines = message["text"].splitlines()[1:]
    return lines[: lines.index("最近变动：")] if "最近变动：" in lines else lines


def recent_changes(message):
    lines = message["text"].splitlines()
    return lines[lines.index("最近变动：") + 1 :] if "最近变动：" in lines else []


@pytest.fixture
def team(live):
    return {
        "wang": live.user(101, "王芳"),
        "li": live.user(102, "李雷"),
        "zhang": live.user(103, "张伟"),
    }


async def open_console(live, user):
    reaction = await live.say(user, "/console")
    (_sent,) = reaction.sent()
    return live.console()


async def test_three_agents_take_over_in_turns_and_each_take_over_is_a_handover(live, clock, team):
    console = await open_console(live, team["wang"])
    assert console_lines(console) == ["• 京东旗舰店：无人接管", "• 唯品会店：无人接管"]

    clock.set(local("2026-11-02", "09:00"))
    first = await live.press(team["wang"], console, take(console, "jd"))
    assert first.toasts() == ["已接管 京东旗舰店"]
    assert first.texts() == [], "a press posts nothing into the group: the live console shows it"
    assert console_lines(live.console())[0] == "• 京东旗舰店：王芳 自 09:00 起"
    assert recent_changes(live.console()) == ["09:00 王芳 接管了 京东旗舰店"]

    clock.set(local("2026-11-02", "12:00"))
    second = await live.press(team["li"], live.console(), take(live.console(), "jd"))
    assert second.toasts() == ["已接管 京东旗舰店"] and second.texts() == []
    assert console_lines(live.console())[0] == "• 京东旗舰店：李雷 自 12:00 起"

    clock.set(local("2026-11-02", "15:30"))
    third = await live.press(team["zhang"], live.console(), take(live.console(), "jd"))
    assert console_lines(live.console())[0] == "• 京东旗舰店：张伟 自 15:30 起"
    assert len(third.edits()) == 1, "the live console, edited in place"
    assert recent_changes(live.console())[-2:] == ["12:00 李雷 从 王芳 接管了 京东旗舰店", "15:30 张伟 从 李雷 接管了 京东旗舰店"]
    assert [m for m in live.sandbox.messages(live.group["id"]) if m.get("reply_markup")] == [live.console()], "one console"

    with live.baton.reading() as uow:
        holds = uow.holds.between(local("2026-11-02", "00:00"), local("2026-11-03", "00:00"))
    by_start = sorted(holds, key=lambda h: h.start)
    assert [(h.start, h.end) for h in by_start] == [
        (local("2026-11-02", "09:00"), local("2026-11-02", "12:00")),
        (local("2026-11-02", "12:00"), local("2026-11-02", "15:30")),
        (local("2026-11-02", "15:30"), None),
    ]


async def test_the_console_shows_hand_off_and_case_type_buttons_only_for_held_accounts(live, clock, team):
    console = await open_console(live, team["wang"])
    buttons = [[b["callback_data"] for b in row] for row in console["reply_markup"]["inline_keyboard"]]
    assert buttons == [[take_free("jd")], [take_free("vip")]]
    await live.press(team["wang"], console, take(console, "vip"))
    buttons = [[b["text"] for b in row] for row in live.console()["reply_markup"]["inline_keyboard"]]
    assert buttons == [["接管 京东旗舰店"], ["接管 唯品会店", "交出 唯品会店"], ["+咨询", "+售前", "+售后", "+投诉", "+其他"]]


async def test_cases_are_logged_through_buttons_and_through_the_case_command(live, clock, team):
    console = await open_console(live, team["wang"])
    clock.set(local("2026-11-02", "09:00"))
    await live.press(team["wang"], console, take(console, "jd"))

    clock.set(local("2026-11-02", "09:10"))
    logged = await live.press(team["wang"], live.console(), case("jd", "aftersale"))
    assert logged.toasts() == ["已记录：售后"], "one tap on the account's row logs the case"
    assert logged.texts() == []
    assert console_lines(live.console())[0] == "• 京东旗舰店：王芳 自 09:00 起"
    assert recent_changes(live.console())[-1] == "09:10 王芳 在 京东旗舰店 记录了售后"

    clock.set(local("2026-11-02", "09:20"))
    typed = await live.say(team["wang"], "/case 投诉 订单 JD20261102001")
    assert typed.texts() == ["📝 王芳 在 京东旗舰店 记录了 1 个投诉案例"]

    refused = await live.press(team["li"], live.console(), case("jd", "consult"))
    assert refused.toasts() == ["京东旗舰店 由 王芳 接管中：未记录。群里有给你的一键接管。"], "and the refusal offers a take-over"
    board = live.message(console["message_id"])  # the offer, below it in the group, carries a button too
    assert console_lines(board)[0] == "• 京东旗舰店：王芳 自 09:00 起", "the console stays everyone's"
    not_holding = await live.say(team["li"], "/case 咨询")
    assert not_holding.texts() == ["你目前没有接管任何账号。先点“接管”或发送 /on <账号>"]

    standings = await live.say(team["li"], "/standings")
    (text,) = standings.texts()
    assert "王芳" in text and "李雷" not in text.split("王芳")[0]


async def test_the_digest_ranking_matches_the_hand_computed_points(live, clock, team):
    wang, li, zhang = team["wang"], team["li"], team["zhang"]
    console = await open_console(live, wang)
    clock.set(local("2026-11-02", "09:00"))
    await live.press(wang, console, take(console, "jd"))  # 王芳 jd 09:00–12:00 = 3 h
    await live.say(li, "/on vip")  # 李雷 vip 09:00–17:00 = 8 h
    clock.set(local("2026-11-02", "10:00"))
    for _ in range(4):
        await live.say(wang, "/case 咨询")  # 王芳 4 cases
    clock.set(local("2026-11-02", "12:00"))
    await live.press(zhang, live.console(), take(live.console(), "jd"))  # 张伟 jd 12:00–18:30 = 6.5 h
    clock.set(local("2026-11-02", "13:00"))
    await live.say(zhang, "/case 售后 退款")  # 张伟 1 case
    await live.say(li, "/case vip 售前")  # 李雷 1 case
    clock.set(local("2026-11-02", "17:00"))
    await live.press(li, live.console(), hand_off("vip"))
    clock.set(local("2026-11-02", "18:30"))
    await live.say(zhang, "/off")
    clock.set(local("2026-11-02", "22:00"))

    # per_hour = 2, per_case = 1
    expected = {"李雷": 8 * 2 + 1, "张伟": 6.5 * 2 + 1, "王芳": 3 * 2 + 4}
    digest = await live.post_digest(date(2026, 11, 2))
    (text,) = digest.texts()
    table = text.split("\n")
    rows = [line.split() for line in table if line[:1].isdigit()]
    assert [(r[0], r[1], float(r[-1])) for r in rows] == [("1", "李雷", 17.0), ("2", "张伟", 14.0), ("3", "王芳", 10.0)]
    assert {r[1]: float(r[-1]) for r in rows} == expected
    assert "京东旗舰店：9.5 / 22.0 小时（43%）" in text
    assert "唯品会店：8.0 / 22.0 小时（36%）" in text
    assert "• 无" in text

    again = await live.post_digest(date(2026, 11, 2))
    assert again.texts() == [], "a digest is posted once per day"


async def test_a_redelivered_update_changes_nothing(live, clock, team):
    console = await open_console(live, team["wang"])
    clock.set(local("2026-11-02", "09:00"))
    await live.press(team["wang"], console, take(console, "jd"))
    clock.set(local("2026-11-02", "09:30"))
    await live.say(team["wang"], "/case 咨询 first")
    case_update = live.sandbox.last_update
    clock.set(local("2026-11-02", "10:00"))
    await live.press(team["li"], live.console(), take(live.console(), "jd"))
    take_update = live.sandbox.last_update

    repeat_case = await live.redeliver(case_update, team["zhang"])
    repeat_take = await live.redeliver(take_update, team["zhang"])
    for repeat in (repeat_case, repeat_take):
        (only,) = repeat.texts()
        assert only.startswith("Baton 指令"), "the redelivered update got no answer; only the /help behind it did"
        assert not repeat.edits() and not repeat.toasts()

    live.baton.run(compile_days)
    credited = {r.name: (r.standing.cases, r.standing.seconds_held) for r in live.baton.read(ranked, date(2026, 11, 2))}
    assert credited["王芳"] == (1, 3600.0)


async def test_help_works_with_the_bot_username_and_commands_are_published(live, team):
    reaction = await live.say(team["wang"], "/help@baton_bot")
    assert "/console" in reaction.texts()[0]
    published = [c for c in live.sandbox.calls if c.method == "setMyCommands"]
    assert [cmd["command"] for cmd in published[0].params["commands"]] == [
        "console",
        "on",
        "off",
        "case",
        "standings",
        "stats",
        "thanks",
        "note",
        "join",
        "me",
        "rules",
        "roster",
        "swap",
        "left",
        "covered",
        "profile",
        "skills",
        "help",
    ]


async def test_a_huge_argument_is_echoed_shortened_in_a_one_message_refusal(live, team):
    (refusal,) = (await live.say(team["wang"], "/on " + "京" * 3000)).texts()
    assert refusal == "没有账号“" + "京" * 19 + "…”。可用账号：jd, vip"


async def test_unknown_accounts_and_missing_arguments_get_a_clear_answer(live, team):
    assert (await live.say(team["wang"], "/on tmall")).texts() == ["没有账号“tmall”。可用账号：jd, vip"]
    assert (await live.say(team["wang"], "/on")).texts() == ["用法：/on <账号>。可用账号：jd, vip"]
    assert (await live.say(team["wang"], "/off")).texts() == ["你目前没有接管任何账号。先点“接管”或发送 /on <账号>"]


async def test_handing_off_invites_a_handover_note(live, clock, team):
    clock.set(local("2026-11-02", "09:00"))
    await live.say(team["wang"], "/on jd")
    clock.set(local("2026-11-02", "12:00"))
    (text,) = (await live.say(team["wang"], "/off")).texts()
    assert text.splitlines() == ["👋 王芳 交出了 京东旗舰店", "写一句交接说明可得协作分：/note 今天的退款已处理完"]


async def test_a_new_console_is_the_live_one_and_the_old_one_points_to_it(live, clock, team):
    first = await open_console(live, team["wang"])
    second = await open_console(live, team["li"])
    assert second["message_id"] != first["message_id"]
    old = live.message(first["message_id"])
    assert old["text"] == "⬇️ 控制台已更新，请用下面最新的一条" and not old.get("reply_markup")
    clock.set(local("2026-11-02", "09:00"))
    await live.press(team["wang"], second, take(second, "jd"))
    assert console_lines(live.message(second["message_id"]))[0] == "• 京东旗舰店：王芳 自 09:00 起"


async def test_a_private_console_is_redrawn_at_once_and_the_groups_follows(live, clock, team):
    private = live.sandbox.private_chat(team["wang"])
    await live.say(team["wang"], "/console", chat=private)
    mine = live.sandbox.last_message(private["id"])
    board = await open_console(live, team["li"])
    clock.set(local("2026-11-02", "09:00"))
    pressed = await live.press(team["wang"], mine, take(mine, "vip"))
    assert pressed.toasts() == ["已接管 唯品会店"]
    assert console_lines(live.sandbox.last_message(private["id"]))[1] == "• 唯品会店：王芳 自 09:00 起"
    assert console_lines(live.message(board["message_id"]))[1] == "• 唯品会店：王芳 自 09:00 起"
