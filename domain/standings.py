"""Standings: per agent, the hours held, the cases, the points and the rank."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from domain.ledger import APPORTIONED, CASE, CONVERSATION, HOURS, MILLI, Entry


@dataclass(frozen=True)
class Standing:
    rank: int
    agent_id: int
    seconds_held: float
    cases: int
    millipoints: int
    conversations: float = 0.0  # credited share: a conversation split between two holders counts half
    apportioned: float = 0.0  # a platform's day total shared by hold time (no conversation data that day); in the points

    @property
    def hours(self) -> float:
        return self.seconds_held / 3600

    @property
    def points(self) -> float:
        return self.millipoints / MILLI


def competition_ranks(scores: Mapping[int, float | Fraction]) -> dict[int, int]:
    """Standard competition ranking (1, 2, 2, 4): equal scores share a rank."""
    ordered = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    ranks: dict[int, int] = {}
    for position, (agent_id, score) in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        ranks[agent_id] = ranks[previous[0]] if previous and previous[1] == score else position
    return ranks


def standings(entries: Iterable[Entry], agents: Iterable[int] = ()) -> list[Standing]:
    """Rank everyone who earned an entry, plus `agents` (shown with zeros), best first."""
    seconds: dict[int, float] = defaultdict(float)
    cases: dict[int, int] = defaultdict(int)
    points: dict[int, int] = defaultdict(int)
    conversations: dict[int, float] = defaultdict(float)
    apportioned: dict[int, float] = defaultdict(float)
    for agent_id in agents:
        points[agent_id] += 0
    for entry in entries:
        points[entry.agent_id] += entry.millipoints
        if entry.kind == HOURS:
            seconds[entry.agent_id] += entry.quantity
        elif entry.kind == CASE:
            cases[entry.agent_id] += 1
        elif entry.kind == CONVERSATION:
            conversations[entry.agent_id] += entry.quantity
        elif entry.kind == APPORTIONED:
            apportioned[entry.agent_id] += entry.quantity
    ranks = competition_ranks(points)
    rows = [Standing(ranks[a], a, seconds[a], cases[a], points[a], conversations[a], apportioned[a]) for a in points]
    return sorted(rows, key=lambda s: (s.rank, s.agent_id))
