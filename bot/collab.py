"""Collaboration commands as application services: peer thanks, handover notes, joining at peak load.

Like bot.services: each command is one transaction that loads, asks the domain, and stores,
together with the processed update id. A refusal raises Refused inside the transaction, so it
stores nothing. Nothing here knows about Telegram.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from bot.collab_ledger import collaboration_entries
from bot.services import Baton, Person, Refused
from domain.collaboration import check_thanks, reciprocal_pairs
from domain.holds import HELPER, HoldError, join, main_hold
from domain.time import month_bounds
from storage import collab as store
from storage import repositories as repo
from storage.models import Agent

NOTE_WINDOW = timedelta(minutes=30)
NOTE_LIMIT = 500  # HoldRow.note
REASON_LIMIT = 200  # ThanksRow.reason
LONGEST_NAME_WORDS = 4
# "/thanks 李雷：耐心处理了退款": a name may end at Chinese or Latin punctuation as well as at a space.
_NAME_END = re.compile(r"[：:，,。!！]")

__all__ = [
    "Joined",
    "NoteAdded",
    "ReciprocalFlag",
    "ThanksGiven",
    "add_note",
    "collaboration_entries",
    "give_thanks",
    "join_account",
]


@dataclass(frozen=True)
class ReciprocalFlag:
    """Two colleagues who now thank each other at least `threshold` times each this month."""

    month: str
    first: str
    second: str
    first_to_second: int
    second_to_first: int
    threshold: int


@dataclass(frozen=True)
class ThanksGiven:
    giver: str
    receiver: str
    reason: str | None
    flag: ReciprocalFlag | None  # set only by the thanks that made the pair cross the threshold


@dataclass(frozen=True)
class NoteAdded:
    agent: str
    accounts: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Joined:
    agent: str
    account: str
    holder: str


# -- thanks ---------------------------------------------------------------------------------------


def split_name(words: list[str]) -> list[str]:
    """Words with the first one cut at punctuation that ends a name: ["李雷：谢谢"] → ["李雷", "谢谢"]."""
    if not words:
        return []
    head, *rest = words
    match = _NAME_END.search(head)
    if match and match.start() > 0:
        tail = head[match.end():]
        return [head[: match.start()]] + ([tail] if tail else []) + rest
    return list(words)


def give_thanks(
    baton: Baton, giver: Person, receiver: Person | None, words: list[str], update_id: int | None = None
) -> ThanksGiven:
    """`giver` thanks `receiver` (the author of the message replied to), or the agent named first in `words`.

    The rest of `words` is the reason. Checked against the day's allowance and the month's cap
    per pair; a pair that now thanks each other often comes back flagged for the supervisors.
    """
    now = baton.clock.now()
    today = baton.today()
    policy = baton.config.collaboration.thanks
    with baton.command(update_id) as session:
        giving = repo.register_agent(session, giver.tg_user_id, giver.name, giver.username, now)
        if receiver is not None:
            receiving = repo.register_agent(session, receiver.tg_user_id, receiver.name, receiver.username, now)
            reason_words = words
        else:
            receiving, reason_words = _named_agent(session, words)
        reason = " ".join(reason_words).strip() or None
        if reason and len(reason) > REASON_LIMIT:
            raise Refused("note_too_long", limit=REASON_LIMIT)
        month_start, month_end = month_bounds(today.year, today.month, baton.tz)
        history = store.thanks_history(session, month_start, month_end, baton.tz)
        decision = check_thanks(giving.id, receiving.id, today, history, policy)
        if not decision.ok:
            raise Refused(
                f"thanks_{decision.reason}", name=receiving.name, allowance=policy.daily_allowance, cap=policy.pair_monthly_cap
            )
        store.add_thanks(session, giving.id, receiving.id, now, reason)
        repo.audit(session, now, "thanks", actor_agent_id=giving.id, subject=receiving.name, reason=reason)
        flag = _newly_reciprocal(session, history, giving.id, receiving.id, today, policy.reciprocal_threshold)
        if flag is not None:
            repo.audit(
                session, now, "thanks_flagged", actor_agent_id=giving.id, subject=f"{flag.first}↔{flag.second}",
                month=flag.month, counts=[flag.first_to_second, flag.second_to_first],
            )
        return ThanksGiven(giving.name, receiving.name, reason, flag)


def _newly_reciprocal(session, history: pd.DataFrame, giver: int, receiver: int, day: date, threshold: int) -> ReciprocalFlag | None:
    """This pair's flag if this very thanks made it cross the threshold: each pair is flagged once a month."""
    month = f"{day:%Y-%m}"
    pair = tuple(sorted((giver, receiver)))
    before = {(a, b) for a, b, _ in reciprocal_pairs(history, month, threshold)}
    after = {(a, b): counts for a, b, counts in reciprocal_pairs(store.with_thanks(history, giver, receiver, day), month, threshold)}
    if pair not in after or pair in before:
        return None
    names = repo.agents_by_id(session)
    first_to_second, second_to_first = after[pair]
    return ReciprocalFlag(month, names[pair[0]].name, names[pair[1]].name, first_to_second, second_to_first, threshold)


def _named_agent(session, words: list[str]) -> tuple[Agent, list[str]]:
    """The agent the leading words name (@username or display name, the longest match), and the rest."""
    words = split_name(words)
    if not words:
        raise Refused("thanks_usage")
    for count in range(min(len(words), LONGEST_NAME_WORDS), 0, -1):
        agent = repo.find_agent(session, " ".join(words[:count]))
        if agent is not None:
            return agent, words[count:]
    raise Refused("thanks_unknown", handle=words[0])


# -- handover notes --------------------------------------------------------------------------------


def add_note(baton: Baton, person: Person, note: str, update_id: int | None = None) -> NoteAdded:
    """Attach a note to the sender's latest own hand-off of the last 30 minutes; a later note replaces it."""
    note = note.strip()
    minimum = baton.config.collaboration.handover_min_note_chars
    if len(note) < minimum:
        raise Refused("note_too_short", minimum=minimum)
    if len(note) > NOTE_LIMIT:
        raise Refused("note_too_long", limit=NOTE_LIMIT)
    now = baton.clock.now()
    with baton.command(update_id) as session:
        agent = repo.register_agent(session, person.tg_user_id, person.name, person.username, now)
        holds = store.last_hand_off(session, agent.id, now - NOTE_WINDOW, now)
        if not holds:
            raise Refused("note_nothing_to_note", minutes=int(NOTE_WINDOW.total_seconds() // 60))
        keys = repo.account_keys(session)
        accounts = tuple(keys[h.account_id] for h in holds)
        previous = [h.note for h in holds if h.note]
        store.set_notes(session, holds, note)
        repo.audit(
            session, now, "handover_note", actor_agent_id=agent.id, subject=",".join(accounts),
            note=note, previous=previous[0] if previous else None, hold_ids=[h.id for h in holds],
        )
        return NoteAdded(agent.name, accounts, note)


# -- joining at peak load ----------------------------------------------------------------------------


def join_account(baton: Baton, person: Person, account: str, update_id: int | None = None) -> Joined:
    """The sender joins `account` as a helper beside its holder, until their /off."""
    account = baton.account_key(account)
    now = baton.clock.now()
    with baton.command(update_id) as session:
        agent = repo.register_agent(session, person.tg_user_id, person.name, person.username, now)
        open_holds = repo.open_holds(session)
        try:
            helper = join(open_holds, account, agent.id, now)
        except HoldError as exc:
            raise Refused(exc.code, account=account) from None
        holder = main_hold(open_holds, account)
        store.add_helper_hold(session, helper, update_id)
        holder_name = repo.agents_by_id(session)[holder.agent_id].name
        repo.audit(session, now, "join", actor_agent_id=agent.id, subject=account, role=HELPER, holder=holder_name)
        return Joined(agent.name, account, holder_name)
