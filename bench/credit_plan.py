"""What the simulated people do of their own accord: the presses they owe the truth, and their mistakes.

Every `Change` at a keyboard (bench/credit_world.py) owes a press: a take-over on arrival, on
covering a colleague's break and on coming back from it, a hand-off when the evening agent goes
home. With `errors`, each owed press goes wrong at the rates in `ERROR_RATES`, and every mistake is
recorded as an `ErrorEvent` with its kind and the span of time it can have mis-credited, so the
loss can be broken down by kind. The same random draws are made either way, so the perfect and
the erring world differ only in the mistakes.

People at a keyboard also log a case now and then (`/case <account>`), held or not: a case logged
by someone who does not hold the account is refused, which Baton can hear.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.credit_world import ZONE, World

TAKE, OFF, CASE, SAY, PRESS, CLAIM = "take", "off", "case", "say", "press", "claim"
# Human error, per owed press of the kind it can happen to. Stated in the benchmark's output.
ERROR_RATES = {
    "late_press": 0.12,  # an arrival pressed 5-45 minutes after sitting down
    "early_press": 0.08,  # an arrival pressed 5-30 minutes before sitting down
    "forgotten_take_over": 0.06,  # an arrival never pressed
    "cover_unpressed": 0.30,  # a colleague covers a break without pressing
    "cover_not_taken_back": 0.15,  # back from a pressed-for break without taking the account back
    "handoff_forgotten": 0.10,  # the evening agent goes home without handing off
}
# What people do afterwards of their own accord, also stated in the output: a colleague who covered a
# break without pressing claims it with /covered later that day (their cover points depend on it),
# typing the times to the nearest 5 minutes as they remember them, within 5 minutes of the truth.
AFTERWARDS_RATES = {"cover_claimed": 0.5}
CLAIM_AFTER_MINUTES = (10, 180)  # typed this long after the break ends
CLAIM_MEMORY_MINUTES = 5
CASE_EVERY_MINUTES = 100  # a logged case, on average, per person per account held
CONSOLE_SHARE = 0.7  # a take-over pressed on the group console; the rest type /on <account>


@dataclass(frozen=True)
class Act:
    """One thing a person does in the chat at `at`."""

    at: datetime
    agent: int  # Telegram user id
    do: str  # TAKE, OFF, CASE, SAY (text into chat_id, the group if None), PRESS (a button on message)
    account: str | None = None  # CLAIM: the account covered
    text: str | None = None  # SAY: what is typed; CLAIM: the /covered command
    chat_id: int | None = None
    message: dict | None = None
    data: str | None = None
    typed: bool = False  # TAKE: typed /on rather than pressed on the console
    unless_holding: bool = False  # TAKE: only if the console shows someone else holding the account
    via: str = "plan"  # "plan", or the reaction that led to it (bench/credit_people.py)
    span: tuple[datetime, datetime] | None = None  # CLAIM: the cover as it really was


@dataclass(frozen=True)
class ErrorEvent:
    kind: str
    account: str
    agent: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Plan:
    acts: list[Act]
    errors: list[ErrorEvent]


def plan(world: World, seed: int, *, errors: bool) -> Plan:
    rng = random.Random(seed)
    acts: list[Act] = []
    mistakes: list[ErrorEvent] = []
    unpressed_covers: set[tuple[str, datetime]] = set()  # (account, the break's end)
    # Its own draws, made for every change, so that adding claims left every other draw as it was.
    afterwards = random.Random(seed * 104729 + 3)

    for change in world.changes:
        # Drawn for every change, used or not, so that both worlds see the same numbers.
        draw, delay, typed = rng.random(), rng.uniform(0, 1), rng.random() > CONSOLE_SHARE
        claims, claim_delay, remembered = afterwards.random(), afterwards.uniform(*CLAIM_AFTER_MINUTES), _remembered(afterwards)

        def take(change, at: datetime, unless_holding: bool = False, typed: bool = typed) -> None:
            acts.append(Act(at, change.agent, TAKE, change.account, typed=typed, unless_holding=unless_holding))

        if change.kind == "arrive":
            late, early, forgotten = (ERROR_RATES[k] for k in ("late_press", "early_press", "forgotten_take_over"))
            if errors and draw < forgotten:
                mistakes.append(ErrorEvent("forgotten_take_over", change.account, change.agent, change.at, change.shift_end))
            elif errors and draw < forgotten + late:
                pressed = change.at + timedelta(minutes=5 + 40 * delay)
                mistakes.append(ErrorEvent("late_press", change.account, change.agent, change.at, pressed))
                take(change, pressed)
            elif errors and draw < forgotten + late + early:
                pressed = change.at - timedelta(minutes=5 + 25 * delay)
                mistakes.append(ErrorEvent("early_press", change.account, change.agent, pressed, change.at))
                take(change, pressed)
            else:
                take(change, change.at + timedelta(seconds=5 * delay))  # before the first reply
        elif change.kind == "cover":
            if errors and draw < ERROR_RATES["cover_unpressed"]:
                unpressed_covers.add((change.account, change.back_at))
                # What it can mis-credit lasts until the covered colleague's shift ends: see "return".
                mistakes.append(ErrorEvent("cover_unpressed", change.account, change.agent, change.at, change.shift_end))
                if claims < AFTERWARDS_RATES["cover_claimed"] and change.back_at is not None:
                    acts.append(_claim(change.account, change.agent, change.at, change.back_at, claim_delay, remembered))
            else:
                take(change, change.at + timedelta(seconds=20 * delay))
        elif change.kind == "return":
            if (change.account, change.at) in unpressed_covers:
                # Nothing to take back, unless the console says otherwise (the colleague pressed after all).
                take(change, change.at + timedelta(seconds=20 * delay), unless_holding=True)
            elif errors and draw < ERROR_RATES["cover_not_taken_back"]:
                mistakes.append(ErrorEvent("cover_not_taken_back", change.account, change.agent, change.at, change.shift_end))
            else:
                take(change, change.at + timedelta(seconds=20 * delay))
        elif change.kind == "leave":
            if errors and draw < ERROR_RATES["handoff_forgotten"]:
                # Until the morning shift is well under way: what a forgotten hold can mis-credit.
                mistakes.append(ErrorEvent("handoff_forgotten", change.account, change.agent, change.at, change.at + timedelta(hours=12)))
            else:
                acts.append(Act(change.at + timedelta(seconds=120 * delay), change.agent, OFF, change.account))
    acts += _cases(world, rng)
    acts.sort(key=lambda a: a.at)
    return Plan(acts, mistakes)


def _remembered(rng: random.Random) -> tuple[float, float]:
    return rng.uniform(-CLAIM_MEMORY_MINUTES, CLAIM_MEMORY_MINUTES), rng.uniform(-CLAIM_MEMORY_MINUTES, CLAIM_MEMORY_MINUTES)


def _claim(account: str, coverer: int, start: datetime, end: datetime, after: float, remembered: tuple[float, float]) -> Act:
    """/covered <account> HH:MM-HH:MM, typed in the group `after` minutes after the break, as remembered."""
    typed = [_nearest_5(at + timedelta(minutes=off)).astimezone(ZONE) for at, off in zip((start, end), remembered, strict=True)]
    text = f"/covered {account} {typed[0]:%H:%M}-{typed[1]:%H:%M}"
    return Act(end + timedelta(minutes=after), coverer, CLAIM, account, text=text, span=(start, end))


def _nearest_5(at: datetime) -> datetime:
    return datetime.fromtimestamp(round(at.timestamp() / 300) * 300, at.tzinfo)


def _cases(world: World, rng: random.Random) -> list[Act]:
    cases = []
    for stints in world.stints.values():
        for stint in stints:
            at = stint.start
            while True:
                at += timedelta(minutes=rng.expovariate(1 / CASE_EVERY_MINUTES))
                if at >= stint.end:
                    break
                cases.append(Act(at, stint.agent, CASE, stint.account))
    return cases
