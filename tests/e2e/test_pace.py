"""Telegram's group limit in play: 20 writes a minute into one group, and 429 with retry_after past it.

The simulated server enforces the limit here (LiveBot(group_limit=True)), and the bot paces itself:
every press is answered at once, the live console catches up by itself, and a private chat never
waits behind the group.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from bot.console import callbacks as cb
from bot.console.board import lines
from bot.sandbox.live import LiveBot
from tests.factories import team_config

pytestmark = pytest.mark.e2e


@pytest.fixture
async def paced(database_url, clock):
    async with LiveBot(team_config(database_url), clock, group_limit=True) as bot:
        yield bot


def holder_line(live: LiveBot, label: str = "京东旗舰店") -> str:
    return next(line for line in live.console()["text"].splitlines() if line.startswith(f"• {label}"))


async def open_board(live: LiveBot, user: dict) -> dict:
    await live.say(user, "/console")
    await live.sandbox.wait_for(lambda sb: any(m.get("reply_markup") for m in sb.messages(live.group["id"])), timeout=10)
    return live.console()


async def test_a_typed_on_updates_the_live_console_in_place(paced):
    wang, li = paced.user(101, "王芳"), paced.user(102, "李雷")
    board = await open_board(paced, wang)
    await paced.say(li, "/on jd")
    await paced.sandbox.wait_for(lambda _: "李雷" in holder_line(paced), timeout=10)
    assert paced.console()["message_id"] == board["message_id"], "the same message, edited"
    await paced.say(li, "/off")
    await paced.sandbox.wait_for(lambda _: holder_line(paced) == "• 京东旗舰店：无人接管", timeout=10)
    assert paced.sandbox.flood.refused == 0


async def test_a_case_logged_by_one_agent_leaves_the_console_usable_for_the_others(paced):
    wang, li = paced.user(101, "王芳"), paced.user(102, "李雷")
    board = await open_board(paced, wang)
    await paced.press(wang, board, LiveBot.button(board, cb.Press(cb.TAKE, "jd")))
    await paced.sandbox.wait_for(lambda _: "王芳" in holder_line(paced), timeout=10)
    logged = await paced.press(wang, paced.console(), cb.encode(cb.Press(cb.CASE_TYPE, "jd", "presale")))
    assert logged.toasts() == ["已记录：售前"]
    board = paced.console()
    assert [b["text"] for b in board["reply_markup"]["inline_keyboard"][0]] == ["接管 京东旗舰店", "交出 京东旗舰店"], (
        "still everyone's console"
    )
    took = await paced.press(li, board, LiveBot.button(board, cb.Press(cb.TAKE, "jd")))
    assert took.toasts() == ["已接管 京东旗舰店"]
    await paced.sandbox.wait_for(lambda _: "李雷" in holder_line(paced), timeout=10)


async def test_fifty_presses_in_a_second_end_with_the_console_showing_the_final_state(paced):
    team = [paced.user(200 + i, f"坐席{i}") for i in range(5)]
    board = await open_board(paced, team[0])
    before = len(paced.sandbox.callback_answers)
    for i in range(50):
        # What each presser saw: the console as it was drawn when the burst began.
        paced.sandbox.forge_press(
            board,
            team[i % 5],
            LiveBot.button(board, cb.Press(cb.TAKE, "jd")) if i < 5 else cb.encode(cb.Press(cb.TAKE, "jd", seen_hold=i // 5)),
        )
    await paced.sandbox.wait_for(lambda sb: len(sb.callback_answers) - before == 50, timeout=30)
    (jd, _vip) = paced.baton.read(lines)
    assert jd.holder is not None
    await paced.sandbox.wait_for(lambda _: jd.holder in holder_line(paced), timeout=10)
    assert paced.sandbox.flood.refused == 0, "the bot kept under the limit by itself"
    assert paced.sandbox.flood.busiest_window(paced.group["id"]) <= 20


async def test_a_private_command_is_answered_while_the_groups_budget_is_spent(paced):
    wang, li = paced.user(101, "王芳"), paced.user(102, "李雷")
    board = await open_board(paced, wang)
    paced.sandbox.flood.spend(paced.group["id"])  # a burst from elsewhere: no group write for a minute
    await paced.say(wang, "/on jd")  # its answer and the console's edit now wait for the group's budget
    took = await paced.press(li, board, LiveBot.button(board, cb.Press(cb.TAKE, "vip")))
    assert took.toasts() == ["已接管 唯品会店"], "a press is answered at once, whatever the group's budget"
    private = paced.sandbox.private_chat(li)
    started = time.perf_counter()
    answered = await paced.say(li, "/help", chat=private)
    waited = time.perf_counter() - started
    assert answered.sent() and answered.sent()[0].params["chat_id"] == li["id"]
    assert waited < 2.0, f"a private /help waited {waited:.2f} s behind the group"
    group_writes = [
        c for c in paced.sandbox.calls if c.method in ("sendMessage", "editMessageText") and c.params.get("chat_id") == paced.group["id"]
    ]
    assert paced.sandbox.flood.refused <= 1, "after one 429 the bot waits as long as Telegram asked"
    assert len(group_writes) <= 2


async def test_an_off_typed_while_ones_take_over_press_waits_in_the_writer_hands_off_after_it(paced):
    """A presser's next update starts once their press is handed to the writer, before it commits:
    whatever that update writes still comes after the press (on PostgreSQL too, where other
    commands have writers of their own)."""
    wang = paced.user(101, "王芳")
    board = await open_board(paced, wang)
    press_lane = threading.Event()
    paced.baton.press_lane.executor.submit(press_lane.wait, 30)  # busy: the press waits behind this
    try:
        paced.sandbox.forge_press(board, wang, LiveBot.button(board, cb.Press(cb.TAKE, "jd")))
        press = paced.sandbox.last_update["update_id"]
        paced.sandbox.send_message(paced.group, wang, "/off")
        off = paced.sandbox.last_update["update_id"]
        with pytest.raises(AssertionError):
            # Answered now, /off would be answered before the take-over it follows was made.
            await paced.sandbox.wait_for(lambda _: paced.handled(off), timeout=1.0)
    finally:
        press_lane.set()
    await paced.sandbox.wait_for(lambda _: paced.handled(press) and paced.handled(off), timeout=10)
    (jd, _vip) = paced.baton.read(lines)
    assert jd.holder is None, "taken over, then handed off: in the order she did it"
    now = paced.baton.clock.now()
    held = paced.baton.read(lambda uow: uow.holds.between(now - timedelta(hours=1), now + timedelta(seconds=1)))
    assert [(h.account, h.end is not None) for h in held] == [("jd", True)]


async def test_a_private_help_is_answered_while_the_last_ones_record_waits_behind_the_writer(paced):
    """An update that wrote nothing is remembered in the writer's queue, behind every press queued
    before it: the sender's next update does not wait for that."""
    li = paced.user(102, "李雷")
    private = paced.sandbox.private_chat(li)
    await paced.say(li, "/help", chat=private)  # registered: what follows only needs remembering
    writer = threading.Event()
    paced.baton.writer.submit(writer.wait, 30)  # a writer as busy as a burst makes it
    try:
        for _ in range(3):
            paced.sandbox.send_message(private, li, "/help")
        await paced.sandbox.wait_for(lambda sb: len(sb.messages(private["id"])) == 4, timeout=5)
    finally:
        writer.set()
