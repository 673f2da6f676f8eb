"""Forgotten hand-offs are corrected whatever happened next: asked when the hold is overdue, answered
(by button or /left) even after the next shift took over, auto-closed the same way, and fixed by a
supervisor with /fix_hold. The real Application against the simulated Bot API, with a manual clock."""

import json
from datetime import date, datetime, timedelta

import pytest

from bot.ledger.service import attribute
from bot.reminders import callbacks as rcb
from bot.sandbox.live import LiveBot
from domain.clock import ManualClock
from tests.e2e.test_reminders import agent, audit, buttons, holds, notices, private, run
from tests.factories import SUPERVISOR_ID, local, team_config
from tests.storage.export_samples import SampleConversation, jd_csv_bytes

pytestmark = pytest.mark.e2e

EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
ROSTER = [
    {"agent": 101, "name": "王芳", "account": "jd", "weekdays": EVERY_DAY, "from": "13:00", "to": "22:00"},
    {"agent": 102, "name": "李雷", "account": "jd", "weekdays": EVERY_DAY, "from": "09:00", "to": "13:00"},
]


def statuses(live, day: str) -> list[str]:
    """The attribution status of each conversation that started on that local day, in time order."""
    start = local(day, "00:00")
    frame = live.baton.read(lambda uow: attribute(uow, start, start + timedelta(days=1)).attribution.statuses)
    return list(frame.sort_values("at")["status"])


async def test_an_overnight_forgotten_hand_off_is_corrected_the_next_morning_after_the_morning_shift_took_over(database_url):
    clock = ManualClock(local("2026-11-02", "13:00"))  # a Monday
    async with LiveBot(team_config(database_url, roster=ROSTER), clock) as live:
        wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷", language_code="zh")
        boss = live.user(SUPERVISOR_ID, "主管", username="boss")
        await live.say(wang, "/on jd")
        clock.set(local("2026-11-02", "21:40"))
        await live.say(wang, "/case 咨询")

        # Her shift ends at 22:00: with the 30-minute grace the question goes out at 22:30, not the next morning.
        clock.set(local("2026-11-02", "22:29"))
        assert await run(live) == []
        clock.set(local("2026-11-02", "22:30"))
        (sent,) = await run(live)
        assert sent["chat_id"] == 101
        asked = private(live, wang)[-1]
        assert asked["text"].splitlines()[0] == (
            "🌙 你在 京东旗舰店 的接管（自 13:00 起）到 22:30 还没有交出（已过你的下班时间）。你实际是什么时候离开的？"
        )
        assert [label for label, _ in buttons(asked)] == ["21:40 离开（最后活动）", "刚刚离开", "还在值班"]
        clock.set(local("2026-11-03", "01:00"))
        assert await run(live) == [], "asked once; the long-hold question waits behind it"

        # The morning shift takes over at 09:00, which ends her forgotten hold there.
        clock.set(local("2026-11-03", "09:00"))
        await live.say(li, "/on jd")
        clock.set(local("2026-11-03", "09:05"))
        assert await run(live) == []
        export = [
            SampleConversation("JD-1", datetime.fromisoformat("2026-11-02T21:50")),
            SampleConversation("JD-2", datetime.fromisoformat("2026-11-03T02:00")),
        ]
        await live.upload(boss, "jd.csv", jd_csv_bytes(export), caption="/import jd")
        assert statuses(live, "2026-11-02") == ["held"] and statuses(live, "2026-11-03")[:1] == ["held"]
        (refused,) = (await live.say(boss, "/assign jd 2026-11-02 23:00 23:59 @李雷")).texts()
        assert "王芳" in refused and "重叠" in refused

        # She answers the next morning with the button: the hold ends at her last activity.
        clock.set(local("2026-11-03", "09:20"))
        pressed = await live.press(wang, asked, buttons(asked)[0][1])
        assert pressed.toasts() == ["✅ 已更正：你在 京东旗舰店 的接管结束于 11-02 21:40（原为 09:00），之后的时段改为无人接管。"]
        first, second = holds(live)
        assert (first.ended_at, first.taken_over_by, second.started_at) == (
            local("2026-11-02", "21:40"),
            second.agent_id,
            local("2026-11-03", "09:00"),
        )
        assert second.ended_at is None, "the morning shift's hold is untouched"
        (entry,) = audit(live, "clock_off")
        assert json.loads(entry.detail) == {
            "hold": first.id,
            "left_at": local("2026-11-02", "21:40").isoformat(),
            "how": "button",
            "was": local("2026-11-03", "09:00").isoformat(),
        }
        assert {date(2026, 11, 2), date(2026, 11, 3)} <= set(live.baton.read(lambda uow: uow.ledger.due()))

        # The night is unheld now: 21:50 falls back to her roster, 02:00 to nobody, and /assign may credit it.
        assert statuses(live, "2026-11-02") == ["roster"]
        assert statuses(live, "2026-11-03")[:1] == ["unattributed"]
        (assigned,) = (await live.say(boss, "/assign jd 2026-11-02 23:00 23:59 @李雷")).texts()
        assert assigned.startswith("🧾 2026-11-02 23:00–23:59 的 京东旗舰店 已记给 李雷")


async def forgot_and_taken_over(live, clock, *, taken_at: str = "09:00") -> tuple[dict, dict, dict]:
    """王芳 takes JD at 14:00 (nobody rosters her), logs a case at 18:05, is asked at 23:30 (JD's
    scoring hours end at 23:00, plus the grace), and 李雷 takes JD over the next morning."""
    wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷")
    clock.set(local("2026-11-02", "14:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "18:05"))
    await live.say(wang, "/case 咨询")
    clock.set(local("2026-11-02", "23:30"))
    await run(live)
    asked = private(live, wang)[-1]
    clock.set(local("2026-11-03", taken_at))
    await live.say(li, "/on jd")
    return wang, li, asked


async def test_left_corrects_a_hold_after_a_take_over_ended_it_and_never_lengthens_it(live, clock):
    wang, _, _ = await forgot_and_taken_over(live, clock, taken_at="08:50")
    chat = live.sandbox.private_chat(wang)
    clock.set(local("2026-11-03", "09:10"))
    (early,) = (await live.say(wang, "/left 13:00", chat=chat)).texts()
    assert early.startswith("11-02 13:00 早于你接管 京东旗舰店 的时间")
    (done,) = (await live.say(wang, "/left 18:30", chat=chat)).texts()
    assert done == "✅ 已更正：你在 京东旗舰店 的接管结束于 11-02 18:30（原为 08:50），之后的时段改为无人接管。"
    assert holds(live)[0].ended_at == local("2026-11-02", "18:30")
    assert json.loads(audit(live, "clock_off")[0].detail)["how"] == "typed"
    (again,) = (await live.say(wang, "/left 18:00", chat=chat)).texts()
    assert again == "没有等你回答的离开时间提问，未记录。", "answered once"
    assert holds(live)[0].ended_at == local("2026-11-02", "18:30")


async def test_a_time_after_the_take_over_keeps_the_hold_where_the_take_over_ended_it(live, clock):
    wang, _, _ = await forgot_and_taken_over(live, clock, taken_at="08:50")
    chat = live.sandbox.private_chat(wang)
    clock.set(local("2026-11-03", "09:10"))
    (kept,) = (await live.say(wang, "/left 08:55", chat=chat)).texts()
    assert kept == "✅ 已记录：你在 京东旗舰店 的接管到 08:50 被接管时结束，无需更正。"
    assert holds(live)[0].ended_at == local("2026-11-03", "08:50")


async def test_a_take_over_just_after_the_hold_was_overdue_does_not_race_the_question(live, clock):
    wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷")
    clock.set(local("2026-11-02", "14:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "23:25"))
    assert await run(live) == []
    clock.set(local("2026-11-02", "23:35"))
    await live.say(li, "/on jd")  # after 23:30, before the checks next run
    clock.set(local("2026-11-02", "23:40"))
    (sent,) = await run(live)
    assert sent["chat_id"] == 101
    asked = private(live, wang)[-1]
    assert asked["text"].splitlines()[0] == (
        "🌙 你在 京东旗舰店 的接管（自 14:00 起）到 23:30 还没有交出（已过服务时段），直到 23:35 才被同事接管。你实际是什么时候离开的？"
    )
    assert [label for label, _ in buttons(asked)] == ["14:00 离开（最后活动）", "一直在，到 23:35 被接管"]
    pressed = await live.press(wang, asked, buttons(asked)[1][1])
    assert pressed.toasts() == ["✅ 已记录：你在 京东旗舰店 的接管到 23:35 被接管时结束，无需更正。"]
    assert holds(live)[0].ended_at == local("2026-11-02", "23:35")


async def test_a_take_over_before_the_hold_was_overdue_asks_nothing(live, clock):
    wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷")
    clock.set(local("2026-11-02", "14:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "23:20"))
    await live.say(li, "/on jd")
    clock.set(local("2026-11-03", "09:00"))
    assert [m["chat_id"] for m in await run(live)] == [], "a hand-over in time is no forgotten hand-off"
    assert not [n for n in notices(live) if n.kind == "clock_off"]


async def test_an_unanswered_question_shortens_a_hold_a_later_take_over_ended_to_its_last_activity(live, clock):
    wang, _, asked = await forgot_and_taken_over(live, clock)
    clock.set(local("2026-11-03", "19:59"))
    assert [m for m in await run(live) if m["chat_id"] == 101] == [], "not before auto_close_hours after the start"
    clock.set(local("2026-11-03", "20:00"))
    sent = await run(live)
    assert [m["chat_id"] for m in sent] == [101]
    assert private(live, wang)[-1]["text"] == (
        "⏱ 你在 京东旗舰店 的接管（自 11-02 14:00 起）一直没有回答离开时间，已按最后活动时间 11-02 18:05 自动结束，并标记给主管复核。"
    )
    first, second = holds(live)
    assert (first.ended_at, first.flag) == (local("2026-11-02", "18:05"), "auto_closed")
    assert (second.started_at, second.ended_at) == (local("2026-11-03", "09:00"), None)
    (entry,) = audit(live, "auto_close")
    detail = json.loads(entry.detail)
    assert entry.actor_agent_id is None
    assert (detail["end"], detail["was"], detail["source"]) == (
        local("2026-11-02", "18:05").isoformat(),
        local("2026-11-03", "09:00").isoformat(),
        "case",
    )
    assert await run(live) == [], "closed and told once"
    late = await live.press(wang, asked, buttons(asked)[0][1])
    assert late.toasts() == ["这个提醒已经处理过了"]


async def test_auto_close_leaves_a_hold_its_holder_handed_off_themselves(live, clock):
    wang = await agent(live, 101, "王芳")
    clock.set(local("2026-11-02", "14:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "23:30"))
    await run(live)
    clock.set(local("2026-11-02", "23:45"))
    await live.say(wang, "/off")
    clock.set(local("2026-11-03", "20:00"))
    await run(live)
    (hold,) = holds(live)
    assert (hold.ended_at, hold.flag) == (local("2026-11-02", "23:45"), None)
    assert audit(live, "auto_close") == []
    assert [n.resolution for n in notices(live) if n.kind == "clock_off"] == ["handed_off"]


async def test_hand_off_now_pressed_on_waking_after_the_morning_take_over_asks_and_corrects(database_url):
    """ "Still on?" reached her at night; she presses "Hand off now" the next morning, after the morning
    shift took over: she is asked when she left, her answer moves the end, and nothing moves it again."""
    clock = ManualClock(local("2026-11-02", "14:00"))
    async with LiveBot(team_config(database_url, checks={"max_hold_hours": 8}), clock) as live:
        wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷")
        await live.say(wang, "/on jd")
        clock.set(local("2026-11-02", "18:05"))
        await live.say(wang, "/case 咨询")
        clock.set(local("2026-11-02", "22:05"))
        await run(live)
        still_on = private(live, wang)[-1]
        clock.set(local("2026-11-02", "23:30"))
        await run(live)
        assert [n.kind for n in notices(live)] == ["long_hold", "clock_off"]
        clock.set(local("2026-11-03", "09:00"))
        await live.say(li, "/on jd")

        clock.set(local("2026-11-03", "09:20"))
        pressed = await live.press(wang, still_on, buttons(still_on)[1][1])
        assert pressed.toasts() == ["你是什么时候离开的？请选择或发送时间"]
        question = next(m for m in private(live, wang) if m["message_id"] == still_on["message_id"])
        assert [label for label, _ in buttons(question)] == ["11-02 18:05 离开（最后活动）", "一直在，到 09:00 被接管"]
        answered = await live.press(wang, question, buttons(question)[0][1])
        assert answered.toasts() == ["✅ 已更正：你在 京东旗舰店 的接管结束于 11-02 18:05（原为 09:00），之后的时段改为无人接管。"]
        assert holds(live)[0].ended_at == local("2026-11-02", "18:05")
        assert [(n.kind, n.resolution) for n in notices(live)] == [("long_hold", "clock_off"), ("clock_off", "clock_off")]

        clock.set(local("2026-11-03", "20:00"))
        await run(live)
        assert audit(live, "auto_close") == [] and holds(live)[0].flag is None, "answered: no auto-close"


# -- /fix_hold ---------------------------------------------------------------------------------------


async def test_a_supervisor_lists_a_days_holds_and_fixes_one_audited(live, clock):
    await forgot_and_taken_over(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    clock.set(local("2026-11-03", "10:00"))
    (listed,) = (await live.say(boss, "/fix_hold jd 2026-11-02")).texts()
    first, second = holds(live)
    assert listed.splitlines() == [
        "🗂 京东旗舰店 2026-11-02 的接管（更正：/fix_hold #编号 end=HH:MM 原因）",
        f"#{first.id} 王芳：14:00–11-03 09:00",
    ]

    (done,) = (await live.say(boss, f"/fix_hold #{first.id} end=18:30 忘记交班")).texts()
    assert done == (
        f"🛠 已更正接管 #{first.id}（京东旗舰店，王芳）：11-02 14:00–09:00 → 11-02 14:00–11-02 18:30。原因：忘记交班。已记入审计日志。"
    )
    first, second = holds(live)
    assert (first.started_at, first.ended_at) == (local("2026-11-02", "14:00"), local("2026-11-02", "18:30"))
    (entry,) = audit(live, "fix_hold")
    assert entry.subject == "jd"
    assert json.loads(entry.detail) == {
        "hold": first.id,
        "agent": "王芳",
        "was_start": local("2026-11-02", "14:00").isoformat(),
        "was_end": local("2026-11-03", "09:00").isoformat(),
        "start": local("2026-11-02", "14:00").isoformat(),
        "end": local("2026-11-02", "18:30").isoformat(),
        "reason": "忘记交班",
    }
    assert not {date(2026, 11, 2), date(2026, 11, 3)} & set(live.baton.read(lambda uow: uow.ledger.due())), "compiled at once"
    assert [(n.kind, n.resolution) for n in notices(live)] == [("clock_off", "fixed")], "no auto-close undoes it"
    clock.set(local("2026-11-03", "20:00"))
    await run(live)
    assert holds(live)[0].ended_at == local("2026-11-02", "18:30")

    (moved,) = (await live.say(boss, f"/fix_hold #{second.id} start=2026-11-02 20:00 李雷前一晚已接手")).texts()
    assert "→ 11-02 20:00–" in moved
    assert holds(live)[1].started_at == local("2026-11-02", "20:00")


@pytest.mark.parametrize(
    "command, answer",
    [
        ("/fix_hold #{first} end=18:30", "请写明更正原因（会记入审计日志），例如 /fix_hold #12 end=18:30 忘记交班"),
        ("/fix_hold #999 end=18:30 忘记交班", "没有编号为 #999 的接管，未更改。先用 /fix_hold <账号> [日期] 查看编号。"),
        (
            "/fix_hold #{first} start=2026-11-02T19:00 end=2026-11-02T18:00 弄反了",
            "结束时间 11-02 18:00 不晚于开始时间 11-02 19:00，未更改。",
        ),
        ("/fix_hold #{first} end=2026-11-04T08:00 以后", "11-04 08:00 还没到，未更改。接管只能更正到现在为止。"),
        (
            "/fix_hold #{second} start=2026-11-02T17:00 提前",
            "更正后会与 王芳 在 京东旗舰店 的接管 #{first}（11-02 14:00–09:00）重叠，未更改。请先更正那一次。",
        ),
        ("/fix_hold #{first} end=1999-12-31T10:00 太早", "“1999-12-31”超出可用日期范围：请使用 2000 年至 2100 年之间的日期，未做任何更改"),
        ("/fix_hold #{first} end=soon 忘记交班", None),
        ("/fix_hold nowhere", "没有账号“nowhere”"),
    ],
)
async def test_fix_hold_refuses_bad_input_in_the_supervisors_words_and_changes_nothing(live, clock, command, answer):
    await forgot_and_taken_over(live, clock)
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    clock.set(local("2026-11-03", "10:00"))
    first, second = holds(live)
    before = [(h.started_at, h.ended_at) for h in holds(live)]
    (text,) = (await live.say(boss, command.format(first=first.id, second=second.id))).texts()
    if answer is None:
        assert text.startswith("用法：/fix_hold")
    else:
        assert answer.format(first=first.id) in text
    assert [(h.started_at, h.ended_at) for h in holds(live)] == before
    assert audit(live, "fix_hold") == []


async def test_fix_hold_is_for_supervisors_only(live, clock):
    wang, _, _ = await forgot_and_taken_over(live, clock)
    clock.set(local("2026-11-03", "10:00"))
    first = holds(live)[0]
    (refused,) = (await live.say(wang, f"/fix_hold #{first.id} end=18:30 我自己改")).texts()
    assert refused == "只有主管可以使用 /fix_hold，未做任何更改"
    assert holds(live)[0].ended_at == local("2026-11-03", "09:00")
    assert audit(live, "fix_hold") == []


async def test_fix_hold_speaks_english_to_an_english_team(database_url):
    clock = ManualClock(local("2026-11-03", "10:00"))
    async with LiveBot(team_config(database_url, team={"language": "en"}), clock) as live:
        boss = live.user(SUPERVISOR_ID, "Boss", username="boss", language_code=None)
        (usage,) = (await live.say(boss, "/fix_hold")).texts()
        assert usage.startswith("Usage: /fix_hold")
        (none,) = (await live.say(boss, "/fix_hold jd")).texts()
        assert none == "No holds on 京东旗舰店 on 2026-11-03."
        assert rcb.decode("rm:n:5") == rcb.ReminderPress(rcb.JUST_NOW, 5)


COVER_ROSTER = [
    {"agent": 101, "name": "王芳", "account": "jd", "weekdays": EVERY_DAY, "from": "09:00", "to": "17:00"},
    {"agent": 102, "name": "李雷", "account": "vip", "weekdays": EVERY_DAY, "from": "09:00", "to": "17:00"},
]


def credited(live, day: str) -> list[int | None]:
    """Who each conversation that started on that local day is credited to (a Telegram id), in time order."""
    start = local(day, "00:00")
    found = live.baton.read(lambda uow: attribute(uow, start, start + timedelta(days=1)).attribution)
    users = {a.id: a.tg_user_id for a in live.baton.read(lambda uow: list(uow.agents.by_id().values()))}
    by_event = {row.conversation_id: users[row.agent_id] for row in found.credits.itertuples()}
    return [by_event.get(row.conversation_id) for row in found.statuses.sort_values("at").itertuples()]


def questions(sent: list[dict]) -> list[dict]:
    """The "when did you leave?" questions among what the checks job sent."""
    return [m for m in sent if m["text"].startswith("🌙")]


async def test_a_cover_never_handed_back_is_asked_about_and_the_time_after_goes_to_the_rostered_colleague(database_url):
    clock = ManualClock(local("2026-11-02", "09:00"))  # a Monday
    async with LiveBot(team_config(database_url, roster=COVER_ROSTER), clock) as live:
        wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷")
        boss = live.user(SUPERVISOR_ID, "主管", username="boss")
        await live.say(wang, "/on jd")
        await live.say(li, "/on vip")
        # 李雷 covers 王芳's lunch from 12:00; she is back at 12:40 and nobody takes JD back.
        clock.set(local("2026-11-02", "12:00"))
        await live.say(li, "/on jd")

        # A break lasts 30-45 minutes: an hour into the cover, with her rostered on JD, he is asked.
        clock.set(local("2026-11-02", "12:59"))
        assert await run(live) == []
        clock.set(local("2026-11-02", "13:00"))
        (sent,) = await run(live)
        assert sent["chat_id"] == 102
        asked = private(live, li)[-1]
        assert asked["text"].splitlines()[0] == (
            "🌙 你在 京东旗舰店 的接管（自 12:00 起）到 13:00 还没有交出"
            "（替同事顶班已超过一次休息的时长，而排班的同事正在班上）。你实际是什么时候离开的？"
        )
        assert [label for label, _ in buttons(asked)] == ["12:00 离开（最后活动）", "刚刚离开", "还在值班"]
        assert private(live, wang) == [], "the rostered colleague is not told: the holder knows when he left"

        # He answers with the time she came back: his JD hold ends there, and what follows is hers by the roster.
        clock.set(local("2026-11-02", "13:10"))
        (done,) = (await live.say(li, "/left 12:40 jd", chat=live.sandbox.private_chat(li))).texts()
        assert done == "✅ 已记录：你在 京东旗舰店 的接管结束于 12:40。"
        jd_cover = [h for h in holds(live) if h.started_at == local("2026-11-02", "12:00")]
        assert [h.ended_at for h in jd_cover] == [local("2026-11-02", "12:40")]
        export = [
            SampleConversation("JD-1", datetime.fromisoformat("2026-11-02T12:20")),
            SampleConversation("JD-2", datetime.fromisoformat("2026-11-02T12:50")),
        ]
        await live.upload(boss, "jd.csv", jd_csv_bytes(export), caption="/import jd")
        assert statuses(live, "2026-11-02") == ["held", "roster"]
        assert credited(live, "2026-11-02") == [102, 101], "the lunch is his cover; after it, her shift"


async def test_a_colleague_working_someone_elses_whole_shift_is_not_asked_as_a_cover(database_url):
    clock = ManualClock(local("2026-11-02", "09:00"))
    async with LiveBot(team_config(database_url, roster=COVER_ROSTER), clock) as live:
        li = await agent(live, 102, "李雷")
        await agent(live, 101, "王芳")
        # 王芳 is off sick; 李雷 works JD alone in her place (nobody holds VIP): he holds nothing beside it.
        await live.say(li, "/on jd")
        clock.set(local("2026-11-02", "11:00"))
        assert questions(await run(live)) == [], "(the late-start nudges to both go out meanwhile)"
        # Once he also takes VIP, his JD hold is a cover beside his own account: an hour later he is asked.
        await live.say(li, "/on vip")
        clock.set(local("2026-11-02", "11:59"))
        assert questions(await run(live)) == []
        clock.set(local("2026-11-02", "12:00"))
        (sent,) = questions(await run(live))
        assert sent["chat_id"] == 102
        # He really is covering: "still on" keeps the hold, and he is not asked about it again.
        asked = private(live, li)[-1]
        still_on = dict(buttons(asked))["还在值班"]
        await live.press(li, asked, still_on)
        assert holds(live)[0].ended_at is None
        clock.set(local("2026-11-02", "13:00"))
        assert questions(await run(live)) == []


async def test_the_nights_backlog_answered_before_the_morning_shift_is_credited_to_it(database_url):
    """Nobody held JD overnight; 李雷 sat down at 08:50 and answered the night's customers before his
    09:00 shift, forgetting to press until later: the replies in the quarter-hour before it are his."""
    clock = ManualClock(local("2026-11-02", "10:00"))
    async with LiveBot(team_config(database_url, roster=ROSTER), clock) as live:
        boss = live.user(SUPERVISOR_ID, "主管", username="boss")
        await agent(live, 102, "李雷")
        night = [
            SampleConversation("JD-1", datetime.fromisoformat("2026-11-02T02:00"), first_response_s=6 * 3600 + 50 * 60),  # 08:50
            SampleConversation("JD-2", datetime.fromisoformat("2026-11-02T03:00"), first_response_s=5 * 3600 + 40 * 60),  # 08:40
        ]
        await live.upload(boss, "jd.csv", jd_csv_bytes(night), caption="/import jd")
        # In the order of their replies: 08:40 is twenty minutes early, nobody's; 08:50 is his.
        assert statuses(live, "2026-11-02") == ["unattributed", "roster"]
        assert credited(live, "2026-11-02") == [None, 102]
