"""Baton's credit against the truth: accuracy, the unattributed, the pool human error moves, and why.

- accuracy: of the conversations someone really answered, the share Baton credited to whoever gave
  the first reply (a split credit counts its share);
- unattributed: the share of those it credited to nobody;
- pool moved: half the sum over agents of |payout − payout with perfect presses|, over the pool
  (the share of the money that changed hands); the same distance is given for an equal split and
  for the roster alone (Baton fed no presses at all), so the figure has a scale;
- hours held away: the hours Baton counts as held by someone who was not at that account's keyboard
  (sampled every five minutes), by the mistake whose span covers them;
- by error kind: each conversation's loss of accuracy against the perfect run is laid at the door
  of the latest mistake whose span covers its start or its first reply on its account ("none": no
  mistake covers it); so is the credit it moved (the shares taken from whoever perfect presses
  credited, to someone else or to nobody; unlike the accuracy, a wrong credit moved to another
  wrong person counts, and a move that happens to land on the true handler does not cancel one). The
  money is not split by kind: a payout weighs conversations, hours, cases and ratings together, and
  only one run per kind could say what each kind cost; the credit moved is its cheap proxy.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import timedelta

from bench.credit_drive import Played
from bench.credit_plan import ERROR_RATES, ErrorEvent
from bench.credit_traffic import Conversation
from bench.credit_world import AGENTS, World


def answered(conversations: Sequence[Conversation]) -> list[Conversation]:
    return [c for c in conversations if c.handler is not None]


def credited_to_truth(played: Played, conversation: Conversation) -> float:
    return played.credits.get(conversation.external_id, {}).get(conversation.handler, 0.0)


def accuracy(played: Played, truly: Sequence[Conversation]) -> float:
    return sum(credited_to_truth(played, c) for c in truly) / len(truly)


def status_share(played: Played, truly: Sequence[Conversation], status: str) -> float:
    return sum(1 for c in truly if played.statuses.get(c.external_id, "unattributed") == status) / len(truly)


def pool_distance(payouts: dict[int, float], reference: dict[int, float], pool: int) -> float:
    """The share of the pool that would change hands going from `reference` to `payouts`."""
    return sum(abs(payouts.get(a, 0) - reference.get(a, 0)) for a in AGENTS) / 2 / pool


def equal_split(pool: int) -> dict[int, float]:
    return {a: pool / len(AGENTS) for a in AGENTS}


def loss_by_kind(perfect: Played, erring: Played, truly: Sequence[Conversation], mistakes: Sequence[ErrorEvent]) -> dict[str, float]:
    """Accuracy lost against the perfect run, in shares of the answered conversations, by the mistake behind it."""
    return _by_kind(truly, mistakes, lambda c: credited_to_truth(perfect, c) - credited_to_truth(erring, c))


def moved_by_kind(perfect: Played, erring: Played, truly: Sequence[Conversation], mistakes: Sequence[ErrorEvent]) -> dict[str, float]:
    """Credit that changed hands against the perfect run, in shares of the answered conversations, by the mistake behind it."""

    def moved(c: Conversation) -> float:
        before, after = perfect.credits.get(c.external_id, {}), erring.credits.get(c.external_id, {})
        return sum(max(0.0, share - after.get(a, 0.0)) for a, share in before.items())

    return _by_kind(truly, mistakes, moved)


def _by_kind(truly: Sequence[Conversation], mistakes: Sequence[ErrorEvent], delta_of) -> dict[str, float]:
    by_account: dict[str, list[ErrorEvent]] = {}
    for event in sorted(mistakes, key=lambda e: e.start):
        by_account.setdefault(event.account, []).append(event)
    lost: Counter[str] = Counter()
    for c in truly:
        delta = delta_of(c)
        if abs(delta) < 1e-9:
            continue
        moments = [c.start] + ([c.first_reply] if c.first_reply else [])
        covering = [e for e in by_account.get(c.account, []) if any(e.start <= m < e.end for m in moments)]
        lost[covering[-1].kind if covering else "none"] += delta
    return {kind: lost.get(kind, 0.0) / len(truly) for kind in [*ERROR_RATES, "none"]}


def hours_away(played: Played, world: World, mistakes: Sequence[ErrorEvent], step: timedelta = timedelta(minutes=5)) -> dict[str, float]:
    """Hours held by someone not at the account's keyboard, by the latest mistake covering them ("none": no mistake)."""
    by_account: dict[str, list[ErrorEvent]] = {}
    for event in sorted(mistakes, key=lambda e: e.start):
        by_account.setdefault(event.account, []).append(event)
    away: Counter[str] = Counter()
    for account, agent, start, end in played.holds:
        at = start + step / 2
        while at < end:
            if world.at_keyboard(account, at) != agent:
                covering = [e for e in by_account.get(account, []) if e.start <= at < e.end]
                away[covering[-1].kind if covering else "none"] += step.total_seconds() / 3600
            at += step
    return {kind: round(away.get(kind, 0.0), 1) for kind in [*ERROR_RATES, "none"]}


def figures(
    conversations: Sequence[Conversation],
    perfect: Played,
    erring: Played,
    roster_only: Played,
    mistakes: Sequence[ErrorEvent],
    pool: int,
    world: World,
) -> dict:
    truly = answered(conversations)
    kinds = Counter(e.kind for e in mistakes)
    waited = sum(1 for c in truly if c.first_reply is not None and (c.first_reply - c.start).total_seconds() > 600)
    return {
        "conversations": len(conversations),
        "answered": len(truly),
        "answered_after_a_wait_over_10_min": round(waited / len(truly), 4),
        "accuracy": round(accuracy(erring, truly), 4),
        "accuracy_perfect_presses": round(accuracy(perfect, truly), 4),
        "accuracy_roster_only": round(accuracy(roster_only, truly), 4),
        "unattributed": round(status_share(erring, truly, "unattributed"), 4),
        "unattributed_perfect_presses": round(status_share(perfect, truly, "unattributed"), 4),
        "roster_credited": round(status_share(erring, truly, "roster"), 4),
        "pool_moved_by_error": round(pool_distance(erring.payouts, perfect.payouts, pool), 4),
        "pool_moved_equal_split": round(pool_distance(equal_split(pool), perfect.payouts, pool), 4),
        "pool_moved_roster_only": round(pool_distance(roster_only.payouts, perfect.payouts, pool), 4),
        "hours_held": round(sum(erring.hours.values()), 1),
        "hours_held_perfect_presses": round(sum(perfect.hours.values()), 1),
        "hours_held_away_by_kind": hours_away(erring, world, mistakes),
        "hours_held_away_perfect_presses": round(sum(hours_away(perfect, world, []).values()), 1),
        "accuracy_lost_by_kind": {k: round(v, 4) for k, v in loss_by_kind(perfect, erring, truly, mistakes).items()},
        "credit_moved_by_kind": {k: round(v, 4) for k, v in moved_by_kind(perfect, erring, truly, mistakes).items()},
        "error_events": {k: kinds.get(k, 0) for k in ERROR_RATES},
        "payouts_yuan": {
            "perfect": {str(a): round(perfect.payouts[a] / 100) for a in AGENTS},
            "errors": {str(a): round(erring.payouts[a] / 100) for a in AGENTS},
            "roster_only": {str(a): round(roster_only.payouts[a] / 100) for a in AGENTS},
        },
    }
