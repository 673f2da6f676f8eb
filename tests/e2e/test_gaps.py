"""Supervisors see the windows nobody held and credit them with /assign; the digest counts it all."""

from datetime import date

import pytest

from bot.sandbox.live import LiveBot
from tests.e2e.test_import import jd_export, play_morning
from tests.factories import SUPERVISOR_ID, local, team_config
from tests.storage.export_samples import jd_csv_bytes

pytestmark = pytest.mark.e2e


async def imported_morning(live, clock):
    wang, li = await play_morning(live, clock)  # 王芳 09–12, 李雷 12–14 on jd; JD-6 at 15:00 is in a gap
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    await live.upload(boss, "jd.csv", jd_csv_bytes(jd_export()), caption="/import jd")
    return wang, li, boss


async def test_gaps_lists_the_unheld_window_with_its_conversations(live, clock):
    _, _, boss = await imported_morning(live, clock)
    (text,) = (await live.say(boss, "/gaps 2026-11-02")).texts()
    assert text.splitlines()[:2] == ["🕳 2026年11月2日 无人接管却有会话的时段", "• 京东旗舰店（jd）14:00–18:00：1 个会话"]


async def test_assign_credits_the_window_and_the_conversation_moves_to_the_agent(live, clock):
    _, _, boss = await imported_morning(live, clock)
    live.user(103, "张伟", username="zhangwei")
    await live.say(live.user(103, "张伟", username="zhangwei"), "/help")  # registers 张伟

    (done,) = (await live.say(boss, "/assign jd 14:30 15:30 @zhangwei")).texts()
    assert done == "🧾 2026-11-02 14:30–15:30 的 京东旗舰店 已记给 张伟（该时段 1 个会话）"
    (after,) = (await live.say(boss, "/gaps")).texts()
    assert "• 没有，所有会话都已归属" in after

    standings = (await live.say(boss, "/standings")).texts()[0]
    zhang = next(line.split() for line in standings.splitlines() if "张伟" in line)
    assert zhang[2:] == ["1:00", "1", "0", "2.50"]  # 1 h × 2 + 1 conversation × 0.5

    (entry,) = [row for row in live.baton.read(lambda uow: uow.audit.all()) if row.action == "assign"]
    assert entry.subject == "jd" and "张伟" in entry.detail


async def test_assign_refuses_a_window_that_overlaps_a_hold_and_changes_nothing(live, clock):
    _, _, boss = await imported_morning(live, clock)
    (refused,) = (await live.say(boss, "/assign jd 11:00 15:00 @王芳")).texts()
    assert refused == "该时段与 王芳 的接管（09:00–12:00）重叠；只能补记无人接管的时间"
    (still,) = (await live.say(boss, "/gaps")).texts()
    assert "14:00–18:00：1 个会话" in still


@pytest.mark.parametrize(
    "command, answer",
    [
        ("/assign jd 15:00 14:00 @王芳", "结束时间必须晚于开始时间"),
        ("/assign jd 19:00 20:00 @王芳", "只能补记已经过去的时段"),
        ("/assign jd 14:00 15:00 @nobody", "找不到客服“@nobody”（用 @用户名 或姓名）"),
        ("/assign jd 2pm 3pm @王芳", None),
    ],
)
async def test_bad_assign_input_gets_a_clear_answer(live, clock, command, answer):
    _, _, boss = await imported_morning(live, clock)
    (text,) = (await live.say(boss, command)).texts()
    assert text == (answer or live.parts.team.t("usage.assign").replace("&lt;", "<").replace("&gt;", ">"))


@pytest.mark.parametrize("command", ["/gaps", "/assign jd 14:00 15:00 @王芳"])
async def test_gaps_and_assign_are_for_supervisors_only(live, clock, command):
    wang, _, _ = await imported_morning(live, clock)
    (text,) = (await live.say(wang, command)).texts()
    assert text == f"只有主管可以使用 /{command.split()[0][1:]}，未做任何更改"


async def test_the_digest_counts_imported_and_attributed_conversations(live, clock):
    await imported_morning(live, clock)
    clock.set(local("2026-11-02", "22:00"))
    (digest,) = (await live.post_digest(date(2026, 11, 2))).texts()
    assert "会话：导入 6，归属接管人 5，按排班 0，未归属 1" in digest


async def test_a_conversation_nobody_held_falls_back_to_the_rostered_agent(database_url, clock):
    roster = [{"agent": 103, "name": "张伟", "account": "jd", "weekdays": [1, 2, 3, 4, 5], "from": "14:00", "to": "18:00"}]
    async with LiveBot(team_config(database_url, roster=roster), clock) as live:
        await imported_morning(live, clock)
        clock.set(local("2026-11-02", "22:00"))
        (digest,) = (await live.post_digest(date(2026, 11, 2))).texts()
        assert "会话：导入 6，归属接管人 5，按排班 1，未归属 0" in digest
        zhang = next(line.split() for line in digest.splitlines() if "张伟" in line)
        assert zhang[2:] == ["0:00", "1", "0", "0.50"]
