"""Collaboration points through the real Application over HTTP: thanks, handover notes, joining at peak."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot.sandbox.live import LiveBot
from domain.collaboration import COVER, HANDOVER, PEAK_HELP, THANKS
from storage.db import reading
from storage.models import AuditRow, HoldRow, ThanksRow
from tests.factories import GROUP_ID, SUPERVISOR_ID, local, team_config
from tests.storage.export_samples import SampleConversation, jd_csv_bytes

pytestmark = pytest.mark.e2e

UNREACHABLE_SUPERVISOR = 9001
COLLABORATION_KINDS = {COVER, HANDOVER, THANKS, PEAK_HELP}


@pytest.fixture
def collaboration():
    """Overrides of [collaboration] for one test."""
    return {}


@pytest.fixture
async def live(database_url, clock, collaboration):
    config = team_config(database_url, team={"supervisors": [SUPERVISOR_ID, UNREACHABLE_SUPERVISOR]}, collaboration=collaboration)
    async with LiveBot(config, clock) as bot:
        yield bot


@pytest.fixture
def team(live):
    return {
        "wang": live.user(101, "王芳"),
        "li": live.user(102, "李雷", username="lilei"),
        "zhang": live.user(103, "张伟"),
        "zhao": live.user(104, "赵敏"),
    }


async def posted(live, user, text):
    """`user` writes `text` in the group; the message, for replying to."""
    await live.say(user, text)
    return live.sandbox.last_update["message"]


async def introduce(live, *users):
    """Each user sends /help once, so the bot knows their names before anyone thanks them by name."""
    for user in users:
        await live.say(user, "/help")


def stored_thanks(live):
    with reading(live.baton.engine) as session:
        return [(r.giver_id, r.receiver_id, r.reason) for r in session.execute(select(ThanksRow).order_by(ThanksRow.id)).scalars()]


def agent_ids(live):
    return {name: id_ for id_, name in live.baton.read(lambda uow: uow.agents.names()).items()}


async def standings_rows(live, user):
    """/standings as {name: [rank, name, hours, conversations, cases, points]}."""
    (text,) = (await live.say(user, "/standings")).texts()
    return {line.split()[1]: line.split() for line in text.splitlines()[2:]}


def group_texts(reaction):
    return [text for call, text in zip(reaction.sent(), reaction.texts(), strict=True) if call.params["chat_id"] == GROUP_ID]


# -- thanks ------------------------------------------------------------------------------------------


async def test_thanks_by_reply_by_username_and_by_name_each_post_one_line_and_earn_points(live, clock, team):
    wang, li, zhang = team["wang"], team["li"], team["zhang"]
    clock.set(local("2026-11-02", "09:00"))
    await live.say(zhang, "/on vip")
    clock.set(local("2026-11-02", "10:00"))
    message = await posted(live, li, "退款已经处理好了")

    by_reply = await live.say(wang, "/thanks 耐心处理了退款", reply_to=message)
    assert by_reply.texts() == ["🙏 王芳 感谢 李雷：耐心处理了退款"]
    by_username = await live.say(zhang, "/thanks @lilei 帮我接了班")
    assert by_username.texts() == ["🙏 张伟 感谢 李雷：帮我接了班"]
    by_name = await live.say(wang, "/thanks 张伟：谢谢你")
    assert by_name.texts() == ["🙏 王芳 感谢 张伟：谢谢你"]

    ids = agent_ids(live)
    assert stored_thanks(live) == [
        (ids["王芳"], ids["李雷"], "耐心处理了退款"),
        (ids["张伟"], ids["李雷"], "帮我接了班"),
        (ids["王芳"], ids["张伟"], "谢谢你"),
    ]
    rows = await standings_rows(live, wang)
    # 0.5 points per thanks received; 张伟 also held vip for 1 h at 2 points an hour
    assert rows["李雷"][-1] == "1.00" and rows["张伟"][-1] == "2.50"
    assert "王芳" not in rows


async def test_thanks_sent_in_a_private_chat_are_shown_to_the_group_too(live, clock, team):
    await introduce(live, team["li"])
    private = live.sandbox.private_chat(team["wang"])
    thanked = await live.say(team["wang"], "/thanks 李雷 帮我查了物流", chat=private)
    line = "🙏 王芳 感谢 李雷：帮我查了物流"
    assert [(c.params["chat_id"], text) for c, text in zip(thanked.sent(), thanked.texts(), strict=True)] == [
        (private["id"], line),
        (GROUP_ID, line),
    ]


async def test_self_thanks_unknown_names_and_bots_are_refused_and_store_nothing(live, clock, team):
    wang = team["wang"]
    await introduce(live, team["li"])
    own = await posted(live, wang, "我今天好棒")
    assert (await live.say(wang, "/thanks", reply_to=own)).texts() == [
        "不能感谢自己哦，未记录。感谢一位帮过你的同事吧：回复 TA 的消息发送 /thanks"
    ]
    assert (await live.say(wang, "/thanks 王芳 辛苦了")).texts() == [
        "不能感谢自己哦，未记录。感谢一位帮过你的同事吧：回复 TA 的消息发送 /thanks"
    ]
    (unknown,) = (await live.say(wang, "/thanks @nobody 谢谢")).texts()
    assert unknown.startswith("找不到客服“@nobody”，未记录。")
    await live.say(wang, "/console")
    bot_message = live.console()
    assert (await live.say(wang, "/thanks", reply_to=bot_message)).texts()[0].startswith("不能感谢机器人，未记录。")
    assert (await live.say(wang, "/thanks")).texts() == [
        "用法：回复同事的消息发送 /thanks [原因]，或 /thanks @用户名 [原因]、/thanks 姓名 [原因]"
    ]
    assert stored_thanks(live) == []


async def test_the_fourth_thanks_of_a_day_is_refused_and_the_next_day_is_fine(live, clock, team):
    wang = team["wang"]
    await introduce(live, team["li"], team["zhang"], team["zhao"])
    clock.set(local("2026-11-02", "10:00"))
    for name in ("李雷", "张伟", "赵敏"):
        assert (await live.say(wang, f"/thanks {name}")).texts() == [f"🙏 王芳 感谢 {name}"]
    refused = await live.say(wang, "/thanks 李雷 又帮了我")
    assert refused.texts() == ["你今天的 3 次感谢已经用完，未记录。明天再来感谢吧"]
    assert len(stored_thanks(live)) == 3

    clock.set(local("2026-11-03", "09:00"))
    assert (await live.say(wang, "/thanks 李雷 又帮了我")).texts() == ["🙏 王芳 感谢 李雷：又帮了我"]


@pytest.mark.parametrize("collaboration", [{"thanks": {"pair_monthly_cap": 2}}])
async def test_thanking_the_same_colleague_past_the_monthly_cap_is_refused(live, clock, team):
    wang = team["wang"]
    await introduce(live, team["li"])
    clock.set(local("2026-11-02", "10:00"))
    await live.say(wang, "/thanks 李雷")
    clock.set(local("2026-11-05", "10:00"))
    await live.say(wang, "/thanks 李雷")
    clock.set(local("2026-11-09", "10:00"))
    refused = await live.say(wang, "/thanks @lilei 还是你")
    assert refused.texts() == ["本月你已感谢 李雷 2 次，达到上限，未记录。也看看其他帮过你的同事吧"]
    assert len(stored_thanks(live)) == 2
    clock.set(local("2026-12-01", "10:00"))
    assert (await live.say(wang, "/thanks @lilei 新的一个月")).texts() == ["🙏 王芳 感谢 李雷：新的一个月"]


@pytest.mark.parametrize("collaboration", [{"thanks": {"reciprocal_threshold": 2}}])
async def test_a_pair_thanking_each_other_often_is_flagged_to_the_supervisors_not_blocked(live, clock, team, caplog):
    wang, li = team["wang"], team["li"]
    boss = live.user(SUPERVISOR_ID, "主管")
    live.sandbox.private_chat(boss)  # this supervisor has started the bot; the other one has not
    await introduce(live, li)
    clock.set(local("2026-11-02", "10:00"))
    await live.say(wang, "/thanks 李雷")
    await live.say(wang, "/thanks 李雷")
    quiet = await live.say(li, "/thanks 王芳")
    assert [c.params["chat_id"] for c in quiet.sent()] == [GROUP_ID]

    crossing = await live.say(li, "/thanks 王芳 谢谢")
    assert group_texts(crossing) == ["🙏 李雷 感谢 王芳：谢谢"]
    direct = {
        c.params["chat_id"]: text for c, text in zip(crossing.sent(), crossing.texts(), strict=True) if c.params["chat_id"] != GROUP_ID
    }
    assert set(direct) == {SUPERVISOR_ID, UNREACHABLE_SUPERVISOR}
    assert direct[SUPERVISOR_ID].startswith("🚩 互相感谢提醒（2026-11）：李雷 与 王芳 本月互相感谢了 2 次和 2 次")
    assert any(str(UNREACHABLE_SUPERVISOR) in r.getMessage() for r in caplog.records), "the unreachable one is logged"
    assert len(live.sandbox.messages(SUPERVISOR_ID)) == 1
    assert len(stored_thanks(live)) == 4, "a flag never blocks"

    again = await live.say(wang, "/thanks 李雷")
    assert [c.params["chat_id"] for c in again.sent()] == [GROUP_ID], "flagged once, when the pair crosses the threshold"
    with reading(live.baton.engine) as session:
        flags = session.execute(select(func.count()).select_from(AuditRow).where(AuditRow.action == "thanks_flagged")).scalar_one()
    assert flags == 1


async def test_a_redelivered_thanks_is_stored_once(live, clock, team):
    await introduce(live, team["li"])
    await live.say(team["wang"], "/thanks 李雷")
    repeat = await live.redeliver(live.sandbox.last_update, team["zhang"])
    (only,) = repeat.texts()
    assert only.startswith("Baton 指令"), "only the /help behind the redelivered thanks was answered"
    assert len(stored_thanks(live)) == 1


# -- handover notes --------------------------------------------------------------------------------------


async def test_a_note_after_a_hand_off_earns_handover_points_in_the_standings(live, clock, team):
    wang, li, zhang = team["wang"], team["li"], team["zhang"]
    clock.set(local("2026-11-02", "09:00"))
    await live.say(wang, "/on jd")
    await live.say(zhang, "/on vip")
    clock.set(local("2026-11-02", "12:00"))
    await live.say(wang, "/off")
    await live.say(zhang, "/off")  # no note: no handover points

    clock.set(local("2026-11-02", "12:05"))
    assert (await live.say(wang, "/note")).texts() == ["用法：/note 交接说明。在你交出账号后 30 分钟内发送，写给下一位同事"]
    noted = await live.say(wang, "/note 今天的退款已处理完，JD20261102001 等快递")
    assert noted.texts() == ["📋 王芳 的交接说明（京东旗舰店）：今天的退款已处理完，JD20261102001 等快递"]

    rows = await standings_rows(live, li)
    # 3 h × 2 points, plus 0.5 for the handover with a note
    assert rows["王芳"][-1] == "6.50"
    assert rows["张伟"][-1] == "6.00"
    with reading(live.baton.engine) as session:
        notes = [r.note for r in session.execute(select(HoldRow).order_by(HoldRow.id)).scalars()]
        audited = session.execute(select(AuditRow).where(AuditRow.action == "handover_note")).scalars().one()
    assert notes == ["今天的退款已处理完，JD20261102001 等快递", None]
    assert audited.subject == "jd"


async def test_a_note_needs_an_own_hand_off_in_the_last_half_hour(live, clock, team):
    wang, li = team["wang"], team["li"]
    clock.set(local("2026-11-02", "09:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "12:00"))
    await live.say(li, "/on jd")  # 王芳 was taken over: no hand-off of hers
    (refused,) = (await live.say(wang, "/note 交接一下")).texts()
    assert refused.startswith("最近 30 分钟内你没有交出过账号，交接说明未记录。")
    clock.set(local("2026-11-02", "13:00"))
    await live.say(li, "/off")
    clock.set(local("2026-11-02", "13:31"))
    assert (await live.say(li, "/note 太晚了")).texts()[0].startswith("最近 30 分钟内你没有交出过账号")
    with reading(live.baton.engine) as session:
        assert session.execute(select(func.count()).select_from(HoldRow).where(HoldRow.note.is_not(None))).scalar_one() == 0


# -- joining at peak load ----------------------------------------------------------------------------------


def at(hhmm):
    """Naive local time, as exports print it."""
    return datetime.fromisoformat(f"2026-11-02T{hhmm}")


def jd_export():
    return [
        SampleConversation("JD-1", at("09:30:00")),
        SampleConversation("JD-2", at("10:05:00")),
        SampleConversation("JD-3", at("10:10:00")),
        SampleConversation("JD-4", at("10:20:00")),
    ]


@pytest.mark.parametrize("collaboration", [{"peak_threshold": 2}])
async def test_a_helper_joins_at_peak_splits_the_credit_and_earns_peak_help(live, clock, team):
    wang, li, zhang = team["wang"], team["li"], team["zhang"]
    clock.set(local("2026-11-02", "09:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "10:00"))
    assert (await live.say(li, "/join jd")).texts() == ["🤝 李雷 加入 京东旗舰店，协助 王芳（交出时发送 /off）"]
    assert (await live.say(li, "/join jd")).texts() == ["你已经在协助 京东旗舰店，未重复加入"]
    assert (await live.say(wang, "/join jd")).texts() == ["你已经在接管 京东旗舰店"]
    assert (await live.say(zhang, "/join vip")).texts() == ["唯品会店 现在无人接管，没有人可以协助，未加入。直接接管吧：/on vip"]
    await live.say(zhang, "/console")
    assert live.console()["text"].splitlines()[1] == "• 京东旗舰店：王芳 自 09:00 起"

    clock.set(local("2026-11-02", "11:00"))
    assert (await live.say(li, "/off")).texts()[0].splitlines()[0] == "👋 李雷 交出了 京东旗舰店"
    clock.set(local("2026-11-02", "12:00"))
    await live.say(wang, "/off")

    boss = live.user(SUPERVISOR_ID, "主管")
    (report,) = (await live.upload(boss, "jd.csv", jd_csv_bytes(jd_export()), caption="/import jd")).texts()
    assert "新会话归属：接管人 4，排班 0，未归属 0" in report

    rows = await standings_rows(live, wang)
    # Conversations: JD-1 to 王芳; JD-2..4 split between 王芳 and 李雷 (0.5 each), at 0.5 points each.
    assert rows["王芳"][3] == "2.5" and rows["李雷"][3] == "1.5"
    # 王芳: 3 h × 2 + 2.5 × 0.5 = 7.25. 李雷: 1 h × 2 + 1.5 × 0.5 + 1 busy hour of peak help × 1 = 3.75.
    assert rows["王芳"][-1] == "7.25"
    assert rows["李雷"][-1] == "3.75"
    day = clock.now().date()
    peak = [e for e in live.baton.read(lambda uow: uow.ledger.between(day, day)) if e.kind == PEAK_HELP]
    assert [(e.agent_id, e.quantity, e.millipoints) for e in peak] == [(agent_ids(live)["李雷"], 60.0, 1000)]


async def test_a_take_over_leaves_the_helper_and_a_helper_can_step_up(live, clock, team):
    wang, li, zhang = team["wang"], team["li"], team["zhang"]
    clock.set(local("2026-11-02", "09:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "10:00"))
    await live.say(li, "/join jd")
    clock.set(local("2026-11-02", "10:30"))
    assert (await live.say(zhang, "/on jd")).texts() == ["🔁 张伟 从 王芳 接管了 京东旗舰店"]

    def open_holds():
        with live.baton.reading() as uow:
            names = uow.agents.names()
            return sorted((names[h.agent_id], h.role) for h in uow.holds.open())

    assert open_holds() == [("张伟", "holder"), ("李雷", "helper")]
    clock.set(local("2026-11-02", "11:00"))
    assert (await live.say(li, "/on jd")).texts() == ["🔁 李雷 从 张伟 接管了 京东旗舰店"]
    assert open_holds() == [("李雷", "holder")]
    await live.say(li, "/console")
    assert live.console()["text"].splitlines()[1] == "• 京东旗舰店：李雷 自 11:00 起"
