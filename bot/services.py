"""Application services: each command is one transaction that loads, asks the domain, and stores.

Handlers translate Telegram into these calls and the results back into messages; nothing
here knows about Telegram, and nothing here holds a transaction across network I/O.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.config import Config
from bot.ledger_service import LedgerViews
from domain.clock import Clock
from domain.holds import HELPER, Hold, HoldError, hand_off, main_hold, open_holds_by_account, take_over
from storage import repositories as repo
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
    language_code: str | None = None


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
    # The account's open holder hold, 0 when nobody holds it: what a "take over" press saw.
    holder_hold_id: int = 0


class Baton(LedgerViews):
    """The application: the console's moves here, the ledger and its views in LedgerViews."""

    def __init__(self, config: Config, engine: Engine, clock: Clock) -> None:
        self.config = config
        self.engine = engine
        self.clock = clock
        self.tz = config.team.timezone

    # -- units of work ------------------------------------------------------------------

    @contextmanager
    def command(self, update_id: int | None) -> Iterator[Session]:
        """One transaction per command; recording the update id in it makes redelivery a no-op.

        The rows a command creates carry the update id too, unique: should the processed-updates
        record ever miss a redelivery, the second row is refused and the command is a Duplicate.
        """
        try:
            with transaction(self.engine) as session:
                if update_id is not None and not repo.mark_update_processed(session, update_id, self.clock.now()):
                    raise Duplicate(update_id)
                yield session
        except IntegrityError as exc:
            if update_id is not None and repo.broken_constraint(exc) in repo.UPDATE_ID_KEYS:
                raise Duplicate(update_id) from None
            raise
        except Refused:
            # A refusal depends on the state it saw; were it redelivered after a crash, it might now
            # succeed behind the refusal the user already read. Remembered before the reply is sent.
            if update_id is not None:
                self.mark_processed(update_id)
            raise

    def already_processed(self, update_id: int) -> bool:
        with reading(self.engine) as session:
            return repo.is_update_processed(session, update_id)

    def mark_processed(self, update_id: int) -> None:
        with transaction(self.engine) as session:
            repo.mark_update_processed(session, update_id, self.clock.now())

    def register(self, person: Person) -> None:
        with transaction(self.engine) as session:
            repo.register_agent(session, person.tg_user_id, person.name, person.username, self.clock.now(), person.language_code)

    def account_key(self, key: str) -> str:
        if self.config.account(key) is None:
            raise Refused("unknown_account", key=key, keys=", ".join(a.key for a in self.config.accounts))
        return key

    # -- the console's moves --------------------------------------------------------------

    def take_over(self, person: Person, account: str, update_id: int | None = None, seen_hold: int | None = None) -> TookOver:
        """`person` takes `account`. Of simultaneous take-overs exactly one wins.

        `seen_hold` is the holder hold the presser saw on the console (0: free); if someone else
        holds the account by now, the press is refused with their name. A typed /on has no
        expectation (None) and takes the account from whoever holds it.
        """
        account = self.account_key(account)
        try:
            return self._take_over(person, account, update_id, seen_hold)
        except repo.HoldMoved:
            pass
        except IntegrityError as exc:
            if repo.broken_constraint(exc) not in repo.OPEN_HOLD_INDEXES:
                raise
        # Another take-over committed between this one's read and its write; it was rolled back.
        raise self._lost_race(person, account)

    def _take_over(self, person: Person, account: str, update_id: int | None, seen_hold: int | None) -> TookOver:
        now = self.clock.now()
        with self.command(update_id) as session:
            agent = repo.register_agent(session, person.tg_user_id, person.name, person.username, now)
            on_account = [h for h in repo.open_holds(session) if h.account == account]
            current = main_hold(on_account, account)
            if seen_hold is not None and current is not None and current.id != seen_hold and current.agent_id != agent.id:
                raise Refused("held_by_now", account=account, name=repo.agents_by_id(session)[current.agent_id].name)
            helping = next((h for h in on_account if h.role == HELPER and h.agent_id == agent.id), None)
            try:
                move = take_over(current, account, agent.id, now, helping=helping)
            except HoldError as exc:
                raise Refused(exc.code, account=account) from None
            if move.stepped_up is not None:
                repo.save_ended_holds(session, [move.stepped_up])
            repo.save_take_over(session, move, update_id)
            previous = repo.agents_by_id(session)[move.ended.agent_id].name if move.ended else None
            repo.audit(session, now, "take_over", actor_agent_id=agent.id, subject=account, previous=previous)
            return TookOver(agent.name, account, previous)

    def _lost_race(self, person: Person, account: str) -> Refused:
        """The refusal for a take-over that lost a race, from a fresh read of who holds the account now."""
        with reading(self.engine) as session:
            current = main_hold(repo.open_holds(session), account)
            holder = repo.agents_by_id(session)[current.agent_id] if current else None
        if holder is None:
            return Refused("moved_meanwhile", account=account)
        if holder.tg_user_id == person.tg_user_id:
            return Refused("already_holding", account=account)
        return Refused("held_by_now", account=account, name=holder.name)

    def hand_off(self, person: Person, account: str | None = None, update_id: int | None = None) -> HandedOff:
        if account is not None:
            account = self.account_key(account)
        now = self.clock.now()
        try:
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
        except repo.HoldMoved:
            # Taken over from them while they pressed: nothing of theirs is left to hand off.
            raise Refused("moved_meanwhile", account=account) from None

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
            repo.add_case(session, agent.id, account, now, case_type, note, update_id)
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
            holds = repo.open_holds(session)
            agents = repo.agents_by_id(session)
        by_account = open_holds_by_account(holds)
        lines = []
        for account in self.config.accounts:
            hold = by_account.get(account.key)
            agent = agents[hold.agent_id] if hold else None
            holder_hold = main_hold(holds, account.key)
            lines.append(
                ConsoleLine(
                    account.key, agent.name if agent else None, agent.tg_user_id if agent else None, hold.start if hold else None,
                    holder_hold.id if holder_hold else 0,
                )
            )
        return lines
