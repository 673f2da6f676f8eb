"""A break covered without pressing, claimed afterwards with /covered: the holder (or a supervisor)
confirms in the group with one tap, and the hold is cut so the coverer is credited for the span.
The real Application against the simulated Bot API, with a manual clock."""

import json
from datetime import datetime, timedelta

import pytest

from bot.covers import callbacks as cb
from bot.sandbox.live import LiveBot
from domain.clock import ManualClock
from tests.e2e.test_forgotten_handoffs import credited
from tests.e2e.test_reminders import agent, audit, buttons, holds, private
from tests.factories import SHANGHAI, SUPERVISOR_ID, local, team_config
from tests.storage.export_samples import SampleConversation, jd_csv_bytes

pytestmark = pytest.mark.e2e

EVERY_DAY = [1, 2, 3, 4, 5, 6, 7]
ROSTER = [
    {"agent": 101, "name": "王芳", "account": "jd", "weekdays": EVERY_DAY, "from": "09:00", "to": "18:00"},
    {"agent": 102, "name": "李雷", "account": "vip", "weekdays": EVERY_DAY, "from": "09:00", "to": "18:00"},
]


def group(live) -> list[dict]:
    return live.sandbox.messages(live.group["id"])


async def morning(live, clock) -> tuple[dict, dict, dict]:
    """王芳 holds JD and 李雷 holds VIP from 09:00; 李雷 covers her lunch on JD 12:05–12:40 without
    pressing; a customer answered at 12:20 and one at 13:00 are imported."""
    wang, li = await agent(live, 101, "王芳"), await agent(live, 102, "李雷")
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    await live.say(wang, "/on jd")
    await live.say(li, "/on vip")
    clock.set(local("2026-11-02", "13:30"))
    export = [
        SampleConversation("JD-1", datetime.fromisoformat("2026-11-02T12:20")),
        SampleConversation("JD-2", datetime.fromisoformat("2026-11-02T13:00")),
    ]
    await live.upload(boss, "jd.csv", jd_csv_bytes(export), caption="/import jd")
    return wang, li, boss


@pytest.fixture
async def live(database_url):
    async with LiveBot(team_config(database_url, roster=ROSTER), ManualClock(local("2026-11-02", "09:00"))) as bot:
        yield bot


async def test_a_claimed_cover_confirmed_by_the_holder_credits_the_coverer_for_that_span(live):
    wang, li, _ = await morning(live, live.clock)
    assert credited(live, "2026-11-02") == [101, 101]

    await live.say(li, "/covered jd 12:05-12:40")
    question = group(live)[-1]
    assert question["text"] == "🤝 李雷 说 12:05–12:40 替 王芳 顶了 京东旗舰店，当时没点接管。王芳，是这样吗？（主管也可以确认。）"
    (confirm, yes), (_, no) = buttons(question)
    assert confirm == "✅ 是，李雷 顶的班" and cb.decode(yes).action == cb.CONFIRM and cb.decode(no).action == cb.DECLINE
    (claimed,) = audit(live, "cover_claim")
    assert json.loads(claimed.detail)["start"] == local("2026-11-02", "12:05").isoformat()
    assert len(holds(live)) == 2, "nothing changes before she answers"

    refused = await live.press(li, question, yes)
    assert refused.toasts() == ["只有当时接管的 王芳 或主管可以回答。"]
    assert len(holds(live)) == 2

    pressed = await live.press(wang, question, yes)
    assert pressed.toasts()[0].startswith("✅ 王芳 已确认：12:05–12:40 由 李雷 替 王芳 接管 京东旗舰店")
    jd = [h for h in holds(live) if h.account_id == holds(live)[0].account_id]
    spans = [(h.agent_id, h.started_at, h.ended_at, h.taken_over_by) for h in jd]
    wang_id, li_id = jd[0].agent_id, jd[1].agent_id
    assert spans == [
        (wang_id, local("2026-11-02", "09:00"), local("2026-11-02", "12:05"), li_id),
        (li_id, local("2026-11-02", "12:05"), local("2026-11-02", "12:40"), wang_id),
        (wang_id, local("2026-11-02", "12:40"), None, None),
    ]
    assert credited(live, "2026-11-02") == [102, 101], "the 12:20 customer is his now; 13:00 stays hers"
    assert group(live)[-1]["message_id"] == question["message_id"] and not buttons(group(live)[-1]), "the question is answered in place"
    (confirmed,) = audit(live, "cover_confirmed")
    assert json.loads(confirmed.detail)["coverer"] == "李雷"

    again = await live.press_as_seen(wang, question, yes)  # a second tap that raced the edit
    assert again.toasts() == ["这次顶班已经确认过了，无需再操作。"]
    assert len(holds(live)) == 4


async def test_a_supervisor_may_answer_and_a_declined_claim_changes_nothing(live):
    _, li, boss = await morning(live, live.clock)
    chat = live.sandbox.private_chat(li)
    await live.say(li, "/covered jd 12:05-12:40", chat=chat)
    assert private(live, li)[-1]["text"] == "已在群里请 王芳 确认你顶 京东旗舰店 的时段。确认之前不做任何改动（主管也可以确认）。"
    question = group(live)[-1]
    assert question["text"].startswith("🤝 李雷 说 12:05–12:40 替 王芳 顶了 京东旗舰店")
    (_, _), (_, no) = buttons(question)
    declined = await live.press(boss, question, no)
    assert declined.toasts()[0].startswith("✖️ 主管 不认可 李雷 在 12:05–12:40 顶 京东旗舰店 的补记")
    assert len(holds(live)) == 2 and credited(live, "2026-11-02") == [101, 101]
    assert len(audit(live, "cover_declined")) == 1


async def test_claims_that_do_not_fit_the_holds_are_refused_in_words(live):
    _, li, _ = await morning(live, live.clock)
    said = {
        "/covered jd 12:05": "用法：/covered 账号 [YYYY-MM-DD] HH:MM-HH:MM",
        "/covered jd 08:00-08:40": "08:00–08:40 期间没有人接管 京东旗舰店",
        "/covered jd 08:50-09:30": "08:50–09:30 不在同一次接管之内：王芳 接管 京东旗舰店 的时段是 09:00–13:30",
        "/covered vip 12:05-12:40": "12:05–12:40 期间你自己接管过 唯品会",
        "/covered jd 13:00-14:00": "14:00 还没到",
        "/covered jd 09:10-13:20": "一次补记最长 4 小时",
        "/covered jd 12:05-12:07": "一次补记至少 5 分钟",
        "/covered nope 12:05-12:40": "nope",
    }
    for typed, expected in said.items():
        (answer,) = (await live.say(li, typed)).texts()
        assert expected in answer, (typed, answer)
    assert len(holds(live)) == 2 and not audit(live, "cover_claim")


async def test_a_cover_inside_a_hold_a_take_over_ended_keeps_that_take_over_on_the_part_after(live):
    wang, li, _ = await morning(live, live.clock)
    live.clock.set(local("2026-11-02", "14:00"))
    await live.say(li, "/on jd")  # he takes JD over at 14:00, ending her hold
    await live.say(li, "/covered jd 12:05-12:40")
    question = group(live)[-1]
    await live.press(wang, question, buttons(question)[0][1])
    jd = sorted((h for h in holds(live) if h.started_at < local("2026-11-02", "14:00")), key=lambda h: h.started_at)
    wang_id, li_id = jd[0].agent_id, jd[1].agent_id
    wang_holds = [(h.started_at, h.ended_at, h.taken_over_by) for h in jd if h.agent_id == wang_id and h.account_id == jd[0].account_id]
    assert wang_holds == [
        (local("2026-11-02", "09:00"), local("2026-11-02", "12:05"), li_id),
        (local("2026-11-02", "12:40"), local("2026-11-02", "14:00"), li_id),
    ]


async def test_two_claims_on_one_hold_are_both_confirmed_whichever_comes_first(live):
    wang, li, _ = await morning(live, live.clock)
    await live.say(li, "/covered jd 12:05-12:40")
    lunch = group(live)[-1]
    await live.say(li, "/covered jd 10:00-10:20")
    coffee = group(live)[-1]
    assert lunch["message_id"] != coffee["message_id"]
    await live.press(wang, coffee, buttons(coffee)[0][1])
    pressed = await live.press(wang, lunch, buttons(lunch)[0][1])
    assert pressed.toasts()[0].startswith("✅ 王芳 已确认")
    jd = sorted((h for h in holds(live) if h.account_id == holds(live)[0].account_id), key=lambda h: h.started_at)
    wang_id = jd[0].agent_id
    assert [(h.agent_id == wang_id, h.started_at.astimezone(SHANGHAI).strftime("%H:%M")) for h in jd] == [
        (True, "09:00"),
        (False, "10:00"),
        (True, "10:20"),
        (False, "12:05"),
        (True, "12:40"),
    ]
    assert credited(live, "2026-11-02") == [102, 101]


async def test_a_claim_answered_after_two_days_is_refused_and_changes_nothing(live):
    wang, li, _ = await morning(live, live.clock)
    await live.say(li, "/covered jd 12:05-12:40")
    question = group(live)[-1]
    live.clock.set(local("2026-11-04", "12:10"))
    late = await live.press(wang, question, buttons(question)[0][1])
    assert late.toasts() == ["顶班只能在开始后 48 小时内补记；11-02 12:05 的请找主管（/fix_hold）。"]
    assert len(holds(live)) == 2


async def test_a_forged_claim_button_changes_nothing(live):
    wang, li, _ = await morning(live, live.clock)
    await live.say(li, "/covered jd 12:05-12:40")
    question = group(live)[-1]
    real = cb.decode(buttons(question)[0][1])
    for forged in (
        cb.ClaimPress(cb.CONFIRM, real.hold_id, 9999, real.start, real.end),  # nobody
        cb.ClaimPress(cb.CONFIRM, 9999, real.coverer_id, real.start, real.end),  # no such hold
        cb.ClaimPress(cb.CONFIRM, real.hold_id, real.coverer_id, real.start - timedelta(hours=3), real.end),  # longer than asked
    ):
        pressed = await live.press_as_seen(wang, question, cb.encode(forged))
        assert pressed.toasts() and pressed.toasts()[0] != "", forged
    assert len(holds(live)) == 2 and not audit(live, "cover_confirmed")
