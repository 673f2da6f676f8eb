"""Talent profiles over the simulated Bot API: /profile with its chart, skills, /talent, permissions, both languages.

The day is small enough to check by hand. On Monday 2026-11-02 王芳 is rostered on jd and 张伟 on
vip, 09:00–18:00. 李雷 holds jd 09:00–11:00 (cover: 王芳 is not holding) and hands off with a
note; 张伟 holds vip 09:00–12:00, when 李雷 takes it over until 14:00 (cover again) and logs a
case; 王芳 holds jd 14:00–16:00. 王芳 and 张伟 thank 李雷, who thanks 王芳.
"""

import re
import struct

import pytest
from sqlalchemy import func, select

from bot.month.render import monthly_message
from bot.month.service import score_month
from bot.sandbox.live import LiveBot
from storage.db import reading
from storage.models import AuditRow, SkillRow
from tests.factories import GROUP_ID, SUPERVISOR_ID, local, team_config

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n"
HAN = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
WEEKDAYS = [1, 2, 3, 4, 5]


def roster(first, second):
    return [
        {"agent": first, "account": "jd", "weekdays": WEEKDAYS, "from": "09:00", "to": "18:00"},
        {"agent": second, "account": "vip", "weekdays": WEEKDAYS, "from": "09:00", "to": "18:00"},
    ]


@pytest.fixture
async def live(database_url, clock):
    async with LiveBot(team_config(database_url, roster=roster(101, 103)), clock) as bot:
        yield bot


@pytest.fixture
def team(live):
    return {
        "wang": live.user(101, "王芳"),
        "li": live.user(102, "李雷", username="lilei"),
        "zhang": live.user(103, "张伟"),
        "boss": live.user(SUPERVISOR_ID, "主管", username="boss"),
    }


async def at(live, clock, hhmm, user, text, chat=None):
    clock.set(local("2026-11-02", hhmm))
    return await live.say(user, text, chat=chat)


ZH_WORDS = {"note": "退款都处理完了", "thanks": "帮我顶班", "back": "谢谢"}
EN_WORDS = {"note": "refunds all done", "thanks": "covered for me", "back": "thanks"}


async def work_the_day(live, clock, wang, li, zhang, words=ZH_WORDS):
    for user in (wang, li, zhang):
        await at(live, clock, "08:50", user, "/help")
    await at(live, clock, "09:00", li, "/on jd")
    await at(live, clock, "09:00", zhang, "/on vip")
    await at(live, clock, "11:00", li, "/off")
    await at(live, clock, "11:05", li, f"/note {words['note']}")
    await at(live, clock, "12:00", li, "/on vip")
    await at(live, clock, "13:00", li, "/case")
    await at(live, clock, "14:00", li, "/off")
    await at(live, clock, "14:00", wang, "/on jd")
    await at(live, clock, "16:00", wang, "/off")
    await at(live, clock, "16:10", wang, f"/thanks @{li['username']} {words['thanks']}")
    await at(live, clock, "16:20", zhang, f"/thanks @{li['username']}")
    await at(live, clock, "16:30", li, f"/thanks {wang['first_name']} {words['back']}")


def sent_to(reaction, chat_id):
    return [text for call, text in zip(reaction.sent(), reaction.texts(), strict=True) if call.params["chat_id"] == chat_id]


def skill_rows(live):
    with reading(live.baton.engine) as session:
        return session.execute(select(func.count()).select_from(SkillRow)).scalar_one()


def png_width(png: bytes) -> int:
    assert png.startswith(PNG)
    return struct.unpack(">I", png[16:20])[0]


async def test_a_profile_goes_privately_with_its_chart_and_shows_the_whole_record(live, clock, team):
    wang, li, zhang, boss = team["wang"], team["li"], team["zhang"], team["boss"]
    await work_the_day(live, clock, wang, li, zhang)
    assert (await at(live, clock, "17:00", boss, "/tag @lilei 售后 京东")).texts() == ["🏷 主管 给 李雷 标注了技能：售后、京东"]
    assert (await at(live, clock, "17:01", li, "/skills Excel,直播")).texts() == ["✅ 已记下你的自述技能：excel、直播"]

    uploads_before = len(live.sandbox.uploads)
    never_started = await at(live, clock, "17:02", li, "/profile")
    bot_name = live.application.bot.username
    assert sent_to(never_started, GROUP_ID) == [
        f"📬 这些内容只在私聊里发送，但我还不能私聊你：请先私聊 @{bot_name} 并点“开始”，再发送 /profile"
    ]
    assert live.sandbox.messages(li["id"]) == [] and len(live.sandbox.uploads) == uploads_before

    private = live.sandbox.private_chat(li)
    asked = await at(live, clock, "17:03", li, "/profile")
    assert sent_to(asked, GROUP_ID) == ["📬 李雷 的人才档案已私聊发给你"]
    (profile,) = sent_to(asked, private["id"])
    assert profile.splitlines() == [
        "👤 李雷 的人才档案（@lilei）",
        "平台与账号（接管小时）",
        "• 京东：2.0 小时",
        "  – 京东旗舰店（jd）：2.0 小时 · 会话 0 · 案例 0",
        "• 唯品会：2.0 小时",
        "  – 唯品会店（vip）：2.0 小时 · 会话 0 · 案例 1",
        "工作量：案例 1 · 会话 0",
        "补班：1 天，共 4.0 小时",
        "感谢：收到 2 · 送出 1",
        "  — 张伟（11-02）",
        "  “帮我顶班” — 王芳（11-02）",
        "带说明的交接：1 次",
        "  11-02 11:00 京东旗舰店：退款都处理完了",
        "技能",
        "• 主管标注：售后、京东",
        "• 自述（self-declared）：excel、直播",
        "📈 近 6 个月的积分与协作分见下图",
    ]
    (chart,) = live.sandbox.uploads[uploads_before:]
    assert (chart.method, chart.chat_id, chart.caption) == ("sendPhoto", li["id"], "📈 李雷：每月积分与协作分")
    assert png_width(chart.content) == 1000 and len(chart.content) > 10_000

    in_private = await at(live, clock, "17:04", li, "/profile", chat=private)
    assert sent_to(in_private, GROUP_ID) == [] and sent_to(in_private, private["id"]) == [profile]
    assert [u.method for u in live.sandbox.uploads[uploads_before + 1 :]] == ["sendPhoto"]


async def test_an_agent_sees_only_their_own_profile_and_a_supervisor_sees_anyones(live, clock, team):
    wang, li, zhang, boss = team["wang"], team["li"], team["zhang"], team["boss"]
    await work_the_day(live, clock, wang, li, zhang)
    live.sandbox.private_chat(wang)
    for handle in ("@lilei", "@nobody"):
        refused = await at(live, clock, "17:00", wang, f"/profile {handle}")
        assert refused.texts() == ["你只能查看自己的人才档案（主管可以查看任何人的），未显示任何内容"]
        assert sent_to(refused, wang["id"]) == []
    own = await at(live, clock, "17:01", wang, "/profile 王芳")
    assert sent_to(own, wang["id"])[0].startswith("👤 王芳 的人才档案")

    boss_chat = live.sandbox.private_chat(boss)
    (theirs,) = (await at(live, clock, "17:02", boss, "/profile @lilei", chat=boss_chat)).texts()
    assert theirs.startswith("👤 李雷 的人才档案（@lilei）")
    assert (await at(live, clock, "17:03", boss, "/profile @nobody", chat=boss_chat)).texts() == [
        "找不到客服“@nobody”（用 @用户名 或姓名）"
    ]


async def test_tags_skills_and_talent_ranked_by_evidence(live, clock, team):
    wang, li, zhang, boss = team["wang"], team["li"], team["zhang"], team["boss"]
    await work_the_day(live, clock, wang, li, zhang)
    await at(live, clock, "17:00", boss, "/tag @lilei 售后 京东")
    assert (await at(live, clock, "17:01", boss, "/tag 李雷 京东 客诉")).texts() == ["🏷 主管 给 李雷 标注了技能：客诉（已有，未变：京东）"]
    assert (await at(live, clock, "17:02", zhang, "/skills 京东")).texts() == ["✅ 已记下你的自述技能：京东"]
    assert (await at(live, clock, "17:03", zhang, "/skills")).texts() == [
        "🧰 张伟 的技能\n• 自述（self-declared）：京东\n自述技能：/skills 技能…；删除：/skills -技能",
    ]

    boss_chat = live.sandbox.private_chat(boss)
    asked = await at(live, clock, "17:05", boss, "/talent 京东")
    assert sent_to(asked, GROUP_ID) == ["📬 “京东”的人选已私聊发给你"]
    (found,) = sent_to(asked, boss_chat["id"])
    assert found.splitlines() == [
        "🔎 “京东”的人选（按证据排序）",
        "这项技能对应的账号：京东旗舰店",
        "1. 李雷 — 主管标注 · 证据 8.0",
        "   账号 2.0 小时 + 补班 4.0 小时 + 感谢 2 次",
        "2. 张伟 — 自述 · 证据 0.0",
        "   账号 0.0 小时 + 补班 0.0 小时 + 感谢 0 次",
        "3. 王芳 — 未标注 · 证据 3.0",
        "   账号 2.0 小时 + 补班 0.0 小时 + 感谢 1 次",
        "排序：主管标注 > 自述 > 未标注；同级再按证据 = 对应账号的接管小时 + 补班小时 + 每次感谢计 1 小时",
    ]
    assert (await at(live, clock, "17:06", boss, "/talent 插花", chat=boss_chat)).texts()[0].startswith("还没有“插花”的人选")

    assert (await at(live, clock, "17:07", boss, "/untag @lilei 售后")).texts() == ["🏷 主管 取消了 李雷 的技能标注：售后"]
    assert (await at(live, clock, "17:08", boss, "/untag @lilei 售后")).texts() == ["李雷 没有主管标注的技能 售后，未做任何更改"]
    assert (await at(live, clock, "17:09", li, "/skills 直播 -直播 -excel")).texts() == [
        "✅ 已记下你的自述技能：直播\n🗑 已删除自述技能：直播"
    ]
    with reading(live.baton.engine) as session:
        audited = [
            (r.action, r.subject, r.detail)
            for r in session.execute(select(AuditRow).where(AuditRow.action.like("skill_%")).order_by(AuditRow.id)).scalars()
        ]
    assert [(action, subject) for action, subject, _ in audited] == [
        ("skill_tag", "李雷"),
        ("skill_tag", "李雷"),
        ("skill_declare", "张伟"),
        ("skill_untag", "李雷"),
        ("skill_declare", "李雷"),
    ]
    assert '"skills": ["客诉"]' in audited[1][2]


async def test_bad_skills_unknown_names_and_agents_are_refused_and_change_nothing(live, clock, team):
    li, wang, boss = team["li"], team["wang"], team["boss"]
    for user in (li, wang):
        await at(live, clock, "08:50", user, "/help")
    refusals = [
        (boss, "/tag @nobody 售后", "找不到客服“@nobody”（用 @用户名 或姓名）"),
        (boss, "/tag @lilei " + "长" * 33, f"技能“{'长' * 19}…”太长（最多 32 个字），未做任何更改"),  # echoed to 40 columns
        (boss, "/tag @lilei #", "技能不能为空，未做任何更改"),
        (boss, "/tag @lilei", "用法：/tag @客服 技能…，例如 /tag @lilei 售后 京东"),
        (boss, "/talent", "用法：/talent 技能，例如 /talent 京东"),
        (boss, "/talent 京东 售后", "一次只查一项技能，例如 /talent 售后"),
        (li, "/skills 直播\x07", "技能里不能有控制字符或不可见字符，未做任何更改"),
        (li, "/skills 零\u200b宽", "技能里不能有控制字符或不可见字符，未做任何更改"),
        (li, "/skills " + " ".join(f"s{i}" for i in range(11)), "一次最多 10 个技能，未做任何更改"),
        (wang, "/tag @lilei 售后", "只有主管可以使用 /tag，未做任何更改"),
        (wang, "/untag @lilei 售后", "只有主管可以使用 /untag，未做任何更改"),
        (wang, "/talent 京东", "只有主管可以使用 /talent，未做任何更改"),
    ]
    for user, text, refusal in refusals:
        assert (await at(live, clock, "10:00", user, text)).texts() == [refusal], text
    assert skill_rows(live) == 0


async def test_the_monthly_digest_names_the_all_rounders(live, clock, team):
    await work_the_day(live, clock, team["wang"], team["li"], team["zhang"])
    clock.set(local("2026-11-02", "23:00"))
    text = monthly_message(live.parts.team, live.baton.run(score_month, "2026-11", 0))
    assert "🧩 <b>本月多面手</b>\n• 接管平台和账号最多：李雷（2 个平台，2 个账号）\n• 补班最多：李雷（4.0 小时）" in text


# -- the same flow in English ---------------------------------------------------------------------------


async def test_the_same_flow_in_english_speaks_english(database_url, clock):
    config = team_config(
        database_url,
        team={"language": "en"},
        accounts=[{"key": "jd", "platform": "jd", "label": "JD flagship"}, {"key": "vip", "platform": "vip", "label": "Vip store"}],
        roster=roster(201, 203),
    )
    async with LiveBot(config, clock) as live:
        ann, bob, cat = (
            live.user(201, "Ann", language_code="en"),
            live.user(202, "Bob", username="bob", language_code="en-US"),
            live.user(203, "Cat", language_code="en"),
        )
        boss = live.user(SUPERVISOR_ID, "Boss", username="boss", language_code="en")
        await work_the_day(live, clock, ann, bob, cat, EN_WORDS)
        texts = []
        texts += (await at(live, clock, "17:00", boss, "/tag @bob aftersale jd")).texts()
        texts += (await at(live, clock, "17:01", bob, "/skills Excel")).texts()
        assert texts == ["🏷 Boss tagged Bob: aftersale, jd", "✅ Noted your self-declared skills: excel"]

        live.sandbox.private_chat(bob)
        asked = await at(live, clock, "17:02", bob, "/profile")
        (notice,) = sent_to(asked, GROUP_ID)
        (profile,) = sent_to(asked, bob["id"])
        assert notice == "📬 Bob's profile is in your private chat with me"
        assert profile.splitlines()[:4] == [
            "👤 Talent profile: Bob (@bob)",
            "Platforms and accounts (hours held)",
            "• JD.com: 2.0 h",
            "  – JD flagship (jd): 2.0 h · 0 conversations · 0 cases",
        ]
        assert "Covers given: 1 days, 4.0 h in all" in profile and "Thanks: 2 received · 1 given" in profile
        assert "• Tagged by supervisors: aftersale, jd" in profile and "• Self-declared: excel" in profile
        chart = live.sandbox.uploads[-1]
        assert (chart.method, chart.caption) == ("sendPhoto", "📈 Bob: points and collaboration by month") and png_width(
            chart.content
        ) == 1000

        live.sandbox.private_chat(boss)
        found = sent_to(await at(live, clock, "17:03", boss, "/talent jd"), SUPERVISOR_ID)[0]
        assert found.splitlines()[:3] == [
            "🔎 Candidates for “jd” (ranked by evidence)",
            "Accounts this skill names: JD flagship",
            "1. Bob — tagged by a supervisor · evidence 8.0",
        ]
        refused = (await at(live, clock, "17:04", ann, "/profile @bob")).texts()
        assert refused == ["You can see only your own profile (supervisors can see anyone's); nothing was shown"]

        scored = live.baton.run(score_month, "2026-11", 0)
        digest = monthly_message(live.parts.team, scored)
        assert "All-rounders of the month" in digest and "Most platforms and accounts: Bob (2 platforms, 2 accounts)" in digest
        for text in [*texts, notice, profile, found, refused[0], digest]:
            assert not HAN.search(text), text
