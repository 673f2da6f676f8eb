"""Simultaneous take-overs of one account, in real threads with their own connections, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.exc import IntegrityError

from bot.console.service import TookOver, take_over_account
from bot.core.baton import Baton
from bot.core.errors import Refused
from bot.core.person import Person
from bot.core.setup import prepare_database
from domain.clock import ManualClock
from domain.holds import take_over
from storage.db import broken_constraint, make_engine, reading, transaction
from storage.holds import HoldMoved
from storage.uow import Tables
from tests.factories import act, local, team_config

CONTENDERS = 20
NINE = local("2026-11-02", "09:00")


@pytest.fixture
def config(database_url):
    config = team_config(database_url)
    prepare_database(config).dispose()
    return config


def people(count: int = CONTENDERS) -> list[Person]:
    return [Person(1000 + i, f"坐席{i:02d}") for i in range(count)]


def contend(config, clock, contenders: list[Person], seen_hold: int | None) -> list[TookOver | Refused]:
    """Every contender takes over "jd" at the same moment, each through its own engine and connection."""
    start = threading.Barrier(len(contenders))

    def one(index: int) -> TookOver | Refused:
        engine = make_engine(config.database_url)
        try:
            baton = Baton(config, engine, clock)
            act(baton, contenders[index], lambda uow: None)  # the race is on the account, not on first sight of the person
            start.wait(timeout=30)
            try:
                return act(baton, contenders[index], take_over_account, "jd", seen_hold, update_id=10_000 + index)
            except Refused as refusal:
                return refusal
        finally:
            engine.dispose()

    with ThreadPoolExecutor(len(contenders)) as pool:
        return list(pool.map(one, range(len(contenders))))


def open_holders(config) -> list[str]:
    engine = make_engine(config.database_url)
    try:
        with reading(engine) as session:
            t = Tables(session)
            names = t.agents.by_id()
            return [names[h.agent_id].name for h in t.holds.open() if h.account == "jd" and h.role == "holder"]
    finally:
        engine.dispose()


def audited(config, action: str) -> int:
    engine = make_engine(config.database_url)
    try:
        with reading(engine) as session:
            t = Tables(session)
            return sum(1 for row in t.audit.all() if row.action == action)
    finally:
        engine.dispose()


def test_twenty_presses_on_a_free_account_make_exactly_one_winner(config):
    results = contend(config, ManualClock(NINE), people(), seen_hold=0)

    winners = [r for r in results if isinstance(r, TookOver)]
    refusals = [r for r in results if isinstance(r, Refused)]
    assert len(winners) == 1 and len(refusals) == CONTENDERS - 1
    (winner,) = winners
    assert winner.previous is None
    assert {(r.code, r.params["name"]) for r in refusals} == {("held_by_now", winner.agent)}
    assert open_holders(config) == [winner.agent]
    assert audited(config, "take_over") == 1


def test_twenty_typed_take_overs_of_a_held_account_leave_one_holder_and_a_consistent_history(config):
    clock = ManualClock(NINE)
    first = Person(999, "早班")
    engine = make_engine(config.database_url)
    act(Baton(config, engine, clock), first, take_over_account, "jd")
    engine.dispose()

    results = contend(config, clock, people(), seen_hold=None)

    winners = [r for r in results if isinstance(r, TookOver)]
    refusals = [r for r in results if isinstance(r, Refused)]
    assert winners and len(winners) + len(refusals) == CONTENDERS
    # /on takes the account from whoever holds it: on SQLite they queue up and each displaces the
    # one before; on PostgreSQL the ones that read a holder already displaced are refused. Either
    # way every hold is ended by one take-over only, and the last winner is the one left holding.
    previous = [w.previous for w in winners]
    assert len(set(previous)) == len(previous), "no hold was ended twice"
    assert set(previous) <= {first.name} | {w.agent for w in winners}
    assert first.name in previous
    (still_holding,) = {w.agent for w in winners} - set(previous)
    assert refusals == [] or {r.params["name"] for r in refusals} <= {w.agent for w in winners}
    assert all(r.code == "held_by_now" for r in refusals)
    assert open_holders(config) == [still_holding]
    assert audited(config, "take_over") == 1 + len(winners)


def test_ending_a_hold_someone_else_already_ended_is_refused(database_url):
    engine = make_engine(database_url)
    prepare_database(team_config(database_url)).dispose()
    try:
        with transaction(engine) as session:
            t = Tables(session)
            a, b, c = (t.agents.register(tg, name, None, NINE) for tg, name in ((1, "A"), (2, "B"), (3, "C")))
            t.holds.take_over(take_over(None, "jd", a.id, NINE))
        with reading(engine) as session:
            t = Tables(session)
            (seen,) = t.holds.open()  # what a second writer read before the first committed
        with transaction(engine) as session:
            t = Tables(session)
            t.holds.take_over(take_over(seen, "jd", b.id, local("2026-11-02", "10:00")))
        with pytest.raises(HoldMoved), transaction(engine) as session:
            t = Tables(session)
            t.holds.take_over(take_over(seen, "jd", c.id, local("2026-11-02", "10:00")))
        with reading(engine) as session:
            t = Tables(session)
            assert [h.agent_id for h in t.holds.open()] == [b.id]
    finally:
        engine.dispose()


def test_the_database_names_the_index_a_second_open_holder_breaks(database_url):
    engine = make_engine(database_url)
    prepare_database(team_config(database_url)).dispose()
    try:
        with transaction(engine) as session:
            t = Tables(session)
            a, b = (t.agents.register(tg, name, None, NINE) for tg, name in ((1, "A"), (2, "B")))
            t.holds.take_over(take_over(None, "jd", a.id, NINE), update_id=77)
        with pytest.raises(IntegrityError) as second_holder, transaction(engine) as session:
            t = Tables(session)
            t.holds.take_over(take_over(None, "jd", b.id, NINE))
        assert broken_constraint(second_holder.value) == "uq_holds_one_open_holder_per_account"
        with pytest.raises(IntegrityError) as same_update, transaction(engine) as session:
            t = Tables(session)
            t.holds.take_over(take_over(None, "vip", a.id, NINE), update_id=77)
        assert broken_constraint(same_update.value) == "holds_update_id_key"
        with pytest.raises(IntegrityError) as same_case, transaction(engine) as session:
            t = Tables(session)
            t.cases.add(a.id, "jd", NINE, "consult", None, update_id=78)
            t.cases.add(a.id, "jd", NINE, "consult", None, update_id=78)
        assert broken_constraint(same_case.value) == "cases_update_id_key"
    finally:
        engine.dispose()
