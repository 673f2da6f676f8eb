"""/audit: supervisors read the latest audit entries, in the team's language and time zone;
and every supervisor action and every import leaves one."""

import json
from datetime import datetime

import pytest

from bot.audit.parse import MAX_SHOWN
from bot.console.service import take_over_account
from bot.core.person import Person
from bot.imports.jobs import pull_conversations
from bot.imports.service import import_export
from bot.month.service import adjust
from bot.sandbox.live import LiveBot
from bot.sandbox.methods import MAX_TEXT
from domain.clock import ManualClock
from storage import audit
from storage.db import reading
from tests.e2e.test_pull_job import JobContext
from tests.factories import SUPERVISOR_ID, act, local, team_config
from tests.storage.export_samples import SampleConversation, jd_csv_bytes
from tests.storage.fake_pull_api import TOKEN as PULL_TOKEN
from tests.storage.fake_pull_api import FakePlatform, dataset, serving

pytestmark = pytest.mark.e2e


async def a_morning(live, clock):
    wang, boss = live.user(101, "王芳", username="wangfang"), live.user(SUPERVISOR_ID, "主管", username="boss")
    clock.set(local("2026-11-02", "09:05"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "10:30"))
    await live.say(boss, "/adjust @wangfang +3 帮新人排班")
    clock.set(local("2026-11-02", "11:45"))
    await live.say(wang, "/off")
    return wang, boss


async def test_a_supervisor_sees_the_latest_entries_in_local_time(live, clock):
    _, boss = await a_morning(live, clock)
    (text,) = (await live.say(boss, "/audit")).texts()
    lines = text.splitlines()
    assert lines[0] == "🧾 审计日志：最近 3 条（Asia/Shanghai 时间）"
    # 09:05 in Shanghai is 01:05 UTC: the listing shows the team's clock, not the stored one.
    assert lines[1].endswith("2026-11-02 09:05 王芳 · 接手 jd")
    assert lines[2].endswith("2026-11-02 10:30 主管 · 调整积分 王芳")
    assert lines[3] == "    日期=2026-11-02, 积分=3.0, 原因=帮新人排班"
    assert lines[4].endswith("2026-11-02 11:45 王芳 · 交出 jd")
    assert len(lines) == 5


async def test_audit_n_shows_the_newest_n_oldest_first(live, clock):
    _, boss = await a_morning(live, clock)
    (text,) = (await live.say(boss, "/audit 2")).texts()
    lines = text.splitlines()
    assert lines[0] == "🧾 审计日志：最近 2 条（Asia/Shanghai 时间）"
    assert "调整积分" in lines[1] and "交出" in lines[3]
    assert len(lines) == 4
    assert "接手" not in text


@pytest.mark.parametrize("given", ["0", "abc", str(MAX_SHOWN + 1), "-3", "5 6"])
async def test_a_bad_count_gets_the_usage_and_nothing_else(live, clock, given):
    _, boss = await a_morning(live, clock)
    (text,) = (await live.say(boss, f"/audit {given}")).texts()
    assert text == f"用法：/audit [条数]，条数为 1 到 {MAX_SHOWN} 的整数，默认 10。收到的是“{given}”"


async def test_an_agent_is_refused(live, clock):
    wang, _ = await a_morning(live, clock)
    assert (await live.say(wang, "/audit")).texts() == ["只有主管可以使用 /audit，未做任何更改"]


async def test_an_empty_log_says_so(live):
    boss = live.user(SUPERVISOR_ID, "主管")
    assert (await live.say(boss, "/audit")).texts() == ["🧾 审计日志还是空的"]


async def test_the_most_entries_are_split_into_messages_telegram_accepts(live, clock):
    clock.set(local("2026-11-02", "09:00"))
    act(live.baton, Person(101, "王芳", "wangfang"), take_over_account, "jd")
    supervisor = Person(SUPERVISOR_ID, "主管", "boss")
    for n in range(MAX_SHOWN + 5):
        act(live.baton, supervisor, adjust, "@wangfang", 1, f"第{n}次补录：" + "顾客在夜间留言后由她次日逐一回访并登记" * 4)
    boss = live.user(SUPERVISOR_ID, "主管")
    texts = (await live.say(boss, f"/audit {MAX_SHOWN}")).texts()
    assert len(texts) > 1
    assert all(len(t) <= MAX_TEXT for t in texts)
    ids = [line.split()[0] for t in texts for line in t.splitlines() if line.startswith("#")]
    assert len(ids) == MAX_SHOWN
    assert ids == sorted(ids, key=lambda i: int(i[1:]))
    assert "第54次补录" in texts[-1]


# -- every supervisor action and every import is audited ---------------------------------------------

SUPERVISOR_ACTIONS = ("import", "adjust", "assign", "set_weight", "close_month", "reopen_month")


async def test_every_supervisor_action_and_every_import_writes_an_audit_entry(database_url):
    clock = ManualClock(local("2026-10-05", "09:00"))
    with serving(FakePlatform(dataset(6))) as platform:
        accounts = [
            {"key": "jd", "platform": "jd", "label": "京东旗舰店"},
            {
                "key": "vip",
                "platform": "vip",
                "label": "唯品会店",
                "pull": {"url": platform.url, "token": PULL_TOKEN, "interval_minutes": 5},
            },
        ]
        async with LiveBot(team_config(database_url, accounts=accounts), clock) as live:
            wang, boss = live.user(101, "王芳", username="wangfang"), live.user(SUPERVISOR_ID, "主管", username="boss")
            await live.say(wang, "/on jd")
            clock.set(local("2026-10-05", "12:00"))
            await live.say(wang, "/off")
            clock.set(local("2026-10-05", "18:00"))
            rows = [SampleConversation(f"O{n}", datetime(2026, 10, 5, 9 + n), rating="satisfied") for n in range(6)]
            await live.upload(boss, "october.csv", jd_csv_bytes(rows), caption="/import jd")
            live.baton.run(
                import_export, "jd", jd_csv_bytes([rows[0], SampleConversation("O9", datetime(2026, 10, 5, 10))]), "cli.csv", source="cli"
            )  # what `baton import` runs
            await pull_conversations(JobContext(live.application, "vip"))
            await live.say(boss, "/assign jd 14:00 15:00 @wangfang")
            await live.say(boss, "/adjust @wangfang +2 夜班补录")
            clock.set(local("2026-11-02", "10:00"))
            await live.say(boss, "/set_weight cases 20 from 2026-12-01")
            await live.say(boss, "/close_month 2026-10 1000")
            confirm = live.sandbox.last_message(live.group["id"])["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            await live.press(boss, live.sandbox.last_message(live.group["id"]), confirm)
            await live.say(boss, "/reopen_month 2026-10 漏记一次导入")

            supervisor = live.baton.read(lambda uow: uow.agents.by_tg_id(SUPERVISOR_ID)).id
            with reading(live.baton.engine) as session:
                entries = list(audit.entries(session))
                assert audit.verify(session) is None
    by_action = {}
    for entry in entries:
        by_action.setdefault(entry.action, []).append(entry)
    for action in SUPERVISOR_ACTIONS:
        assert action in by_action, f"no audit entry for {action}"
        assert by_action[action][0].actor_agent_id == supervisor, action
    assert [json.loads(e.detail)["filename"] for e in by_action["import"]] == ["october.csv", "cli.csv"]
    (pulled,) = by_action["pull"]
    assert (pulled.subject, json.loads(pulled.detail)["new"]) == ("vip", 6)
