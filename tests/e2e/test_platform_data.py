"""The files platforms really give, sent in the chat: a per-agent report, a session list with
columns missing, a format nobody knows and bytes that are no table.

On 2026-11-03 the team works the Tmall login (scoring hours 08:00-24:00): 王芳 holds it
08:00-14:00, 李雷 takes over and hands off at 18:00. Nobody imports a session file for that day;
the supervisor sends the 赤兔 自定义报表 instead, whose one row (the shared login, so the whole
team) counts 接待人数 162. By hold time inside the scoring hours (6 h and 4 h) that is 97.2 and
64.8, shared by largest remainder as 97 and 65.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from bot.sandbox.live import LiveBot, shown
from storage.db import reading
from storage.models import ConversationRow
from tests.factories import SUPERVISOR_ID, local, team_config
from tests.storage.export_samples import csv_bytes
from tests.storage.quirk_samples import CHITU_FILENAME, CHITU_TEAM_ROW, chitu_report_xlsx

pytestmark = pytest.mark.e2e

ACCOUNTS = [
    {"key": "jd", "platform": "jd", "label": "京东旗舰店"},
    {"key": "vip", "platform": "vip", "label": "唯品会店"},
    {"key": "tm", "platform": "tmall", "label": "天猫旗舰店"},
]


@pytest.fixture
async def live(database_url, clock):
    async with LiveBot(team_config(database_url, accounts=ACCOUNTS), clock) as bot:
        yield bot


async def work_the_tmall_login(live, clock):
    wang, li = live.user(101, "王芳", username="wangfang"), live.user(102, "李雷", username="lilei")
    clock.set(local("2026-11-03", "08:00"))
    await live.say(wang, "/on tm")
    clock.set(local("2026-11-03", "14:00"))
    await live.say(li, "/on tm")
    clock.set(local("2026-11-03", "18:00"))
    await live.say(li, "/off")
    clock.set(local("2026-11-03", "21:00"))
    return wang, li


async def test_a_per_agent_report_says_what_it_is_and_its_apportioned_credit_is_labelled_in_the_digest_and_in_me(live, clock):
    wang, li = await work_the_tmall_login(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")

    (reply,) = (await live.upload(boss, CHITU_FILENAME, chitu_report_xlsx(), caption="/import tm")).texts()
    lines = reply.splitlines()
    assert lines[0] == f"📥 导入 {CHITU_FILENAME} → 天猫旗舰店（格式 chitu_report）"
    assert lines[1] == "读取 1 行：保存平台总数 1 行，替换之前导入的 0 行"
    # What it is: the platform's own per-agent counts, on a shared login one row for the whole team …
    assert lines[2].startswith("这是按客服汇总的报表（平台自己的统计）。共享账号上它只有一行，是整个团队的数据，不能据此给个人记功。")
    # … and what Baton does with it: the day had no session file, so its count is apportioned by hold time.
    assert "• 11-03 天猫旗舰店：平台计 162（接待人数），当天没有会话明细：按接管时长分摊给 王芳 97、李雷 65" in lines
    assert "汇总行（不是数据，已跳过）：第 4 行 汇总、第 5 行 均值" in lines
    assert "平台尚未统计完的单元格（按未知保存）：平均响应(秒) 1 格（第 3 行）" in lines

    clock.set(local("2026-11-03", "22:00"))
    (digest,) = (await live.post_digest(date(2026, 11, 3))).texts()
    table = {line.split()[1]: line.split() for line in digest.splitlines() if line[:1].isdigit()}
    # 王芳: 6 h × 2 + 97 apportioned × 0.5 = 60.5; 李雷: 4 h × 2 + 65 × 0.5 = 40.5. No conversation was credited one by one.
    assert table["王芳"][3:] == ["0", "0", "60.50"]
    assert table["李雷"][3:] == ["0", "0", "40.50"]
    (note,) = [line for line in digest.splitlines() if line.startswith("📊 分摊")]
    assert note.startswith("📊 分摊（当天没有会话明细：平台的接待人数按接管时长分给接管人，不是逐个会话记功")
    assert note.endswith("：王芳 97、李雷 65")
    assert "• 11-03 天猫旗舰店：平台计 162（接待人数），当天没有会话明细：按接管时长分摊给 王芳 97、李雷 65" in digest

    (mine,) = (await live.say(wang, "/me", chat=live.sandbox.private_chat(wang))).texts()
    lines = mine.splitlines()
    (conversations,) = [line for line in lines if line.startswith("• 会话 ")]
    assert conversations.startswith("• 会话 97（团队份额）→ 0.599 × 25 = 14.97")
    assert (
        "📊 “会话数”中含分摊 97 个：这些天没有会话明细，平台的接待人数按接管时长分摊给接管人，不是逐个会话记功，也不计入响应、满意度等比率："
        in lines
    )
    assert "• 11-03 天猫旗舰店：97" in lines
    (theirs,) = (await live.say(li, "/me", chat=live.sandbox.private_chat(li))).texts()
    assert "• 11-03 天猫旗舰店：65" in theirs.splitlines()


async def test_a_per_agent_report_after_the_digest_edits_it_once_per_change_of_its_numbers(live, clock):
    await work_the_tmall_login(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")
    clock.set(local("2026-11-03", "22:00"))
    (digest,) = (await live.post_digest(date(2026, 11, 3))).sent()
    assert "分摊" not in shown(digest)
    posted = live.sandbox.last_message(live.group["id"])["message_id"]

    clock.set(local("2026-11-03", "23:30"))
    imported = await live.upload(boss, CHITU_FILENAME, chitu_report_xlsx(), caption="/import tm")
    (edited,) = [shown(c) for c in imported.edits() if c.params.get("message_id") == posted]
    assert "• 11-03 天猫旗舰店：平台计 162（接待人数），当天没有会话明细：按接管时长分摊给 王芳 97、李雷 65" in edited
    assert edited.splitlines()[-1] == "✏️ 23:30 更新：本日报发出后又导入了当天的数据"

    # The same report again replaces its row with the same numbers: the digest is left alone.
    again = await live.upload(boss, CHITU_FILENAME, chitu_report_xlsx(), caption="/import tm")
    assert [c for c in again.edits() if c.params.get("message_id") == posted] == []

    # A later report whose count became 200: the digest is edited with it.
    clock.set(local("2026-11-04", "09:00"))
    recounted = list(CHITU_TEAM_ROW)
    recounted[2] = 200
    final = await live.upload(boss, CHITU_FILENAME, chitu_report_xlsx(recounted), caption="/import tm")
    (edited,) = [shown(c) for c in final.edits() if c.params.get("message_id") == posted]
    assert "平台计 200（接待人数）" in edited
    assert "平台计 200（接待人数）" in live.message(posted)["text"]


async def test_the_report_names_each_absent_column_and_what_it_costs(live, clock):
    boss = live.user(SUPERVISOR_ID, "主管")
    header = ["会话ID", "顾客账号", "会话开始时间", "是否下单"]
    rows = [
        ["JD-1", "jd_a", "2026-11-02 09:05:00", "是"],
        ["JD-2", "jd_b", "昨天", "否"],
        ["JD-3", "jd_c", "2026-11-02 10:00:00", "否"],
        ["JD-4", "jd_d", "下午", "否"],
        ["JD-1", "jd_a", "2026-11-02 09:05:00", "是"],
        ["JD-5", "jd_e", "2026-11-02 11:00:00", "也许"],
    ]
    (reply,) = (await live.upload(boss, "会话.csv", csv_bytes(header, rows, encoding="gbk"), caption="/import jd")).texts()
    lines = reply.splitlines()
    assert lines[1] == "读取 6 行：新增 2，重复 0，拒绝 4"
    assert "读取的列：会话ID ← 会话ID、顾客 ← 顾客账号、开始时间 ← 会话开始时间、付款 ← 是否下单" in lines
    assert "• 首次响应：文件中没有，这 2 个会话的响应指标显示为 —" in lines
    assert "• 满意度评价：文件中没有，这 2 个会话不计入满意度" in lines
    assert "• 询单：文件中没有；只有付款列、没有询单列，这 2 个会话的询单转化率无法计算，显示为 —" in lines
    at = lines.index("拒绝的行（按原因）：")
    assert lines[at + 1 : at + 4] == [
        "• 时间无法识别：2 行（第 3、5 行），如“昨天”",
        "• 文件内重复：1 行（第 6 行），如“JD-1”",
        "• 是/否无法识别：1 行（第 7 行），如“也许”",
    ]


async def test_a_format_nobody_knows_is_refused_with_what_each_format_missed_and_a_mapping_to_paste(live, clock):
    boss = live.user(SUPERVISOR_ID, "主管")
    header = ["咨询单号", "咨询开始时间", "首响时长", "评价", "是否转化", "品牌"]
    rows = [["V1", "2026/11/2 10:05", "12秒", "满意", "是", "某某旗舰店"]]
    data = csv_bytes(["唯品会客服咨询明细"], []) + csv_bytes(header, rows)
    (reply,) = (await live.upload(boss, "唯品会.csv", data, caption="/import vip")).texts()
    lines = reply.splitlines()
    assert lines[0] == "文件被拒绝，未导入任何数据：无法识别这种导出格式。"
    assert lines[1] == "表头在第 2 行：咨询单号、咨询开始时间、首响时长、评价、是否转化、品牌"
    assert lines[2] == "各格式的匹配情况："
    assert "• generic：缺 external_id、start（匹配 0 列）" in lines
    assert "• generic_totals：缺 day、received（匹配 0 列）" in lines
    assert '按表头猜测的映射（会话明细）。核对后粘贴到配置文件，在账号下写 preset = "vip_format"，重启 Baton 后再导入：' in lines
    guess = "\n".join(lines[lines.index("[presets.vip_format]") :])
    assert guess == (
        "[presets.vip_format]\n"
        'platform = "vip"\n'
        'columns = { external_id = "咨询单号", start = "咨询开始时间", first_response_s = "首响时长", rating = "评价", paid = "是否转化" }'
    )


async def test_bytes_that_are_no_table_get_a_refusal_in_the_readers_language(live, clock):
    boss = live.user(SUPERVISOR_ID, "Boss", language_code="en")
    private = live.sandbox.private_chat(boss)
    (answer,) = (await live.upload(boss, "report.xlsx", b"PK\x03\x04 not really a workbook", caption="/import jd", chat=private)).texts()
    assert answer == "Cannot read the file, nothing imported: it is damaged, or not a spreadsheet."
    (answer,) = (
        await live.upload(live.user(SUPERVISOR_ID, "主管"), "报表.xlsx", b"PK\x03\x04 not really a workbook", caption="/import jd")
    ).texts()
    assert answer == "无法读取文件，未导入任何数据：文件已损坏，或不是表格。"


async def test_a_redelivered_upload_is_answered_once_even_when_it_was_refused(live, clock):
    boss = live.user(SUPERVISOR_ID, "主管")
    (answer,) = (await live.upload(boss, "报表.xlsx", b"PK\x03\x04 not really a workbook", caption="/import jd")).texts()
    assert answer.startswith("无法读取文件")
    repeat = await live.redeliver(live.sandbox.last_update, boss)
    assert [text for text in repeat.texts() if "无法读取文件" in text] == []
    assert len(repeat.texts()) == 1, "only the /help sent after it is answered"


async def test_an_upload_for_an_account_that_does_not_exist_is_refused_before_the_file_is_downloaded(live, clock):
    boss = live.user(SUPERVISOR_ID, "主管")
    reaction = await live.upload(boss, "报表.xlsx", chitu_report_xlsx(), caption="/import amazon")
    assert reaction.texts() == ["没有账号“amazon”。可用账号：jd, vip, tm"]
    assert "getFile" not in [call.method for call in reaction.calls]


async def test_a_rating_label_nobody_knows_refuses_the_file_and_lists_the_labels(live, clock):
    boss = live.user(SUPERVISOR_ID, "主管")
    header = ["会话ID", "会话开始时间", "满意度评价"]
    rows = [["JD-1", "2026-11-02 09:05:00", "满意"], ["JD-2", "2026-11-02 09:10:00", "超赞"], ["JD-3", "2026-11-02 09:20:00", "还行吧"]]
    (answer,) = (await live.upload(boss, "会话.csv", csv_bytes(header, rows, encoding="gbk"), caption="/import jd")).texts()
    assert answer.startswith("文件被拒绝，未导入任何数据：“满意度评价”列有无法识别的评价 超赞、还行吧。只丢掉这些行会让满意度偏高")
    with reading(live.baton.engine) as session:
        assert session.execute(select(func.count()).select_from(ConversationRow)).scalar_one() == 0
