"""The console's use cases in the domain's words: take over, hand off, log a case."""

from __future__ import annotations

import pytest

from bot.console.board import board_view, lines
from bot.console.service import TAKE, fresh_console, hand_off_account, log_case, press, take_over_account
from bot.core.errors import Duplicate, Refused
from tests.factories import act, local


def test_taking_over_a_held_account_is_a_handover_and_the_board_shows_the_new_holder(baton, clock, wang, li):
    clock.set(local("2026-11-02", "09:00"))
    first = act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "12:00"))
    second = act(baton, li, take_over_account, "jd")
    assert (first.previous, second.previous) == (None, "王芳")
    (jd, vip) = baton.read(lines)
    assert (jd.holder, jd.since, vip.holder) == ("李雷", local("2026-11-02", "12:00"), None)


def test_a_press_that_saw_another_holder_is_refused_with_who_holds_it_now(baton, clock, wang, li, boss):
    act(baton, wang, take_over_account, "jd")
    (seen, _) = baton.read(lines)
    act(baton, li, take_over_account, "jd")
    with pytest.raises(Refused) as refused:
        act(baton, boss, press, TAKE, "jd", seen_hold=seen.holder_hold_id)
    assert (refused.value.code, refused.value.params["name"]) == ("held_by_now", "李雷")


def test_only_the_holder_logs_cases_and_a_hand_off_frees_the_account(baton, clock, wang, li):
    act(baton, wang, take_over_account, "jd")
    with pytest.raises(Refused) as refused:
        act(baton, li, log_case, "jd", "consult")
    assert (refused.value.code, refused.value.params["name"]) == ("holder_only", "王芳")
    assert act(baton, wang, log_case, None, "presale", "JD123").account == "jd"
    assert act(baton, wang, hand_off_account).accounts == ("jd",)
    assert all(line.holder is None for line in baton.read(lines))


def test_the_same_update_twice_is_done_once(baton, wang):
    act(baton, wang, take_over_account, "jd", update_id=7)
    with pytest.raises(Duplicate):
        act(baton, wang, log_case, None, "consult", update_id=7)
    with baton.reading() as uow:
        assert uow.cases.between(local("2026-11-01", "00:00"), local("2026-11-03", "00:00")) == []


def test_a_refused_command_still_registers_its_sender_and_is_remembered(baton, li):
    with pytest.raises(Refused):
        act(baton, li, hand_off_account, update_id=8)
    assert baton.seen(8)
    assert baton.read(lambda uow: uow.agents.by_tg_id(li.tg_user_id)).name == "李雷"


def test_every_move_puts_the_live_console_behind_and_a_refusal_does_not(baton, clock, wang, li):
    team = baton.config.team.chat_id
    version = lambda: baton.read(lambda uow: uow.boards.get(team))  # noqa: E731
    assert version() is None
    act(baton, wang, fresh_console)
    asked = version()
    assert (asked.repost, asked.version) == (True, 1)
    act(baton, wang, take_over_account, "jd")
    act(baton, wang, log_case, None, "presale")
    assert version().version == 3
    with pytest.raises(Refused):
        act(baton, li, log_case, "jd", "consult")
    assert version().version == 3, "a refused press changed nothing the console shows"


def test_the_console_lists_the_latest_changes_oldest_first(baton, clock, wang, li):
    clock.set(local("2026-11-02", "09:00"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "09:30"))
    act(baton, wang, log_case, None, "aftersale")
    clock.set(local("2026-11-02", "12:00"))
    act(baton, li, take_over_account, "jd")
    clock.set(local("2026-11-02", "18:00"))
    act(baton, li, hand_off_account)
    changes = [(c.what, c.name, c.accounts, c.previous, c.case_type) for c in baton.read(board_view).changes]
    assert changes == [
        ("took", "王芳", ("jd",), None, None),
        ("case", "王芳", ("jd",), None, "aftersale"),
        ("took_from", "李雷", ("jd",), "王芳", None),
        ("handed_off", "李雷", ("jd",), None, None),
    ]
