"""The reminders' use cases in the domain's words: who is asked what, and what each answer does to the hold."""

from __future__ import annotations

import json

import pytest

from bot.console.service import log_case, take_over_account
from bot.core.errors import Refused
from bot.reminders.answers import clock_off, clock_off_typed, hand_off_now, still_on
from bot.reminders.parse import parse_wall_time
from bot.reminders.service import (
    AUTO_CLOSED,
    CLOCK_OFF,
    LONG_HOLD,
    OBSOLETE,
    UNATTENDED,
    AutoClosedHold,
    ClockOffQuestion,
    auto_close,
    claim,
    due_now,
    take_again,
    unanswered_questions,
)
from tests.factories import act, local


def ask(baton) -> dict[str, int]:
    """One checks run's claims: the outbox id of each notice due now, by kind."""
    return {due.kind: baton.run(claim, due) for due in baton.read(due_now).notices}


def the_hold(baton):
    (hold,) = baton.read(lambda uow: uow.holds.between(local("2026-11-01", "00:00"), local("2026-11-05", "00:00")))
    return hold


def test_a_long_hold_asks_its_holder_once_and_only_they_may_answer(baton, clock, wang, li):
    clock.set(local("2026-11-02", "08:30"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "18:40"))
    (due,) = baton.read(due_now).notices
    assert (due.kind, due.chat_id) == (LONG_HOLD, wang.tg_user_id)
    asked = ask(baton)[LONG_HOLD]
    assert ask(baton) == {LONG_HOLD: None}, "claimed once: a second run tells nobody twice"

    with pytest.raises(Refused) as refused:
        act(baton, li, still_on, asked)
    assert refused.value.code == "reminder_not_yours"
    assert act(baton, wang, still_on, asked).ended_at is None
    assert the_hold(baton).is_open
    with pytest.raises(Refused) as again:
        act(baton, wang, hand_off_now, asked)
    assert again.value.code == "reminder_answered"


def test_hand_off_now_asks_when_they_left_and_just_now_ends_the_hold_at_that_answer(baton, clock, wang):
    clock.set(local("2026-11-02", "08:00"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "18:30"))
    asked = ask(baton)[LONG_HOLD]
    clock.set(local("2026-11-02", "19:05"))
    question = act(baton, wang, hand_off_now, asked)
    assert (question.notice_id, question.hold.account, question.activity.at) == (asked, "jd", local("2026-11-02", "08:00"))
    assert the_hold(baton).is_open, "the press ends nothing"
    clock.set(local("2026-11-02", "19:07"))
    answered = act(baton, wang, clock_off, asked, None)
    assert (answered.account, answered.ended_at) == ("jd", local("2026-11-02", "19:07"))
    assert the_hold(baton).end == local("2026-11-02", "19:07")
    (entry,) = [e for e in baton.read(lambda uow: uow.audit.all()) if e.action == "clock_off"]
    assert json.loads(entry.detail) == {
        "hold": the_hold(baton).id,
        "left_at": local("2026-11-02", "19:07").isoformat(),
        "how": "now",
        "via": LONG_HOLD,
    }


def forgot_to_clock_off(baton, clock, wang) -> None:
    """王芳 takes JD at 14:00, logs a case at 18:05, never hands off; asked since 23:30, the next morning has come."""
    clock.set(local("2026-11-02", "14:00"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "18:05"))
    act(baton, wang, log_case, None, "consult")
    clock.set(local("2026-11-03", "09:00"))


def test_the_overdue_question_offers_the_last_case_and_a_typed_time_closes_the_hold_there(baton, clock, wang):
    forgot_to_clock_off(baton, clock, wang)
    (due,) = baton.read(due_now).notices
    assert isinstance(due.subject, ClockOffQuestion)
    assert (due.subject.activity.at, due.subject.activity.source) == (local("2026-11-02", "18:05"), "case")
    ask(baton)

    with pytest.raises(Refused) as refused:
        act(baton, wang, clock_off_typed, parse_wall_time("13:00"))
    assert (refused.value.code, refused.value.params["start"]) == ("left_before_start", local("2026-11-02", "14:00"))
    assert act(baton, wang, clock_off_typed, parse_wall_time("18：30"), account="jd").ended_at == local("2026-11-02", "18:30")
    assert (the_hold(baton).end, the_hold(baton).is_open) == (local("2026-11-02", "18:30"), False)
    with pytest.raises(Refused) as nothing:
        act(baton, wang, clock_off_typed, parse_wall_time("18:30"))
    assert nothing.value.code == "left_nothing_asked"


def test_an_unanswered_question_closes_the_hold_at_its_last_activity_and_owes_its_holder_a_word(baton, clock, wang):
    forgot_to_clock_off(baton, clock, wang)
    ask(baton)
    (question,) = baton.read(unanswered_questions)
    clock.set(local("2026-11-03", "19:59"))
    assert baton.run(auto_close, question) is None, "not before auto_close_hours after the start"

    clock.set(local("2026-11-03", "20:00"))
    hold_id = baton.run(auto_close, question)
    with baton.reading() as uow:
        asked = uow.outbox.get(question)
        assert (asked.kind, asked.resolution) == (CLOCK_OFF, AUTO_CLOSED)
        (told,) = uow.outbox.owed((AUTO_CLOSED,))
        assert (told.hold_id, told.chat_id, told.state) == (hold_id, wang.tg_user_id, "owed")
    assert the_hold(baton).end == local("2026-11-02", "18:05")
    flagged = baton.read(lambda uow: uow.holds.auto_closed_between(local("2026-11-03", "00:00"), local("2026-11-04", "00:00")))
    assert [h.id for h in flagged] == [hold_id], "flagged for the digest's review"
    told, unattended = baton.read(due_now).notices
    assert (told.subject, told.chat_id) == (AutoClosedHold(the_hold(baton)), wang.tg_user_id)
    assert (unattended.kind, unattended.to_team, unattended.subject.gap.start) == (UNATTENDED, True, local("2026-11-03", "09:00"))
    assert baton.run(auto_close, question) is None, "closed once"


def test_a_refused_send_stays_owed_and_is_dropped_once_no_longer_true(baton, clock, wang):
    clock.set(local("2026-11-02", "08:00"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "18:30"))
    asked = ask(baton)[LONG_HOLD]
    baton.run(lambda uow: uow.outbox.failed(asked))  # Telegram refused it
    assert [n.id for n in baton.read(lambda uow: uow.outbox.owed((LONG_HOLD,)))] == [asked]
    assert baton.run(take_again, asked, True), "still true: taken for another send"
    baton.run(lambda uow: uow.outbox.failed(asked))
    assert not baton.run(take_again, asked, False)
    notice = baton.read(lambda uow: uow.outbox.get(asked))
    assert (notice.resolution, notice.state) == (OBSOLETE, "owed")
    assert baton.read(lambda uow: uow.outbox.owed((LONG_HOLD,))) == []
