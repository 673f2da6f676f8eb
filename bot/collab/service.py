"""The collaboration commands' use cases: peer thanks, handover notes, joining an account at peak load.

Functions of the update's unit of work. What they store is the evidence the ledger's
collaboration points are compiled from (bot/ledger/collaboration.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from bot.collab.parse import split_name
from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.core.person import Person
from domain.collaboration import check_thanks, reciprocal_pairs
from domain.holds import HELPER, HoldError, join, main_hold
from domain.time import month_bounds
from storage.models import Agent
from storage.thanks import with_thanks

NOTE_WINDOW = timedelta(minutes=30)
NOTE_WINDOW_MINUTES = int(NOTE_WINDOW.total_seconds() // 60)
NOTE_LIMIT = 500  # HoldRow.note
REASON_LIMIT = 200  # ThanksRow.reason


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


def give_thanks(uow: UnitOfWork, receiver: Person | None, words: list[str]) -> ThanksGiven:
    """The sender thanks `receiver` (the author of the message replied to), or the agent named first in `words`.

    The rest of `words` is the reason. Checked against the day's allowance and the month's cap
    per pair; a pair that now thanks each other often comes back flagged for the supervisors.
    """
    policy = uow.config.collaboration.thanks
    giving = uow.me
    if receiver is not None:
        receiving = uow.agents.register(receiver.tg_user_id, receiver.name, receiver.username, uow.now)
        reason_words = words
    else:
        receiving, reason_words = _named_agent(uow, words)
    reason = " ".join(reason_words).strip() or None
    if reason and len(reason) > REASON_LIMIT:
        raise Refused("note_too_long", limit=REASON_LIMIT)
    today = uow.today
    history = uow.thanks.history(*month_bounds(today.year, today.month, uow.tz), uow.tz)
    decision = check_thanks(giving.id, receiving.id, today, history, policy)
    if not decision.ok:
        raise Refused(f"thanks_{decision.reason}", name=receiving.name, allowance=policy.daily_allowance, cap=policy.pair_monthly_cap)
    uow.thanks.add(giving.id, receiving.id, uow.now, reason)
    uow.audit(uow.now, "thanks", actor_agent_id=giving.id, subject=receiving.name, reason=reason)
    flag = _newly_reciprocal(uow, history, giving.id, receiving.id, today, policy.reciprocal_threshold)
    if flag is not None:
        uow.audit(
            uow.now,
            "thanks_flagged",
            actor_agent_id=giving.id,
            subject=f"{flag.first}↔{flag.second}",
            month=flag.month,
            counts=[flag.first_to_second, flag.second_to_first],
        )
    return ThanksGiven(giving.name, receiving.name, reason, flag)


def _newly_reciprocal(
    uow: UnitOfWork, history: pd.DataFrame, giver: int, receiver: int, day: date, threshold: int
) -> ReciprocalFlag | None:
    """This pair's flag if this very thanks made it cross the threshold: each pair is flagged once a month."""
    month = f"{day:%Y-%m}"
    pair = tuple(sorted((giver, receiver)))
    before = {(a, b) for a, b, _ in reciprocal_pairs(history, month, threshold)}
    after = {(a, b): counts for a, b, counts in reciprocal_pairs(with_thanks(history, giver, receiver, day), month, threshold)}
    if pair not in after or pair in before:
        return None
    names = uow.agents.names()
    first_to_second, second_to_first = after[pair]
    return ReciprocalFlag(month, names[pair[0]], names[pair[1]], first_to_second, second_to_first, threshold)


def _named_agent(uow: UnitOfWork, words: list[str]) -> tuple[Agent, list[str]]:
    """The agent the leading words name (@username or display name, the longest match), and the rest."""
    words = split_name(words)
    if not words:
        raise Refused("thanks_usage")
    named = uow.agents.leading(words)
    if named is None:
        raise Refused("thanks_unknown", handle=words[0])
    return named


# -- handover notes --------------------------------------------------------------------------------


def add_note(uow: UnitOfWork, note: str) -> NoteAdded:
    """Attach a note to the sender's latest own hand-off of the last 30 minutes; a later note replaces it."""
    note = note.strip()
    minimum = uow.config.collaboration.handover_min_note_chars
    if len(note) < minimum:
        raise Refused("note_too_short", minimum=minimum)
    if len(note) > NOTE_LIMIT:
        raise Refused("note_too_long", limit=NOTE_LIMIT)
    me = uow.me
    holds = uow.holds.last_hand_off(me.id, uow.now - NOTE_WINDOW, uow.now)
    if not holds:
        raise Refused("note_nothing_to_note", minutes=NOTE_WINDOW_MINUTES)
    keys = uow.accounts.keys
    accounts = tuple(keys[h.account_id] for h in holds)
    previous = [h.note for h in holds if h.note]
    uow.holds.set_notes(holds, note)
    uow.audit(
        uow.now,
        "handover_note",
        actor_agent_id=me.id,
        subject=",".join(accounts),
        note=note,
        previous=previous[0] if previous else None,
        hold_ids=[h.id for h in holds],
    )
    return NoteAdded(me.name, accounts, note)


# -- joining at peak load ----------------------------------------------------------------------------


def join_account(uow: UnitOfWork, account: str) -> Joined:
    """The sender joins `account` as a helper beside its holder, until their /off."""
    account = uow.account_key(account)
    me = uow.me
    open_holds = uow.holds.open()
    try:
        helper = join(open_holds, account, me.id, uow.now)
    except HoldError as exc:
        raise Refused(exc.code, account=account) from None
    holder = main_hold(open_holds, account)
    uow.holds.add(helper, update_id=uow.update_id)
    holder_name = uow.agents.by_id()[holder.agent_id].name
    uow.audit(uow.now, "join", actor_agent_id=me.id, subject=account, role=HELPER, holder=holder_name)
    return Joined(me.name, account, holder_name)
