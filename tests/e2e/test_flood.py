"""Per-person fairness under Telegram's group limit: one person's flood delays nobody else.

The simulated server enforces 20 writes a minute into the group (LiveBot(group_limit=True)) and
the bot paces itself. A flooder gets their allowance (5 at once, 20 a minute), one notice and
then silence; a /console repeated within 30 s posts no new console; everyone else's commands
are answered within a second, in the group and in private.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from bot.sandbox.live import LiveBot, shown
from tests.factories import team_config

pytestmark = pytest.mark.e2e

FAIR = {"commands_per_minute": 20, "command_burst": 5, "presses_per_minute": 120, "press_burst": 20, "console_repeat_seconds": 30}
SLOW_DOWN = "⏳ 请慢一点：你发送得太快了。"


@pytest.fixture
async def paced(database_url, clock):
    async with LiveBot(team_config(database_url, fairness=FAIR), clock, group_limit=True, timeout=30) as bot:
        yield bot


def texts_in(live: LiveBot, chat_id: int) -> list[str]:
    return [shown(c) for c in live.sandbox.calls if c.method == "sendMessage" and c.params.get("chat_id") == chat_id]


async def answered_within(live: LiveBot, chat_id: int, send: Callable[[], object], starts: str) -> float:
    """Seconds from sending until the bot's answer starting with `starts` reaches `chat_id`."""
    before = sum(1 for t in texts_in(live, chat_id) if t.startswith(starts))
    started = time.perf_counter()
    send()
    await live.sandbox.wait_for(lambda _: sum(1 for t in texts_in(live, chat_id) if t.startswith(starts)) > before, timeout=30)
    return time.perf_counter() - started


async def others_wait(live: LiveBot) -> tuple[float, float]:
    """How long another member waits for /standings in the group, and another for /me in private."""
    li, zhao = live.user(102, "李雷"), live.user(103, "赵敏")
    group = live.group["id"]
    standings = await answered_within(live, group, lambda: live.sandbox.send_message(live.group, li, "/standings"), "🏆")
    private = live.sandbox.private_chat(zhao)
    me = await answered_within(live, zhao["id"], lambda: live.sandbox.send_message(private, zhao, "/me"), "")
    return standings, me


def tokens_back(since: float, per_minute: int) -> int:
    """How many tokens came back since `since`: a slow machine takes longer over a flood."""
    return int((time.perf_counter() - since) * per_minute / 60)


def notices_allowed(since: float, per_minute: int, burst: int) -> int:
    """One notice per flood; a machine so slow that the bucket filled again meanwhile saw two floods."""
    return 1 + tokens_back(since, per_minute) // burst


async def test_five_hundred_consoles_from_one_member_delay_nobody_else(paced):
    flooder = paced.user(150, "刷屏者")
    group = paced.group["id"]
    started = time.perf_counter()
    for _ in range(500):
        paced.sandbox.send_message(paced.group, flooder, "/console")
    last_console = paced.sandbox.last_update["update_id"]
    await paced.sandbox.wait_for(lambda _: paced.handled(last_console), timeout=120)
    allowed = notices_allowed(started, FAIR["commands_per_minute"], FAIR["command_burst"])
    standings, me = await others_wait(paced)
    assert standings < 1.0, f"/standings in the group waited {standings:.2f} s behind the flood"
    assert me < 1.0, f"a private /me waited {me:.2f} s behind the flood"
    await paced.sandbox.wait_for(lambda _: any(t.startswith(SLOW_DOWN) for t in texts_in(paced, group)), timeout=30)
    assert sum(t.startswith(SLOW_DOWN) for t in texts_in(paced, group)) <= allowed, "one notice, then silence"
    consoles = [m for m in paced.sandbox.messages(group) if m.get("reply_markup")]
    assert len(consoles) == 1, "a console repeated within seconds posts no new one"
    assert paced.sandbox.flood.refused == 0


async def test_two_hundred_thanks_from_one_member_delay_nobody_else(paced):
    flooder, wang = paced.user(150, "刷屏者"), paced.user(101, "王芳", username="wangfang")
    await paced.say(wang, "/help")
    started = time.perf_counter()
    for _ in range(200):
        paced.sandbox.send_message(paced.group, flooder, "/thanks @wangfang 谢谢")
    last_thanks = paced.sandbox.last_update["update_id"]
    await paced.sandbox.wait_for(lambda _: paced.handled(last_thanks), timeout=120)
    allowed = notices_allowed(started, FAIR["commands_per_minute"], FAIR["command_burst"])
    standings, me = await others_wait(paced)
    assert standings < 1.0, f"/standings in the group waited {standings:.2f} s behind the flood"
    assert me < 1.0, f"a private /me waited {me:.2f} s behind the flood"
    with paced.baton.reading() as uow:
        assert uow.updates.seen(last_thanks) is False, "past the allowance: no database work"
    group = paced.group["id"]
    await paced.sandbox.wait_for(lambda _: any(t.startswith(SLOW_DOWN) for t in texts_in(paced, group)), timeout=30)
    assert sum(t.startswith(SLOW_DOWN) for t in texts_in(paced, group)) <= allowed, "one notice, then silence"
    assert paced.sandbox.flood.refused == 0


async def test_a_flood_of_presses_gets_one_notice_toast_and_every_press_is_answered(paced):
    flooder = paced.user(150, "刷屏者")
    await paced.say(flooder, "/console")
    await paced.sandbox.wait_for(lambda sb: any(m.get("reply_markup") for m in sb.messages(paced.group["id"])), timeout=10)
    board = paced.console()
    before, started = len(paced.sandbox.callback_answers), time.perf_counter()
    for _ in range(60):
        paced.sandbox.forge_press(board, flooder, "h:jd")
    await paced.sandbox.wait_for(lambda sb: len(sb.callback_answers) - before == 60, timeout=30)
    back = tokens_back(started, FAIR["presses_per_minute"])
    toasts = [a.text or "" for a in paced.sandbox.callback_answers[before:]]
    notices = sum(t.startswith(SLOW_DOWN) for t in toasts)
    assert 1 <= notices <= notices_allowed(started, FAIR["presses_per_minute"], FAIR["press_burst"])
    handled = sum(1 for t in toasts if t and not t.startswith(SLOW_DOWN))
    assert handled <= FAIR["press_burst"] + back, "the rest reached no use case"
    assert toasts.count("") == 60 - handled - notices, "after the notice, silence: an empty answer"
