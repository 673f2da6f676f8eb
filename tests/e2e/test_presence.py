"""Evidence of presence, on the real Application against the simulated Bot API: a refused case
offers a backdated take-over; a cover kept too long is nudged back; idle hours and unanswered
stretches are flagged."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.console import callbacks as cb
from bot.sandbox.live import LiveBot
from domain.clock import ManualClock
from storage.db import reading
from storage.models import CaseRow, HoldRow
from tests.factories import local, team_config

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
    assert text == "京东旗舰店 由 王芳 接管中，这条案例没有记录。如果是你在操作这个账号，一键从 09:00 起接管。"
    ((label, data),) = buttons(offer.params)
    assert label == "从 09:00 起接管 京东旗舰店"
    pressed = cb.decode_backdate(data)
    assert (pressed.account, pressed.at, pressed.case_type) == ("jd", local(DAY, "09:00"), "aftersale")
    (refused,) = audit(live, "case_refused")
    assert (refused.subject, json.loads(refused.detail)["offered"]) == ("jd", local(DAY, "09:00").isoformat())

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
    ((label, data),) = buttons(offer)
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
