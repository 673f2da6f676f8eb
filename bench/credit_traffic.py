"""The customers of the credit simulation: conversations with a known true handler.

About 200 conversations a day per account (12,000 in a 30-day month on two accounts), busiest
mid-morning, mid-afternoon and in the evening, a trickle overnight. A conversation that arrives
while someone sits at the keyboard is answered by them within a minute or so; one that arrives at
an empty keyboard waits until someone sits down, and that person answers it. A customer who waits
over an hour leaves unanswered half the time. The true handler is whoever gave the first reply.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from bench.credit_world import ACCOUNTS, ZONE, World, at_local

PER_ACCOUNT_PER_DAY = 200
# Relative arrival rate by local hour.
HOURLY = (0.12, 0.08, 0.05, 0.04, 0.04, 0.06, 0.12, 0.3, 0.6, 1.0, 1.5, 1.5, 1.1, 1.0, 1.3, 1.4, 1.2, 1.0, 0.9, 1.1, 1.5, 1.6, 1.3, 0.6)
ABANDON_AFTER = timedelta(hours=1)
ABANDON = 0.5
RATINGS = ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")
RATING_WEIGHTS = (0.45, 0.35, 0.12, 0.05, 0.03)


@dataclass(frozen=True)
class Conversation:
    external_id: str
    account: str
    start: datetime
    first_reply: datetime | None  # None: never answered
    handler: int | None  # who gave the first reply
    end: datetime
    rating: str | None
    inquiry: bool
    paid: bool

    def known_at(self, now: datetime) -> Conversation:
        """The conversation as an export taken at `now` shows it: a reply still to come is not there."""
        if self.first_reply is not None and self.first_reply > now:
            return Conversation(self.external_id, self.account, self.start, None, None, now, None, self.inquiry, False)
        return self


def customers(world: World, rng: random.Random) -> list[Conversation]:
    conversations = []
    weights = sum(HOURLY)
    for day in world.days:
        for account in ACCOUNTS:
            for hour, weight in enumerate(HOURLY):
                expected = PER_ACCOUNT_PER_DAY * weight / weights
                begin = at_local(day, datetime.min.time()) + timedelta(hours=hour)
                for _ in range(_poisson(expected, rng)):
                    start = begin + timedelta(seconds=rng.uniform(0, 3600))
                    conversations.append(_one(world, account, start, len(conversations), rng))
    conversations.sort(key=lambda c: c.start)
    return conversations


def _one(world: World, account: str, start: datetime, number: int, rng: random.Random) -> Conversation:
    handler = world.at_keyboard(account, start)
    reply: datetime | None = None
    if handler is not None:
        reply = start + timedelta(seconds=min(rng.expovariate(1 / 35), 600))
        # A reply that falls past the stint's end is given by whoever sits there then, if anyone.
        handler = world.at_keyboard(account, reply) or handler
    else:
        seated = world.next_seated(account, start)
        if seated is not None and not (seated.start - start > ABANDON_AFTER and rng.random() < ABANDON):
            reply = seated.start + timedelta(seconds=10 + min(rng.expovariate(1 / 60), 900))
            handler = world.at_keyboard(account, reply) or seated.agent
    end = (reply or start) + timedelta(minutes=1 + rng.expovariate(1 / 6))
    inquiry = rng.random() < 0.4
    rating = rng.choices(RATINGS, RATING_WEIGHTS)[0] if reply is not None and rng.random() < 0.4 else None
    local = start.astimezone(ZONE)
    return Conversation(
        f"{account.upper()}{local:%Y%m%d}{number:06d}",
        account,
        start,
        reply,
        handler if reply is not None else None,
        end,
        rating,
        inquiry,
        inquiry and reply is not None and rng.random() < 0.35,
    )


def _poisson(mean: float, rng: random.Random) -> int:
    # Knuth's method; the means here are small.
    limit, k, product = pow(2.718281828459045, -mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k
