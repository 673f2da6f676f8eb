"""Reminders and data checks, on the real Application against the simulated Bot API: what the bot
sends (to whom, with which buttons, in which language) and what the database holds afterwards."""

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.reminders import callbacks as rcb
from bot.reminders.jobs import run_checks
from bot.reminders.service import KINDS
from bot.sandbox.live import LiveBot
from domain.clock import ManualClock
from storage.db import reading
from storage.models import HoldRow, OutboxRow
from tests.factories import SUPERVISOR_ID, local, team_config
from tests.storage.export_samples import SampleConversation, jd_csv_bytes

pytestmark = pytest.mark.e2e


class JobContext:
    """What PTB hands a job callback: the application and its bot."""

    def __init__(self, application):
        self.application = application
        self.bot = application.bot


async def run(live) -> list[dict]:
    """Run the checks job once; the messages it sent, in every chat."""
    sent_before = len([c for c in live.sandbox.calls if c.method == "sendMessage"])
    await run_checks(JobContext(live.application))
    calls = [c for c in live.sandbox.calls if c.method == "sendMessage"][sent_before:]
    return [c.params for c in calls]


def private(live, user) -> list[dict]:
    return live.sandbox.messages(user["id"])


def buttons(message: dict) -> list[tuple[str, str]]:
    return [(b["text"], b["callback_data"]) for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def holds(live) -> list[HoldRow]:
    with reading(live.baton.engine) as session:
        return list(session.execute(select(HoldRow).order_by(HoldRow.id)).scalars())


def notices(live) -> list[OutboxRow]:
    """The reminders in the outbox (the digests share it)."""
    with reading(live.baton.engine) as session:
        return list(session.execute(select(OutboxRow).where(OutboxRow.kind.in_(KINDS)).order_by(OutboxRow.id)).scalars())


def audit(live, action: str) -> list:
    return [row for row in live.baton.read(lambda uow: uow.audit.all()) if row.action == action]


async def agent(live, user_id: int, name: str, language_code: str | None = "zh") -> dict:
    """A team member who has opened a private chat with the bot, so it can write to them."""
    user = live.user(user_id, name, language_code=language_code)
    live.sandbox.private_chat(user)
    return user


# -- long holds ------------------------------------------------------------------------------------


async def test_a_long_hold_asks_its_holder_once_and_hand_off_now_asks_when_they_left(live, clock):
    wang = await agent(live, 101, "王芳")
    clock.set(local("2026-11-02", "08:30"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "10:15"))
    await live.say(wang, "/case 咨询")
    clock.set(local("2026-11-02", "18:30"))
    assert await run(live) == [], "ten hours exactly is not longer than ten"

    clock.set(local("2026-11-02", "18:40"))
    (sent,) = await run(live)
    assert sent["chat_id"] == 101
    (asked,) = private(live, wang)
    assert asked["text"] == "⏳ 你已连续接管 京东旗舰店 10.2 小时（自 08:30 起）。还在值班吗？"
    assert [text for text, _ in buttons(asked)] == ["还在值班", "现在交出"]
    assert [rcb.decode(data).action for _, data in buttons(asked)] == [rcb.STILL_ON, rcb.HAND_OFF_NOW]
    clock.set(local("2026-11-02", "19:00"))
    assert await run(live) == [] and await run(live) == [], "sent once per hold"

    # Pressed when they see it, long after they left: nothing ends at the press, they are asked when.
    clock.set(local("2026-11-02", "19:05"))
    pressed = await live.press(wang, asked, buttons(asked)[1][1])
    assert pressed.toasts() == ["你是什么时候离开的？请选择或发送时间"]
    (hold,) = holds(live)
    assert hold.ended_at is None
    (question,) = private(live, wang)
    assert question["text"].splitlines()[:2] == ["👋 你是什么时候离开 京东旗舰店 的？", "最后活动：10:15（你记录的最后一个案例）。"]
    assert [text for text, _ in buttons(question)] == ["10:15 离开（最后活动）", "刚刚离开"]
    assert [rcb.decode(data).action for _, data in buttons(question)] == [rcb.LEFT_AT, rcb.JUST_NOW]

    clock.set(local("2026-11-02", "19:06"))
    answered = await live.press(wang, question, buttons(question)[0][1])
    assert answered.toasts() == ["✅ 已记录：你在 京东旗舰店 的接管结束于 10:15。"]
    (hold,) = holds(live)
    assert hold.ended_at == local("2026-11-02", "10:15")
    assert audit(live, "hand_off") == []
    (entry,) = audit(live, "clock_off")
    assert entry.subject == "jd"
    assert json.loads(entry.detail) == {
        "hold": hold.id,
        "left_at": local("2026-11-02", "10:15").isoformat(),
        "how": "button",
        "via": "long_hold",
    }
    (edited,) = private(live, wang)
    assert edited["text"].endswith("✅ 已记录：你在 京东旗舰店 的接管结束于 10:15。") and buttons(edited) == []
    (notice,) = notices(live)
    assert (notice.kind, notice.resolution, notice.message_id) == ("long_hold", "clock_off", asked["message_id"])


async def test_hand_off_now_then_just_now_ends_the_hold_at_that_press(live, clock):
    wang = await agent(live, 101, "王芳")
    clock.set(local("2026-11-02", "08:30"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "18:40"))
    await run(live)
    (asked,) = private(live, wang)
    await live.press(wang, asked, buttons(asked)[1][1])
    (question,) = private(live, wang)
    clock.set(local("2026-11-02", "18:45"))
    answered = await live.press(wang, question, buttons(question)[1][1])
    assert answered.toasts() == ["✅ 已记录：你在 京东旗舰店 的接管结束于 18:45。"]
    assert holds(live)[0].ended_at == local("2026-11-02", "18:45")
    assert json.loads(audit(live, "clock_off")[0].detail)["how"] == "now"


async def test_hand_off_now_can_be_answered_with_a_typed_reply_or_left(live, clock):
    wang = await agent(live, 101, "王芳")
    clock.set(local("2026-11-02", "08:30"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "18:40"))
    await run(live)
    (asked,) = private(live, wang)
    await live.press(wang, asked, buttons(asked)[1][1])
    chat = live.sandbox.private_chat(wang)
    (done,) = (await live.say(wang, "/left 17:50", chat=chat)).texts()
    assert done == "✅ 已记录：你在 京东旗舰店 的接管结束于 17:50。"
    assert holds(live)[0].ended_at == local("2026-11-02", "17:50")


async def test_still_on_keeps_the_hold_and_speaks_the_teams_language(database_url):
    clock = ManualClock(local("2026-11-02", "07:00"))
    async with LiveBot(team_config(database_url, team={"language": "en"}, checks={"max_hold_hours": 2}), clock) as live:
        alice = await agent(live, 301, "Alice", language_code=None)
        await live.say(alice, "/on vip")
        clock.set(local("2026-11-02", "09:30"))
        await run(live)
        (asked,) = private(live, alice)
        assert asked["text"] == "⏳ You have held 唯品会店 for 2.5 h (since 07:00). Still on it?"
        assert [text for text, _ in buttons(asked)] == ["Still on", "Hand off now"]
        pressed = await live.press(alice, asked, buttons(asked)[0][1])
        assert pressed.toasts() == ["👍 OK, 唯品会店 stays with you."]
        (hold,) = holds(live)
        assert hold.ended_at is None
        assert notices(live)[0].resolution == "still_on"


async def test_a_reminder_is_written_in_its_holders_language_and_answered_in_it(live, clock):
    """The team speaks Chinese; Alice's Telegram speaks English, so her private reminder does too."""
    alice = await agent(live, 301, "Alice", language_code="en-GB")
    clock.set(local("2026-11-02", "08:00"))
    await live.say(alice, "/on vip")  # in the group, which hears Chinese
    clock.set(local("2026-11-02", "18:30"))
    await run(live)
    (asked,) = private(live, alice)
    assert asked["text"] == "⏳ You have held 唯品会店 for 10.5 h (since 08:00). Still on it?"
    pressed = await live.press(alice, asked, buttons(asked)[0][1])
    assert pressed.toasts() == ["👍 OK, 唯品会店 stays with you."]


async def test_a_reminder_answers_only_its_own_holder(live, clock):
    wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷")
    clock.set(local("2026-11-02", "08:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "18:30"))
    await run(live)
    (asked,) = private(live, wang)
    refused = await live.press(li, asked, buttons(asked)[1][1])
    assert refused.toasts() == ["这个提醒不是发给你的"]
    assert holds(live)[0].ended_at is None


async def test_a_long_hold_reminder_for_a_hold_that_ended_since_changes_nothing(live, clock):
    wang = await agent(live, 101, "王芳")
    clock.set(local("2026-11-02", "08:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "18:30"))
    await run(live)
    (asked,) = private(live, wang)
    await live.say(wang, "/off")
    refused = await live.press(wang, asked, buttons(asked)[1][1])
    assert refused.toasts() == ["京东旗舰店 的这次接管已经结束，无需操作。"]
    assert holds(live)[0].ended_at == local("2026-11-02", "18:30")
    assert len(audit(live, "hand_off")) == 1


# -- forgotten clock-offs ---------------------------------------------------------------------------


async def forgot_to_clock_off(live, clock) -> tuple[dict, dict]:
    """王芳 takes JD at 14:00, logs a case at 18:05, never hands off. Nobody rosters her, so her hold is
    overdue at the end of JD's scoring hours (23:00) plus the grace (30 minutes): she is asked then."""
    wang = await agent(live, 101, "王芳")
    clock.set(local("2026-11-02", "14:00"))
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "18:05"))
    await live.say(wang, "/case 咨询")
    clock.set(local("2026-11-02", "23:29"))
    assert await run(live) == [], "not before it is overdue"
    clock.set(local("2026-11-02", "23:30"))
    (sent,) = await run(live)
    assert sent["chat_id"] == 101
    return wang, private(live, wang)[-1]


async def test_the_overdue_question_offers_the_last_activity_and_the_button_closes_the_hold_there(live, clock):
    wang, asked = await forgot_to_clock_off(live, clock)
    assert asked["text"].splitlines()[:2] == [
        "🌙 你在 京东旗舰店 的接管（自 14:00 起）到 23:30 还没有交出（已过服务时段）。你实际是什么时候离开的？",
        "最后活动：18:05（你记录的最后一个案例）。",
    ]
    assert [label for label, _ in buttons(asked)] == ["18:05 离开（最后活动）", "刚刚离开", "还在值班"]
    data = buttons(asked)[0][1]
    assert rcb.decode(data).at == local("2026-11-02", "18:05")
    assert await run(live) == [], "asked once"

    clock.set(local("2026-11-03", "09:20"))
    pressed = await live.press(wang, asked, data)
    assert pressed.toasts() == ["✅ 已记录：你在 京东旗舰店 的接管结束于 11-02 18:05。"]
    (hold,) = holds(live)
    assert (hold.ended_at, hold.flag) == (local("2026-11-02", "18:05"), None)
    (entry,) = audit(live, "clock_off")
    assert entry.at == local("2026-11-03", "09:20") and json.loads(entry.detail)["left_at"] == local("2026-11-02", "18:05").isoformat()
    assert notices(live)[-1].resolution == "clock_off"
    assert date(2026, 11, 2) in live.baton.read(lambda uow: uow.ledger.due()), "the days the hold lost are credited afresh"


async def test_a_typed_reply_closes_the_hold_at_that_time_and_a_time_before_the_start_is_refused(live, clock):
    wang, asked = await forgot_to_clock_off(live, clock)
    clock.set(local("2026-11-03", "09:30"))
    chat = live.sandbox.private_chat(wang)

    (refused,) = (await live.say(wang, "13:00", chat=chat, reply_to=asked)).texts()
    assert refused == "11-02 13:00 早于你接管 京东旗舰店 的时间（11-02 14:00），未记录。请发送 11-02 14:00 之后、现在之前的时间。"
    assert holds(live)[0].ended_at is None

    (done,) = (await live.say(wang, "18：30", chat=chat, reply_to=asked)).texts()
    assert done == "✅ 已记录：你在 京东旗舰店 的接管结束于 11-02 18:30。"
    assert holds(live)[0].ended_at == local("2026-11-02", "18:30")
    question = next(m for m in private(live, wang) if m["message_id"] == asked["message_id"])
    assert buttons(question) == [], "the question's button is gone"
    assert json.loads(audit(live, "clock_off")[0].detail)["how"] == "typed"


async def test_left_names_the_account_when_several_wait_and_refuses_the_future(database_url):
    clock = ManualClock(local("2026-11-02", "20:00"))
    # JD watched nowhere: both holds fall back to the team's day end.
    config = team_config(database_url, checks={"day_end": "21:00", "morning": "22:00", "scoring_hours": {"jd": ""}})
    async with LiveBot(config, clock) as live:
        wang = await agent(live, 101, "王芳")
        await live.say(wang, "/on jd")
        await live.say(wang, "/on vip")
        clock.set(local("2026-11-02", "22:00"))
        assert len(await run(live)) == 2
        chat = live.sandbox.private_chat(wang)
        (which,) = (await live.say(wang, "/left 20:30", chat=chat)).texts()
        assert which == "你有多个账号在等离开时间：京东旗舰店、唯品会店。请指明账号，例如 /left 18:30 jd"
        (future,) = (await live.say(wang, "/left vip 22:30", chat=chat)).texts()
        assert future == "22:30 还没到，未记录。请发送 20:00 之后、现在之前的时间。"
        (done,) = (await live.say(wang, "/left vip 20:30", chat=chat)).texts()
        assert done == "✅ 已记录：你在 唯品会店 的接管结束于 20:30。"
        assert [h.ended_at for h in holds(live)] == [None, local("2026-11-02", "20:30")]
        (usage,) = (await live.say(wang, "/left soon", chat=chat)).texts()
        assert usage.startswith("用法：/left HH:MM")


# -- auto-close ---------------------------------------------------------------------------------------


async def test_an_unanswered_question_closes_the_hold_at_its_last_activity_flags_it_and_tells_the_holder(live, clock):
    wang, asked = await forgot_to_clock_off(live, clock)
    clock.set(local("2026-11-03", "19:59"))
    assert await run(live) == [], "not before auto_close_hours after the start"
    clock.set(local("2026-11-03", "20:00"))
    sent = await run(live)
    assert [m["chat_id"] for m in sent] == [101, live.group["id"]], "told, and JD is unattended now that the hold ended"
    assert private(live, wang)[-1]["text"] == (
        "⏱ 你在 京东旗舰店 的接管（自 11-02 14:00 起）一直没有回答离开时间，已按最后活动时间 11-02 18:05 自动结束，并标记给主管复核。"
    )
    (hold,) = holds(live)
    assert (hold.ended_at, hold.flag) == (local("2026-11-02", "18:05"), "auto_closed")
    (entry,) = audit(live, "auto_close")
    assert entry.actor_agent_id is None and json.loads(entry.detail)["source"] == "case"
    assert await run(live) == [], "closed, told and pinged once"
    late = await live.press(wang, asked, buttons(asked)[0][1])
    assert late.toasts() == ["这个提醒已经处理过了"]

    digest = (await live.post_digest(date(2026, 11, 3))).texts()[0]
    assert "需要关注（主管）" in digest
    assert "• 京东旗舰店：王芳 的接管（11-02 14:00–11-02 18:05）未回答离开时间，已自动结束，请复核" in digest


# -- unattended accounts -----------------------------------------------------------------------------


async def test_an_unattended_account_gets_one_ping_per_gap_in_the_group(live, clock):
    wang = await agent(live, 101, "王芳")
    for hhmm in ("08:30", "09:20", "09:30"):
        clock.set(local("2026-11-02", hhmm))
        assert await run(live) == []
    clock.set(local("2026-11-02", "09:31"))
    (ping,) = await run(live)
    assert ping["chat_id"] == live.group["id"]
    assert live.sandbox.messages(live.group["id"])[-1]["text"] == (
        "⚠️ 京东旗舰店 自 09:00 起无人接管（已 31 分钟，服务时段 09:00–23:00）。值班的同事请接管：/on jd"
    )
    for hhmm in ("09:40", "10:00", "10:05"):
        clock.set(local("2026-11-02", hhmm))
        assert await run(live) == [], "one ping per gap, however often the job runs"

    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "11:00"))
    await live.say(wang, "/off")
    clock.set(local("2026-11-02", "11:40"))
    assert len(await run(live)) == 1
    assert "自 11:00 起无人接管（已 40 分钟" in live.sandbox.messages(live.group["id"])[-1]["text"]
    assert await run(live) == []
    assert [n.key for n in notices(live) if n.kind == "unattended"] == ["jd:20261102T0100Z", "jd:20261102T0300Z"]
    clock.set(local("2026-11-02", "23:30"))
    assert await run(live) == [], "outside the scoring hours nothing is unattended; vip has none configured"


# -- late starts ---------------------------------------------------------------------------------------


ROSTER = [{"agent": 101, "name": "王芳", "account": "jd", "weekdays": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"}]


async def test_a_rostered_agent_who_has_not_taken_over_is_nudged_once_per_shift(database_url):
    clock = ManualClock(local("2026-11-02", "09:14"))  # a Monday
    config = team_config(database_url, roster=ROSTER, checks={"unattended_minutes": 600})
    async with LiveBot(config, clock) as live:
        wang = await agent(live, 101, "王芳")
        assert await run(live) == []
        clock.set(local("2026-11-02", "09:16"))
        (nudge,) = await run(live)
        assert nudge["chat_id"] == 101
        assert private(live, wang)[-1]["text"] == (
            "⏰ 你在 京东旗舰店 的班次 09:00 开始，已过 16 分钟还没有接管。开始工作时请发送 /on jd（或在控制台点“接管”）。"
        )
        clock.set(local("2026-11-02", "09:30"))
        assert await run(live) == []
        clock.set(local("2026-11-03", "09:10"))
        await live.say(wang, "/on jd")
        clock.set(local("2026-11-03", "09:30"))
        assert await run(live) == [], "on time the next day"
        clock.set(local("2026-11-04", "09:20"))
        assert len(await run(live)) == 1, "a new shift, a new nudge"


async def test_a_late_start_while_a_colleague_holds_the_account_offers_the_take_over_from_when_she_sat_down(database_url):
    """李雷 took JD at 08:00 and is still holding it; 王芳 sat down at about 09:10 and forgot to press. The
    nudge offers her the take-over from a moment she picks: she picks 09:10, and JD is hers from then."""
    clock = ManualClock(local("2026-11-02", "08:00"))  # a Monday
    config = team_config(database_url, roster=ROSTER, checks={"unattended_minutes": 600})
    async with LiveBot(config, clock) as live:
        wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷")
        await live.say(li, "/on jd")
        clock.set(local("2026-11-02", "09:16"))
        assert [m["chat_id"] for m in await run(live)] == [101]
        message = private(live, wang)[-1]
        assert (
            message["text"].splitlines()[1] == "京东旗舰店 现在仍由 李雷 接管。如果你已经在操作，点你实际坐下开始操作的时间，从那时起接管。"
        )
        assert buttons(message)[0][0] == "从 09:00 起接管 京东旗舰店"
        moments = [rcb.decode(data).at for _, data in buttons(message)]
        assert moments[0] == local("2026-11-02", "09:00"), "her shift's start, suggested first"
        assert moments[-1] == local("2026-11-02", "09:16") and local("2026-11-02", "09:10") in moments

        clock.set(local("2026-11-02", "09:18"))
        chosen = {rcb.decode(data).at: data for _, data in buttons(message)}[local("2026-11-02", "09:10")]
        reaction = await live.press(wang, message, chosen)
        assert reaction.toasts() == ["✅ 你从 09:10 起接管了 京东旗舰店；李雷 的接管到此结束。"]
        assert [(h.agent_id, h.started_at, h.ended_at) for h in holds(live)] == [
            (2, local("2026-11-02", "08:00"), local("2026-11-02", "09:10")),
            (1, local("2026-11-02", "09:10"), None),
        ]
        assert "已从 09:10 起接管" in private(live, li)[-1]["text"], "he is told"
        (entry,) = audit(live, "take_over_backdated")
        assert json.loads(entry.detail)["since"] == local("2026-11-02", "09:10").isoformat()
        assert private(live, wang)[-1]["text"] == "✅ 你从 09:10 起接管了 京东旗舰店；李雷 的接管到此结束。", "the nudge says what was done"
        again = await live.press_as_seen(wang, message, chosen)
        assert again.toasts() and len(holds(live)) == 2, "a second tap changes nothing"


async def test_a_late_starts_offer_is_refused_to_anyone_else_and_once_the_colleague_handed_off(database_url):
    clock = ManualClock(local("2026-11-02", "08:00"))
    config = team_config(database_url, roster=ROSTER, checks={"unattended_minutes": 600})
    async with LiveBot(config, clock) as live:
        wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷")
        await live.say(li, "/on jd")
        clock.set(local("2026-11-02", "09:16"))
        await run(live)
        message = private(live, wang)[-1]
        data = buttons(message)[0][1]
        assert (await live.press(li, message, data)).toasts() == ["这个接管提议是给别人的。"]
        await live.say(li, "/off jd")
        clock.set(local("2026-11-02", "09:20"))
        refused = (await live.press(wang, message, data)).toasts()
        assert refused == ["账号刚刚换了人，未做更改；请看最新的控制台"]
        assert [(h.agent_id, h.ended_at) for h in holds(live)] == [(2, local("2026-11-02", "09:16"))], "nothing taken"


async def test_a_failed_send_is_kept_retried_and_delivered_exactly_once(database_url):
    clock = ManualClock(local("2026-11-02", "09:20"))
    config = team_config(database_url, roster=ROSTER, checks={"unattended_minutes": 600})
    async with LiveBot(config, clock) as live:
        wang = live.user(101, "王芳")  # has never opened a private chat: Telegram refuses to write to them
        await run(live)
        (notice,) = notices(live)
        assert (notice.kind, notice.state, notice.message_id, notice.resolution) == ("late_start", "owed", None, None)
        clock.set(local("2026-11-02", "09:25"))
        await run(live)
        assert len(notices(live)) == 1 and notices(live)[0].message_id is None

        live.sandbox.private_chat(wang)
        clock.set(local("2026-11-02", "09:30"))
        (delivered,) = await run(live)
        assert delivered["chat_id"] == 101
        for minutes in (35, 40):
            clock.set(local("2026-11-02", "09:00") + timedelta(minutes=minutes))
            assert await run(live) == []
        (notice,) = notices(live)
        assert notice.message_id == private(live, wang)[0]["message_id"] and len(private(live, wang)) == 1
        assert (notice.state, notice.attempts) == ("sent", 3)


async def test_an_owed_notice_that_is_no_longer_true_is_dropped(database_url):
    clock = ManualClock(local("2026-11-02", "09:20"))
    config = team_config(database_url, roster=ROSTER, checks={"unattended_minutes": 600})
    async with LiveBot(config, clock) as live:
        wang = live.user(101, "王芳")
        await run(live)
        await live.say(wang, "/on jd")
        live.sandbox.private_chat(wang)
        clock.set(local("2026-11-02", "09:30"))
        assert await run(live) == []
        assert notices(live)[0].resolution == "obsolete"


# -- the digest's "needs attention" -----------------------------------------------------------------


async def test_the_digest_lists_long_holds_unattributed_conversations_and_days_without_an_import(live, clock):
    wang = await agent(live, 101, "王芳")
    boss = live.user(SUPERVISOR_ID, "主管")
    at = lambda day, hhmm: datetime.fromisoformat(f"{day}T{hhmm}")  # noqa: E731
    export = [
        SampleConversation("JD-1", at("2026-10-30", "10:00")),
        SampleConversation("JD-2", at("2026-11-01", "10:00")),
        SampleConversation("JD-3", at("2026-11-02", "08:00")),
        SampleConversation("JD-4", at("2026-11-02", "10:00")),
    ]
    clock.set(local("2026-11-02", "08:30"))
    await live.say(wang, "/on jd")
    await live.upload(boss, "jd.csv", jd_csv_bytes(export), caption="/import jd")
    clock.set(local("2026-11-02", "22:00"))

    digest = (await live.post_digest(date(2026, 11, 2))).texts()[0]
    section = digest[digest.index("需要关注（主管）") :].splitlines()
    assert section == [
        "需要关注（主管）",
        "• 京东旗舰店：王芳 连续接管 13.5 小时（08:30–…）",
        "• 京东旗舰店：1 个会话未归属（/gaps 2026-11-02）",
        "• 京东旗舰店：10-31 没有导入会话",
    ]


async def test_a_quiet_day_needs_no_attention(live, clock):
    clock.set(local("2026-11-02", "22:00"))
    digest = (await live.post_digest(date(2026, 11, 2))).texts()[0]
    assert digest.splitlines()[-2:] == ["需要关注（主管）", "• 无"]


# -- scheduling ----------------------------------------------------------------------------------------


async def test_the_checks_run_on_the_job_queue_every_few_minutes_and_tolerate_a_late_start(database_url):
    clock = ManualClock(local("2026-11-02", "08:00"))
    async with LiveBot(team_config(database_url, checks={"every_minutes": 3}), clock, jobs=True) as live:
        (job,) = live.application.job_queue.get_jobs_by_name("checks")
        assert job.job.trigger.interval == timedelta(minutes=3)
        assert job.job.misfire_grace_time >= 60 and job.job.coalesce and job.job.max_instances == 1
