"""Holds on a shared account, and the two moves that change them: take over and hand off.

A hold is the half-open interval [start, end) in which one agent held an account.
An open hold has no end yet. The rules enforced here:

- one holder per account at a time: taking over a held account ends the current hold
  at the same instant, and that counts as a handover;
- at peak load a colleague may join a held account as a helper: a second, concurrent hold
  beside the holder's. A take-over ends the holder's hold only; helpers stay. A helper who
  takes the account over steps up: their helper hold ends as their holder hold begins;
- one agent may hold several accounts at once;
- handing off ends only your own holds, helper holds included.

Functions decide; they never persist. The caller stores what they return.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.clock import as_utc

HOLDER, HELPER = "holder", "helper"


class HoldError(Exception):
    """A move that the rules refuse. `code` is stable; the bot translates it."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class Hold:
    account: str
    agent_id: int
    start: datetime
    end: datetime | None = None
    id: int | None = None
    role: str = HOLDER

    @property
    def is_open(self) -> bool:
        return self.end is None

    def covers(self, instant: datetime) -> bool:
        return self.start <= instant and (self.end is None or instant < self.end)

    def seconds(self, until: datetime) -> float:
        """Seconds held, counting an open hold up to `until`."""
        end = self.end if self.end is not None else until
        return max(0.0, (end - self.start).total_seconds())

    def ended(self, at: datetime) -> Hold:
        if at < self.start:
            raise HoldError("before_start", account=self.account, start=self.start, at=at)
        return replace(self, end=at)


@dataclass(frozen=True)
class TakeOver:
    started: Hold
    ended: Hold | None  # the previous holder's hold, closed at the same instant
    stepped_up: Hold | None = None  # the taker's own helper hold on the account, closed at the same instant

    @property
    def is_handover(self) -> bool:
        return self.ended is not None


def take_over(current: Hold | None, account: str, agent_id: int, at: datetime, helping: Hold | None = None) -> TakeOver:
    """`agent_id` takes `account` at `at`.

    `current` is the account's open holder hold, if any; `helping` is the taker's own open
    helper hold on the account, if any, which ends as they step up.
    """
    at = as_utc(at)
    if helping is not None and (
        helping.account != account or helping.agent_id != agent_id or helping.role != HELPER or not helping.is_open
    ):
        raise ValueError("helping must be the taker's open helper hold on the same account")
    stepped_up = helping.ended(at) if helping is not None else None
    if current is not None:
        if current.account != account or not current.is_open or current.role != HOLDER:
            raise ValueError("current must be the open holder hold of the same account")
        if current.agent_id == agent_id:
            raise HoldError("already_holding", account=account)
        return TakeOver(started=Hold(account, agent_id, at), ended=current.ended(at), stepped_up=stepped_up)
    return TakeOver(started=Hold(account, agent_id, at), ended=None, stepped_up=stepped_up)


def join(open_holds: Iterable[Hold], account: str, agent_id: int, at: datetime) -> Hold:
    """`agent_id` joins `account` at `at` as a helper beside its holder: the new helper hold.

    Nobody to help means the account is free, and taking it over is the move for that.
    """
    at = as_utc(at)
    here = [h for h in open_holds if h.account == account and h.is_open]
    mine = [h for h in here if h.agent_id == agent_id]
    if any(h.role == HOLDER for h in mine):
        raise HoldError("already_holding", account=account)
    if mine:
        raise HoldError("already_helping", account=account)
    holder = main_hold(here, account)
    if holder is None:
        raise HoldError("nobody_holds", account=account)
    if at < holder.start:
        raise HoldError("before_start", account=account, start=holder.start, at=at)
    return Hold(account, agent_id, at, role=HELPER)


def main_hold(open_holds: Iterable[Hold], account: str) -> Hold | None:
    """The open holder hold of `account`: the one a take-over ends."""
    return next((h for h in open_holds if h.account == account and h.is_open and h.role == HOLDER), None)


def hand_off(own_open_holds: Iterable[Hold], agent_id: int, at: datetime, account: str | None = None) -> list[Hold]:
    """End the agent's open holds: the one on `account`, or all of them when no account is named."""
    at = as_utc(at)
    mine = [h for h in own_open_holds if h.agent_id == agent_id and h.is_open]
    if account is not None:
        mine = [h for h in mine if h.account == account]
    if not mine:
        raise HoldError("not_holding", account=account)
    return [h.ended(at) for h in sorted(mine, key=lambda h: h.account)]


def holder_of(holds: Iterable[Hold], account: str, at: datetime) -> int | None:
    for hold in holds:
        if hold.account == account and hold.covers(at):
            return hold.agent_id
    return None


def open_holds_by_account(holds: Iterable[Hold]) -> Mapping[str, Hold]:
    """The hold to show for each account: its holder's, else (once the holder left) its earliest helper's."""
    shown: dict[str, Hold] = {}
    for hold in sorted((h for h in holds if h.is_open), key=lambda h: (h.role != HOLDER, h.start, h.agent_id)):
        shown.setdefault(hold.account, hold)
    return shown


# -- a supervisor's correction of a hold ------------------------------------------------------------


def typed_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)


def fixed_span(
    hold: Hold, start: tuple[date | None, time] | None, end: tuple[date | None, time] | None, tz: ZoneInfo
) -> tuple[datetime, datetime | None]:
    """The span a correction names: what was typed, each a (day or None, wall time), over the hold.

    A start without a day is on the day the hold began; an end without a day on the day the
    (corrected) hold begins, or the next one when that time comes before its start (a night's end).
    What is not typed stays as it is.
    """
    new_start = hold.start
    if start is not None:
        day, wall = start
        new_start = typed_instant(day if day is not None else hold.start.astimezone(tz).date(), wall, tz)
    new_end = hold.end
    if end is not None:
        day, wall = end
        if day is not None:
            new_end = typed_instant(day, wall, tz)
        else:
            first = new_start.astimezone(tz).date()
            new_end = typed_instant(first, wall, tz)
            if new_end <= new_start:
                new_end = typed_instant(first + timedelta(days=1), wall, tz)
    return new_start, new_end


def fix_refusal(hold: Hold, start: datetime, end: datetime | None, others: Iterable[Hold], now: datetime) -> tuple[str, Hold | None] | None:
    """Why `hold` cannot be moved to [start, end) (end None: it stays open), or None when it can.

    "empty" (the end is not after the start), "in_future", or "overlaps" with the hold it would
    overlap: the same agent's other holds on the account, and, for a holder's hold, any other
    holder's (one holder per account at a time; helpers sit beside holders by design).
    """
    if end is not None and end <= start:
        return "empty", None
    if start > now or (end is not None and end > now):
        return "in_future", None
    for other in sorted(others, key=lambda h: h.start):
        if other.id == hold.id or other.account != hold.account:
            continue
        if other.agent_id != hold.agent_id and not (other.role == HOLDER and hold.role == HOLDER):
            continue
        if (end is None or other.start < end) and (other.end is None or other.end > start):
            return "overlaps", other
    return None
