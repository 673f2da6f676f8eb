"""What the console shows: each account's holder, and the latest changes, as one read.

The group's live console (its board) is drawn from this whenever it is edited, so it always
shows the state at that moment; a private console is drawn from it after a press.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.baton import UnitOfWork
from domain.holds import main_hold, open_holds_by_account

RECENT_SHOWN = 5
# The audit log's entries that move a hold, as the board lists them.
HOLD_MOVES = ("take_over", "take_over_backdated", "hand_back", "hand_off", "join", "clock_off", "auto_close", "assign")


@dataclass(frozen=True)
class ConsoleLine:
    account: str
    holder: str | None
    holder_tg_id: int | None
    since: datetime | None
    # The account's open holder hold, 0 when nobody holds it: what a "take over" press saw.
    holder_hold_id: int = 0


@dataclass(frozen=True)
class Change:
    """One recent change, as the board lists it: a hold moved, or a case logged."""

    at: datetime
    what: str  # took, took_from, handed_off, joined, clocked_off, auto_closed, assigned, case
    name: str
    accounts: tuple[str, ...]
    previous: str | None = None  # took_from: whose hold it ended
    case_type: str | None = None


@dataclass(frozen=True)
class BoardView:
    lines: tuple[ConsoleLine, ...]
    changes: tuple[Change, ...]
    today: date
    version: int = 0  # the team group's board version this was drawn at


def lines(uow: UnitOfWork) -> tuple[ConsoleLine, ...]:
    holds = uow.holds.open()
    agents = uow.agents.by_id()
    by_account = open_holds_by_account(holds)
    found = []
    for account in uow.config.accounts:
        hold = by_account.get(account.key)
        agent = agents[hold.agent_id] if hold else None
        holder_hold = main_hold(holds, account.key)
        found.append(
            ConsoleLine(
                account.key,
                agent.name if agent else None,
                agent.tg_user_id if agent else None,
                hold.start if hold else None,
                holder_hold.id if holder_hold is not None and holder_hold.id is not None else 0,
            )
        )
    return tuple(found)


def recent_changes(uow: UnitOfWork, shown: int = RECENT_SHOWN) -> tuple[Change, ...]:
    """The latest moves of holds and cases logged, oldest first."""
    names = uow.agents.names()
    changes = [
        _change(row.at, row.action, row.actor_agent_id, row.subject, json.loads(row.detail), names)
        for row in uow.audit.latest_of(HOLD_MOVES, shown)
    ]
    changes += [Change(c.at, "case", names.get(c.agent_id, ""), (c.account,), case_type=c.case_type) for c in uow.cases.latest(shown)]
    return tuple(sorted(changes, key=lambda c: c.at)[-shown:])


def _change(at: datetime, action: str, actor: int | None, subject: str, detail: dict, names: dict[int, str]) -> Change:
    accounts = tuple(a for a in subject.split(",") if a)
    name = names.get(actor, "") if actor is not None else ""
    if action in ("take_over", "take_over_backdated"):
        previous = detail.get("previous")
        return Change(at, "took_from" if previous else "took", name, accounts, previous=previous)
    if action == "auto_close":
        return Change(at, "auto_closed", names.get(detail.get("agent_id", -1), ""), accounts)
    if action == "assign":
        return Change(at, "assigned", str(detail.get("agent", "")), accounts)
    moves = {"hand_off": "handed_off", "hand_back": "handed_off", "join": "joined", "clock_off": "clocked_off"}
    return Change(at, moves[action], name, accounts)


def board_view(uow: UnitOfWork) -> BoardView:
    board = uow.boards.get(uow.config.team.chat_id)
    return BoardView(lines(uow), recent_changes(uow), uow.today, board.version if board else 0)
