"""Shift swaps: `/swap DATE ACCOUNT @colleague`, and the presses that follow.

An agent offers one occurrence of their shift to a named colleague; only that colleague can
accept (or decline) it; then a supervisor approves (or rejects) it, unless `[roster]
swaps_auto_approve` approves it on acceptance. The offerer may withdraw it until it is approved.
Each step is one command with its audit entry; a step that lost a race to another press is
refused. Who may press what is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy.exc import IntegrityError

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.roster.parse import SwapRequest
from bot.roster.service import named_agent
from storage.models import ShiftSwapRow
from storage.roster import ACCEPTED, APPROVED, DECLINED, OFFERED, REJECTED, WITHDRAWN

ACCEPT, DECLINE, APPROVE, REJECT, WITHDRAW = "accept", "decline", "approve", "reject", "withdraw"


@dataclass(frozen=True)
class SwapView:
    id: int
    status: str
    offerer: str
    colleague: str
    colleague_username: str | None
    account: str
    day: date
    start: time
    end: time
    decided_by: str | None  # the supervisor; None when approved automatically or not decided

    @property
    def automatic(self) -> bool:
        return self.status == APPROVED and self.decided_by is None

    @property
    def awaiting(self) -> tuple[str, str] | None:
        """The answer the swap waits for, yes or no: the colleague's, then a supervisor's; None once settled.

        The offerer may withdraw it as long as it waits.
        """
        return {OFFERED: (ACCEPT, DECLINE), ACCEPTED: (APPROVE, REJECT)}.get(self.status)


def offer(uow: UnitOfWork, request: SwapRequest) -> SwapView:
    """The sender offers their shift on the request's day and account to the colleague it names."""
    me = uow.me
    colleague = named_agent(uow, request.handle)
    if colleague.id == me.id:
        raise Refused("swap_self")
    day, account = request.day, request.account
    shift = uow.roster.occurrence(me.id, account, day)
    if shift is None:
        raise Refused("swap_no_shift", account=account, day=day.isoformat())
    if shift.entry.window_on(day, uow.tz)[0] <= uow.now:
        raise Refused("swap_started", account=account, day=day.isoformat())
    try:
        with uow.session.begin_nested():
            row = uow.roster.add_swap(shift, colleague.id, day, uow.now)
    except IntegrityError:
        # The live-swap index: the same occurrence is already on offer (or given away).
        raise Refused("swap_already_offered", account=account, day=day.isoformat()) from None
    uow.audit(
        uow.now,
        "swap_offer",
        actor_agent_id=me.id,
        subject=colleague.name,
        swap=row.id,
        shift=shift.id,
        account=account,
        day=day,
        hours=f"{shift.entry.start:%H:%M}-{shift.entry.end:%H:%M}",
    )
    return _view(uow, row.id)


def record_message(uow: UnitOfWork, swap_id: int, chat_id: int, message_id: int) -> None:
    """The message with the swap's buttons: presses are taken from it only."""
    uow.roster.set_swap_message(swap_id, chat_id, message_id)


def press(uow: UnitOfWork, swap_id: int, action: str, where: tuple[int, int], *, supervisor: bool) -> SwapView:
    """One button press on the swap shown at `where` (chat id, message id), by the sender."""
    swap = uow.roster.get_swap(swap_id)
    if swap is None or swap.message_id is None or (swap.chat_id, swap.message_id) != where:
        raise Refused("swap_stale")
    names = uow.agents.names()
    about = {"swap": swap.id, "account": uow.accounts.keys[swap.account_id], "day": swap.day}
    actor: int | None = uow.me.id
    if action in (ACCEPT, DECLINE):
        action = _answer(uow, swap, action, names, about)
        if action == APPROVE:
            actor = None
    elif action in (APPROVE, REJECT):
        if not supervisor:
            raise Refused("swap_supervisors_only")
        _decide(uow, swap, action)
    elif action == WITHDRAW:
        if uow.me.id != swap.offerer_id:
            raise Refused("swap_offerer_only", name=names[swap.offerer_id])
        _move(uow, swap_id, (OFFERED, ACCEPTED), WITHDRAWN, decided_at=uow.now)
    else:
        raise Refused("swap_stale")
    uow.audit(
        uow.now,
        f"swap_{action}",
        actor_agent_id=actor,
        subject=names[swap.offerer_id],
        colleague=names[swap.colleague_id],
        automatic=actor is None,
        **about,
    )
    return _view(uow, swap_id)


def _answer(uow: UnitOfWork, swap: ShiftSwapRow, action: str, names: dict[int, str], about: dict[str, object]) -> str:
    """The colleague accepts or declines; the step taken, which is an approval when acceptance is enough."""
    if uow.me.id != swap.colleague_id:
        raise Refused("swap_colleague_only", name=names[swap.colleague_id])
    if action == DECLINE:
        _move(uow, swap.id, OFFERED, DECLINED, decided_at=uow.now)
        return DECLINE
    _move(uow, swap.id, OFFERED, ACCEPTED, accepted_at=uow.now)
    if not uow.config.swaps_auto_approve:
        return ACCEPT
    uow.audit(uow.now, "swap_accept", actor_agent_id=uow.me.id, subject=names[swap.offerer_id], **about)
    _approve(uow, swap, None)
    return APPROVE


def _decide(uow: UnitOfWork, swap: ShiftSwapRow, action: str) -> None:
    if action == APPROVE:
        _approve(uow, swap, uow.me.id)
    else:
        _move(uow, swap.id, ACCEPTED, REJECTED, decided_at=uow.now, decided_by=uow.me.id)


def _move(uow: UnitOfWork, swap_id: int, from_status: str | tuple[str, ...], to_status: str, **values: object) -> None:
    if not uow.roster.move_swap(swap_id, from_status, to_status, **values):
        raise Refused("swap_moved", status=uow.roster.get_swap(swap_id).status)


def _approve(uow: UnitOfWork, swap: ShiftSwapRow, decided_by: int | None) -> None:
    if uow.roster.approve_swap(swap, decided_by, uow.now) is None:
        raise Refused("swap_moved", status=uow.roster.get_swap(swap.id).status)


def _view(uow: UnitOfWork, swap_id: int) -> SwapView:
    row = uow.roster.get_swap(swap_id)
    agents = uow.agents.by_id()
    colleague = agents[row.colleague_id]
    return SwapView(
        row.id,
        row.status,
        agents[row.offerer_id].name,
        colleague.name,
        colleague.username,
        uow.accounts.keys[row.account_id],
        row.day,
        row.start_time,
        row.end_time,
        agents[row.decided_by].name if row.decided_by is not None else None,
    )
