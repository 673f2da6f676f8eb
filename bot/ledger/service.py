"""The ledger: compiling it, attributing conversations, and the views built from it (standings, metrics).

Functions of a unit of work. Compiling writes, so it runs inside a command's transaction (the
compile job's, an import's, /standings'), and what it wrote is what the same transaction reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from bot.core.baton import UnitOfWork
from bot.ledger.apportioned import PlatformDays, Share, Unshared, apportion, platform_days
from bot.ledger.collaboration import collaboration_entries
from bot.ledger.idle import IdleHold, idle_holds, not_cover
from domain.attribution import Attribution, attribute_conversations
from domain.ledger import apportioned_entries, compile_day, conversation_entries
from domain.metrics import agent_metrics
from domain.presence import paid_spans
from domain.standings import Standing, standings
from domain.time import day_bounds, days_between, local_day
from storage.ledger import LedgerChange

__all__ = [
    "AgentMetrics",
    "Attributed",
    "ConversationCounts",
    "IdleHold",
    "PlatformDays",
    "RankedAgent",
    "Share",
    "Unshared",
    "attribute",
    "compile_days",
    "compile_today",
    "conversation_counts",
    "due_days",
    "idle_hours",
    "metrics",
    "metrics_between",
    "open_days",
    "paid_holds_frame",
    "platform_days",
    "ranked",
    "standings_today",
]


@dataclass(frozen=True)
class RankedAgent:
    standing: Standing
    name: str


@dataclass(frozen=True)
class AgentMetrics:
    """One agent's row of domain.metrics.agent_metrics; rates are NaN where there is no data."""

    name: str
    conversations: float
    response_conversations: float
    avg_first_response_s: float
    first_reply_30s_rate: float
    rated: float
    satisfaction_raw: float
    satisfaction: float
    inquiries: float
    inquiry_conversion: float
    resolved_rate: float


# How long before a compiled day a conversation credited on it by its first reply may have started.
REPLY_LOOKBACK = timedelta(days=2)


@dataclass(frozen=True)
class ConversationCounts:
    imported: int
    held: int
    roster: int
    unattributed: int


@dataclass(frozen=True)
class Attributed:
    """An attribution together with the frames it was computed from."""

    conversations: pd.DataFrame
    holds: pd.DataFrame
    attribution: Attribution
    now: datetime


def open_days(uow: UnitOfWork) -> list[date]:
    """The days the compile job keeps current: from the start of last month, once there is activity."""
    today = uow.today
    first_of_last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    first = uow.ledger.first_activity()
    if first is None:
        return []
    return days_between(max(first_of_last_month, local_day(first, uow.tz)), today)


def compile_days(uow: UnitOfWork, days: list[date] | None = None) -> LedgerChange:
    """Recompile the derived ledger entries of `days` (default: the open days). A closed month stays
    as it was closed. None of the days is due any more (storage.ledger.mark_due) once this commits."""
    asked = open_days(uow) if days is None else days
    uow.ledger.compiled(asked)
    closed = uow.months.closed_months()
    days = [day for day in sorted(set(asked)) if f"{day:%Y-%m}" not in closed]
    if not days:
        return LedgerChange(0, 0, 0)
    tz, config = uow.tz, uow.config
    start, end = day_bounds(days[0], tz)[0], day_bounds(days[-1], tz)[1]
    holds = uow.holds.between(start, end)
    cases = uow.cases.between(start, end)
    # Held time after its holder had gone is paid neither as hours nor as cover (domain.presence).
    idle = idle_holds(uow, holds, start=start, end=end, now=uow.now, config=config, tz=tz)
    idle_by_hold = {i.hold.id or 0: i.spans for i in idle}
    entries = [e for day in days for e in compile_day(day, tz, holds, cases, config.points, uow.now, idle_by_hold)]
    attributed = attribute(uow, start, end)
    # A conversation is credited on the day of its moment: by the first reply, one that started the
    # evening before may be credited today, so those that started a little earlier are read too.
    replied = attribute(uow, start - REPLY_LOOKBACK, end) if config.attribution.moment == "first_reply" else attributed
    gone = [(i.hold.account, i.hold.agent_id, lo, hi) for i in idle for lo, hi in i.spans]
    entries += conversation_entries(replied.attribution, tz, config.points, days, gone)
    # A day with a platform count but no conversations: the count shared by hold time, labelled apportioned.
    shared = apportion(uow, days[0], days[-1], conversations=attributed.conversations, holds=attributed.holds)
    entries += apportioned_entries(shared.shares, config.points, days)
    entries += collaboration_entries(
        uow,
        days=days,
        tz=tz,
        now=uow.now,
        policy=config.collaboration,
        roster_windows=uow.roster.roster_frame(start, end, tz),
        conversations=attributed.conversations,
        not_cover=not_cover(idle, start=start, end=end, config=config, tz=tz),
    )
    return uow.ledger.replace_derived(days, entries, uow.now)


def paid_holds_frame(uow: UnitOfWork, start: datetime, end: datetime) -> pd.DataFrame:
    """The holds overlapping [start, end) as a frame (account, agent_id, start, end), their idle
    hours cut out: what the month's hours_held factor counts."""
    frame = uow.holds.frame_between(start, end)
    idle = idle_holds(uow, uow.holds.between(start, end), start=start, end=end, now=uow.now, config=uow.config, tz=uow.tz)
    if not idle:
        return frame
    rows = []
    for hold in uow.holds.between(start, end):
        spans = next((i.spans for i in idle if i.hold.id == hold.id), ())
        for lo, hi in paid_spans(hold, spans, uow.now) if spans else [(hold.start, hold.end)]:
            rows.append((hold.account, hold.agent_id, lo, hi))
    paid = pd.DataFrame(rows, columns=["account", "agent_id", "start", "end"])
    return paid.assign(
        agent_id=paid["agent_id"].astype("int64"),
        start=pd.to_datetime(paid["start"], utc=True).astype(frame["start"].dtype),
        end=pd.to_datetime(paid["end"], utc=True).astype(frame["end"].dtype),
    )


def idle_hours(uow: UnitOfWork, first: date, last: date, agent_id: int | None = None) -> list[IdleHold]:
    """The holds of the days first to last with idle hours (held past the holder's last sign of
    activity while not expected at the keyboard), of one agent or everyone: unpaid, and flagged."""
    start, end = day_bounds(first, uow.tz)[0], day_bounds(last, uow.tz)[1]
    holds = [h for h in uow.holds.between(start, end) if agent_id is None or h.agent_id == agent_id]
    found = idle_holds(uow, holds, start=start, end=end, now=uow.now, config=uow.config, tz=uow.tz)
    clipped = []
    for item in found:
        spans = tuple((max(lo, start), min(hi, end)) for lo, hi in item.spans if min(hi, end) > max(lo, start))
        if spans:
            clipped.append(IdleHold(item.hold, spans, item.last_activity))
    return clipped


def due_days(uow: UnitOfWork) -> list[date]:
    """The days an import changed whose ledger is still to be compiled (it was cut short)."""
    return uow.ledger.due()


def compile_today(uow: UnitOfWork) -> LedgerChange:
    """What a press on /standings or /profile needs current; the compile job keeps the other days."""
    return compile_days(uow, [uow.today])


def attribute(uow: UnitOfWork, start: datetime, end: datetime, *, with_facts: bool = False) -> Attributed:
    """Who gets each conversation that started in [start, end), as of now; with_facts adds what metrics need."""
    conversations = uow.conversations.frame(start, end) if with_facts else uow.conversations.moments(start, end)
    holds_frame = uow.holds.frame_between(start, end)
    roster = uow.roster.roster_frame(start, end, uow.tz)
    moment = uow.config.attribution.moment
    # Credited at the first reply, a conversation that started in the window may have been answered
    # after it (overnight, the next morning): the holds and roster it is credited by reach that far.
    reach = _replies_reach(conversations, end) if moment == "first_reply" else end
    crediting_holds = holds_frame if reach <= end else uow.holds.frame_between(start, reach)
    crediting_roster = roster if reach <= end else uow.roster.roster_frame(start, reach, uow.tz)
    early = timedelta(minutes=uow.config.attribution.roster_early_minutes)
    attribution = attribute_conversations(conversations, crediting_holds, crediting_roster, moment=moment, now=uow.now, roster_early=early)
    return Attributed(conversations, holds_frame, attribution, uow.now)


def _replies_reach(conversations: pd.DataFrame, end: datetime) -> datetime:
    """Just past the latest first reply of these conversations, or ``end`` if none is later."""
    replies = conversations["first_reply_at"].dropna() if "first_reply_at" in conversations else ()
    if not len(replies):
        return end
    latest = replies.max().to_pydatetime() + timedelta(microseconds=1)
    return max(latest, end)


def ranked(uow: UnitOfWork, day: date) -> list[RankedAgent]:
    entries = uow.ledger.between(day, day)
    names = uow.agents.names()
    return [RankedAgent(s, names[s.agent_id]) for s in standings(entries)]


def standings_today(uow: UnitOfWork) -> tuple[date, list[RankedAgent]]:
    """/standings: today's, compiled first."""
    compile_today(uow)
    return uow.today, ranked(uow, uow.today)


def metrics(uow: UnitOfWork, start: datetime, end: datetime) -> list[AgentMetrics]:
    """Service metrics per credited agent for conversations that started in [start, end)."""
    attributed = attribute(uow, start, end, with_facts=True)
    settings = uow.config.attribution
    table = agent_metrics(
        attributed.attribution.credits,
        attributed.conversations,
        tz=uow.tz,
        satisfaction_prior=settings.satisfaction_prior,
        quiet_hours=settings.quiet_hours,
    )
    names = uow.agents.names()
    rows = [AgentMetrics(names[int(agent_id)], **row) for agent_id, row in table.iterrows()]
    return sorted(rows, key=lambda m: (-m.conversations, m.name))


def metrics_between(uow: UnitOfWork, first: date, last: date) -> list[AgentMetrics]:
    """/stats: the metrics of the conversations that started on the team's days first to last."""
    return metrics(uow, day_bounds(first, uow.tz)[0], day_bounds(last, uow.tz)[1])


def conversation_counts(uow: UnitOfWork, day: date) -> ConversationCounts:
    counts = attribute(uow, *day_bounds(day, uow.tz)).attribution.counts()
    return ConversationCounts(sum(counts.values()), counts["held"], counts["roster"], counts["unattributed"])
