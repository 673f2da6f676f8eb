"""Evidence of presence, on the real Application against the simulated Bot API: a refused case
offers a backdated take-over; a cover kept too long is nudged back; idle hours and unanswered
stretches are flagged."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.console import callbacks as cb
from bot.presence.jobs import run_presence
from bot.sandbox.live import LiveBot
from domain.clock import ManualClock
from storage.db import reading
from storage.models import CaseRow, HoldRow
from tests.factories import SUPERVISOR_ID, local, team_config
from tests.storage.export_samples import SampleConversation, jd_csv_bytes

pytestmark = pytest.mark.e2e

DAY = "2026-11-02"  # a Monday
ROSTER = [
    {"agent": 101, "name": "王芳", "account": "jd", "weekdays": [1, 2, 3, 4, 5], "from": "08:00", "to": "09:00"},
    {"agent": 102, "name": "李雷", "account": "jd", "weekdays": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"},
    {"agent": 103, "name": "张伟", "account": "vip", "weekdays": [1, 2, 3, 4, 5], "from": "09:00", "to": "18:00"},
]


def holds(live) -> list[HoldRow]:
    with reading(live.baton.engine) as session:
        return list(session.execute(select(HoldRow).order_by(HoldRow.id)).scalars())


def cases(live) -> list[CaseRow]:
    with reading(live.baton.engine) as session:
        return list(session.execute(select(CaseRow).order_by(CaseRow.id)).scalars())


def audit(live, action: str) -> list:
    return [row for row in live.baton.read(lambda uow: uow.audit.all()) if row.action == action]


def buttons(message: dict) -> list[tuple[str, str]]:
    return [(b["text"], b["callback_data"]) for row in (message.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def offers_in_group(sandbox, group: dict) -> list[dict]:
    """The take-over offers posted in the group: the messages with a backdated take-over button."""
    return [m for m in sandbox.messages(group["id"]) if any(d.startswith("bk:") for _, d in buttons(m))]


async def person(live, user_id: int, name: str) -> dict:
    user = live.user(user_id, name)
    live.sandbox.private_chat(user)
    return user


@pytest.fixture
def clock():
    return ManualClock(local(DAY, "08:00"))


@pytest.fixture
async def live(database_url, clock):
    async with LiveBot(team_config(database_url, roster=ROSTER), clock) as bot:
        yield bot


async def test_a_refused_case_offers_a_take_over_from_the_shift_start_and_accepting_it_backdates(live, clock):
    wang, li = await person(live, 101, "王芳"), await person(live, 102, "李雷")
    await live.say(wang, "/on jd")  # 08:00, and she forgets to hand off at 09:00
    clock.set(local(DAY, "09:40"))
    (offer,) = (await live.say(li, "/case jd 售后")).sent()
    assert offer.params["chat_id"] == live.group["id"]
    text = offer.params["text"]
    assert text == (
        "京东旗舰店 由 王芳 接管中，这条案例没有记录。如果是你在操作这个账号，一键从 09:00 起接管。\n"
        "不是从这个时间开始操作的？点你实际坐下开始操作的时间。"
    )
    # The suggestion (his shift's start) first; then moments from her hold's start (the earliest allowed) to now.
    labels = [label for label, _ in buttons(offer.params)]
    assert labels == [f"从 {t} 起接管 京东旗舰店" for t in ("09:00", "08:00", "08:10", "08:30", "08:50", "09:10", "09:30", "09:40")]
    data = buttons(offer.params)[0][1]
    pressed = cb.decode_backdate(data)
    assert (pressed.account, pressed.at, pressed.case_type) == ("jd", local(DAY, "09:00"), "aftersale")
    (refused,) = audit(live, "case_refused")
    assert (refused.subject, json.loads(refused.detail)["offered"]) == ("jd", local(DAY, "09:00").isoformat())
    assert len(json.loads(refused.detail)["choices"]) == 8

    message = live.sandbox.messages(live.group["id"])[-1]
    assert (await live.press(wang, message, data)).toasts() != [], "someone else's offer is refused"
    assert [h.ended_at for h in holds(live)] == [None]

    clock.set(local(DAY, "09:41"))
    reaction = await live.press(li, message, data)
    assert reaction.toasts() == ["✅ 你从 09:00 起接管了 京东旗舰店；王芳 的接管到此结束。 已记录：售后。"]
    first, second = holds(live)
    assert (first.agent_id, first.ended_at, first.taken_over_by) == (1, local(DAY, "09:00"), 2)
    assert (second.agent_id, second.started_at, second.ended_at) == (2, local(DAY, "09:00"), None)
    (entry,) = audit(live, "take_over_backdated")
    assert json.loads(entry.detail) == {"previous": "王芳", "hold": first.id, "since": local(DAY, "09:00").isoformat()}
    (case,) = cases(live)
    assert (case.agent_id, case.case_type) == (2, "aftersale")
    (told,) = live.sandbox.messages(wang["id"])
    assert told["text"] == "ℹ️ 李雷 当时在操作 京东旗舰店，已从 09:00 起接管：你的接管到 09:00 结束。"
    await live.say(li, "/console")
    board = live.console()["text"]
    assert {"• 京东旗舰店：李雷 自 09:00 起", "09:41 李雷 从 王芳 接管了 京东旗舰店"} <= set(board.splitlines())
    again = await live.press_as_seen(li, message, data)
    assert again.toasts() and holds(live)[-1].agent_id == 2, "a second tap changes nothing"
    assert len(holds(live)) == 2


async def test_a_refused_case_button_offers_the_take_over_privately(live, clock):
    wang, li = await person(live, 101, "王芳"), await person(live, 102, "李雷")
    await live.say(wang, "/console")
    await live.press(wang, live.console(), cb.encode(cb.Press(cb.TAKE, "jd", seen_hold=0)))
    clock.set(local(DAY, "09:20"))
    board = live.console()
    reaction = await live.press(li, board, LiveBot.button(board, cb.Press(cb.CASE_TYPE, "jd", "consult")))
    assert reaction.toasts() == ["京东旗舰店 由 王芳 接管中：未记录。已私信你一键接管。"]
    (offer,) = live.sandbox.messages(li["id"])
    label, data = buttons(offer)[0]
    assert label == "从 09:00 起接管 京东旗舰店"
    clock.set(local(DAY, "09:21"))
    await live.press(li, offer, data)
    assert [(h.agent_id, h.started_at, h.ended_at) for h in holds(live)] == [
        (1, local(DAY, "08:00"), local(DAY, "09:00")),
        (2, local(DAY, "09:00"), None),
    ]
    assert [(c.agent_id, c.case_type) for c in cases(live)] == [(2, "consult")]
    (edited,) = live.sandbox.messages(li["id"])
    assert edited["text"].startswith("✅ 你从 09:00 起接管了") and not buttons(edited)


async def test_the_offer_never_reaches_before_the_holders_last_case(live, clock):
    wang, li = await person(live, 101, "王芳"), await person(live, 102, "李雷")
    await live.say(wang, "/on jd")
    clock.set(local(DAY, "09:10"))
    await live.say(wang, "/case 咨询")
    clock.set(local(DAY, "09:30"))
    (offer,) = (await live.say(li, "/case jd 退款 JD123")).sent()
    assert "从 09:10 起" in offer.params["text"] and "备注没有保留" in offer.params["text"]
    assert cb.decode_backdate(buttons(offer.params)[0][1]).case_type is None


async def li_on_jd_zhang_on_vip_with_a_case_at_10_30(live, clock) -> tuple[dict, dict]:
    li, zhang = await person(live, 102, "李雷"), await person(live, 103, "张伟")
    clock.set(local(DAY, "09:00"))
    await live.say(li, "/on jd")
    await live.say(zhang, "/on vip")
    clock.set(local(DAY, "10:30"))
    await live.say(zhang, "/case vip 咨询")
    return li, zhang


async def test_a_colleague_covering_a_break_is_offered_the_take_over_from_now_not_from_the_holders_last_case(live, clock):
    """Li, rostered on jd, covers Zhang's break on vip without pressing: when his case is refused, he
    sat down at vip only lately; the hours before belong to Zhang, who really worked them."""
    li, _ = await li_on_jd_zhang_on_vip_with_a_case_at_10_30(live, clock)
    clock.set(local(DAY, "11:40"))  # Zhang on his break since 11:30, Li at vip's keyboard
    (offer,) = (await live.say(li, "/case vip 咨询")).sent()
    label, data = buttons(offer.params)[0]
    assert cb.decode_backdate(data).at == local(DAY, "11:40"), "not from 10:30: Zhang's case, his time on vip"
    assert label == "从 11:40 起接管 唯品会店"
    # He knows when he sat down: the earlier moments are his to choose, never before Zhang's case.
    moments = [cb.decode_backdate(d).at for _, d in buttons(offer.params)[1:]]
    assert moments == sorted(moments) and moments[0] == local(DAY, "10:30") and local(DAY, "11:30") in moments


async def test_a_colleague_covering_a_break_takes_over_from_when_he_sat_down(live, clock):
    """Li, refused at 11:50, chose 11:30 (when Zhang went on his break): the cover is his from then,
    and Zhang is told."""
    li, zhang = await li_on_jd_zhang_on_vip_with_a_case_at_10_30(live, clock)
    clock.set(local(DAY, "11:50"))
    (offer,) = (await live.say(li, "/case vip 咨询")).sent()
    chosen = next(d for _, d in buttons(offer.params) if cb.decode_backdate(d).at == local(DAY, "11:30"))
    clock.set(local(DAY, "11:51"))
    reaction = await live.press(li, live.sandbox.messages(live.group["id"])[-1], chosen)
    assert reaction.toasts() == ["✅ 你从 11:30 起接管了 唯品会店；张伟 的接管到此结束。 已记录：咨询。"]
    vip = [(h.agent_id, h.started_at, h.ended_at) for h in holds(live) if h.account_id == 2]
    assert vip == [(3, local(DAY, "09:00"), local(DAY, "11:30")), (2, local(DAY, "11:30"), None)]
    assert "已从 11:30 起接管" in live.sandbox.messages(zhang["id"])[-1]["text"]


async def test_an_offer_is_honoured_as_made_a_minute_later_at_the_limit_and_from_the_holds_start(live, clock):
    """Tapped a minute after the refusal, an offer from the edge of max_backdate_minutes is not yet
    too far; one from the start of the holder's hold (at a fraction of a second) is not before it."""
    wang, li = await person(live, 101, "王芳"), await person(live, 102, "李雷")
    await live.say(wang, "/on jd")  # 08:00, and she forgets to hand off at 09:00
    clock.set(local(DAY, "11:30"))
    (offer,) = (await live.say(li, "/case jd 咨询")).sent()
    data = buttons(offer.params)[0][1]
    assert cb.decode_backdate(data).at == local(DAY, "09:30"), "120 minutes back, the limit"
    clock.set(local(DAY, "11:31"))
    message = live.sandbox.messages(live.group["id"])[-1]
    await live.press(li, message, data)
    assert [(h.agent_id, h.started_at) for h in holds(live)][-1] == (2, local(DAY, "09:30"))

    clock.set(local(DAY, "12:00") + timedelta(milliseconds=400))
    await live.say(wang, "/on jd")  # by mistake; Li, refused, is offered the take-over from that instant
    clock.set(local(DAY, "12:20"))
    (offer,) = (await live.say(li, "/case jd 咨询")).sent()
    data = buttons(offer.params)[0][1]
    assert "从 12:00 起" in offer.params["text"]
    clock.set(local(DAY, "12:21"))
    await live.press(li, live.sandbox.messages(live.group["id"])[-1], data)
    last = holds(live)[-1]
    assert (last.agent_id, last.started_at) == (2, local(DAY, "12:00") + timedelta(milliseconds=400))


class JobContext:
    """What PTB hands a job callback: the application and its bot."""

    def __init__(self, application):
        self.application = application
        self.bot = application.bot


async def run_presence_job(live) -> list[dict]:
    sent_before = len([c for c in live.sandbox.calls if c.method == "sendMessage"])
    await run_presence(JobContext(live.application))
    return [c.params for c in live.sandbox.calls if c.method == "sendMessage"][sent_before:]


async def test_a_cover_kept_after_its_rostered_agent_is_back_is_nudged_back_to_both_once(live, clock):
    li, zhang = await person(live, 102, "李雷"), await person(live, 103, "张伟")
    clock.set(local(DAY, "09:00"))
    await live.say(li, "/on jd")
    clock.set(local(DAY, "09:50"))
    await live.say(li, "/on vip")  # 张伟 is late: 李雷 covers
    clock.set(local(DAY, "10:10"))
    assert await run_presence_job(live) == [], "张伟 has shown no sign of being back"
    await live.say(zhang, "/case vip 咨询")  # refused: he is back, at the keyboard
    assert await run_presence_job(live) == [], "a cover of 20 minutes is not long yet"

    clock.set(local(DAY, "10:20"))
    sent = await run_presence_job(live)
    assert sorted(m["chat_id"] for m in sent) == [102, 103]
    (to_li,) = live.sandbox.messages(li["id"])
    assert to_li["text"] == "⏳ 你在自己的账号之外已代接 唯品会店 30 分钟，排班的 张伟 已经回来了。交还给他/她吗？"
    ((hand, hand_data),) = buttons(to_li)
    assert hand == "交还 唯品会店" and hand_data.startswith("pr:h:")
    to_zhang = next(m for m in live.sandbox.messages(zhang["id"]) if m["text"].startswith("👋"))
    assert to_zhang["text"] == "👋 李雷 已代接 唯品会店 30 分钟，现在是你的班。接回来吗？"
    ((take, take_data),) = buttons(to_zhang)
    assert take == "接回 唯品会店" and take_data.startswith("pr:t:")
    clock.set(local(DAY, "10:25"))
    assert await run_presence_job(live) == [], "told once"

    assert (await live.press(zhang, to_li, hand_data)).toasts() != ["👋 已交还 唯品会店。"], "only the holder hands back"
    assert (await live.press(li, to_li, hand_data)).toasts() == ["👋 已交还 唯品会店。"]
    vip = [h for h in holds(live) if h.account_id == 2]
    assert [(h.agent_id, h.ended_at) for h in vip] == [(2, local(DAY, "10:25"))]
    assert [json.loads(e.detail)["hold"] for e in audit(live, "hand_back")] == [vip[0].id]
    assert (await live.press(zhang, to_zhang, take_data)).toasts() == ["✅ 唯品会店 已回到你手上。"]
    vip = [h for h in holds(live) if h.account_id == 2]
    assert [(h.agent_id, h.started_at, h.ended_at) for h in vip][-1] == (3, local(DAY, "10:25"), None)
    assert live.sandbox.messages(zhang["id"])[-1]["text"].endswith("✅ 唯品会店 已回到你手上。")


async def test_taking_back_ends_the_cover_when_its_holder_did_not_press(live, clock):
    li, zhang = await person(live, 102, "李雷"), await person(live, 103, "张伟")
    clock.set(local(DAY, "09:00"))
    await live.say(li, "/on jd")
    await live.say(li, "/on vip")
    clock.set(local(DAY, "09:40"))
    await live.say(zhang, "/join jd")  # helping on the wrong account: still, he is here
    sent = await run_presence_job(live)
    assert sorted(m["chat_id"] for m in sent) == [102, 103]
    to_zhang = next(m for m in live.sandbox.messages(zhang["id"]) if m["text"].startswith("👋"))
    await live.press(zhang, to_zhang, buttons(to_zhang)[0][1])
    vip = [(h.agent_id, h.ended_at, h.taken_over_by) for h in holds(live) if h.account_id == 2]
    assert vip == [(2, local(DAY, "09:40"), 3), (3, None, None)]


async def test_idle_hours_and_an_unanswered_stretch_are_flagged_in_the_digest_and_idle_hours_in_why(live, clock):
    li = await person(live, 102, "李雷")
    boss = await person(live, SUPERVISOR_ID, "主管")
    at = lambda hhmm: datetime.fromisoformat(f"{DAY}T{hhmm}")  # noqa: E731
    export = [
        SampleConversation("JD-1", at("10:00"), first_response_s=8),
        SampleConversation("JD-2", at("14:00"), first_response_s=5400),  # 90 minutes with nobody answering
        SampleConversation("JD-3", at("17:00"), first_response_s=30),
    ]
    clock.set(local(DAY, "09:00"))
    await live.say(li, "/on jd")  # his shift ends at 18:00; he never hands off
    await live.upload(boss, "jd.csv", jd_csv_bytes(export), caption="/import jd")
    clock.set(local(DAY, "22:00"))

    digest = (await live.post_digest(date(2026, 11, 2))).texts()[0]
    section = digest[digest.index("需要关注（主管）") :].splitlines()
    assert "• 京东旗舰店：李雷 在最后一次操作（17:00）和下班之后仍接管 3.5 小时（18:30–22:00）：不计分" in section
    assert "• 京东旗舰店：李雷 接管期间有客户等待，90 分钟无任何回复（14:00–15:30）：可能不在岗" in section
    hours = [e for e in live.baton.read(lambda uow: uow.ledger.between(date(2026, 11, 2), date(2026, 11, 2))) if e.kind == "hours"]
    assert [e.quantity for e in hours] == [9.5 * 3600], "09:00 to 18:30 paid; the idle 3.5 h are not"

    (why,) = (await live.say(boss, "/why 李雷", chat=live.sandbox.private_chat(boss))).texts()
    assert "💤 离岗接管 3.5 小时，不计分（最后一次操作和下班之后仍接管）：" in why.splitlines()
    assert "  • 11-02 京东旗舰店：3.5 小时（最后操作 11-02 17:00）" in why.splitlines()


async def test_a_case_typed_without_an_account_offers_the_account_the_sender_is_rostered_on(live, clock):
    wang, li = await person(live, 101, "王芳"), await person(live, 102, "李雷")
    await live.say(wang, "/on jd")
    clock.set(local(DAY, "09:30"))
    (offer,) = (await live.say(li, "/case 咨询")).sent()
    label, data = buttons(offer.params)[0]
    assert label == "从 09:00 起接管 京东旗舰店" and cb.decode_backdate(data).case_type == "consult"
    clock.set(local(DAY, "12:00"))
    message = live.sandbox.messages(live.group["id"])[-1]
    late = await live.press(li, message, data)
    assert late.toasts() == ["这个时间已经太久了：请用 /on 接管 京东旗舰店。"], "09:00 is now more than two hours ago"
    assert [h.agent_id for h in holds(live)] == [1]


async def test_a_refused_case_press_is_answered_before_its_offer_is_queued_for_the_group(live, clock, monkeypatch):
    """Queueing the group's offer is a transaction of its own, behind every other press's in the
    writer: the presser's toast waits for none of it."""
    wang = await person(live, 101, "王芳")
    li = live.user(102, "李雷")  # never started a private chat with the bot: the offer goes to the group
    await live.say(wang, "/console")
    await live.press(wang, live.console(), cb.encode(cb.Press(cb.TAKE, "jd", seen_hold=0)))
    clock.set(local(DAY, "09:20"))
    courier = live.parts.courier
    queueing, queue_it = asyncio.Event(), asyncio.Event()
    post = courier.post

    async def held_back(*args, **kwargs) -> None:
        queueing.set()
        await queue_it.wait()
        await post(*args, **kwargs)

    monkeypatch.setattr(courier, "post", held_back)
    pressed = live.sandbox.forge_press(live.console(), li, cb.encode(cb.Press(cb.CASE_TYPE, "jd", "consult")))
    try:
        await asyncio.wait_for(queueing.wait(), timeout=10)
        answers = [a.text for a in live.sandbox.callback_answers if a.query_id == pressed]
    finally:
        queue_it.set()

    assert answers == ["京东旗舰店 由 王芳 接管中：未记录。群里有给你的一键接管。"], "answered while the offer waits to be queued"
    await live.sandbox.wait_for(lambda sb: offers_in_group(sb, live.group) or None, timeout=10)


async def test_an_agent_the_bot_cannot_write_to_is_not_tried_again_until_they_write_privately(live, clock):
    """Telegram said "chat not found": the next offers go to the group without another doomed send
    (each would spend one of the bot's 30 sends a second); once they write to the bot, privately again."""
    wang = await person(live, 101, "王芳")
    li = live.user(102, "李雷")  # never started a private chat with the bot
    await live.say(wang, "/console")
    await live.press(wang, live.console(), cb.encode(cb.Press(cb.TAKE, "jd", seen_hold=0)))
    clock.set(local(DAY, "09:20"))
    console = live.console()  # the offers posted in the group below have buttons too

    def tried_privately() -> int:
        return sum(1 for c in live.sandbox.calls if c.method == "sendMessage" and c.params.get("chat_id") == li["id"])

    for case_type in ("consult", "presale"):
        reaction = await live.press_as_seen(li, console, cb.encode(cb.Press(cb.CASE_TYPE, "jd", case_type)))
        assert "王芳" in reaction.toasts()[0]
    await live.settled()
    offers = offers_in_group(live.sandbox, live.group)
    assert len(offers) == 2 and tried_privately() == 1, "both offers in the group, one send to 李雷 tried"

    await live.say(li, "/start", chat=live.sandbox.private_chat(li))
    reaction = await live.press_as_seen(li, console, cb.encode(cb.Press(cb.CASE_TYPE, "jd", "other")))
    assert reaction.toasts() == ["京东旗舰店 由 王芳 接管中：未记录。已私信你一键接管。"]
    assert buttons(live.sandbox.messages(li["id"])[-1])[0][0] == "从 09:00 起接管 京东旗舰店"
