"""The roster run in the chat, over the simulated Bot API: /shift, roster sheets, /roster, and shift swaps.

The config seeds 王芳 on jd and 张伟 on vip, Monday to Friday 09:00–18:00. Monday 2026-11-02
is the first day. A swap gives 王芳's Tuesday on jd to 李雷; once it is approved, the cover
points of that Tuesday follow the new roster.
"""

import io
import re
from datetime import date, time

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from bot.ledger.service import compile_days
from bot.sandbox.live import LiveBot
from bot.text.layout import display_width
from domain.collaboration import COVER
from storage.models import Agent, AuditRow, ShiftRow, ShiftSwapRow
from tests.factories import SUPERVISOR_ID, local, team_config

pytestmark = pytest.mark.e2e

HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
TUESDAY = date(2026, 11, 3)
SEED = [
    {"agent": 101, "name": "王芳", "account": "jd", "weekdays": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"},
    {"agent": 103, "name": "张伟", "account": "vip", "weekdays": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"},
]


@pytest.fixture
async def live(database_url, clock):
    async with LiveBot(team_config(database_url, roster=SEED), clock) as bot:
        yield bot


@pytest.fixture
async def team(live):
    people = {
        "wang": live.user(101, "王芳"),
        "li": live.user(102, "李雷", username="lilei"),
        "zhang": live.user(103, "张伟", username="zhangwei"),
        "bob": live.user(104, "Bob", username="bob"),
        "boss": live.user(SUPERVISOR_ID, "主管", username="boss"),
    }
    for user in people.values():
        await live.say(user, "/help")
    return people


async def at(live, day, hhmm, user, text):
    live.clock.set(local(day, hhmm))
    return await live.say(user, text)


def only_text(reaction) -> str:
    (text,) = reaction.texts()
    return text


def audit_actions(live) -> list[str]:
    with live.baton.reading() as uow:
        return [row.action for row in uow.audit.all()]


def pre_block(text: str, after: str) -> list[str]:
    """The monospace table printed under the account heading `after`: its header and one line a shift."""
    lines = text.splitlines()
    start = lines.index(after) + 1
    end = start + 1
    while end < len(lines) and re.search(r"\d\d:\d\d-\d\d:\d\d", lines[end]):
        end += 1
    return lines[start:end]


async def offered(live, user, text) -> int:
    """The id of the message with the swap's buttons that `text` got in answer."""
    (answer,) = (await live.say(user, text)).texts()
    assert answer.startswith(("🔁 换班", "🔁 Shift swap")), answer
    return live.sandbox.last_message(live.group["id"])["message_id"]


def snapshot(engine) -> dict[str, list[tuple]]:
    """What a refused roster command must leave as it was: the people, the shifts, the swaps and the audit log."""
    with engine.connect() as connection:
        return {
            model.__tablename__: sorted(tuple(row) for row in connection.execute(select(model.__table__)))
            for model in (Agent, ShiftRow, ShiftSwapRow, AuditRow)
        }


def covers(live, day) -> dict[str, float]:
    live.baton.run(compile_days, [day])
    with live.baton.reading() as uow:
        names = uow.agents.names()
        return {names[e.agent_id]: e.quantity for e in uow.ledger.between(day, day) if e.kind == COVER}


# -- /shift and /roster ---------------------------------------------------------------------------------------


async def test_a_supervisor_rosters_by_command_conflicts_are_flagged_and_the_week_is_aligned(live, team):
    boss, li = team["boss"], team["li"]
    reply = only_text(await at(live, "2026-11-02", "08:40", boss, "/shift @lilei jd 3-5 12:00-21:00"))
    assert reply.splitlines() == [
        "🗓 已排班：李雷 · 京东旗舰店 · 周三至周五 12:00–21:00，自 2026-11-02 起",
        "⚠️ 同一账号同时有两人在岗（允许，但请确认）：",
        "• 京东旗舰店：王芳 与 李雷，11-04（周三） 12:00–18:00 起，共 12 次",
    ]
    night = only_text(await live.say(boss, "/shift 李雷 vip 六日 22:00-06:00 from 2026-11-07 to 2026-11-30"))
    assert night == "🗓 已排班：李雷 · 唯品会店 · 周六、周日 22:00–次日06:00，2026-11-07 至 2026-11-30", "nobody else on vip at night"
    await live.say(boss, "/shift @bob jd 6-7 09:00-18:00")

    week = only_text(await live.say(li, "/roster"))
    assert week.startswith("📅 排班 2026-W45（11-02 至 11-08，Asia/Shanghai）")
    table = pre_block(week, "京东旗舰店（jd）")
    assert table == [
        "姓名 时间        一 二 三 四 五 六 日",
        "Bob  09:00-18:00 .  .  .  .  .  x  x",
        "王芳 09:00-18:00 x  x  x  x  x  .  .",
        "李雷 12:00-21:00 .  .  x  x  x  .  .",
    ]
    # Chinese names are two columns a character: the hours start in one column on every line.
    assert len({display_width(line[: line.index(":") - 2]) for line in table[1:]}) == 1
    assert "⚠️ 本周同一账号同时两人在岗：" in week
    assert only_text(await live.say(li, "/roster 2026-W46")).startswith("📅 排班 2026-W46（11-09 至 11-15")
    assert only_text(await live.say(li, "/roster 2026-11-10")).startswith("📅 排班 2026-W46（11-09 至 11-15")

    ended = only_text(await live.say(boss, "/shift @lilei jd off from 2026-11-09"))
    assert ended == "🗓 李雷 自 2026-11-09 起不再排在 京东旗舰店（结束了 1 条排班）"
    assert "李雷" not in "\n".join(pre_block(only_text(await live.say(li, "/roster 2026-W46")), "京东旗舰店（jd）"))
    with live.baton.reading() as uow:
        entries = [row for row in uow.audit.all() if row.action.startswith("shift_")]
        assert [(row.action, row.subject) for row in entries] == [
            ("shift_set", "李雷"),
            ("shift_set", "李雷"),
            ("shift_set", "Bob"),
            ("shift_end", "李雷"),
        ]
        assert {row.actor_agent_id for row in entries} == {uow.agents.by_tg_id(SUPERVISOR_ID).id}


@pytest.mark.parametrize(
    "text, answer",
    [
        ("/shift @lilei jd 8 09:00-18:00", "看不懂星期“8”"),
        ("/shift @lilei jd 1-5 9-18", "看不懂时间“9-18”"),
        ("/shift @nobody jd 1-5 09:00-18:00", "找不到客服“@nobody”"),
        ("/shift @lilei jd 1-5 09:00-18:00 from 2026-12-01 to 2026-11-01", "结束日期 2026-11-01 早于开始日期 2026-12-01"),
        ("/shift @lilei jd 1-5 09:00-18:00 from tomorrow", "看不懂日期“from tomorrow”"),
        ("/shift @lilei 1-5 09:00-18:00", "用法：/shift"),
        ("/shift @lilei vip off", "李雷 在 唯品会店 没有可以结束的排班"),
    ],
)
async def test_bad_input_gets_a_clear_message_and_writes_nothing(live, team, text, answer):
    before = snapshot(live.baton.engine)
    reply = only_text(await live.say(team["boss"], text))
    assert reply.startswith(answer), reply
    assert snapshot(live.baton.engine) == before


async def test_only_supervisors_set_shifts_or_import_a_sheet(live, team):
    before = snapshot(live.baton.engine)
    assert only_text(await live.say(team["li"], "/shift @lilei jd 1-5 09:00-18:00")) == "只有主管可以使用 /shift，未做任何更改"
    refused = await live.upload(
        team["li"], "roster.csv", b"agent,account,weekdays,start,end\nlilei,jd,1-5,09:00,18:00\n", caption="/roster_import"
    )
    assert refused.texts() == ["只有主管可以使用 /roster_import，未做任何更改"]
    assert snapshot(live.baton.engine) == before


# -- roster sheets ----------------------------------------------------------------------------------------------


GBK_SHEET = (
    "姓名,账号,星期,开始,结束,生效,截止\n"
    "李雷,jd,1-5,09:00,18:00,2026-11-09,\n"
    "@zhangwei,vip,一至五,10:00,19:00,2026-11-09,\n"
    "102,vip,6-7,22:00,06:00,2026-11-14,2026-11-30\n"
).encode("gbk")


def xlsx_sheet() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["agent", "account", "weekdays", "start", "end", "from", "to"])
    sheet.append(["Bob", "jd", "6-7", time(9), time(18), date(2026, 11, 14), date(2026, 11, 30)])
    sheet.append(["@lilei", "vip", 3, time(12, 30), time(21), date(2026, 11, 9), None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_roster_sheet_in_csv_and_xlsx_sets_the_shifts_and_flags_the_conflicts(live, team):
    boss = team["boss"]
    live.clock.set(local("2026-11-02", "09:00"))
    csv = only_text(await live.upload(boss, "排班.csv", GBK_SHEET, caption="/roster_import"))
    assert csv.splitlines()[:2] == ["🗓 已导入排班表 排班.csv：3 条排班，2 人", "⚠️ 同一账号同时有两人在岗（允许，但请确认）："]
    assert "• 京东旗舰店：王芳 与 李雷，11-09（周一） 09:00–18:00 起，共 20 次" in csv
    assert "张伟" not in csv, "张伟's own vip hours changed, nobody else's"

    xlsx = only_text(await live.upload(boss, "roster.xlsx", xlsx_sheet(), caption="/roster_import@baton_bot"))
    assert xlsx.startswith("🗓 已导入排班表 roster.xlsx：2 条排班，2 人")
    assert "唯品会店：张伟 与 李雷，11-11（周三） 12:30–19:00 起" in xlsx

    week = only_text(await live.say(boss, "/roster 2026-W46"))
    assert pre_block(week, "唯品会店（vip）") == [
        "姓名 时间        一 二 三 四 五 六 日",
        "张伟 10:00-19:00 x  x  x  x  x  .  .",
        "李雷 12:30-21:00 .  .  x  .  .  .  .",
        "李雷 22:00-06:00 .  .  .  .  .  x  x",
    ]
    assert [a for a in audit_actions(live) if a == "roster_import"] == ["roster_import", "roster_import"]


async def test_a_sheet_with_bad_rows_is_refused_whole_with_every_problem_named(live, team):
    before = snapshot(live.baton.engine)
    sheet = (
        b"agent,account,weekdays,start,end,from,to\n"
        b"lilei,jd,1-5,09:00,18:00,,\n"
        b"lilei,jd,8,09:00,18:00,,\n"
        b"nobody,vip,1-5,09:00,18:00,,\n"
        b"lilei,tmall,1-5,09:00,18:00,,\n"
        b"lilei,jd,1-5,09:00,18:00,2026-12-01,2026-11-01\n"
    )
    refusal = only_text(await live.upload(team["boss"], "bad.csv", sheet, caption="/roster_import"))
    lines = refusal.splitlines()
    assert lines[0] == "排班表有 4 行有问题，整个表未导入："
    assert [line.split("：")[0] for line in lines[1:]] == ["• 第 3 行", "• 第 4 行", "• 第 5 行", "• 第 6 行"]
    assert "“nobody”" in lines[2] and "“tmall”" in lines[3]
    missing = only_text(await live.upload(team["boss"], "cols.csv", b"name,account\nlilei,jd\n", caption="/roster_import"))
    assert missing.startswith("排班表缺少列：weekdays、start、end")
    assert snapshot(live.baton.engine) == before


# -- swaps --------------------------------------------------------------------------------------------------------


def buttons(message) -> dict[str, str]:
    return {b["text"]: b["callback_data"] for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row}


async def press(live, user, message_id, label):
    message = live.message(message_id)
    return await live.press(user, message, buttons(message)[label])


async def test_a_swap_is_offered_accepted_and_approved_and_cover_points_follow_the_new_roster(live, team):
    wang, li, zhang, boss = team["wang"], team["li"], team["zhang"], team["boss"]
    live.clock.set(local("2026-11-02", "17:00"))
    message_id = await offered(live, wang, "/swap 2026-11-03 jd @lilei")
    assert live.message(message_id)["text"] == "🔁 换班：王芳 把 京东旗舰店 11-03（周二） 09:00–18:00 这一班让给 @lilei\n等待 李雷 接受"
    assert set(buttons(live.message(message_id))) == {"接受", "婉拒", "撤回"}
    assert len(buttons(live.message(message_id))["接受"].encode()) < 64

    before = snapshot(live.baton.engine)
    foreign = await press(live, zhang, message_id, "接受")
    assert foreign.toasts() == ["只有 李雷 可以接受或婉拒这次换班"] and live.sandbox.callback_answers[-1].show_alert
    for forged in ("rs:a:999", "rs:x:1", "rs:a:01", "rs:a:", "rs:p:1:extra"):
        tampered = await live.deliver(lambda data=forged: live.sandbox.forge_press(live.message(message_id), li, data))
        assert tampered.toasts() == ["这个换班按钮无效或已过期"], forged
    copied = {**live.message(message_id), "message_id": message_id + 50}
    elsewhere = await live.deliver(lambda: live.sandbox.forge_press(copied, li, buttons(live.message(message_id))["接受"]))
    assert elsewhere.toasts() == ["这个换班按钮无效或已过期"], "a swap's button works on its own message only"
    assert snapshot(live.baton.engine) == before

    accepted = await press(live, li, message_id, "接受")
    assert accepted.toasts() == ["☑️ 李雷 已接受，等待主管批准"]
    assert live.message(message_id)["text"].endswith("☑️ 李雷 已接受，等待主管批准")
    assert set(buttons(live.message(message_id))) == {"批准", "驳回", "撤回"}
    assert (await press(live, li, message_id, "批准")).toasts() == ["只有主管可以批准或驳回换班"]

    # Tuesday: 李雷 holds jd in the morning while the swap still waits, so that is cover for now.
    await at(live, "2026-11-03", "09:00", li, "/on jd")
    await at(live, "2026-11-03", "12:00", li, "/off")
    assert covers(live, TUESDAY) == {"李雷": 180}

    live.clock.set(local("2026-11-03", "12:05"))
    approved = await press(live, boss, message_id, "批准")
    assert approved.toasts() == ["✅ 主管 已批准：这一班由 李雷 上"]
    assert live.message(message_id)["text"].endswith("✅ 主管 已批准：这一班由 李雷 上")
    assert buttons(live.message(message_id)) == {}
    await at(live, "2026-11-03", "14:00", wang, "/on jd")
    await at(live, "2026-11-03", "16:00", wang, "/off")
    assert covers(live, TUESDAY) == {"王芳": 120}, "李雷 was rostered after all; 王芳 had given that day away"
    assert covers(live, date(2026, 11, 4)) == {}

    week = only_text(await live.say(li, "/roster"))
    assert pre_block(week, "京东旗舰店（jd）")[1:] == ["李雷 09:00-18:00 .  s  .  .  .  .  .", "王芳 09:00-18:00 x  ~  x  x  x  .  ."]
    with live.baton.reading() as uow:
        steps = [(row.action, row.actor_agent_id) for row in uow.audit.all() if row.action.startswith("swap_")]
        ids = {name: uow.agents.by_tg_id(tg).id for name, tg in (("wang", 101), ("li", 102), ("boss", SUPERVISOR_ID))}
    assert steps == [("swap_offer", ids["wang"]), ("swap_accept", ids["li"]), ("swap_approve", ids["boss"])]

    live.clock.set(local("2026-11-03", "17:00"))
    await offered(live, wang, "/swap 2026-11-05 jd @lilei")
    assert only_text(await live.say(wang, "/swap 2026-11-05 jd @zhangwei")) == "京东旗舰店 2026-11-05 这一班已经在换班中，未做更改"
    assert only_text(await live.say(wang, "/swap 2026-11-03 jd @zhangwei")) == "你 2026-11-03 在 京东旗舰店 没有排班，无法换班"
    assert only_text(await live.say(wang, "/swap 2026-11-06 jd @王芳")) == "不能把班换给自己"
    assert only_text(await live.say(wang, "/swap jd")).startswith("用法：/swap 日期 账号 @同事")


async def test_a_declined_or_withdrawn_swap_changes_no_roster(live, team):
    wang, li = team["wang"], team["li"]
    live.clock.set(local("2026-11-02", "10:00"))
    first = await offered(live, wang, "/swap 11-04 jd @lilei")
    assert (await press(live, li, first, "婉拒")).toasts() == ["❎ 李雷 婉拒了，仍由 王芳 上"]
    assert buttons(live.message(first)) == {}
    second = await offered(live, wang, "/swap 11-04 jd @lilei")
    assert (await press(live, li, second, "撤回")).toasts() == ["只有 王芳 可以撤回这次换班"]
    assert (await press(live, wang, second, "撤回")).toasts() == ["↩️ 王芳 撤回了这次换班"]
    week = only_text(await live.say(li, "/roster"))
    assert pre_block(week, "京东旗舰店（jd）")[1:] == ["王芳 09:00-18:00 x  x  x  x  x  .  ."]
    assert [a for a in audit_actions(live) if a.startswith("swap_")] == ["swap_offer", "swap_decline", "swap_offer", "swap_withdraw"]


async def test_with_auto_approval_the_colleagues_acceptance_is_enough(database_url, clock):
    config = team_config(database_url, roster={"swaps_auto_approve": True, "shifts": SEED})
    async with LiveBot(config, clock) as live:
        wang, li = live.user(101, "王芳"), live.user(102, "李雷", username="lilei")
        await live.say(li, "/help")
        live.clock.set(local("2026-11-02", "10:00"))
        offer = await offered(live, wang, "/swap 2026-11-03 jd @lilei")
        assert (await press(live, li, offer, "接受")).toasts() == ["✅ 已自动批准：这一班由 李雷 上"]
        await at(live, "2026-11-03", "09:00", li, "/on jd")
        await at(live, "2026-11-03", "12:00", li, "/off")
        assert covers(live, TUESDAY) == {}
        with live.baton.reading() as uow:
            steps = [(row.action, row.actor_agent_id is None, row.detail) for row in uow.audit.all() if row.action.startswith("swap_")]
        assert [s[:2] for s in steps] == [("swap_offer", False), ("swap_accept", False), ("swap_approve", True)]
        assert '"automatic": true' in steps[-1][2]


# -- in English -------------------------------------------------------------------------------------------------------


async def test_the_roster_and_a_swap_in_english(database_url, clock):
    seed = [{**SEED[0], "agent": 201, "name": "Alice"}]
    config = team_config(
        database_url,
        roster=seed,
        team={"language": "en"},
        accounts=[{"key": "jd", "platform": "jd", "label": "JD flagship"}, {"key": "vip", "platform": "vip", "label": "Vipshop store"}],
    )
    async with LiveBot(config, clock) as live:
        alice, bob, boss = live.user(201, "Alice"), live.user(202, "Bob", username="bob"), live.user(SUPERVISOR_ID, "Boss")
        for user in (alice, bob, boss):
            await live.say(user, "/help")
        texts = []

        async def said(user, text):
            reaction = await live.say(user, text)
            texts.extend(reaction.texts())
            return only_text(reaction)

        live.clock.set(local("2026-11-02", "08:40"))
        assert (await said(boss, "/shift @bob jd 3-5 12:00-21:00")).splitlines() == [
            "🗓 Rostered: Bob · JD flagship · Wed–Fri 12:00–21:00, from 2026-11-02",
            "⚠️ Two people on one account at the same time (allowed, but please check):",
            "• JD flagship: Alice and Bob, from Wed 11-04 12:00–18:00, 12 time(s)",
        ]
        assert (await said(boss, "/shift @bob vip 6 22:00-06:00")).startswith(
            "🗓 Rostered: Bob · Vipshop store · Sat 22:00–06:00 (next day)"
        )
        assert (await said(boss, "/shift @bob jd 9 09:00-18:00")).startswith("Cannot read the weekdays “9”")
        imported = await live.upload(
            boss, "roster.csv", b"agent,account,weekdays,start,end\nAlice,vip,6-7,10:00,16:00\n", caption="/roster_import"
        )
        texts.extend(imported.texts())
        assert only_text(imported) == "🗓 Roster sheet roster.csv imported: 1 shift(s) for 1 people"
        week = await said(bob, "/roster")
        assert week.startswith("📅 Roster 2026-W45 (11-02 to 11-08, Asia/Shanghai)")
        assert pre_block(week, "JD flagship (jd)") == [
            "Name  Hours       Mo Tu We Th Fr Sa Su",
            "Alice 09:00-18:00 x  x  x  x  x  .  .",
            "Bob   12:00-21:00 .  .  x  x  x  .  .",
        ]
        message_id = await offered(live, alice, "/swap 2026-11-03 jd @bob")
        texts.append(live.message(message_id)["text"])
        assert (
            texts[-1] == "🔁 Shift swap: Alice offers their JD flagship shift on Tue 11-03, 09:00–18:00, to @bob\nWaiting for Bob to accept"
        )
        assert set(buttons(live.message(message_id))) == {"Accept", "Decline", "Withdraw"}
        toasts = (await press(live, alice, message_id, "Accept")).toasts()
        toasts += (await press(live, bob, message_id, "Accept")).toasts()
        toasts += (await press(live, bob, message_id, "Approve")).toasts()
        toasts += (await press(live, boss, message_id, "Approve")).toasts()
        assert toasts == [
            "Only Bob can accept or decline this swap",
            "☑️ Bob accepted; waiting for a supervisor to approve",
            "Only a supervisor can approve or reject a swap",
            "✅ Approved by Boss: Bob works this shift",
        ]
        texts.append(live.message(message_id)["text"])
        assert not [text for text in texts + toasts if HAN.search(text)], "every text is in English"
