"""Dates, months, weeks and amounts at the edges, and a forged Confirm, over the simulated Bot API (issue 15)."""

from datetime import date

import pytest

from tests.e2e.test_month_close import confirm_button, latest_close, work_october
from tests.factories import SUPERVISOR_ID, local

pytestmark = pytest.mark.e2e

OUTSIDE = {
    "zh": "“{value}”超出可用日期范围：请使用 2000 年至 2100 年之间的日期，未做任何更改",
    "en": "“{value}” is outside the dates I keep: use a date from 2000 to 2100, nothing was changed",
}


async def a_team(live):
    wang = live.user(101, "王芳", username="wangfang")
    boss = live.user(SUPERVISOR_ID, "主管", username="boss", language_code="en")
    await live.say(wang, "/help")  # registers 王芳
    return wang, boss


@pytest.mark.parametrize(
    "command, value",
    [
        ("/stats 9999-12-31", "9999-12-31"),
        ("/stats 0001-01-01", "0001-01-01"),
        ("/stats 0001-01", "0001-01"),
        ("/gaps 9999-12-31", "9999-12-31"),
        ("/gaps 0001-01-01", "0001-01-01"),
        ("/roster 9999-W52", "9999-W52"),
        ("/roster 0001-01-01", "0001-01-01"),
        ("/assign jd 0001-01-01 10:00 11:00 @wangfang", "0001-01-01"),
        ("/assign jd 9999-12-31 10:00 11:00 @wangfang", "9999-12-31"),
        ("/shift @wangfang jd 1-5 09:00-18:00 from 9999-12-31", "9999-12-31"),
        ("/shift @wangfang jd 1-5 09:00-18:00 to 9999-12-31", "9999-12-31"),
        ("/shift @wangfang jd off from 0001-01-01", "0001-01-01"),
        ("/swap 9999-12-31 jd @wangfang", "9999-12-31"),
        ("/why @wangfang 0001-01", "0001-01"),
        ("/close_month 0001-01 1000", "0001-01"),
        ("/adjust @wangfang +1 0001-01 typo", "0001-01"),
        ("/reopen_month 9999-12 typo", "9999-12"),
        ("/set_weight cases 2 from 9999-12-31", "9999-12-31"),
    ],
)
@pytest.mark.parametrize("where", ["group", "private"])
async def test_a_date_outside_the_calendar_is_refused_in_the_askers_language(live, command, value, where):
    _wang, boss = await a_team(live)
    chat, lang = (None, "zh") if where == "group" else (live.sandbox.private_chat(boss), "en")
    answers = (await live.say(boss, command, chat=chat)).texts()
    assert answers == [OUTSIDE[lang].format(value=value)]


async def test_me_for_year_one_is_refused_in_the_agents_language(live):
    wang, _boss = await a_team(live)
    english = live.user(102, "Li", username="lilei", language_code="en")
    for who, lang in ((wang, "zh"), (english, "en")):
        answers = (await live.say(who, "/me 0001-01", chat=live.sandbox.private_chat(who))).texts()
        assert answers == [OUTSIDE[lang].format(value="0001-01")]


async def test_nothing_outside_the_calendar_was_written(live):
    _wang, boss = await a_team(live)
    await live.say(boss, "/adjust @wangfang +1 0001-01 typo")
    await live.say(boss, "/shift @wangfang jd 1-5 09:00-18:00 from 9999-12-31")
    assert live.baton.read(lambda uow: uow.ledger.between(date.min, date.max)) == []
    assert [row.action for row in live.baton.read(lambda uow: uow.audit.all())] == []


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("+0.0000001", None),
        ("-0.004", None),
        ("+1.234", "+1.23"),
        ("-0.005", "-0.01"),
        ("+2.5", "+2.5"),
        ("+7", "+7"),
        ("+1000.004", "+1000"),
        ("+1000.005", None),
        ("-" + "9" * 400, None),
    ],
)
async def test_adjust_amounts_are_rounded_to_what_is_shown(live, clock, typed, shown):
    _wang, boss = await a_team(live)
    clock.set(local("2026-11-02", "12:00"))
    answers = (await live.say(boss, f"/adjust @wangfang {typed} 补录")).texts()
    if shown is None:
        assert answers == ["分数必须非零，且绝对值不超过 1000"]
    else:
        assert answers == [f"⚖️ 主管 调整了 王芳 的积分 {shown}（2026-11）：补录"]
    assert "e-" not in answers[0]


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


@pytest.mark.parametrize("pool", ["1000000000", "999999999.999", "-5"])
async def test_a_pool_beyond_integer_cents_or_a_billion_yuan_gets_the_usage(live, clock, pool):
    _wang, boss = await a_team(live)
    answers = (await live.say(boss, f"/close_month 2026-10 {pool}")).texts()
    assert answers == [live.parts.team.t("usage.close_month").replace("&lt;", "<").replace("&gt;", ">")]


@pytest.mark.parametrize(
    "typed, heading", [("2000-01-01", "📅 排班 1999-W52（12-27 至 01-02"), ("2100-12-31", "📅 排班 2100-W52（12-27 至 01-02")]
)
async def test_a_week_that_reaches_into_the_calendar_is_shown(live, typed, heading):
    wang, _boss = await a_team(live)
    (answer,) = (await live.say(wang, f"/roster {typed}")).texts()
    assert answer.startswith(heading)
