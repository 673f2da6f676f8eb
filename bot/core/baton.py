"""Baton, the application: configuration, database and clock, and the one way to do work with them.

Every use case is a function of a unit of work (and its own arguments). A command runs as one
transaction, opened here, that records the Telegram update id and registers the person behind
the update once; a redelivered update is a Duplicate and changes nothing. Nothing here knows
about Telegram, and no transaction is ever held across network I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.core.config import Config
from bot.core.errors import Duplicate, Refused
from bot.core.person import Person
from domain.clock import Clock
from domain.time import days_between, local_day
from storage import cases, holds
from storage.db import broken_constraint, transaction
from storage.models import Agent
from storage.uow import Tables

P = ParamSpec("P")
T = TypeVar("T")
UPDATE_ID_KEYS = (holds.UPDATE_ID_KEY, cases.UPDATE_ID_KEY)


class UnitOfWork(Tables):
    """One transaction's tables, with the moment it runs at and the person it runs for."""

    def __init__(self, session: Session, baton: Baton, now: datetime, person: Person | None = None, update_id: int | None = None) -> None:
        super().__init__(session)
        self.baton = baton
        self.update_id = update_id
        self.config = baton.config
        self.tz = baton.tz
        self.now = now
        self.person = person
        self._me: Agent | None = None

    @property
    def today(self) -> date:
        return local_day(self.now, self.tz)

    @property
    def me(self) -> Agent:
        """The agent behind the update: registered (or their name and language followed) once per update."""
        if self._me is None:
            if self.person is None:
                raise LookupError("this unit of work runs for nobody")
            p = self.person
            self._me = self.baton.registered.get(p) or self.agents.register(p.tg_user_id, p.name, p.username, self.now, p.language_code)
        return self._me

    def account_key(self, key: str) -> str:
        return self.baton.account_key(key)

    def days_spanned(self, start: datetime, end: datetime) -> list[date]:
        return self.baton.days_spanned(start, end)


class Registered:
    """The agents whose registration committed, as they were: a person who has not changed their
    name or language since costs no read. Only `Agents.register` writes names, and only through here."""

    def __init__(self) -> None:
        self._agents: dict[int, tuple[Person, Agent]] = {}

    def get(self, person: Person) -> Agent | None:
        known = self._agents.get(person.tg_user_id)
        return known[1] if known is not None and known[0] == person else None

    def remember(self, person: Person, agent: Agent) -> None:
        # Its session has closed: a detached row that units of work only read (`uow.me.id`, `.name`).
        self._agents[person.tg_user_id] = (person, agent)


class PressLane:
    """The writer of the group's console presses: one at a time, in the order they were handed to it.

    Side by side (PostgreSQL's writers) presses on one account all queue on its rows and the audit
    log's tail anyway, in whatever order the locks fall, so a presser's next press waited for the
    last one's commit, and an unlucky one for many. In one lane a presser's next update starts
    as soon as the press is handed over (bot.telegram.processor.next_in_line): whatever else they
    write while a press of theirs waits here comes here too, after it. On SQLite the lane is the
    one writer. Imports, compiles and /me still run beside it on PostgreSQL.
    """

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self._waiting: Counter[int] = Counter()  # per sender: their commands handed to the lane, not yet done

    def holds(self, sender: int | None) -> bool:
        return sender is not None and self._waiting[sender] > 0

    @contextmanager
    def entered(self, sender: int | None) -> Iterator[None]:
        """Around a command handed to the lane and awaited, on the event loop."""
        if sender is None:
            yield
            return
        self._waiting[sender] += 1
        try:
            yield
        finally:
            self._waiting[sender] -= 1
            if not self._waiting[sender]:
                del self._waiting[sender]


class Baton:
    def __init__(self, config: Config, engine: Engine, clock: Clock) -> None:
        self.config = config
        self.engine = engine
        self.clock = clock
        self.tz = config.team.timezone
        self.registered = Registered()
        # Called, from whatever thread committed, after a command put a live console behind.
        self.after_change: list[Callable[[], None]] = []
        # SQLite takes one writer at a time: commands queue here rather than wait on its lock, and
        # reads go on beside them. PostgreSQL lets commands run side by side.
        sqlite = engine.dialect.name == "sqlite"
        self.writer = ThreadPoolExecutor(max_workers=1 if sqlite else 8, thread_name_prefix="baton-writer")
        self.press_lane = PressLane(self.writer if sqlite else ThreadPoolExecutor(max_workers=1, thread_name_prefix="baton-presses"))

    def today(self) -> date:
        return local_day(self.clock.now(), self.tz)

    def days_spanned(self, start: datetime, end: datetime) -> list[date]:
        """The team's calendar days that [start, end) touches."""
        return days_between(local_day(start, self.tz), local_day(end - timedelta(microseconds=1), self.tz))

    def account_key(self, key: str) -> str:
        if self.config.account(key) is None:
            raise Refused("unknown_account", key=key, keys=", ".join(a.key for a in self.config.accounts))
        return key

    # -- units of work -------------------------------------------------------------------------------

    @contextmanager
    def command(self, update_id: int | None = None, person: Person | None = None) -> Iterator[UnitOfWork]:
        """One transaction; recording the update id in it makes a redelivery a Duplicate.

        The rows a command creates carry the update id too, unique: should the processed-updates
        record ever miss a redelivery, the second row is refused and the command is a Duplicate.
        A refusal depends on the state it saw; redelivered after a crash it might succeed behind
        the refusal the user already read, so it is remembered before the reply is sent: the
        command's work is undone to a savepoint, and the update and its sender are committed.
        A command that moved holds or logged a case marks the team's live console as behind.
        """
        refused: Refused | None = None
        changed = False
        try:
            with transaction(self.engine) as session:
                uow = UnitOfWork(session, self, self.clock.now(), person, update_id)
                if update_id is not None and not uow.updates.mark(update_id, uow.now):
                    raise Duplicate(update_id)
                if person is not None:
                    uow.me  # noqa: B018 - identity once per update, whatever the command goes on to do
                try:
                    with session.begin_nested():
                        yield uow
                        if uow.holds.changed or uow.cases.changed:
                            uow.boards.touch(self.config.team.chat_id, uow.now)
                        changed = uow.boards.touched
                except Refused as refusal:
                    refused = refusal
            if person is not None:
                self.registered.remember(person, uow.me)
        except IntegrityError as exc:
            if update_id is not None and broken_constraint(exc) in UPDATE_ID_KEYS:
                self.record(update_id)  # its record was lost: remembered again, so the next redelivery stops early
                raise Duplicate(update_id) from None
            raise
        if changed:
            for listener in self.after_change:
                listener()
        if refused is not None:
            raise refused

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A read-only unit of work: nothing it does is committed."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield UnitOfWork(session, self, self.clock.now())

    def run(self, use_case: Callable[Concatenate[UnitOfWork, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`use_case(uow, …)` as one command with no update behind it (a job, the command line)."""
        with self.command() as uow:
            return use_case(uow, *args, **kwargs)

    def read(self, query: Callable[Concatenate[UnitOfWork, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        with self.reading() as uow:
            return query(uow, *args, **kwargs)

    def record(self, update_id: int, person: Person | None = None) -> None:
        """An update that wrote nothing else is remembered too, with who sent it, so a redelivery is not answered twice."""
        with self.command(person=person) as uow:
            uow.updates.mark(update_id, uow.now)

    def seen(self, update_id: int) -> bool:
        with self.reading() as uow:
            return uow.updates.seen(update_id)
