"""Exactly once, through the real Application: redeliveries across restarts, one winner per take-over, digests."""

from datetime import date

import pytest
from sqlalchemy import delete, select
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.console import callbacks as cb
from bot.console.board import lines
from bot.console.service import log_case, take_over_account
from bot.core.errors import Duplicate, Refused
from bot.core.person import Person
from bot.digest.jobs import catch_up, daily_digest_job
from bot.sandbox.live import LiveBot
from bot.telegram.buttons import MAX_BYTES
from bot.telegram.outbox import in_doubt, periodic_key, retry_job_name
from domain.clock import ManualClock
from storage.db import reading, transaction
from storage.models import AuditRow, CaseRow, HoldRow, OutboxRow, ProcessedUpdate
from storage.uow import Tables
from tests.e2e.test_schedule import JobContext
from tests.factories import act, local, team_config

pytestmark = pytest.mark.e2e

DAY = date(2026, 11, 2)


def rows(live, model) -> list:
    with reading(live.baton.engine) as session:
        return list(session.execute(select(model)).scalars())


def take_button(console: dict, account: str = "jd") -> str:
    return LiveBot.button(console, cb.Press(cb.TAKE, account))


def digest_claims(live) -> list[OutboxRow]:
    return [row for row in rows(live, OutboxRow) if row.kind == "daily"]


def digests_shown(live) -> list[str]:
    return [m["text"] for m in live.sandbox.messages(live.group["id"]) if m["text"].startswith("📊")]


# -- each update once, across restarts ------------------------------------------------------------


async def redelivered_unanswered(live, update: dict) -> None:
    again = await live.redeliver(update, live.user(103, "张伟"))
    (only,) = again.texts()
    assert only.startswith("Baton 指令"), "only the /help behind it is answered"
    assert again.toasts() == [] and again.edits() == []


async def test_a_press_redelivered_after_a_restart_has_no_second_effect_and_no_second_reply(database_url):
    config = team_config(database_url)
    clock = ManualClock(local("2026-11-02", "09:00"))
    async with LiveBot(config, clock) as first_run:
        wang = first_run.user(101, "王芳")
        await first_run.say(wang, "/console")
        took = await first_run.press(wang, first_run.console(), take_button(first_run.console()))
        assert took.toasts() == ["已接管 京东旗舰店"]
        press = first_run.sandbox.last_update

    clock.set(local("2026-11-02", "09:05"))
    async with LiveBot(config, clock) as second_run:  # same database, a new Application and a new server
        await redelivered_unanswered(second_run, press)
        (hold,) = rows(second_run, HoldRow)
        assert (hold.update_id, hold.ended_at) == (press["update_id"], None)


async def test_a_case_redelivered_after_its_record_was_lost_is_stopped_by_the_unique_update_id(database_url):
    config = team_config(database_url)
    clock = ManualClock(local("2026-11-02", "09:00"))
    async with LiveBot(config, clock) as first_run:
        wang = first_run.user(101, "王芳")
        await first_run.say(wang, "/on jd")
        logged = await first_run.say(wang, "/case 咨询 JD001")
        assert logged.texts() == ["📝 王芳 在 京东旗舰店 记录了 1 个咨询案例"]
        case_update = first_run.sandbox.last_update
        with transaction(first_run.baton.engine) as session:  # something went wrong: the record is gone
            session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.update_id == case_update["update_id"]))

    async with LiveBot(config, clock) as second_run:
        await redelivered_unanswered(second_run, case_update)
        (case,) = rows(second_run, CaseRow)
        assert case.update_id == case_update["update_id"]
        assert second_run.baton.seen(case_update["update_id"]), "remembered again, so the next redelivery stops early"


async def test_a_refusal_is_remembered_by_the_command_itself_so_a_crash_cannot_turn_it_into_a_success(live):
    """Killed after the refusal's reply but before the last handler group ran, the bot gets the update again.

    Had the refusal not been remembered inside the command, the redelivered /case would now succeed,
    behind the refusal its sender already read.
    """
    wang = Person(tg_user_id=101, name="王芳")
    with pytest.raises(Refused):
        act(live.baton, wang, log_case, None, "consult", note="JD404", update_id=9_001)
    assert live.baton.seen(9_001)

    act(live.baton, wang, take_over_account, "jd", update_id=9_002)
    with pytest.raises(Duplicate):
        act(live.baton, wang, log_case, None, "consult", note="JD404", update_id=9_001)
    assert rows(live, CaseRow) == []


# -- one winner -------------------------------------------------------------------------------------


async def test_twenty_people_pressing_one_take_over_button_make_one_holder(live, clock):
    clock.set(local("2026-11-02", "09:00"))
    team = [live.user(500 + i, f"坐席{i:02d}") for i in range(20)]
    await live.say(team[0], "/console")
    console = live.console()
    data = take_button(console)
    assert data == "t:jd:0"
    before = len(live.sandbox.calls)
    # All twenty taps arrive before the bot handles any: nothing yields to the event loop in between.
    pressed_by = {live.sandbox.press_button(console, person, data): person["first_name"] for person in team}
    await live.sandbox.wait_for(lambda sb: len(sb.callback_answers) == 20, timeout=30)
    await live.settled()

    calls = [c for c in live.sandbox.calls[before:] if c.method != "getUpdates"]
    assert [c for c in calls if c.method == "sendMessage"] == [], "the group hears no announcement per press"
    answers = [(a.text, a.show_alert) for a in live.sandbox.callback_answers]
    assert answers.count(("已接管 京东旗舰店", False)) == 1
    # Whichever commits first holds it: on PostgreSQL several writers race, and any of the twenty may win.
    (winner,) = [pressed_by[a.query_id] for a in live.sandbox.callback_answers if a.text == "已接管 京东旗舰店"]
    assert f"• 京东旗舰店：{winner} " in live.console()["text"]
    assert answers.count((f"京东旗舰店 现在由 {winner} 接管，未做更改", True)) == 19
    open_holds = [h for h in rows(live, HoldRow) if h.ended_at is None]
    assert len(open_holds) == 1 and len(rows(live, HoldRow)) == 1
    assert [r.action for r in rows(live, AuditRow)].count("take_over") == 1


async def test_one_persons_presses_arriving_together_take_effect_in_the_order_pressed(live, clock):
    """Take over, log a case, hand off, four times over: all twelve arrive before the bot handles any,
    and each commits after the one before it (the sender's lane lets the next in once this one is
    queued to commit): out of order, a case or a hand-off would meet a free account and be refused."""
    clock.set(local("2026-11-02", "09:00"))
    wang = live.user(101, "王芳")
    await live.say(wang, "/console")
    console = live.console()
    before = len(live.sandbox.callback_answers)
    presses = [cb.Press(cb.TAKE, "jd", seen_hold=0), cb.Press(cb.CASE_TYPE, "jd", "consult"), cb.Press(cb.HAND_OFF, "jd")]
    for _round in range(4):
        for press in presses:
            live.sandbox.forge_press(console, wang, cb.encode(press))
    await live.sandbox.wait_for(lambda sb: len(sb.callback_answers) == before + 12, timeout=30)
    await live.settled()
    assert [a.show_alert for a in live.sandbox.callback_answers[before:]] == [False] * 12, "no press met a state out of its order"
    held = rows(live, HoldRow)
    assert len(held) == 4 and all(h.ended_at is not None for h in held)
    assert [c.agent_id for c in rows(live, CaseRow)] == [held[0].agent_id] * 4


async def test_a_console_drawn_before_someone_else_took_over_refuses_with_the_new_holders_name(live, clock):
    wang, li, zhang = live.user(101, "王芳"), live.user(102, "李雷"), live.user(103, "张伟")
    await live.say(wang, "/console")
    await live.press(wang, live.console(), take_button(live.console()))
    drawn = live.console()  # shows 王芳 holding
    clock.set(local("2026-11-02", "10:00"))
    assert (await live.say(li, "/on jd")).texts() == ["🔁 李雷 从 王芳 接管了 京东旗舰店"]

    # The live console is edited at once; a press still on its way carries what the presser saw.
    refused = await live.press_as_seen(zhang, drawn, take_button(drawn))
    assert refused.toasts() == ["京东旗舰店 现在由 李雷 接管，未做更改"] and refused.texts() == []
    own = await live.press_as_seen(li, drawn, take_button(drawn))
    assert own.toasts() == ["你已经在接管 京东旗舰店"]
    assert console_holder(live) == "李雷"


def console_holder(live) -> str:
    (holder,) = [line.holder for line in live.baton.read(lines) if line.account == "jd"]
    return holder


@pytest.mark.sends_foreign_text  # the test itself posts an old console, as an older Baton wrote it
async def test_a_take_over_button_of_the_previous_format_is_refused_as_stale(live):
    wang = live.user(101, "王芳")
    old = InlineKeyboardMarkup([[InlineKeyboardButton("接管 京东旗舰店", callback_data="t:jd")]])
    sent = await live.application.bot.send_message(live.group["id"], "🎛 客服一组 账号控制台", reply_markup=old)
    reaction = await live.press(wang, live.message(sent.message_id), "t:jd")
    assert reaction.toasts() == ["这个按钮已过期，请发送 /console 获取新的控制台"]
    assert rows(live, HoldRow) == []


def test_take_over_data_carries_the_seen_hold_and_stays_short():
    longest = cb.encode(cb.Press(cb.TAKE, "k" * 24, seen_hold=2**63 - 1))
    assert len(longest.encode()) <= MAX_BYTES
    assert cb.decode(longest) == cb.Press(cb.TAKE, "k" * 24, seen_hold=2**63 - 1)
    assert cb.decode("t:jd:0") == cb.Press(cb.TAKE, "jd", seen_hold=0)
    assert [cb.decode(d) for d in ("t:jd", "t:jd:", "t:jd:-1", "t:jd:x", "t:jd:٣")] == [None] * 5
    with pytest.raises(ValueError):
        cb.encode(cb.Press(cb.TAKE, "jd"))


# -- digests at most once, never lost ----------------------------------------------------------------


async def test_a_digest_missed_while_the_bot_was_down_is_posted_once_on_start_up_marked_late(database_url):
    config = team_config(database_url)
    clock = ManualClock(local("2026-11-02", "09:00"))
    async with LiveBot(config, clock) as before_downtime:
        await before_downtime.say(before_downtime.user(101, "王芳"), "/on jd")

    clock.set(local("2026-11-02", "23:10"))  # the bot was down at 22:00
    async with LiveBot(config, clock, jobs=True) as restarted:
        # The start-up catch-up job posts it, on the real job queue.
        await restarted.sandbox.wait_for(lambda _: digests_shown(restarted) and not in_doubt(restarted.baton, ("daily",)), timeout=15)
        (posted,) = digests_shown(restarted)
        assert posted.splitlines()[0] == "📊 客服一组 日报 · 2026年11月2日"
        assert posted.splitlines()[-1] == "⏰ 补发：到点时机器人未在运行"
        (claim,) = digest_claims(restarted)
        assert claim.message_id == restarted.sandbox.last_message(restarted.group["id"])["message_id"]

    clock.set(local("2026-11-02", "23:20"))
    async with LiveBot(config, clock) as restarted_again:
        await catch_up(JobContext(restarted_again.application))
        assert digests_shown(restarted_again) == []
        assert len(digest_claims(restarted_again)) == 1


async def test_a_digest_whose_send_failed_is_retried_and_posted_once(live, clock):
    await live.say(live.user(101, "王芳"), "/on jd")
    clock.set(local("2026-11-02", "22:00"))
    live.sandbox.fail_next("sendMessage", 502, "Bad Gateway")

    await daily_digest_job(JobContext(live.application))
    assert digests_shown(live) == []
    assert [(c.state, c.message_id) for c in digest_claims(live)] == [("owed", None)], "refused, so it is owed again, not in doubt"
    (retry,) = live.application.job_queue.get_jobs_by_name(retry_job_name("daily", "2026-11-02"))
    assert retry.data.attempt == 2

    await retry.run(live.application)
    retry.schedule_removal()
    (posted,) = digests_shown(live)
    assert posted.splitlines()[0] == "📊 客服一组 日报 · 2026年11月2日"
    assert "补发" not in posted, "a retry a minute later is not a late digest"
    (claim,) = digest_claims(live)
    assert (claim.state, claim.message_id) == ("sent", live.sandbox.last_message(live.group["id"])["message_id"])

    await daily_digest_job(JobContext(live.application))
    await catch_up(JobContext(live.application))
    assert len(digests_shown(live)) == 1
    assert live.application.job_queue.get_jobs_by_name(retry_job_name("daily", "2026-11-02")) == ()


async def test_a_claim_left_by_a_crash_mid_send_is_never_posted_and_is_listed(live, clock):
    await live.say(live.user(101, "王芳"), "/on jd")
    clock.set(local("2026-11-02", "22:30"))
    chat = live.config.team.chat_id
    with transaction(live.baton.engine) as session:  # claimed, then the process died before the send
        Tables(session).outbox.claim("daily", periodic_key(DAY.isoformat(), chat), clock.now(), chat_id=chat, text="…")

    await catch_up(JobContext(live.application))
    await daily_digest_job(JobContext(live.application))
    assert digests_shown(live) == []
    assert [(c.kind, c.key, c.message_id) for c in in_doubt(live.baton, ("daily",))] == [("daily", f"2026-11-02@{chat}", None)]


def test_only_a_timeout_after_connecting_counts_as_a_send_that_may_have_arrived():
    import aiohttp
    from telegram.error import NetworkError, TimedOut

    from bot.telegram.bot import may_have_arrived

    def raised(error, cause):
        error.__cause__ = cause
        return error

    assert may_have_arrived(raised(TimedOut(), aiohttp.SocketTimeoutError("read")))
    assert may_have_arrived(raised(TimedOut(), TimeoutError()))  # the whole request's time ran out
    assert not may_have_arrived(raised(TimedOut(), aiohttp.ConnectionTimeoutError("pool or connect")))
    assert not may_have_arrived(NetworkError("Bad Gateway"))
