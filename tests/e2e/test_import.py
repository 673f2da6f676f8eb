"""A supervisor uploads a platform export through the simulated Bot API; standings follow."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from storage.db import reading
from storage.models import ConversationRow
from tests.factories import SUPERVISOR_ID, local
from tests.storage.export_samples import SampleConversation, jd_csv_bytes, vip_csv_bytes

pytestmark = pytest.mark.e2e


def at(hhmm):
    """Naive local time, as exports print it."""
    return datetime.fromisoformat(f"2026-11-02T{hhmm}")


def jd_export():
    """Six sessions on 2026-11-02: three while 王芳 held JD, two while 李雷 did, one in a gap."""
    return [
        SampleConversation("JD-1", at("09:05:00"), rating="very_satisfied"),
        SampleConversation("JD-2", at("10:00:00"), rating="satisfied"),
        SampleConversation("JD-3", at("11:59:59"), rating="dissatisfied"),  # answered at 12:00:07, by 李雷
        SampleConversation("JD-4", at("12:00:00")),  # the handover instant belongs to the new holder
        SampleConversation("JD-5", at("13:30:00"), inquiry=True, paid=True),
        SampleConversation("JD-6", at("15:00:00")),  # after 李雷 handed off: nobody held JD
    ]


async def play_morning(live, clock):
    wang, li = live.user(101, "王芳"), live.user(102, "李雷")
    clock.set(local("2026-11-02", "09:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "12:00"))
    await live.say(li, "/on jd")
    clock.set(local("2026-11-02", "14:00"))
    await live.say(li, "/off")
    clock.set(local("2026-11-02", "18:00"))
    return wang, li


def stored_conversations(live):
    with reading(live.baton.engine) as session:
        return session.execute(select(func.count()).select_from(ConversationRow)).scalar_one()


async def test_a_supervisor_uploads_an_export_and_standings_reflect_the_conversations(live, clock):
    _, li = await play_morning(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")

    reaction = await live.upload(boss, "咚咚会话明细.csv", jd_csv_bytes(jd_export()), caption="/import jd")
    (report,) = reaction.texts()
    assert report.splitlines()[:2] == [
        "📥 导入 咚咚会话明细.csv → 京东旗舰店（格式 jd）",
        "读取 6 行：新增 6，重复 0，拒绝 0",
    ]
    assert "新会话归属：接管人 5，排班 0，未归属 1" in report

    standings = (await live.say(li, "/standings")).texts()[0]
    rows = {line.split()[1]: line.split() for line in standings.splitlines()[2:]}
    # Credit goes by the first reply, 8 s after the start: JD-3 (11:59:59) was answered by 李雷 after the 12:00 handover.
    # 王芳: 3 h × 2 + 2 conversations × 0.5 = 7;  李雷: 2 h × 2 + 3 × 0.5 = 5.5
    assert rows["王芳"][3:] == ["2", "0", "7.00"]
    assert rows["李雷"][3:] == ["3", "0", "5.50"]

    again = (await live.upload(boss, "咚咚会话明细.csv", jd_csv_bytes(jd_export()), caption="/import jd")).texts()[0]
    assert "读取 6 行：新增 0，重复 6，拒绝 0" in again
    assert "已导入过的 6 个会话在此文件中没有变化：没有重复计入。" in again
    assert stored_conversations(live) == 6


async def test_a_file_with_a_missing_column_is_refused_whole_and_changes_nothing(live, clock):
    await play_morning(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")
    broken = jd_csv_bytes(jd_export()).decode("gbk").replace("会话开始时间", "开始").encode("gbk")
    (answer,) = (await live.upload(boss, "broken.csv", broken, caption="/import jd")).texts()
    lines = answer.splitlines()
    assert lines[0] == "文件被拒绝，未导入任何数据：无法识别这种导出格式。"
    assert lines[1].startswith("表头在第 1 行：会话ID、客服账号、顾客账号、开始、会话结束时间")
    # What each of the account's formats matched and missed, the closest first.
    assert lines[3] == "• jd：缺 会话开始时间（匹配 10 列）"
    assert stored_conversations(live) == 0


async def test_rejected_rows_are_grouped_by_reason_with_their_row_numbers(live, clock):
    await play_morning(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")
    rows = [*jd_export()[:2], {"会话ID": "JD-9", "会话开始时间": "昨天下午"}, {"会话ID": "JD-8", "会话开始时间": "下午"}, jd_export()[0]]
    (answer,) = (await live.upload(boss, "jd.csv", jd_csv_bytes(rows), caption="/import jd")).texts()
    assert "读取 5 行：新增 2，重复 0，拒绝 3" in answer
    assert "拒绝的行（按原因）：\n• 时间无法识别：2 行（第 4、5 行），如“昨天下午”\n• 文件内重复：1 行（第 6 行），如“JD-1”" in answer


async def test_only_supervisors_may_import(live, clock):
    wang, _ = await play_morning(live, clock)
    (answer,) = (await live.upload(wang, "jd.csv", jd_csv_bytes(jd_export()), caption="/import jd")).texts()
    assert answer == "只有主管可以使用 /import，未做任何更改"
    assert stored_conversations(live) == 0


async def test_an_import_without_an_account_explains_the_caption(live, clock):
    boss = live.user(SUPERVISOR_ID, "主管")
    (answer,) = (await live.upload(boss, "jd.csv", jd_csv_bytes(jd_export()), caption="/import")).texts()
    assert answer.startswith("请把导出文件（CSV 或 XLSX）作为文件发送，并在说明里写 /import <账号>")


async def test_a_vipshop_export_uses_the_column_mapping_from_config(database_url, clock):
    from bot.sandbox.live import LiveBot
    from tests.factories import team_config
    from tests.storage.export_samples import VIP_BOOLEAN_LABELS, VIP_MAPPING, VIP_RATING_LABELS

    config = team_config(
        database_url,
        presets={"vipshop": {"platform": "vip", "columns": VIP_MAPPING, "ratings": VIP_RATING_LABELS, "booleans": VIP_BOOLEAN_LABELS}},
    )
    async with LiveBot(config, clock) as live:
        boss = live.user(SUPERVISOR_ID, "主管")
        rows = [SampleConversation(f"V{n}", datetime(2026, 11, 2, 10, n)) for n in range(4)]
        (answer,) = (await live.upload(boss, "唯品会.csv", vip_csv_bytes(rows), caption="/import vip")).texts()
        assert "（格式 vipshop）" in answer and "新增 4" in answer
        assert "未归属 4" in answer and "/gaps" in answer


async def test_stats_shows_each_agents_service_metrics_from_the_export(live, clock):
    wang, _ = await play_morning(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")
    await live.upload(boss, "咚咚会话明细.csv", jd_csv_bytes(jd_export()), caption="/import jd")
    (text,) = (await live.say(wang, "/stats 2026-11-02")).texts()
    rows = {line.split()[0]: line.split()[1:] for line in text.splitlines()[2:4]}
    # Credited by the first reply (8 s after the start): JD-3 (11:59:59) was answered by 李雷.
    # Team rate 2/3 (very satisfied, satisfied, dissatisfied) with prior 5.
    # 王芳: JD-1, JD-2, both satisfied: (2 + 5·2/3) / (2 + 5) = 76.2%.
    assert rows["王芳"] == ["2", "8秒", "100%", "76%", "—", "100%"]
    # 李雷: JD-3, JD-4 (12:00) and JD-5, one inquiry that paid; JD-3 dissatisfied: (0 + 5·2/3) / (1 + 5) = 55.6%.
    assert rows["李雷"] == ["3", "8秒", "100%", "56%", "100%", "100%"]
    assert (await live.say(wang, "/stats 2026-11")).texts()[0].startswith("📈 2026-11 服务指标")
    assert (await live.say(wang, "/stats yesterday")).texts() == ["用法：/stats [YYYY-MM-DD 或 YYYY-MM]"]
