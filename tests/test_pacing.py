"""The pacer keeps a group under Telegram's limit in every minute, and lets a write go soon after a burst."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.pacing import Limits, Pacer

GROUP = -1001
PERSON = 42


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def writes_when_eager(pacer: Pacer, clock: Clock, chat: int, until: float) -> list[float]:
    """Write whenever the pacer allows, for `until` seconds: the instants of the writes."""
    sent = []
    while clock.now < until:
        wait = pacer.ready_in(chat)
        if wait > 0:
            clock.now += wait
            continue
        pacer.spend(chat)
        sent.append(clock.now)
    return sent


def busiest_minute(instants: list[float]) -> int:
    return max(sum(1 for t in instants if start <= t < start + 60) for start in instants)


@settings(max_examples=50, deadline=None)
@given(per_minute=st.integers(min_value=4, max_value=20), start=st.floats(min_value=0, max_value=120))
def test_an_eager_writer_never_gets_more_than_the_limit_into_a_group_in_any_minute(per_minute, start):
    clock = Clock()
    pacer = Pacer(Limits(group_per_minute=per_minute), now=clock)
    clock.now += start
    sent = writes_when_eager(pacer, clock, GROUP, clock.now + 600)
    assert busiest_minute(sent) <= per_minute
    assert len(sent) >= 0.75 * per_minute * 10, "and it is not starved either: three quarters of the limit, sustained"


def test_after_a_burst_the_next_write_is_seconds_away_not_a_minute():
    clock = Clock()
    pacer = Pacer(Limits(group_per_minute=20), now=clock)
    for _ in range(5):
        assert pacer.ready_in(GROUP) == 0
        pacer.spend(GROUP)
    assert 0 < pacer.ready_in(GROUP) <= 4.0


def test_a_429_pauses_that_chat_only():
    clock = Clock()
    pacer = Pacer(Limits(group_per_minute=0), now=clock)  # not paced, but Telegram's word still counts
    pacer.pause(GROUP, 30.0)
    assert pacer.ready_in(GROUP) == 30.0 and pacer.ready_in(PERSON) == 0
    clock.now += 30
    assert pacer.ready_in(GROUP) == 0
