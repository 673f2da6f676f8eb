"""Application services: each command is one transaction that loads, asks the domain, and stores.

Handlers translate Telegram into these calls and the results back into messages; nothing
here knows about Telegram, and nothing here holds a transaction across network I/O.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.collab_ledger import collaboration_entries
from bot.config import Config
from domain.clock import Clock
from domain.coverage import Coverage, coverage
from domain.holds import HELPER, Hold, HoldError, hand_off, main_hold, open_holds_by_account, take_over
from domain.attribution import Attribution, attribute_conversations
from domain.ledger import compile_day, conversation_entries
from domain.metrics import agent_metrics
from domain.roster import RosterEntry, expand_roster
from domain.standings import Standing, standings
from domain.time import day_bounds, days_between, local_day
from storage import month as months
from storage import repositories as repo
from storage.conversations import conversation_moments, conversations_frame
from storage.db import reading, transaction

NOTE_LIMIT = 200


class Duplicate(Exception):
    """This update was processed before; a redelivery changes nothing."""


class Refused(Exception):
    """The command cannot be carried out; `code` and `params` say why, in the user's words later."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Person:
    tg_user_id: int
    name: str
    username: str | None = None


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


@dataclass(frozen=True)
class Attributed:
    """An attribution together with the frames it was computed from."""

    conversations: pd.DataFrame
    holds: pd.DataFrame
    attribution: Attribution
    now: datetime


class Baton:
    def __init__(self, config: Config, engine: Engine, clock: Clock) -> None:
        self.config = config
        self.engine = engine
        self.clock = clock
        self.tz = config.team.timezone

    # -- units of work ------------------------------------------------------------------

    @contextmanager
    def command(self, update_id: int | None) -> Iterator[Session]:
        """One transaction per command; recording the update id in it makes redelivery a no-op."""
        with transaction(self.engine) as session:
            if update_id is not None and not repo.mark_update_processed(session, update_id, self.clock.now()):
                raise Duplicate(update_id)
            yield session

    def already_processed(self, update_id: int) -> bool:
        with reading(self.engine) as session:
            return repo.is_update_processed(session, update_id)

    def mark_processed(self, update_id: int) -> None:
        with transaction(self.engine) as session:
            repo.mark_update_processed(session, update_id, self.clock.now())

    def register(self, person: Person) -> None:
        with transaction(self.engine) as session:
            repo.register_agent(session, person.tg_user_id, person.name, person.username, self.clock.now())

    def account_key(self, key: str) -> str:
        if self.config.account(key) is None:
            raise Refused("unknown_account", key=key, keys=", ".join(a.key for a in self.config.accounts))
        return key

    # -- the console's moves --------------------------------------------------------------

    def take_over(self, person: Person, account: str, update_id: int | None = None) -> TookOver:
        account = self.account_key(account)
        now = self.clock.now()
        with self.command(update_id) as session:
            agent = repo.register_agent(session, person.tg_user_id, person.name, person.username, now)
            on_account = [h for h in repo.open_holds(session) if h.account == account]
            current = main_hold(on_account, account)
            helping = next((h for h in on_account if h.role == HELPER and h.agent_id == agent.id), None)
            try:
                move = take_over(current, account, agent.id, now, helping=helping)
            except HoldError as exc:
                raise Refused(exc.code, account=account) from None
            if move.stepped_up is not None:
                repo.save_ended_holds(session, [move.stepped_up])
            repo.save_take_over(session, move)
            previous = repo.agents_by_id(session)[move.ended.agent_id].name if move.ended else None
            repo.audit(session, now, "take_over", actor_agent_id=agent.id, subject=account, previous=previous)
            return TookOver(agent.name, account, previous)

    def hand_off(self, person: Person, account: str | None = None, update_id: int | None = None) -> HandedOff:
        if account is not None:
            account = self.account_key(account)
        now = self.clock.now()
        with self.command(update_id) as session:
            agent = repo.register_agent(session, person.tg_user_id, person.name, person.username, now)
            try:
                ended = hand_off(repo.open_holds(session), agent.id, now, account)
            except HoldError as exc:
                raise Refused(exc.code if account else "not_holding_any", account=account) from None
            repo.save_ended_holds(session, ended)
            accounts = tuple(h.account for h in ended)
            repo.audit(session, now, "hand_off", actor_agent_id=agent.id, subject=",".join(accounts))
            return HandedOff(agent.name, accounts)

    def log_case(
        self, person: Person, account: str | None, case_type: str, note: str | None = None, update_id: int | None = None
    ) -> CaseLogged:
        if account is not None:
            account = self.account_key(account)
        if note and len(note) > NOTE_LIMIT:
            raise Refused("note_too_long", limit=NOTE_LIMIT)
        now = self.clock.now()
        with self.command(update_id) as session:
            agent = repo.register_agent(session, person.tg_user_id, person.name, person.username, now)
            mine = [h for h in repo.open_holds(session) if h.agent_id == agent.id]
            account = self._case_account(session, mine, account)
            repo.add_case(session, agent.id, account, now, case_type, note)
            return CaseLogged(agent.name, account, case_type)

    def _case_account(self, session: Session, mine: list[Hold], account: str | None) -> str:
        """Only the holder logs cases on an account, so the case is credited to who held it."""
        held = [h.account for h in mine]
        if account is not None:
            if account not in held:
                holder = self.holder_name(session, account)
                raise Refused("holder_only" if holder else "not_holding", account=account, name=holder)
            return account
        if not held:
            raise Refused("not_holding_any")
        if len(held) > 1:
            raise Refused("holds_several", accounts=held)
        return held[0]

    def holder_name(self, session: Session, account: str) -> str | None:
        hold = open_holds_by_account(repo.open_holds(session)).get(account)
        return repo.agents_by_id(session)[hold.agent_id].name if hold else None

    def check_holder(self, person: Person, account: str) -> None:
        """Refuse a case-type picker opened by someone who does not hold the account."""
        account = self.account_key(account)
        with reading(self.engine) as session:
            on_account = [h for h in repo.open_holds(session) if h.account == account]
            hold = open_holds_by_account(on_account).get(account)
            agents = repo.agents_by_id(session)
            if hold is None:
                raise Refused("not_holding", account=account)
            if all(agents[h.agent_id].tg_user_id != person.tg_user_id for h in on_account):
                raise Refused("holder_only", account=account, name=agents[hold.agent_id].name)

    # -- views ----------------------------------------------------------------------------

    def console(self) -> list[ConsoleLine]:
        with reading(self.engine) as session:
            by_account = open_holds_by_account(repo.open_holds(session))
            agents = repo.agents_by_id(session)
        lines = []
        for account in self.config.accounts:
            hold = by_account.get(account.key)
            agent = agents[hold.agent_id] if hold else None
            lines.append(
                ConsoleLine(account.key, agent.name if agent else None, agent.tg_user_id if agent else None, hold.start if hold else None)
            )
        return lines

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
                roster_windows=self._roster_frame(session, start, end), conversations=attributed.conversations,
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
        roster = self._roster_frame(session, start, end)
        attribution = attribute_conversations(
            conversations, holds_frame, roster, moment=self.config.attribution.moment, now=now
        )
        return Attributed(conversations, holds_frame, attribution, now)

    def _roster_frame(self, session: Session, start: datetime, end: datetime):
        if not self.config.roster:
            return None
        agents = {
            r.tg_user_id: repo.register_agent_if_missing(session, r.tg_user_id, r.name, self.clock.now()).id for r in self.config.roster
        }
        plan = [RosterEntry(agents[r.tg_user_id], r.account, r.weekdays, r.start, r.end) for r in self.config.roster]
        # A night shift that began the evening before still covers the first morning.
        first = local_day(start, self.tz) - timedelta(days=1)
        return expand_roster(plan, first, local_day(end, self.tz), self.tz)

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

    def record_digest(self, kind: str, period: str) -> bool:
        with transaction(self.engine) as session:
            return repo.mark_digest_posted(session, kind, period, self.config.team.chat_id, self.clock.now())
