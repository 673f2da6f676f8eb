"""A per-agent report's totals in the ledger: checked against the conversations, apportioned where there are none.

On a shared login a per-agent report (赤兔, 生意参谋) has one row for the whole team, so its counts
credit nobody by themselves. Where a day has conversation data, the report is the day's reference:
its 接待人数 against Baton's count (domain.reconcile). Where a day has none, the count is shared
among the holders by hold time inside the platform's scoring hours ([checks] scoring_hours) and
enters the ledger as its own kind, APPORTIONED (domain.ledger): never as credited conversations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from bot.core.baton import UnitOfWork
from domain.apportion import SHARE_COLUMNS, UNSHARED_COLUMNS, Apportionment, apportion_days
from domain.reconcile import DayReconciliation, reconcile
from domain.time import day_bounds


@dataclass(frozen=True)
class Share:
    """What one holder was apportioned of an account's day: ``count`` of the platform's ``measure``."""

    account: str
    day: date
    agent_id: int
    name: str
    count: int
    measure: str  # received (接待人数) or consulted (咨询人数)


@dataclass(frozen=True)
class Unshared:
    """A day's count nobody could be given, and why (nobody_held, held_outside_scoring_hours)."""

    account: str
    day: date
    count: int
    measure: str
    reason: str


@dataclass(frozen=True)
class PlatformDays:
    """What the platform's reports say of some days: each account-day's count against Baton's,
    and for the account-days without conversation data, who the count was apportioned to."""

    reconciliation: tuple[DayReconciliation, ...] = ()
    shares: tuple[Share, ...] = ()
    unshared: tuple[Unshared, ...] = ()

    def shares_on(self, account: str, day: date) -> tuple[Share, ...]:
        return tuple(s for s in self.shares if (s.account, s.day) == (account, day))

    def unshared_on(self, account: str, day: date) -> tuple[Unshared, ...]:
        return tuple(u for u in self.unshared if (u.account, u.day) == (account, day))

    def apportioned(self, day: DayReconciliation) -> bool:
        """The day had no conversation data: its count was apportioned (or could not be)."""
        return day.baton_count == 0 and bool(self.shares_on(day.account, day.day) or self.unshared_on(day.account, day.day))

    @property
    def shortfalls(self) -> tuple[DayReconciliation, ...]:
        """Days with conversations, but fewer than the platform counted: an export is missing rows."""
        return tuple(d for d in self.reconciliation if d.missing and not self.apportioned(d))


def apportion(
    uow: UnitOfWork, first: date, last: date, *, conversations: pd.DataFrame | None = None, holds: pd.DataFrame | None = None
) -> Apportionment:
    """The platform counts of first..last shared by hold time on the account-days without conversations.

    ``conversations`` (account, start) and ``holds`` (the attribution frame) spare reading them
    again when the caller has them for the same days."""
    totals = uow.platform_totals.frame(first, last)
    if totals.empty:
        return Apportionment(pd.DataFrame(columns=SHARE_COLUMNS), pd.DataFrame(columns=UNSHARED_COLUMNS))
    start, end = day_bounds(first, uow.tz)[0], day_bounds(last, uow.tz)[1]
    conversations = uow.conversations.moments(start, end) if conversations is None else conversations
    holds = uow.holds.frame_between(start, end) if holds is None else holds
    windows = {a.key: uow.config.checks.scoring_hours.get(a.platform) for a in uow.config.accounts}
    return apportion_days(totals, _days_with_conversations(conversations, uow), holds, windows=windows, tz=uow.tz, now=uow.now)


def platform_days(uow: UnitOfWork, first: date, last: date, reconciliation: Iterable[DayReconciliation] | None = None) -> PlatformDays:
    """The platform's reports for first..last: reconciled (unless ``reconciliation`` is given) and apportioned."""
    totals = uow.platform_totals.frame(first, last)
    if totals.empty:
        return PlatformDays()
    start, end = day_bounds(first, uow.tz)[0], day_bounds(last, uow.tz)[1]
    conversations = uow.conversations.frame(start, end)
    checked = tuple(reconcile(totals, conversations, uow.tz) if reconciliation is None else reconciliation)
    result = apportion(uow, first, last, conversations=conversations)
    names = uow.agents.names()
    shares = [
        Share(str(account), day, int(agent_id), names.get(int(agent_id), ""), int(count), str(measure))
        for (account, day, agent_id, measure), count in result.shares.groupby(["account", "day", "agent_id", "measure"])["value"]
        .sum()
        .items()
    ]
    unshared = [
        Unshared(str(account), day, int(count), str(measure), str(reason))
        for (account, day, measure, reason), count in result.unshared.groupby(["account", "day", "measure", "reason"])["value"]
        .sum()
        .items()
    ]
    return PlatformDays(
        checked,
        tuple(sorted(shares, key=lambda s: (s.account, s.day, -s.count, s.name))),
        tuple(sorted(unshared, key=lambda u: (u.account, u.day, u.reason))),
    )


def _days_with_conversations(conversations: pd.DataFrame, uow: UnitOfWork) -> pd.DataFrame:
    if conversations.empty:
        return pd.DataFrame(columns=["account", "day"])
    days = pd.DataFrame({"account": conversations["account"], "day": conversations["start"].dt.tz_convert(uow.tz).dt.date})
    return days.drop_duplicates(ignore_index=True)
