"""Someone left the team's group, or was removed from it: what they held ends when they left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.baton import UnitOfWork
from domain.clock import as_utc


@dataclass(frozen=True)
class Departure:
    name: str | None  # None: never an agent here
    accounts: tuple[str, ...]  # the accounts whose holds were closed
    at: datetime  # when the holds were closed


def leave_group(uow: UnitOfWork, tg_user_id: int, left_at: datetime, status: str) -> Departure:
    """Close the person's open holds at the moment they left (Telegram's, never later than now)."""
    at = min(as_utc(left_at), uow.now)
    agent = uow.agents.by_tg_id(tg_user_id)
    if agent is None:
        return Departure(None, (), at)
    # A hold that began after Telegram's moment (clocks differ by a little) ends where it began.
    mine = [h for h in uow.holds.open() if h.agent_id == agent.id]
    ended = sorted(h.account for h in mine if uow.holds.end_each([h.ended(max(at, h.start))]))
    if ended:
        uow.audit(uow.now, "left_group", actor_agent_id=agent.id, subject=",".join(ended), status=status, ended_at=at.isoformat())
    return Departure(agent.name, tuple(ended), at)
