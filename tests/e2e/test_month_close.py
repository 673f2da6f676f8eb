"""A month of work, then /adjust, /close_month with preview and confirm, and the frozen month."""

import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from tests.factories import SUPERVISOR_ID, local
from tests.storage.export_samples import SampleConversation, jd_csv_bytes

pytestmark = pytest.mark.e2e


async def work_october(live, clock):
    """Three agents over four October days; 王芳 works most, then 李雷, then 张伟."""
    wang, li, zhang = (
        live.user(101, "王芳", username="wangfang"),
        live.user(102, "李雷", username="lilei"),
        live.user(103, "张伟", username="zhangwei"),
    )
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    for day in ("2026-10-05", "2026-10-06", "2026-10-07", "2026-10-08"):
        clock.set(local(day, "09:00"))
        await live.say(wang, "/on jd")
        await live.say(li, "/on vip")
        clock.set(local(day, "10:00"))
        await live.say(wang, "/case 咨询")
        await live.say(wang, "/case 售后")
        await live.say(li, "/case 咨询")
        clock.set(local(day, "15:00"))
        await live.say(zhang, "/on jd")
        clock.set(local(day, "18:00"))
        await live.say(zhang, "/off")
        await live.say(li, "/off")
    rows = [SampleConversation(f"O{d}{n}", datetime(2026, 10, d, 9 + n), rating="satisfied") for d in (5, 6) for n in range(8)]
    await live.upload(boss, "october.csv", jd_csv_bytes(rows), caption="/import jd")
    return wang, li, zhang, boss


def latest_close(live, month):
    return live.baton.read(lambda uow: uow.months.latest_close(month))


def audit_actions(live):
    return live.baton.read(lambda uow: [row.action for row in uow.audit.all()])


def confirm_button(message):
    (row,) = message["reply_markup"]["inline_keyboard"]
    return row[0]["callback_data"], row[1]["callback_data"]


async def test_a_month_is_adjusted_previewed_confirmed_frozen_and_posted(live, clock):
    wang, _li, _zhang, boss = await work_october(live, clock)
    clock.set(local("2026-10-30", "12:00"))
    (adjusted,) = (await live.say(boss, "/adjust @zhangwei +5 帮忙培训新人")).texts()
    assert adjusted == "⚖️ 主管 调整了 张伟 的积分 +5（2026-10）：帮忙培训新人"
    assert (await live.say(boss, "/adjust @zhangwei +5")).texts() == ["调整必须写明原因，未做任何更改"]

    clock.set(local("2026-11-02", "10:00"))
    preview = await live.say(boss, "/close_month 2026-10 10000")
    (text,) = preview.texts()
    assert text.startswith("🧮 2026年10月 结算预览（规则第 1 版")
    assert "合计：¥10,000.00（奖金池 ¥10,000.00）" in text
    confirm, _cancel = confirm_button(live.sandbox.last_message(live.group["id"]))
    assert latest_close(live, "2026-10") is None, "a preview freezes nothing"

    refused = await live.press(wang, live.sandbox.last_message(live.group["id"]), confirm)
    assert refused.toasts() == ["只有主管可以结算"]

    done = await live.press(boss, live.sandbox.last_message(live.group["id"]), confirm)
    assert done.toasts() == ["2026-10 已结算"]
    posted = done.texts()
    assert len(posted) == 1 and posted[0].startswith("🔒 2026年10月 已结算（第 1 版")
    payouts = {line.split()[1]: line.split()[-1] for line in posted[0].splitlines() if line[:1].isdigit()}
    assert set(payouts) == {"王芳", "李雷", "张伟"}
    cents = [round(float(v.strip("¥").replace(",", "")) * 100) for v in payouts.values()]
    assert sum(cents) == 1_000_000
    uploads = live.sandbox.uploads[-2:]
    assert [u.method for u in uploads] == ["sendPhoto", "sendDocument"]
    assert uploads[0].content.startswith(b"\x89PNG")
    workbook = load_workbook(io.BytesIO(uploads[1].content))
    assert workbook.sheetnames == ["发放", "因子", "每日明细", "调整", "协作"]
    adjustments = list(workbook["调整"].iter_rows(min_row=2, values_only=True))
    assert any("帮忙培训新人" in str(cell) for row in adjustments for cell in row)

    close = latest_close(live, "2026-10")
    assert close.version == 1 and len(close.checksum) == 64

    again = (await live.say(boss, "/close_month 2026-10 10000")).texts()
    assert again == ["2026-10 已结算（第 1 版）。如需更正：/reopen_month 2026-10 原因"]
    into_closed = (await live.say(boss, "/adjust @lilei -3 2026-10 迟到")).texts()
    assert into_closed == ["2026-10 已结算冻结，不能再修改。如需更正：/reopen_month 2026-10 原因"]
    assign = (await live.say(boss, "/assign jd 2026-10-09 10:00 11:00 @lilei")).texts()
    assert assign == ["2026-10 已结算冻结，不能再修改。如需更正：/reopen_month 2026-10 原因"]


async def test_cancel_changes_nothing_and_a_stale_preview_is_refused(live, clock):
    _wang, _li, _zhang, boss = await work_october(live, clock)
    clock.set(local("2026-11-02", "10:00"))
    await live.say(boss, "/close_month 2026-10 10000")
    preview = live.sandbox.last_message(live.group["id"])
    confirm, cancel = confirm_button(preview)
    cancelled = await live.press(boss, preview, cancel)
    assert cancelled.toasts() == ["已取消"]
    assert live.message(preview["message_id"])["text"] == "已取消 2026-10 的结算，未做任何更改。"

    await live.say(boss, "/close_month 2026-10 10000")
    preview = live.sandbox.last_message(live.group["id"])
    confirm, _ = confirm_button(preview)
    await live.say(boss, "/adjust @lilei +2 2026-10 补录加班")  # the month changes after the preview
    stale = await live.press(boss, preview, confirm)
    assert stale.toasts() == ["预览之后数据有变化，未结算。请重新发送 /close_month 2026-10 查看新的预览"]
    assert latest_close(live, "2026-10") is None


async def test_reopening_allows_a_correction_and_closing_again_keeps_version_1(live, clock):
    _wang, _li, _zhang, boss = await work_october(live, clock)
    clock.set(local("2026-11-02", "10:00"))
    await live.say(boss, "/close_month 2026-10 10000")
    await live.press(boss, live.sandbox.last_message(live.group["id"]), confirm_button(live.sandbox.last_message(live.group["id"]))[0])
    (reopened,) = (await live.say(boss, "/reopen_month 2026-10 漏记了李雷的加班")).texts()
    assert reopened == "🔓 主管 重新打开了 2026-10（第 1 版保留）：漏记了李雷的加班"
    await live.say(boss, "/adjust @lilei +10 2026-10 加班补录")
    await live.say(boss, "/close_month 2026-10 10000")
    done = await live.press(
        boss, live.sandbox.last_message(live.group["id"]), confirm_button(live.sandbox.last_message(live.group["id"]))[0]
    )
    assert done.texts()[0].startswith("🔒 2026年10月 已结算（第 2 版")
    first, second = live.baton.read(lambda uow: uow.months.month_closes("2026-10"))
    assert (first.version, second.version) == (1, 2)
    assert first.reopened_at is not None and first.checksum != second.checksum


async def test_a_month_that_is_not_over_cannot_be_closed(live, clock):
    boss = live.user(SUPERVISOR_ID, "主管")
    clock.set(local("2026-11-20", "10:00"))
    assert (await live.say(boss, "/close_month 2026-11 100")).texts() == ["2026-11 还没有结束，不能结算"]
    assert (await live.say(boss, "/close_month 2026-13 100")).texts()[0].startswith("用法：/close_month")


SUPERVISOR_COMMANDS = [
    "/adjust @lilei +5 很好",
    "/close_month 2026-10 10000",
    "/reopen_month 2026-10 更正",
    "/gaps",
    "/assign jd 10:00 11:00 @lilei",
    "/import jd",
    "/why @lilei",
    "/set_weight cases 20",
]


@pytest.mark.parametrize("command", SUPERVISOR_COMMANDS)
async def test_every_supervisor_command_is_refused_to_an_agent_and_changes_nothing(live, clock, command):
    wang, _li, _zhang, _boss = await work_october(live, clock)
    clock.set(local("2026-11-02", "12:00"))
    before = audit_actions(live)
    name = command.split()[0][1:]
    (answer,) = (await live.say(wang, command)).texts()
    assert answer == f"只有主管可以使用 /{name}，未做任何更改"
    assert latest_close(live, "2026-10") is None
    assert audit_actions(live) == before


async def test_the_monthly_digest_posts_provisional_standings_once_and_reminds_supervisors(live, clock):
    from bot.digest.jobs import catch_up
    from bot.month.jobs import catch_up as monthly_catch_up
    from bot.month.jobs import monthly_digest
    from tests.e2e.test_schedule import JobContext

    await work_october(live, clock)
    clock.set(local("2026-11-01", "10:00"))
    await monthly_digest(JobContext(live.application))
    text = live.sandbox.last_message(live.group["id"])["text"]
    assert text.startswith("🗓 2026年10月 月度排行（暂定）")
    assert "主管请核对后结算：/close_month 2026-10" in text
    before = len(live.sandbox.messages(live.group["id"]))
    await catch_up(JobContext(live.application))
    await monthly_catch_up(JobContext(live.application))
    await monthly_digest(JobContext(live.application))
    monthly = [m for m in live.sandbox.messages(live.group["id"])[before:] if m["text"].startswith("🗓")]
    assert monthly == [], "posted once"


async def test_the_monthly_digest_is_scheduled_on_the_configured_day(database_url, clock):
    from bot.sandbox.live import LiveBot
    from tests.factories import SHANGHAI, team_config

    config = team_config(database_url, schedule={"monthly_digest_day": 2, "monthly_digest_time": "09:30"})
    async with LiveBot(config, clock, jobs=True) as live:
        (job,) = live.application.job_queue.get_jobs_by_name("monthly-digest")
        at = job.next_t.astimezone(SHANGHAI)
        assert (at.day, at.hour, at.minute) == (2, 9, 30)


async def test_after_downtime_the_monthly_digest_is_caught_up_once_and_marked_late(live, clock):
    from bot.month.jobs import catch_up
    from tests.e2e.test_schedule import JobContext

    await work_october(live, clock)
    clock.set(local("2026-11-03", "09:00"))  # the bot was down on the 1st at 10:00
    before = len(live.sandbox.messages(live.group["id"]))
    await catch_up(JobContext(live.application))
    await catch_up(JobContext(live.application))
    (late,) = [m["text"] for m in live.sandbox.messages(live.group["id"])[before:]]
    assert late.startswith("🗓 2026年10月 月度排行（暂定）") and late.endswith("⏰ 补发：到点时机器人未在运行")


async def test_a_closed_month_gets_no_monthly_digest(live, clock):
    from bot.month.jobs import monthly_digest
    from tests.e2e.test_schedule import JobContext

    *_, boss = await work_october(live, clock)
    clock.set(local("2026-11-01", "09:00"))
    await live.say(boss, "/close_month 2026-10 10000")
    preview = live.sandbox.last_message(live.group["id"])
    await live.press(boss, preview, confirm_button(preview)[0])
    clock.set(local("2026-11-01", "10:00"))
    before = len(live.sandbox.messages(live.group["id"]))
    await monthly_digest(JobContext(live.application))
    assert len(live.sandbox.messages(live.group["id"])) == before
