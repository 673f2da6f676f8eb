"""/me, /why, /rules and /set_weight over the simulated Bot API.

The scenario is small enough to score by hand. On 2026-11-03 王芳 holds jd 10:00–14:00 and logs
2 cases; 李雷 holds vip 10:00–12:00 and logs 1 case. The platform exports credit two jd
conversations to 王芳 (first responses 20 s and 40 s, both rated good, both inquiries, one paid,
both resolved) and one vip conversation to 李雷 (60 s, rated dissatisfied, an inquiry that paid,
resolution unknown). A supervisor then gives 李雷 +5. Default rules (version 1), pool ¥1,000.
"""

import json
import re
from datetime import datetime

import pytest

from bot.month.service import score_month
from bot.sandbox.live import LiveBot, shown
from domain.time import month_days
from tests.factories import SUPERVISOR_ID, local, team_config
from tests.storage.export_samples import SampleConversation, generic_csv_bytes

pytestmark = pytest.mark.e2e

POOL_CENTS = 100_000
SATISFACTION_PRIOR = 5  # the default: satisfaction is shrunk toward the team's rate


@pytest.fixture
async def live(database_url, clock):
    async with LiveBot(team_config(database_url, payout={"pool": POOL_CENTS // 100}), clock) as bot:
        yield bot


async def work_november(live, clock):
    wang, li = live.user(101, "王芳", username="wangfang"), live.user(102, "李雷", username="lilei")
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    clock.set(local("2026-11-03", "10:00"))
    await live.say(wang, "/on jd")
    await live.say(li, "/on vip")
    clock.set(local("2026-11-03", "10:15"))
    await live.say(wang, "/case 咨询")
    await live.say(wang, "/case 售后")
    await live.say(li, "/case 咨询")
    clock.set(local("2026-11-03", "12:00"))
    await live.say(li, "/off")
    clock.set(local("2026-11-03", "14:00"))
    await live.say(wang, "/off")
    clock.set(local("2026-11-05", "09:30"))
    jd = [
        SampleConversation(
            "J1", datetime(2026, 11, 3, 10, 30), first_response_s=20, rating="satisfied", resolved=True, inquiry=True, paid=True
        ),
        SampleConversation(
            "J2", datetime(2026, 11, 3, 11, 0), first_response_s=40, rating="very_satisfied", resolved=True, inquiry=True, paid=False
        ),
    ]
    vip = [
        SampleConversation(
            "V1", datetime(2026, 11, 3, 11, 0), first_response_s=60, rating="dissatisfied", resolved=None, inquiry=True, paid=True
        )
    ]
    await live.upload(boss, "jd.csv", generic_csv_bytes(jd), caption="/import jd generic")
    await live.upload(boss, "vip.csv", generic_csv_bytes(vip), caption="/import vip generic")
    await live.say(boss, "/adjust @lilei +5 帮忙培训新人")
    return wang, li, boss


def factor_line(label, raw, method, normalised, weight):
    return f"• {label} {raw}（{method}）→ {normalised:.3f} × {weight} = {round(normalised * weight, 2):.2f}"


def factor_points(lines):
    return round(sum(float(line.rsplit("= ", 1)[1]) for line in lines), 2)


def first_amount_in_cents(text):
    amount = re.search(r"¥([\d,]+)\.(\d\d)", text)
    return int(amount.group(1).replace(",", "")) * 100 + int(amount.group(2))


def audit_rows(live, action=None):
    return live.baton.read(lambda uow: [row for row in uow.audit.all() if action is None or row.action == action])


def rules_versions(live):
    return live.baton.read(lambda uow: uow.months.rules_versions())


def texts_in(reaction, chat):
    return [shown(call) for call in reaction.sent() if int(call.params["chat_id"]) == chat["id"]]


# Satisfaction by hand: team rate = 2 good / 3 rated; each agent's rate is shrunk toward it.
TEAM_RATE = 2 / 3
WANG_SATISFACTION = (2 + SATISFACTION_PRIOR * TEAM_RATE) / (2 + SATISFACTION_PRIOR)
LI_SATISFACTION = (0 + SATISFACTION_PRIOR * TEAM_RATE) / (1 + SATISFACTION_PRIOR)

WANG_LINES = [
    factor_line("会话", "2", "团队份额", 2 / 3, 25),
    factor_line("案例", "2", "团队份额", 2 / 3, 15),
    factor_line("接管时长", "4.0 小时", "团队份额", 4 / 6, 15),
    factor_line("首次响应", "30 秒", "目标 ≤30 秒", 1.0, 10),  # (20 + 40) / 2 meets the target
    factor_line("满意度", f"{100 * WANG_SATISFACTION:.1f}%", "目标 95%", WANG_SATISFACTION / 0.95, 15),
    factor_line("询单转化率", "50%", "排名", 0.0, 10),  # 1 of 2 paid: the worse of two
    factor_line("解决率", "100%", "目标 90%", 1.0, 10),
]
LI_LINES = [
    factor_line("会话", "1", "团队份额", 1 / 3, 25),
    factor_line("案例", "1", "团队份额", 1 / 3, 15),
    factor_line("接管时长", "2.0 小时", "团队份额", 2 / 6, 15),
    factor_line("首次响应", "60 秒", "目标 ≤30 秒", 30 / 60, 10),  # twice the target: half
    factor_line("满意度", f"{100 * LI_SATISFACTION:.1f}%", "目标 95%", LI_SATISFACTION / 0.95, 15),
    factor_line("询单转化率", "100%", "排名", 1.0, 10),
    factor_line("解决率", "—", "目标 90%；无数据，取团队中位数", 1.0, 10),  # the median of 王芳's 1.0
]


async def test_me_in_a_private_chat_explains_every_point_and_the_estimated_payout(live, clock):
    wang, li, _boss = await work_november(live, clock)
    wang_total, li_total = factor_points(WANG_LINES), round(factor_points(LI_LINES) + 5, 2)

    (mine,) = (await live.say(wang, "/me", chat=live.sandbox.private_chat(wang))).texts()
    lines = mine.splitlines()
    assert lines[0] == "🧾 王芳 · 2026年11月 暂定得分（规则第 1 版）"
    assert lines[1] == f"第 1 名（共 2 人），总分 {wang_total:.2f}"
    assert [line for line in lines if line.startswith("• ")] == WANG_LINES
    assert f"总分 = 因子 {wang_total:.2f} + 0.00（协作）+ 0.00（调整）= {wang_total:.2f}" in lines
    assert "📈 目前排名第一，领先全队" in lines
    (wang_money,) = [line for line in lines if line.startswith("💰")]

    (theirs,) = (await live.say(li, "/me", chat=live.sandbox.private_chat(li))).texts()
    lines = theirs.splitlines()
    assert lines[1] == f"第 2 名（共 2 人），总分 {li_total:.2f}"
    assert [line for line in lines if line.startswith("• ")] == LI_LINES
    assert "⚖️ 调整 +5.00" in lines and "  • 11-05 +5.00：帮忙培训新人（主管）" in lines
    assert f"📈 提升空间：再得 {wang_total - li_total:.2f} 分可追平第 1 名" in lines
    (li_money,) = [line for line in lines if line.startswith("💰")]

    # Both estimates spend the pool exactly, each within a cent of its share of the total score.
    payouts = [first_amount_in_cents(money) for money in (wang_money, li_money)]
    assert sum(payouts) == POOL_CENTS
    for paid, total in zip(payouts, (wang_total, li_total), strict=True):
        assert abs(paid - POOL_CENTS * total / (wang_total + li_total)) <= 1
    assert "奖金池 ¥1,000.00，按积分比例" in li_money
    assert live.sandbox.messages(live.group["id"])[-1]["text"].startswith("⚖️"), "nothing of /me reached the group"


async def test_me_in_the_group_only_hints_and_shows_no_numbers(live, clock):
    wang, _li, _boss = await work_november(live, clock)
    (hint,) = (await live.say(wang, "/me")).texts()
    assert hint == "📬 个人得分明细只在私聊里发送：请私聊 @baton_bot 并发送 /me"


async def test_me_for_someone_with_nothing_this_month_says_so_kindly(live, clock):
    await work_november(live, clock)
    newcomer = live.user(300, "小新")
    (answer,) = (await live.say(newcomer, "/me", chat=live.sandbox.private_chat(newcomer))).texts()
    assert answer.startswith("小新 在 2026-11 还没有得分记录")


async def test_why_explains_anyone_to_a_supervisor_by_name_or_by_reply(live, clock):
    wang, _li, boss = await work_november(live, clock)
    private = live.sandbox.private_chat(boss)
    asked = await live.say(boss, "/why @lilei")  # in the group: the breakdown goes to the supervisor privately
    by_name, note = asked.texts()
    assert [c.params["chat_id"] for c in asked.sent()] == [private["id"], live.group["id"]]
    assert note == "📬 李雷 的得分明细已私聊发给你"
    assert by_name.splitlines()[0] == "🧾 李雷 · 2026年11月 暂定得分（规则第 1 版）"
    assert [line for line in by_name.splitlines() if line.startswith("• ")] == LI_LINES

    await live.say(wang, "/standings")
    wang_message = live.sandbox.last_update["message"]
    by_reply, _ = (await live.say(boss, "/why", reply_to=wang_message)).texts()
    assert by_reply.splitlines()[0] == "🧾 王芳 · 2026年11月 暂定得分（规则第 1 版）"

    privately = (await live.say(boss, "/why 王芳", chat=private)).texts()
    assert privately == [by_reply]
    assert (await live.say(boss, "/why @nobody")).texts() == ["找不到客服“@nobody”（用 @用户名 或姓名）"]


async def test_why_is_refused_to_an_agent_and_changes_nothing(live, clock):
    _wang, li, _boss = await work_november(live, clock)
    audit_before = [(row.action, row.subject) for row in audit_rows(live)]
    ledger_before = live.baton.read(lambda uow: uow.ledger.between(*month_days("2026-11")))
    assert (await live.say(li, "/why @wangfang")).texts() == ["只有主管可以使用 /why，未做任何更改"]
    assert [(row.action, row.subject) for row in audit_rows(live)] == audit_before
    assert live.baton.read(lambda uow: uow.ledger.between(*month_days("2026-11"))) == ledger_before


async def test_rules_shows_version_1_with_the_collaboration_and_payout_policy(live, clock):
    someone = live.user(101, "王芳")
    (text,) = (await live.say(someone, "/rules")).texts()
    assert text.splitlines()[:9] == [
        "📏 计分规则 · 第 1 版（初始版本，来自配置）",
        "• 会话：权重 25，按团队份额（全队合计得满权重）",
        "• 案例：权重 15，按团队份额（全队合计得满权重）",
        "• 接管时长：权重 15，按团队份额（全队合计得满权重）",
        "• 首次响应：权重 10，不超过 30 秒 得满分，越慢越少",
        "• 满意度：权重 15，达到目标 95% 得满分",
        "• 询单转化率：权重 10，按排名（最好得满分，最差得 0）",
        "• 解决率：权重 10，达到目标 90% 得满分",
        "权重合计 100",
    ]
    assert "代班每小时 0.25（连续至少 15 分钟）" in text and "带备注交接每次 0.5（每天最多 2 次）" in text
    assert text.splitlines()[-1] == "💰 奖金方案：按积分比例分配；奖金池 ¥1,000.00"
    assert "⏭" not in text


async def test_set_weight_schedules_version_2_and_months_are_scored_by_their_first_day(live, clock):
    wang, _li, boss = await work_november(live, clock)
    before = len(live.sandbox.messages(live.group["id"]))
    (line,) = (await live.say(boss, "/set_weight cases 20 from 2026-12-01")).texts()
    assert line == "⚙️ 主管 把案例的权重 15 → 20，自 2026-12-01 起生效（规则第 2 版，权重合计 100 → 105）；从 2026-12 起计分"
    assert len(live.sandbox.messages(live.group["id"])) == before + 1, "the group sees one line"
    (audit,) = audit_rows(live, "set_weight")
    versions = rules_versions(live)
    assert json.loads(audit.detail) == {"based_on": 1, "effective_from": "2026-12-01", "new": 20.0, "old": 15.0, "version": 2}
    assert [(v.version, v.effective_from.isoformat(), v.rules.factor("cases").weight) for v in versions] == [
        (1, "2000-01-01", 15.0),
        (2, "2026-12-01", 20.0),
    ]

    redelivered = await live.redeliver(live.sandbox.last_update, boss)
    assert len(redelivered.sent()) == 1, "only the /help marker was answered"
    assert len(rules_versions(live)) == 2

    (rules,) = (await live.say(wang, "/rules")).texts()
    assert rules.splitlines()[0] == "📏 计分规则 · 第 1 版（初始版本，来自配置）"
    assert "⏭ 第 2 版将于 2026-12-01 起生效（从 2026-12 起计分）：案例 15 → 20" in rules.splitlines()

    clock.set(local("2026-12-02", "10:00"))
    assert live.baton.run(score_month, "2026-11", 0).version.version == 1
    december = live.baton.run(score_month, "2026-12", 0)
    assert december.version.version == 2 and december.version.rules.factor("cases").weight == 20
    (rules,) = (await live.say(wang, "/rules")).texts()
    assert rules.splitlines()[0] == "📏 计分规则 · 第 2 版（自 2026-12-01 起生效）"
    assert "• 案例：权重 20，按团队份额（全队合计得满权重）" in rules.splitlines()


async def test_a_mid_month_change_from_a_private_chat_names_the_first_month_it_scores(live, clock):
    wang, _li, boss = await work_november(live, clock)
    await live.say(boss, "/set_weight cases 20 from 2026-12-01")
    private = live.sandbox.private_chat(boss)
    changed = await live.say(boss, "/set_weight satisfaction 0", chat=private)
    (answer,) = texts_in(changed, private)
    first, note = answer.splitlines()
    assert first == (
        "⚙️ 主管 把满意度的权重 15 → 0，自 2026-11-06 起生效（规则第 3 版，权重合计 100 → 85）；"
        "每个月按其第一天生效的规则计分，所以从 2026-12 起计分"
    )
    assert note == "注意：第 2 版定于 2026-12-01 生效，它不含这次改动；如需保留，请对 2026-12-01 再设置一次。"
    assert texts_in(changed, live.group) == [first], "the group sees the one line"
    assert live.baton.run(score_month, "2026-11", 0).version.version == 1

    (rules,) = (await live.say(wang, "/rules")).texts()
    assert rules.splitlines()[0] == "📏 计分规则 · 第 1 版（初始版本，来自配置）", "the new version starts tomorrow"
    clock.set(local("2026-11-20", "10:00"))
    (rules,) = (await live.say(wang, "/rules")).texts()
    assert rules.splitlines()[0] == "📏 计分规则 · 第 3 版（自 2026-11-06 起生效）"
    assert "• 满意度：权重 0（已停用）" in rules.splitlines()
    assert "本月（2026-11）仍按第 1 版计分：每个月都按其第一天生效的规则计分" in rules.splitlines()


REFUSED = [
    ("/set_weight cases 20 from 2026-10-20", "2026-10 已结算冻结，规则不能从 2026-10-20 起生效，未做任何更改"),
    ("/set_weight cases 20 from 2026-11-03", "生效日期 2026-11-03 已经过去，最早可以是今天（2026-11-05），未做任何更改"),
    ("/set_weight cases -5", "权重不能为负（0 表示停用该因子），未做任何更改"),
    ("/set_weight cases 15 from 2026-12-01", "案例 在 2026-12-01 的权重已经是 15，未做任何更改"),
    ("/set_weight speed 5", "没有因子“speed”，未做任何更改。可用因子：conversations（会话）、cases（案例）"),
    ("/set_weight cases lots", "用法：/set_weight 因子 权重 [from YYYY-MM-DD]"),
    ("/set_weight cases 5 from tomorrow", "用法：/set_weight 因子 权重 [from YYYY-MM-DD]"),
]


@pytest.mark.parametrize(("command", "answer"), REFUSED)
async def test_set_weight_refuses_closed_past_negative_and_unknown_and_changes_nothing(live, clock, command, answer):
    _wang, _li, boss = await work_november(live, clock)
    with live.baton.command() as uow:
        uow.months.add_close(score_month(uow, "2026-10", 0).snapshot, uow.now, None)
    (text,) = (await live.say(boss, command)).texts()
    assert text.startswith(answer)
    assert [v.version for v in rules_versions(live)] == [1]
    assert not audit_rows(live, "set_weight")


async def test_set_weight_is_refused_to_an_agent(live, clock):
    wang, _li, _boss = await work_november(live, clock)
    assert (await live.say(wang, "/set_weight cases 20")).texts() == ["只有主管可以使用 /set_weight，未做任何更改"]
    assert not [v for v in rules_versions(live) if v.version > 1]
    assert not audit_rows(live, "set_weight")


async def test_a_closed_month_is_explained_from_its_frozen_snapshot_even_after_the_rules_change(live, clock):
    _wang, li, boss = await work_november(live, clock)
    await live.say(boss, "/set_weight cases 20 from 2026-12-01")
    clock.set(local("2026-12-02", "10:00"))
    await live.say(boss, "/close_month 2026-11 1000")
    preview = live.sandbox.last_message(live.group["id"])
    confirm = preview["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    closed = (await live.press(boss, preview, confirm)).texts()[0]
    frozen_li = next(line for line in closed.splitlines() if "李雷" in line).split()[-1]

    (why,) = (await live.say(boss, "/why @lilei 2026-11", chat=live.sandbox.private_chat(boss))).texts()
    lines = why.splitlines()
    assert lines[0] == "🧾 李雷 · 2026年11月 已结算（规则第 1 版）"
    assert [line for line in lines if line.startswith("• ")] == LI_LINES, "November keeps version 1's weights"
    (paid,) = [line for line in lines if line.startswith("💰")]
    assert paid.startswith(f"💰 已发放 {frozen_li}（奖金池 ¥1,000.00")

    (december,) = (await live.say(li, "/me", chat=live.sandbox.private_chat(li))).texts()
    assert december.startswith("李雷 在 2026-12 还没有得分记录")
