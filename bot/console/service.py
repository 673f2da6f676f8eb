"""The console's use cases: take over, hand off, log a case, and the board that shows who holds what.

Each is a function of the update's unit of work. A press returns the board as it is after the
press, read in the same transaction, so the console is redrawn from exactly what was committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from domain.holds import HELPER, Hold, HoldError, hand_off, main_hold, open_holds_by_account, take_over
from storage.db import broken_constraint
from storage.holds import OPEN_HOLD_INDEXES, HoldMoved

NOTE_LIMIT = 200
# The console's moves, as its buttons name them.
TAKE, HAND_OFF, PICK_TYPE, LOG_TYPE, BACK = "take", "hand_off", "pick_type", "log_type", "back"


@dataclass(frozen=True)
class TookOver:
    agent: str
    account: str
    previous: str | None


@dataclass(frozen=True)
class HandedOff:
    agent: str
    accounts: tuple[str, ...]


@dataclass(frozen=True)
class CaseLogged:
    agent: str
    account: str
    case_type: str


@dataclass(frozen=True)
class ConsoleLine:
    account: str
    holder: str | None
    holder_tg_id: int | None
    since: datetime | None
    # The account's open holder hold, 0 when nobody holds it: what a "take over" press saw.
    holder_hold_id: int = 0


@dataclass(frozen=True)
class Pressed:
    """A console press done: what it did (None for opening the case-type picker), and the board after it."""

    outcome: TookOver | HandedOff | CaseLogged | None
    board: tuple[ConsoleLine, ...]


# -- the moves ---------------------------------------------------------------------------------------


def take_over_account(uow: UnitOfWork, account: str, seen_hold: int | None = None) -> TookOver:
    """The sender takes `account`. Of simultaneous take-overs exactly one wins.

    `seen_hold` is the holder hold the presser saw on the console (0: free); if someone else
    holds the account by now, the press is refused with their name. A typed /on has no
    expectation (None) and takes the account from whoever holds it.
    """
    account = uow.account_key(account)
    try:
        with uow.session.begin_nested():
            return _take_over(uow, account, seen_hold)
    except HoldMoved:
        pass
    except IntegrityError as exc:
        if broken_constraint(exc) not in OPEN_HOLD_INDEXES:
            raise
    # Another take-over committed between this one's read and its write; this one's writes are undone.
    raise _lost_race(uow, account)


def _take_over(uow: UnitOfWork, account: str, seen_hold: int | None) -> TookOver:
    me = uow.me
    on_account = [h for h in uow.holds.open() if h.account == account]
    current = main_hold(on_account, account)
    if seen_hold is not None and current is not None and current.id != seen_hold and current.agent_id != me.id:
        raise Refused("held_by_now", account=account, name=uow.agents.by_id()[current.agent_id].name)
    helping = next((h for h in on_account if h.role == HELPER and h.agent_id == me.id), None)
    try:
        move = take_over(current, account, me.id, uow.now, helping=helping)
    except HoldError as exc:
        raise Refused(exc.code, account=account) from None
    if move.stepped_up is not None and not uow.holds.end_each([move.stepped_up]):
        raise HoldMoved(move.stepped_up.id)
    uow.holds.take_over(move, uow.update_id)
    previous = uow.agents.by_id()[move.ended.agent_id].name if move.ended else None
    uow.audit(uow.now, "take_over", actor_agent_id=me.id, subject=account, previous=previous)
    return TookOver(me.name, account, previous)


def _lost_race(uow: UnitOfWork, account: str) -> Refused:
    """The refusal for a take-over that lost a race, from a fresh read of who holds the account now."""
    current = main_hold(uow.holds.open(), account)
    holder = uow.agents.by_id()[current.agent_id] if current else None
    if holder is None:
        return Refused("moved_meanwhile", account=account)
    if uow.person is not None and holder.tg_user_id == uow.person.tg_user_id:
        return Refused("already_holding", account=account)
    return Refused("held_by_now", account=account, name=holder.name)


def hand_off_account(uow: UnitOfWork, account: str | None = None) -> HandedOff:
    """The sender hands off `account`, or every account they hold."""
    if account is not None:
        account = uow.account_key(account)
    me = uow.me
    try:
        ended = hand_off(uow.holds.open(), me.id, uow.now, account)
    except HoldError as exc:
        raise Refused(exc.code if account else "not_holding_any", account=account) from None
    if not uow.holds.end_each(ended):
        # Taken over from them while they pressed: nothing of theirs is left to hand off.
        raise Refused("moved_meanwhile", account=account)
    accounts = tuple(h.account for h in ended)
    uow.audit(uow.now, "hand_off", actor_agent_id=me.id, subject=",".join(accounts))
    return HandedOff(me.name, accounts)


def log_case(uow: UnitOfWork, account: str | None, case_type: str, note: str | None = None) -> CaseLogged:
    """Only the holder logs cases on an account, so the case is credited to who held it."""
    if account is not None:
        account = uow.account_key(account)
    if note and len(note) > NOTE_LIMIT:
        raise Refused("note_too_long", limit=NOTE_LIMIT)
    me = uow.me
    mine = [h for h in uow.holds.open() if h.agent_id == me.id]
    account = _case_account(uow, mine, account)
    uow.cases.add(me.id, account, uow.now, case_type, note, uow.update_id)
    return CaseLogged(me.name, account, case_type)


def _case_account(uow: UnitOfWork, mine: list[Hold], account: str | None) -> str:
    held = [h.account for h in mine]
    if account is not None:
        if account not in held:
            holder = _holder_name(uow, account)
            raise Refused("holder_only" if holder else "not_holding", account=account, name=holder)
        return account
    if not held:
        raise Refused("not_holding_any")
    if len(held) > 1:
        raise Refused("holds_several", accounts=held)
    return held[0]


def _holder_name(uow: UnitOfWork, account: str) -> str | None:
    hold = open_holds_by_account(uow.holds.open()).get(account)
    return uow.agents.by_id()[hold.agent_id].name if hold else None


def check_holder(uow: UnitOfWork, account: str) -> None:
    """Refuse a case-type picker opened by someone who does not hold the account."""
    account = uow.account_key(account)
    on_account = [h for h in uow.holds.open() if h.account == account]
    hold = open_holds_by_account(on_account).get(account)
    if hold is None:
        raise Refused("not_holding", account=account)
    if all(h.agent_id != uow.me.id for h in on_account):
        raise Refused("holder_only", account=account, name=uow.agents.by_id()[hold.agent_id].name)


# -- the board ---------------------------------------------------------------------------------------


def board(uow: UnitOfWork) -> tuple[ConsoleLine, ...]:
    holds = uow.holds.open()
    agents = uow.agents.by_id()
    by_account = open_holds_by_account(holds)
    lines = []
    for account in uow.config.accounts:
        hold = by_account.get(account.key)
        agent = agents[hold.agent_id] if hold else None
        holder_hold = main_hold(holds, account.key)
        lines.append(
            ConsoleLine(
                account.key,
                agent.name if agent else None,
                agent.tg_user_id if agent else None,
                hold.start if hold else None,
                holder_hold.id if holder_hold else 0,
            )
        )
    return tuple(lines)


def press(uow: UnitOfWork, move: str, account: str, *, seen_hold: int | None = None, case_type: str = "other") -> Pressed:
    """One console button: its move, and the board after it, in the press's one transaction."""
    outcome: TookOver | HandedOff | CaseLogged | None = None
    if move == TAKE:
        outcome = take_over_account(uow, account, seen_hold)
    elif move == HAND_OFF:
        outcome = hand_off_account(uow, account)
    elif move == PICK_TYPE:
        check_holder(uow, account)
    elif move == LOG_TYPE:
        outcome = log_case(uow, account, case_type)
    return Pressed(outcome, board(uow))
