"""Forgetting to hand off never pays.

The rule (domain.presence.idle_spans, fed to domain.ledger.compile_day, conversation_entries and
domain.collaboration.cover_minutes): held time after the holder's last sign of activity, while no
shift of theirs (plus the grace) covers it and either a shift of theirs ended inside the hold or
it is outside the platform's scoring hours after they closed once during the hold, is idle until
the holder's next shift or the hold's end, and earns no hours, no cover and no conversation
credited at its moments.

The property: agent X holds an account from S and really leaves at D. Either X had a shift that
ended inside the hold and D is at least its end plus the grace, or X had no shift and D is outside
the platform's scoring hours after they closed at least once since S. X shows no sign of activity after D (cases, presses, replies: no
conversation on the account is first replied to in [D, L)), and no shift of X's begins before L.
Then X who forgets, so that the hold runs on until Y takes the account over at L, earns no more
hours, cover, case or conversation points (credited at the first reply) than X who handed off at D.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.attribution import attribute_conversations
from domain.collaboration import CollaborationPolicy, cover_minutes, cover_points
from domain.holds import Hold
from domain.ledger import CASE, HOURS, LoggedCase, PointRates, compile_day, conversation_entries
from domain.presence import Rostered, Waiting, idle_spans
from domain.scoring_hours import outside_scoring_spans
from domain.time import days_between, local_day
from tests.factories import SHANGHAI, local

X, Y, Z = 1, 2, 3
WINDOWS = {"jd": (time(9), time(23)), "tm": (time(8), time(0))}
GRACE = timedelta(minutes=30)
RATES = PointRates(per_case=1.0, per_hour=2.0, per_conversation=0.5)
POLICY = CollaborationPolicy(cover_points_per_hour=1.0, cover_min_minutes=15)
DAY = "2026-11-02"


@dataclass(frozen=True)
class World:
    holds: list[Hold]
    self_ended: set[int]
    shifts: list[Rostered]
    cases: list[LoggedCase]
    conversations: list[Waiting]
    now: datetime


def points_of_x(world: World) -> dict[str, float]:
    tz, now = SHANGHAI, world.now
    idle: dict[int, list[tuple[datetime, datetime]]] = {}
    for h in world.holds:
        activity = [o.start for o in world.holds if o.agent_id == h.agent_id]
        activity += [c.at for c in world.cases if c.agent_id == h.agent_id]
        activity += [c.first_reply for c in world.conversations if c.account == h.account and c.first_reply is not None]
        ended = h.id in world.self_ended
        window = WINDOWS[h.account]
        idle[h.id or 0] = idle_spans(
            h, horizon=now, shifts=world.shifts, activity=activity, window=window, tz=tz, grace=GRACE, ended_by_holder=ended
        )
    first = min(h.start for h in world.holds) - timedelta(hours=2)
    days = days_between(local_day(first, tz), local_day(now, tz))
    entries = [e for day in days for e in compile_day(day, tz, world.holds, world.cases, RATES, now, idle)]
    hours = sum(e.millipoints for e in entries if e.agent_id == X and e.kind == HOURS)
    cases = sum(e.millipoints for e in entries if e.agent_id == X and e.kind == CASE)

    holds = _frame([(h.account, h.agent_id, h.start, h.end) for h in world.holds])
    roster = _frame([(s.account, s.agent_id, s.start, s.end) for s in world.shifts])
    excluded = [(a, None, lo, hi) for a, w in WINDOWS.items() for lo, hi in outside_scoring_spans(w, first, now, tz)]
    excluded += [(h.account, h.agent_id, lo, hi) for h in world.holds for lo, hi in idle[h.id or 0]]
    minutes = cover_minutes(holds, roster, now=now, tz=tz, min_minutes=POLICY.cover_min_minutes, excluded=excluded)
    cover = cover_points(minutes, POLICY)
    cover_x = float(cover.loc[cover["agent_id"] == X, "points"].sum())

    conversations = pd.DataFrame(
        {
            "conversation_id": pd.Series(range(1, len(world.conversations) + 1), dtype="int64"),
            "account": pd.Series([c.account for c in world.conversations], dtype=object),
            "start": pd.to_datetime([c.start for c in world.conversations], utc=True),
            "first_reply_at": pd.to_datetime([c.first_reply for c in world.conversations], utc=True),
        }
    )
    attribution = attribute_conversations(conversations, holds, roster, moment="first_reply", now=now)
    gone = [(h.account, h.agent_id, lo, hi) for h in world.holds for lo, hi in idle[h.id or 0]]
    credited = conversation_entries(attribution, tz, RATES, days, gone)
    conversations_x = sum(e.millipoints for e in credited if e.agent_id == X)
    return {"hours": hours, "cases": cases, "cover": cover_x, "conversations": conversations_x}


def _frame(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["account", "agent_id", "start", "end"])
    return frame.assign(
        agent_id=frame["agent_id"].astype("int64"),
        start=pd.to_datetime(frame["start"], utc=True),
        end=pd.to_datetime(frame["end"], utc=True),
    )


minutes = st.integers


@st.composite
def forgotten(draw) -> tuple[World, World]:
    """The same day twice: X hands off at D, or forgets until Y takes over at L."""
    account = draw(st.sampled_from(["jd", "tm"]))
    other = "tm" if account == "jd" else "jd"
    rostered = draw(st.booleans())
    shifts = [
        Rostered(other, Z, local(DAY, "09:00"), local(DAY, "18:00")),
        Rostered(account, Y, local("2026-11-03", "09:00"), local("2026-11-03", "17:00")),
    ]
    if rostered:
        shift_start = local(DAY, "08:00") + timedelta(minutes=draw(minutes(0, 240)))
        shift_end = shift_start + timedelta(minutes=draw(minutes(120, 600)))
        shifts.append(Rostered(draw(st.sampled_from(["jd", "tm"])), X, shift_start, shift_end))
        start = shift_start + timedelta(minutes=draw(minutes(-30, 100)))
        left = shift_end + GRACE + timedelta(minutes=draw(minutes(0, 300)))
    else:
        start = local(DAY, "10:00") + timedelta(minutes=draw(minutes(0, 600)))
        left = local("2026-11-03", "00:00") + timedelta(minutes=draw(minutes(0, 479)))
    taken = left + timedelta(minutes=draw(minutes(1, 900)))
    now = taken + timedelta(hours=3)
    span = max(1, int((left - start).total_seconds() // 60))
    cases = [LoggedCase(i + 1, X, account, start + timedelta(minutes=draw(minutes(0, span))), "other") for i in range(draw(minutes(0, 3)))]
    conversations = []
    for _ in range(draw(minutes(0, 8))):
        begun = start + timedelta(minutes=draw(minutes(-60, int((taken - start).total_seconds() // 60) + 60)))
        reply = None if draw(st.booleans()) else begun + timedelta(minutes=draw(minutes(0, 180)))
        if reply is not None and left <= reply < taken:
            reply = taken + (reply - left) % timedelta(minutes=60)  # nobody answers on the account while X is gone
        conversations.append(Waiting(account, begun, reply))
    y_hold = Hold(account, Y, taken, taken + timedelta(hours=1), id=2)
    correct = World([Hold(account, X, start, left, id=1), y_hold], {1, 2}, shifts, cases, conversations, now)
    forgetful = World([Hold(account, X, start, taken, id=1), y_hold], {2}, shifts, cases, conversations, now)
    return correct, forgetful


@settings(max_examples=150, deadline=None)
@given(forgotten())
def test_an_agent_who_forgets_to_hand_off_never_earns_more_than_one_who_pressed(worlds):
    correct, forgetful = worlds
    pressed, forgot = points_of_x(correct), points_of_x(forgetful)
    for kind in pressed:
        assert forgot[kind] <= pressed[kind] + 1e-9, (kind, forgot, pressed)


def test_without_the_rule_forgetting_would_pay_the_hours():
    """The property can fail: a forgotten evening cover, counted as the bare hold, earns more."""
    shifts = [Rostered("jd", X, local(DAY, "09:00"), local(DAY, "17:00")), Rostered("tm", Z, local(DAY, "09:00"), local(DAY, "22:00"))]
    hold = Hold("tm", X, local(DAY, "16:00"), local(DAY, "21:00"), id=1)
    now = local(DAY, "23:30")
    bare = compile_day(date(2026, 11, 2), SHANGHAI, [hold], [], RATES, now)
    world = World([hold], set(), shifts, [], [], now)
    assert sum(e.millipoints for e in bare) == 10_000
    assert points_of_x(world)["hours"] == 3_000  # 16:00-17:30: the shift and its grace
