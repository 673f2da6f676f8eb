"""Issue 14 item 7: the credit simulation (bench/credit.py), run small. Its figures must be sane:
perfect presses credit nearly every answered conversation to whoever answered it, and the loss
that human error causes is accounted for by the kinds of error the simulation made."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from bench.credit import FIRST_DAY, simulate
from bench.credit_people import (
    REACTIONS,
    Seen,
    accept_backdate_offer,
    answer_hand_back,
    answer_long_hold,
    confirm_claim,
    is_refusal,
    key_of,
)
from bench.credit_plan import CLAIM, CLAIM_MEMORY_MINUTES, PRESS, SAY, plan
from bench.credit_world import ACCOUNTS, AGENTS, ZONE, World, build_world
from bot.console import callbacks as ccb
from bot.covers import callbacks as cvcb
from bot.covers.parse import parse_claim
from bot.presence import callbacks as pcb
from bot.reminders import callbacks as rcb
from bot.text.i18n import t

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


@pytest.mark.e2e
async def test_two_days_of_credit_are_sane():
    result = await simulate(2, seed=3, moment="first_reply", log=lambda *_: None)

    assert result["answered"] > 600
    assert result["accuracy_perfect_presses"] >= 0.99, "perfect presses credit whoever answered"
    assert result["unattributed_perfect_presses"] <= 0.01
    assert result["accuracy_roster_only"] < result["accuracy_perfect_presses"]
    assert sum(result["error_events"].values()) > 0, "the erring world made no mistake, so it measured nothing"
    lost = result["accuracy_lost_by_kind"]
    assert sum(lost.values()) == pytest.approx(result["accuracy_perfect_presses"] - result["accuracy"], abs=2e-4)
    assert abs(lost["none"]) <= 0.01, "the loss is laid at the door of the mistakes made"
    moved = result["credit_moved_by_kind"]
    assert all(moved[kind] >= lost[kind] - 1e-4 for kind in lost), "credit lost by the true handler was moved"
    for figure in ("pool_moved_by_error", "pool_moved_equal_split", "pool_moved_roster_only"):
        assert 0 <= result[figure] <= 1
    assert sum(result["payouts_yuan"]["perfect"].values()) == pytest.approx(12_000, abs=6)


def test_the_truth_never_seats_one_person_twice_on_one_account_or_leaves_a_press_unplanned():
    world = build_world(FIRST_DAY, 7, random.Random(5))
    for account in ACCOUNTS:
        stints = world.stints[account]
        assert all(a.end <= b.start for a, b in pairwise(stints)), "one keyboard, one person at a time"
    assert {s.agent for stints in world.stints.values() for s in stints} <= set(AGENTS)
    perfect, erring = plan(world, 5, errors=False), plan(world, 5, errors=True)
    assert not perfect.errors and erring.errors
    arrivals = sum(1 for c in world.changes if c.kind == "arrive")
    assert sum(1 for a in perfect.acts if a.do == "take") >= arrivals


def test_the_people_react_to_the_bots_questions_by_their_kind_and_to_a_refused_case_by_its_words():
    assert key_of(Seen(101, 101, NOW, "…", kind="clock_off")) == "notice:clock_off"
    refused = t("zh", "error.holder_only", name="王芳")
    assert key_of(Seen(101, -1, NOW, refused)) == "text:error.holder_only" and is_refusal(refused)
    assert key_of(Seen(101, -1, NOW, "已接管 京东旗舰店")) is None
    offer = ccb.encode_backdate(ccb.BackdatePress(1, "jd", 7, NOW))
    assert key_of(Seen(101, -1, NOW, "…", buttons=(("接管", offer),))) == "button:bk:"
    assert {
        "notice:clock_off",
        "notice:long_hold",
        "notice:late_start",
        "notice:hand_back",
        "button:bk:",
        "text:error.holder_only",
        "button:cv:",
    } <= set(REACTIONS)


class _Knows:
    def __init__(self, world: World) -> None:
        self.world = world

    def holding(self, agent: int) -> set[str]:
        return set()

    def holder_of_hold(self, hold_id: int) -> int:
        return 100 + hold_id


def _reactions(reaction, seen: Seen, world: World) -> list:
    return [act for seed in range(40) for act in reaction(seen, _Knows(world), random.Random(seed))]


def test_the_new_prompts_are_answered_only_by_who_truly_sits_where_the_answer_says():
    world = build_world(FIRST_DAY, 3, random.Random(5))
    stint = world.stints["jd"][3]
    mid = stint.start + (stint.end - stint.start) / 2
    elsewhere = next(a for a in AGENTS if a != stint.agent and world.at_keyboard("jd", mid) != a)
    message = {"message_id": 1, "chat": {"id": stint.agent}}

    offer = ccb.encode_backdate(ccb.BackdatePress(1, "jd", 7, mid))
    offered = Seen(stint.agent, -1, mid, "…", message, (("接管", offer),), account="jd")
    pressed = _reactions(accept_backdate_offer, offered, world)
    assert pressed and {(a.do, a.data) for a in pressed} == {(PRESS, offer)}, "seated: the offer is tapped, at a rate"
    assert len(pressed) < 40, "but not by everyone"
    assert not _reactions(accept_backdate_offer, Seen(elsewhere, -1, mid, "…", message, (("接管", offer),), account="jd"), world)

    take_back = pcb.encode(pcb.PresencePress(pcb.TAKE_BACK, 9))
    hand_back = pcb.encode(pcb.PresencePress(pcb.HAND_BACK, 9))
    assert _reactions(
        answer_hand_back, Seen(stint.agent, stint.agent, mid, "…", message, (("x", take_back),), "hand_back", account="jd"), world
    )
    assert not _reactions(
        answer_hand_back, Seen(elsewhere, elsewhere, mid, "…", message, (("x", take_back),), "hand_back", account="jd"), world
    )
    assert _reactions(
        answer_hand_back, Seen(elsewhere, elsewhere, mid, "…", message, (("x", hand_back),), "hand_back", account="jd"), world
    )
    assert not _reactions(
        answer_hand_back, Seen(stint.agent, stint.agent, mid, "…", message, (("x", hand_back),), "hand_back", account="jd"), world
    )

    # "Hand off now" pressed the next morning: the message now asks when they left, and is answered with the truth.
    later = stint.end + (stint.end - stint.start)
    asks = (("23:00", rcb.encode(rcb.ReminderPress(rcb.LEFT_AT, 9, stint.end))), ("刚刚", rcb.encode(rcb.ReminderPress(rcb.JUST_NOW, 9))))
    answers = _reactions(answer_long_hold, Seen(stint.agent, stint.agent, later, "…", message, asks, "long_hold", account="jd"), world)
    assert answers and all(a.do in (PRESS, SAY) and a.via == "hand_off_now" for a in answers)
    assert {a.data for a in answers if a.do == PRESS} <= {asks[0][1]}


def test_a_cover_nobody_pressed_for_is_claimed_afterwards_as_remembered_and_its_holder_confirms():
    world = build_world(FIRST_DAY, 7, random.Random(5))
    erring = plan(world, 5, errors=True)
    claims = [a for a in erring.acts if a.do == CLAIM]
    unpressed = [e for e in erring.errors if e.kind == "cover_unpressed"]
    assert claims and len(claims) < len(unpressed), "some covers nobody pressed for are claimed, not all"
    assert not [a for a in plan(world, 5, errors=False).acts if a.do == CLAIM], "a cover pressed for is never claimed"
    for claim in claims:
        assert claim.span is not None and claim.text is not None and claim.at > claim.span[1]
        typed = parse_claim(claim.text.split()[1:])
        assert typed is not None and typed.account == claim.account
        for wall, truth in ((typed.start, claim.span[0]), (typed.end, claim.span[1])):
            local = truth.astimezone(ZONE)
            off = abs((wall.hour * 60 + wall.minute) - (local.hour * 60 + local.minute + local.second / 60))
            assert min(off, 24 * 60 - off) <= CLAIM_MEMORY_MINUTES + 2.5, "remembered within minutes, typed to the nearest 5"

    confirm = cvcb.encode(cvcb.ClaimPress(cvcb.CONFIRM, 2, 7, NOW, NOW))
    decline = cvcb.encode(cvcb.ClaimPress(cvcb.DECLINE, 2, 7, NOW, NOW))
    question = Seen(107, -1, NOW, "…", {"message_id": 5, "chat": {"id": -1}}, (("✅", confirm), ("✖️", decline)))
    assert key_of(question) == "button:cv:"
    answers = _reactions(confirm_claim, question, world)
    assert answers and len(answers) < 40, "confirmed, at a rate"
    assert {(a.agent, a.do, a.data) for a in answers} == {(102, PRESS, confirm)}, "by the holder the claim names, never the coverer"
