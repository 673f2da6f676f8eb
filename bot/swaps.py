"""Shift swaps as application services: `/swap DATE ACCOUNT @colleague`, and the presses that follow.

An agent offers one occurrence of their shift to a named colleague; only that colleague can
accept (or decline) it; then a supervisor approves (or rejects) it, unless `[roster]
swaps_auto_approve` approves it on acceptance. The offerer may withdraw it until it is approved.
Each step is one transaction with its audit entry; a step that lost a race to another press is
refused. Who may press what is decided here; nothing here knows about Telegram.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.roster import find_person
from bot.roster_input import parse_date
from bot.services import Baton, Person, Refused
from storage import repositories as repo
from storage import roster as store
from storage.db import transaction

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


def parse_swap(words: Sequence[str], accounts: set[str], today: date) -> tuple[date, str, str] | None:
    """DATE ACCOUNT @colleague (date and account in either order): the day, the account and the colleague as typed."""
    if len(words) < 3:
        return None
    first, second = words[0], words[1]
    if first.lower() in accounts:
        first, second = second, first
    day = parse_date(first, today)
    if day is None or second.lower() not in accounts:
        return None
    return day, second.lower(), " ".join(words[2:])


def offer(baton: Baton, offerer: Person, words: Sequence[str], update_id: int | None) -> SwapView:
    keys = {a.key for a in baton.config.accounts}
    parsed = parse_swap(words, keys, baton.today())
    if parsed is None:
        raise Refused("swap_usage", keys=", ".join(sorted(keys)))
    day, account, handle = parsed
    now = baton.clock.now()
    try:
        with baton.command(update_id) as session:
            me = repo.register_agent(session, offerer.tg_user_id, offerer.name, offerer.username, now)
            colleague = find_person(session, handle, now)
            if colleague is None:
                raise Refused("roster_unknown_agent", handle=handle)
            if colleague.id == me.id:
                raise Refused("swap_self")
            shift = store.occurrence(session, me.id, account, day)
            if shift is None:
                raise Refused("swap_no_shift", account=account, day=day.isoformat())
            if shift.entry.window_on(day, baton.tz)[0] <= now:
                raise Refused("swap_started", account=account, day=day.isoformat())
            row = store.add_swap(session, shift, colleague.id, day, now)
            repo.audit(session, now, "swap_offer", actor_agent_id=me.id, subject=colleague.name, swap=row.id, shift=shift.id,
                       account=account, day=day, hours=f"{shift.entry.start:%H:%M}-{shift.entry.end:%H:%M}")
            return _view(session, row.id)
    except IntegrityError:
        # The live-swap index: the same occurrence is already on offer (or given away).
        raise Refused("swap_already_offered", account=account, day=day.isoformat()) from None


def record_message(baton: Baton, swap_id: int, chat_id: int, message_id: int) -> None:
    """The message with the swap's buttons: presses are taken from it only."""
    with transaction(baton.engine) as session:
        store.set_swap_message(session, swap_id, chat_id, message_id)


def press(
    baton: Baton, presser: Person, swap_id: int, action: str, where: tuple[int, int], update_id: int | None, *, supervisor: bool
) -> SwapView:
    """One button press on the swap shown at `where` (chat id, message id)."""
    now = baton.clock.now()
    with baton.command(update_id) as session:
        swap = store.get_swap(session, swap_id)
        if swap is None or swap.message_id is None or (swap.chat_id, swap.message_id) != where:
            raise Refused("swap_stale")
        who = repo.register_agent(session, presser.tg_user_id, presser.name, presser.username, now)
        names = {a.id: a.name for a in repo.agents_by_id(session).values()}
        audit = {"swap": swap.id, "account": repo.account_keys(session)[swap.account_id], "day": swap.day}
        if action in (ACCEPT, DECLINE):
            if who.id != swap.colleague_id:
                raise Refused("swap_colleague_only", name=names[swap.colleague_id])
            if action == DECLINE:
                _move(session, swap_id, store.OFFERED, store.DECLINED, decided_at=now)
            else:
                _move(session, swap_id, store.OFFERED, store.ACCEPTED, accepted_at=now)
                if baton.config.swaps_auto_approve:
                    repo.audit(session, now, "swap_accept", actor_agent_id=who.id, subject=names[swap.offerer_id], **audit)
                    action = APPROVE
                    _approve(session, swap, None, now)
                    who = None
        elif action in (APPROVE, REJECT):
            if not supervisor:
                raise Refused("swap_supervisors_only")
            if action == APPROVE:
                _approve(session, swap, who.id, now)
            else:
                _move(session, swap_id, store.ACCEPTED, store.REJECTED, decided_at=now, decided_by=who.id)
        elif action == WITHDRAW:
            if who.id != swap.offerer_id:
                raise Refused("swap_offerer_only", name=names[swap.offerer_id])
            _move(session, swap_id, (store.OFFERED, store.ACCEPTED), store.WITHDRAWN, decided_at=now)
        else:
            raise Refused("swap_stale")
        repo.audit(session, now, f"swap_{action}", actor_agent_id=who.id if who else None, subject=names[swap.offerer_id],
                   colleague=names[swap.colleague_id], automatic=who is None, **audit)
        return _view(session, swap_id)


def _move(session: Session, swap_id: int, from_status: str | tuple[str, ...], to_status: str, **values: object) -> None:
    if not store.move_swap(session, swap_id, from_status, to_status, **values):
        raise Refused("swap_moved", status=store.get_swap(session, swap_id).status)


def _approve(session: Session, swap, decided_by: int | None, now) -> None:
    if store.approve_swap(session, swap, decided_by, now) is None:
        raise Refused("swap_moved", status=store.get_swap(session, swap.id).status)


def _view(session: Session, swap_id: int) -> SwapView:
    row = store.get_swap(session, swap_id)
    agents = repo.agents_by_id(session)
    colleague = agents[row.colleague_id]
    return SwapView(
        row.id, row.status, agents[row.offerer_id].name, colleague.name, colleague.username, repo.account_keys(session)[row.account_id],
        row.day, row.start_time, row.end_time, agents[row.decided_by].name if row.decided_by is not None else None,
    )
