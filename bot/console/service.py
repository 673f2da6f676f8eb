"""The console's use cases: take over, hand off, log a case, and asking for a fresh console.

Each is a function of the update's unit of work. A press returns the console as it is after the
press, read in the same transaction, so a private console is redrawn from what was committed;
the group's live console follows by itself (the command marks it behind, bot/core/baton.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from bot.console.board import BoardView, board_view
from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from domain.holds import HELPER, Hold, HoldError, hand_off, main_hold, open_holds_by_account, take_over
from domain.presence import backdate_choices, backdate_refusal, earliest_backdate, offered_moment
from storage.db import broken_constraint
from storage.holds import OPEN_HOLD_INDEXES, HoldMoved, backdate_take_over

NOTE_LIMIT = 200
# The console's moves, as its buttons name them.
TAKE, HAND_OFF, LOG_TYPE = "take", "hand_off", "log_type"
BACKDATED_ACTION = "take_over_backdated"
Moved = TypeVar("Moved")


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
class Backdated:
    """A take-over from an earlier moment: `previous`'s hold ended `at`, the sender's began there."""

    agent: str
    account: str
    previous: str
    previous_tg_id: int
    at: datetime
    case_type: str | None


@dataclass(frozen=True)
class Pressed:
    """A console press done: what it did, and the console after it."""

    outcome: TookOver | HandedOff | CaseLogged
    view: BoardView | None  # None when nobody asked: the group's live console redraws itself


# -- the moves ---------------------------------------------------------------------------------------


def take_over_account(uow: UnitOfWork, account: str, seen_hold: int | None = None) -> TookOver:
    """The sender takes `account`. Of simultaneous take-overs exactly one wins.

    `seen_hold` is the holder hold the presser saw on the console (0: free); if someone else
    holds the account by now, the press is refused with their name. A typed /on has no
    expectation (None) and takes the account from whoever holds it.
    """
    account = uow.account_key(account)
    return _one_winner(uow, account, lambda: _take_over(uow, account, seen_hold))


def _one_winner(uow: UnitOfWork, account: str, move: Callable[[], Moved]) -> Moved:
    """`move` on `account`, or, when another take-over committed between its read and its write (its
    writes are then undone), the refusal saying who holds the account now."""
    try:
        with uow.holds.race_guard():
            return move()
    except HoldMoved:
        pass
    except IntegrityError as exc:
        if broken_constraint(exc) not in OPEN_HOLD_INDEXES:
            raise
    raise lost_race(uow, account)


def _take_over(uow: UnitOfWork, account: str, seen_hold: int | None) -> TookOver:
    me = uow.me
    on_account = [h for h in uow.holds.open() if h.account == account]
    current = main_hold(on_account, account)
    if seen_hold is not None and current is not None and current.id != seen_hold and current.agent_id != me.id:
        raise Refused("held_by_now", account=account, name=uow.agents.name_of(current.agent_id))
    helping = next((h for h in on_account if h.role == HELPER and h.agent_id == me.id), None)
    try:
        move = take_over(current, account, me.id, uow.now, helping=helping)
    except HoldError as exc:
        raise Refused(exc.code, account=account) from None
    if move.stepped_up is not None and not uow.holds.end_each([move.stepped_up]):
        raise HoldMoved(move.stepped_up.id)
    uow.holds.take_over(move, uow.update_id)
    previous = uow.agents.name_of(move.ended.agent_id) if move.ended else None
    uow.audit(uow.now, "take_over", actor_agent_id=me.id, subject=account, previous=previous)
    return TookOver(me.name, account, previous)


# -- a take-over from the moment its presser really started -------------------------------------------


def backdate_moments(uow: UnitOfWork, current: Hold, shift_start: datetime | None) -> tuple[datetime, ...]:
    """The moments offered to someone at the keyboard of the account `current` holds, in the order
    offered: first the suggestion (the start of their `shift_start` on it, or now), then every other
    moment they may choose, in the clock's order (domain.presence: never before `current` began or
    its holder's last case, never more than `[presence] max_backdate_minutes` ago). The person at
    the keyboard knows better than the suggestion when they sat down."""
    now, limit = uow.now, timedelta(minutes=uow.config.presence.max_backdate_minutes)
    last_case = holders_last_case(uow, current)
    at = offered_moment(now, shift_start, current.start, last_case, limit)
    choices = backdate_choices(now, at, earliest_backdate(now, current.start, last_case, limit))
    return (at, *(c for c in choices if c != at))


def holders_last_case(uow: UnitOfWork, hold: Hold) -> datetime | None:
    return uow.cases.last_at(hold.agent_id, hold.account, hold.start, uow.now + timedelta(seconds=1))


def take_over_backdated(
    uow: UnitOfWork,
    account: str,
    seen_hold: int,
    at: datetime,
    case_type: str | None,
    *,
    offered_at: Callable[[datetime], datetime | None] | None = None,
) -> Backdated:
    """The sender takes `account` over from `at`: the colleague's hold `seen_hold` ends there and
    theirs begins there, audited `take_over_backdated`; `case_type`, if any, is logged now.

    `offered_at` says when a moment was offered, if it was: its limits are those of that moment.
    """
    return _one_winner(uow, account, lambda: _backdate(uow, account, seen_hold, at, case_type, offered_at))


def _backdate(
    uow: UnitOfWork,
    account: str,
    seen_hold: int,
    at: datetime,
    case_type: str | None,
    offered_at: Callable[[datetime], datetime | None] | None,
) -> Backdated:
    me, now = uow.me, uow.now
    on_account = [h for h in uow.holds.open() if h.account == account]
    if any(h.agent_id == me.id for h in on_account):
        raise Refused("already_holding", account=account)
    current = main_hold(on_account, account)
    if current is None or current.id != seen_hold:
        raise lost_race(uow, account) if current is not None else Refused("moved_meanwhile", account=account)
    limit = timedelta(minutes=uow.config.presence.max_backdate_minutes)
    last_case = holders_last_case(uow, current)
    floor = max(current.start, last_case or current.start)
    if floor - timedelta(seconds=1) < at < floor:
        at = floor  # the button carries whole seconds: the moment offered was the hold's start or the holder's last case
    offered = offered_at(at) if offered_at is not None else None
    problem = backdate_refusal(at, now if offered is None else offered, current.start, last_case, limit)
    if problem is not None:
        raise Refused(problem, account=account)
    backdate_take_over(uow.holds, current, me.id, at, uow.update_id)
    previous = uow.agents.by_id()[current.agent_id]
    uow.audit(now, BACKDATED_ACTION, actor_agent_id=me.id, subject=account, previous=previous.name, hold=current.id, since=at.isoformat())
    if case_type is not None:
        uow.cases.add(me.id, account, now, case_type, None, uow.update_id)
    return Backdated(me.name, account, previous.name, previous.tg_user_id, at, case_type)


def lost_race(uow: UnitOfWork, account: str) -> Refused:
    """The refusal for a take-over that lost a race, from a fresh read of who holds the account now."""
    current = main_hold(uow.holds.open(), account)
    holder = uow.agents.get(current.agent_id) if current else None
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
    return uow.agents.name_of(hold.agent_id) if hold else None


def fresh_console(uow: UnitOfWork) -> None:
    """/console in the group: a new console message, below, becomes the live one."""
    uow.boards.touch(uow.config.team.chat_id, uow.now, repost=True)


def live_board(uow: UnitOfWork, chat_id: int) -> int | None:
    """The message id of the group's live console; None while a fresh one is on its way."""
    board = uow.boards.get(chat_id)
    return board.message_id if board is not None and not board.repost else None


def press(
    uow: UnitOfWork, move: str, account: str, *, seen_hold: int | None = None, case_type: str = "other", redraw: bool = False
) -> Pressed:
    """One console button: its move, and (to `redraw` a private console) the console after it, in one transaction."""
    outcome: TookOver | HandedOff | CaseLogged
    if move == TAKE:
        outcome = take_over_account(uow, account, seen_hold)
    elif move == HAND_OFF:
        outcome = hand_off_account(uow, account)
    else:
        outcome = log_case(uow, account, case_type)
    return Pressed(outcome, board_view(uow) if redraw else None)
