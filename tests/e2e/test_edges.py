"""A forged Confirm, over the simulated Bot API (issue 15)."""

import pytest

from tests.e2e.test_month_close import confirm_button, latest_close, work_october
from tests.factories import local

pytestmark = pytest.mark.e2e


async def test_a_confirm_carrying_only_a_prefix_of_the_checksum_closes_nothing(live, clock):
    _wang, _li, _zhang, boss = await work_october(live, clock)
    clock.set(local("2026-11-02", "10:00"))
    await live.say(boss, "/close_month 2026-10 10000")
    preview = live.sandbox.last_message(live.group["id"])
    confirm, _cancel = confirm_button(preview)
    offered = confirm.rsplit(":", 1)[1]
    for forged in (f"mc:2026-10:1000000:{offered[:1]}", f"mc:2026-10:1000000:{offered[:11]}", f"mc:2026-10:1000000:{offered}0"):
        refused = await live.press_as_seen(boss, preview, forged)
        assert refused.toasts() == ["这个按钮已过期，请发送 /console 获取新的控制台"], forged
        assert latest_close(live, "2026-10") is None, forged
    done = await live.press(boss, preview, confirm)
    assert done.toasts() == ["2026-10 已结算"]
    assert latest_close(live, "2026-10").checksum.startswith(offered)
