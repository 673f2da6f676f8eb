"""Exports uploaded again, later: a newer export fills what the first one lacked and moves the
credit to whoever replied; the same file twice counts nothing twice; a day's digest posted before
its import is edited with the day's figures; a file without reply times says how it was credited."""

from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.digest.jobs import catch_up
from bot.imports.service import import_export
from bot.sandbox.live import LiveBot, shown
from domain.clock import ManualClock
from storage.db import reading
from storage.models import ConversationRow, LedgerRow, OutboxRow
from tests.e2e.test_schedule import JobContext
from tests.factories import SUPERVISOR_ID, local, team_config
from tests.storage.export_samples import SampleConversation, csv_bytes, jd_csv_bytes

pytestmark = pytest.mark.e2e


def at(hhmm):
    return datetime.fromisoformat(f"2026-11-02T{hhmm}")


def exported_at_noon():
    """Made at 12:05: JD-A (11:50) still waits for its reply; JD-B (10:00) was answered in 8 s."""
    return [
        SampleConversation("JD-A", at("11:50:00"), first_response_s=None, avg_response_s=None, rating=None, resolved=None),
        SampleConversation("JD-B", at("10:00:00"), rating="satisfied"),
    ]


def exported_at_night():
    """The same two, made at night: 李雷 answered JD-A at 12:10, after taking over at 12:00."""
    return [
        SampleConversation("JD-A", at("11:50:00"), first_response_s=1200.0, avg_response_s=40.0, rating="very_satisfied"),
        SampleConversation("JD-B", at("10:00:00"), rating="satisfied"),
    ]


async def play_day(live, clock):
    wang, li = live.user(101, "王芳"), live.user(102, "李雷")
    clock.set(local("2026-11-02", "09:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "12:00"))
    await live.say(li, "/on jd")
    clock.set(local("2026-11-02", "14:00"))
    await live.say(li, "/off")
    return wang, li


def conversations_of(standings: str) -> dict[str, str]:
    return {line.split()[1]: line.split()[3] for line in standings.splitlines()[2:] if line[:1].isdigit()}


def stored(live) -> dict[str, ConversationRow]:
    with reading(live.baton.engine) as session:
        return {r.external_id: r for r in session.execute(select(ConversationRow)).scalars()}


def ledger(live) -> list[tuple]:
    with reading(live.baton.engine) as session:
        entries = session.execute(select(LedgerRow)).scalars()
        return sorted((e.day, e.agent_id, e.kind, e.source, e.millipoints, e.quantity) for e in entries)


async def test_a_later_export_fills_the_first_replies_and_the_credit_moves_to_whoever_replied(live, clock):
    _, li = await play_day(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")
    clock.set(local("2026-11-02", "12:05"))
    (first,) = (await live.upload(boss, "会话明细-中午.csv", jd_csv_bytes(exported_at_noon()), caption="/import jd")).texts()
    assert "读取 2 行：新增 2，重复 0，拒绝 0" in first
    # No reply yet: credited at its start, to 王芳, and the report says so.
    assert "1 个会话尚无回复：按开始时间归属（之后含回复的导出会将其改归回复者）。" in first
    clock.set(local("2026-11-02", "18:00"))
    assert conversations_of((await live.say(li, "/standings")).texts()[0]) == {"王芳": "2", "李雷": "0"}

    clock.set(local("2026-11-02", "23:30"))
    (later,) = (await live.upload(boss, "会话明细-晚上.csv", jd_csv_bytes(exported_at_night()), caption="/import jd")).texts()
    lines = later.splitlines()
    assert lines[1] == "读取 2 行：新增 0，重复 2，拒绝 0"
    assert lines[2] == "🔄 已导入过的 1 个会话按这份较新的导出更新（1 个无变化），其所在日期已重新归属。"
    assert lines[3] == "补全：首次回复时间 1、平均响应 1、满意度评价 1、是否解决 1"
    assert "更新的会话归属：接管人 1，排班 0，未归属 0" in later
    assert "尚无回复" not in later
    assert stored(live)["JD-A"].first_response_s == 1200.0 and stored(live)["JD-A"].rating == "very_satisfied"
    # Answered at 12:10 by 李雷, who had taken over at 12:00.
    assert conversations_of((await live.say(li, "/standings")).texts()[0]) == {"王芳": "1", "李雷": "1"}


async def test_a_value_the_newer_export_changed_is_reported_with_an_example(live, clock):
    await play_day(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")
    await live.upload(boss, "a.csv", jd_csv_bytes(exported_at_night()), caption="/import jd")
    rerated = [SampleConversation("JD-B", at("10:00:00"), rating="dissatisfied")]
    (report,) = (await live.upload(boss, "b.csv", jd_csv_bytes(rerated), caption="/import jd")).texts()
    assert "⚠️ 1 个会话的数值与之前的导出不同，以较新的导出为准：满意度评价 1" in report
    assert "  JD-B：满意度评价 satisfied → dissatisfied" in report
    assert stored(live)["JD-B"].rating == "dissatisfied"


async def test_the_same_file_imported_twice_credits_nothing_twice(live, clock):
    _, li = await play_day(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")
    clock.set(local("2026-11-02", "23:00"))
    data = jd_csv_bytes(exported_at_night())
    await live.upload(boss, "会话明细.csv", data, caption="/import jd")
    standings = (await live.say(li, "/standings")).texts()[0]
    credited = ledger(live)
    rows = {k: (r.id, r.raw, r.imported_at, r.source) for k, r in stored(live).items()}

    clock.set(local("2026-11-02", "23:10"))
    again = await live.upload(boss, "会话明细.csv", data, caption="/import jd")
    (report,) = again.texts()
    assert "读取 2 行：新增 0，重复 2，拒绝 0" in report
    assert "已导入过的 2 个会话在此文件中没有变化：没有重复计入。" in report
    assert "归属" not in report.split("没有重复计入。")[1], "nothing new or updated to credit"
    assert again.edits() == []
    assert ledger(live) == credited
    assert {k: (r.id, r.raw, r.imported_at, r.source) for k, r in stored(live).items()} == rows
    assert (await live.say(li, "/standings")).texts()[0] == standings


def digest_edits(reaction, message_id):
    return [shown(c) for c in reaction.edits() if c.params.get("message_id") == message_id]


async def test_an_import_after_the_digest_edits_the_posted_digest_with_the_days_figures(live, clock):
    await play_day(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")
    clock.set(local("2026-11-02", "22:00"))
    (digest,) = (await live.post_digest(date(2026, 11, 2))).sent()
    assert "会话：导入 0，归属接管人 0，按排班 0，未归属 0" in shown(digest)
    posted = live.sandbox.last_message(live.group["id"])["message_id"]

    clock.set(local("2026-11-02", "23:30"))
    imported = await live.upload(boss, "会话明细.csv", jd_csv_bytes(exported_at_night()), caption="/import jd")
    (edited,) = digest_edits(imported, posted)
    assert "会话：导入 2，归属接管人 2，按排班 0，未归属 0" in edited
    assert edited.splitlines()[0] == shown(digest).splitlines()[0]
    assert edited.splitlines()[-1] == "✏️ 23:30 更新：本日报发出后又导入了当天的数据"
    assert "会话：导入 2" in live.message(posted)["text"]

    # The same file again changes nothing, so the digest is left alone.
    again = await live.upload(boss, "会话明细.csv", jd_csv_bytes(exported_at_night()), caption="/import jd")
    assert digest_edits(again, posted) == []
    # A day whose digest is not out yet owes nothing: it is composed from the data when it goes out.
    clock.set(local("2026-11-03", "09:00"))
    tomorrow = [SampleConversation("JD-C", datetime(2026, 11, 3, 8, 0))]
    quiet = await live.upload(boss, "次日.csv", jd_csv_bytes(tomorrow), caption="/import jd")
    assert quiet.edits() == []


async def test_a_digest_correction_owed_by_an_import_without_the_bot_is_made_once_at_start_up(database_url):
    config = team_config(database_url)
    clock = ManualClock(local("2026-11-02", "21:00"))
    async with LiveBot(config, clock) as live:
        await live.say(live.user(101, "王芳"), "/on jd")
        clock.set(local("2026-11-02", "22:00"))
        await live.post_digest(date(2026, 11, 2))
        posted = live.sandbox.last_message(live.group["id"])["message_id"]
        # `baton import` on the command line: the bot is not told, the correction is owed in the database.
        clock.set(local("2026-11-02", "23:30"))
        data = jd_csv_bytes([SampleConversation("JD-N", at("21:30:00"))])
        live.baton.run(import_export, "jd", data, "会话明细.csv")

    clock.set(local("2026-11-02", "23:40"))
    async with LiveBot(config, clock) as restarted:
        before = len(restarted.sandbox.calls)
        await catch_up(JobContext(restarted.application))
        await restarted.settled()
        edits = [shown(c) for c in restarted.sandbox.calls[before:] if c.method == "editMessageText"]
        (edited,) = [e for e in edits if "会话：导入 1，归属接管人 1" in e]
        assert edited.splitlines()[-1] == "✏️ 23:40 更新：本日报发出后又导入了当天的数据"
        with reading(restarted.baton.engine) as session:
            outbox = list(session.execute(select(OutboxRow)).scalars())
        assert [(r.state, r.message_id) for r in outbox if r.kind == "digest_fix"] == [("sent", posted)]

    async with LiveBot(config, clock) as again:
        before = len(again.sandbox.calls)
        await catch_up(JobContext(again.application))
        await again.settled()
        assert [c for c in again.sandbox.calls[before:] if c.method == "editMessageText" and "更新" in c.params.get("text", "")] == []


async def test_a_file_without_reply_times_says_its_conversations_are_credited_at_their_start(live, clock):
    await play_day(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管")
    header = ["external_id", "start", "rating"]
    data = csv_bytes(header, [["G-1", "2026-11-02 10:00:00", "5"], ["G-2", "2026-11-02 12:30:00", ""]])
    (report,) = (await live.upload(boss, "generic.csv", data, caption="/import jd generic")).texts()
    assert "此文件没有首次回复时间：其 2 个会话按开始时间归属。" in report
    assert "新会话归属：接管人 2，排班 0，未归属 0" in report


async def test_with_the_start_moment_the_report_says_nothing_of_replies(database_url, clock):
    async with LiveBot(team_config(database_url, attribution={"moment": "start"}), clock) as live:
        await play_day(live, clock)
        boss = live.user(SUPERVISOR_ID, "主管")
        (report,) = (await live.upload(boss, "会话明细.csv", jd_csv_bytes(exported_at_noon()), caption="/import jd")).texts()
        assert "尚无回复" not in report and "首次回复时间：" not in report


async def test_a_conversation_answered_the_next_morning_is_credited_to_whoever_answered_it(live, clock):
    wang, li = live.user(101, "王芳"), live.user(102, "李雷")
    clock.set(local("2026-11-02", "22:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "23:55"))
    await live.say(wang, "/off")
    clock.set(local("2026-11-03", "08:00"))
    await live.say(li, "/on jd")
    clock.set(local("2026-11-03", "09:00"))
    # Started at 23:58 while nobody held the account; 李雷 replied at 08:30.
    overnight = [SampleConversation("JD-Z", at("23:58:00"), first_response_s=8 * 3600 + 32 * 60)]
    boss = live.user(SUPERVISOR_ID, "主管")
    (report,) = (await live.upload(boss, "夜间.csv", jd_csv_bytes(overnight), caption="/import jd")).texts()
    assert "新会话归属：接管人 1，排班 0，未归属 0" in report
    # The import compiled the reply's day too (it started on the 2nd), before anyone asked.
    credited = [e for e in ledger(live) if e[2] == "conversation"]
    assert [(e[0], e[5]) for e in credited] == [(date(2026, 11, 3), 1.0)]
    assert conversations_of((await live.say(li, "/standings")).texts()[0]) == {"李雷": "1"}
