"""The ledger side of the application: compiling it, attributing conversations, and the views
built from it (standings, the daily digest, service metrics).

Baton (bot/services.py) inherits these; they need its config, engine, clock and zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.attention import Attention, needs_attention
from bot.collab_ledger import collaboration_entries
from bot.config import Config
from domain.attribution import Attribution, attribute_conversations
from domain.clock import Clock
from domain.coverage import Coverage, coverage
from domain.ledger import compile_day, conversation_entries
from domain.metrics import agent_metrics
from domain.standings import Standing, standings
from domain.time import day_bounds, days_between, local_day
from storage import month as months
from storage import repositories as repo
from storage.conversations import conversation_moments, conversations_frame
from storage.roster import roster_frame
from storage.db import reading, transaction


@dataclass(frozen=True)
class RankedAgent:
    standing: Standing
    name: str


@dataclass(frozen=True)
class OpenHold:
    account: str
    holder: str
    since: datetime


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


@dataclass(frozen=True)
class ConversationCounts:
    imported: int
    held: int
    roster: int
    unattributed: int


@dataclass(frozen=True)
class Digest:
    day: date
    standings: list[RankedAgent]
    coverage: list[Coverage]
    open_holds: list[OpenHold]
    conversations: ConversationCounts
    attention: Attention | None = None  # for supervisors: see bot/attention.py


@dataclass(frozen=True)
class Attributed:
    """An attribution together with the frames it was computed from."""

    conversations: pd.DataFrame
    holds: pd.DataFrame
    attribution: Attribution
    now: datetime


class LedgerViews:
    config: Config
    engine: Engine
    clock: Clock

    def today(self) -> date:
        return local_day(self.clock.now(), self.tz)

    def days_spanned(self, start: datetime, end: datetime) -> list[date]:
        """The team's calendar days that [start, end) touches."""
        return days_between(local_day(start, self.tz), local_day(end - timedelta(microseconds=1), self.tz))

    # -- compiling and reporting -------------------------------------------------------------

    def open_days(self) -> list[date]:
        """The days the compile job keeps current: from the start of last month, once there is activity."""
        today = self.today()
        first_of_last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        with reading(self.engine) as session:
            first = repo.first_activity(session)
        if first is None:
            return []
        return days_between(max(first_of_last_month, local_day(first, self.tz)), today)

    def compile(self, days: list[date] | None = None) -> repo.LedgerChange:
        """Recompile the derived ledger entries of `days` (default: the open days) in one transaction."""
        days = self.open_days() if days is None else sorted(set(days))
        with reading(self.engine) as session:
            closed = months.closed_months(session)
        # A closed month is frozen: its ledger stays exactly as it was closed.
        days = [day for day in days if f"{day:%Y-%m}" not in closed]
        if not days:
            return repo.LedgerChange(0, 0, 0)
        now = self.clock.now()
        start, end = day_bounds(days[0], self.tz)[0], day_bounds(days[-1], self.tz)[1]
        with transaction(self.engine) as session:
            holds = repo.holds_between(session, start, end)
            cases = repo.cases_between(session, start, end)
            entries = [e for day in days for e in compile_day(day, self.tz, holds, cases, self.config.points, now)]
            attributed = self._attribute(session, start, end, now)
            entries += conversation_entries(attributed.attribution, self.tz, self.config.points, days)
            entries += collaboration_entries(
                session, days=days, tz=self.tz, now=now, policy=self.config.collaboration,
                roster_windows=self.roster_frame(session, start, end), conversations=attributed.conversations,
            )
            return repo.replace_derived_entries(session, days, entries, now)

    def attribute(self, start: datetime, end: datetime, *, with_facts: bool = False) -> Attributed:
        """Who gets each conversation that started in [start, end), as of now."""
        now = self.clock.now()
        with transaction(self.engine) as session:
            return self._attribute(session, start, end, now, with_facts=with_facts)

    def _attribute(self, session: Session, start: datetime, end: datetime, now: datetime, *, with_facts: bool = False) -> Attributed:
        """Attribution of [start, end); with_facts adds the columns metrics need to the conversations."""
        conversations = (conversations_frame if with_facts else conversation_moments)(session, start, end)
        holds_frame = repo.holds_frame_between(session, start, end)
        roster = self.roster_frame(session, start, end)
        attribution = attribute_conversations(
            conversations, holds_frame, roster, moment=self.config.attribution.moment, now=now
        )
        return Attributed(conversations, holds_frame, attribution, now)

    def roster_frame(self, session: Session, start: datetime, end: datetime):
        return roster_frame(session, start, end, self.tz)

    def standings(self, day: date) -> list[RankedAgent]:
        with reading(self.engine) as session:
            entries = repo.entries_between(session, day, day)
            agents = repo.agents_by_id(session)
        return [RankedAgent(s, agents[s.agent_id].name) for s in standings(entries)]

    def digest(self, day: date) -> Digest:
        now = self.clock.now()
        start, end = day_bounds(day, self.tz)
        with reading(self.engine) as session:
            holds = repo.holds_between(session, start, end)
            agents = repo.agents_by_id(session)
            still_open = repo.open_holds(session)
        return Digest(
            day=day,
            standings=self.standings(day),
            coverage=coverage(day, self.tz, [a.key for a in self.config.accounts], holds, now),
            open_holds=[OpenHold(h.account, agents[h.agent_id].name, h.start) for h in still_open],
            conversations=self.conversation_counts(day),
            attention=needs_attention(self, day),
        )

    def metrics(self, start: datetime, end: datetime) -> list[AgentMetrics]:
        """Service metrics per credited agent for conversations that started in [start, end)."""
        attributed = self.attribute(start, end, with_facts=True)
        settings = self.config.attribution
        table = agent_metrics(
            attributed.attribution.credits, attributed.conversations, tz=self.tz,
            satisfaction_prior=settings.satisfaction_prior, quiet_hours=settings.quiet_hours,
        )
        with reading(self.engine) as session:
            names = {a.id: a.name for a in repo.agents_by_id(session).values()}
        rows = [AgentMetrics(names[int(agent_id)], **row) for agent_id, row in table.iterrows()]
        return sorted(rows, key=lambda m: (-m.conversations, m.name))

    def conversation_counts(self, day: date) -> ConversationCounts:
        counts = self.attribute(*day_bounds(day, self.tz)).attribution.counts()
        return ConversationCounts(sum(counts.values()), counts["held"], counts["roster"], counts["unattributed"])

    def digest_posted(self, kind: str, period: str) -> bool:
        with reading(self.engine) as session:
            return repo.digest_posted(session, kind, period, self.config.team.chat_id)
