"""The roster in a real database (SQLite and PostgreSQL): the seed, changes that keep history, swaps."""

from contextlib import contextmanager
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.core.setup import prepare_database
from domain.roster import RosterEntry
from storage import roster as store
from storage.db import reading, transaction
from storage.models import ShiftRow, ShiftSwapRow
from storage.uow import Tables
from tests.factories import SHANGHAI, local, team_config

NOW = local("2026-11-02", "08:00")
WEEKDAYS = frozenset(range(5))
MONDAY, TUESDAY = date(2026, 11, 2), date(2026, 11, 3)


@pytest.fixture
def engine(database_url):
    """A migrated database with the accounts jd and vip, and nobody rostered yet."""
    engine = prepare_database(team_config(database_url))
    yield engine
    engine.dispose()


@contextmanager
def roster(engine, *, writing: bool = True):
    """The shifts and shift_swaps tables in one transaction (or a read), and the session under them."""
    with (transaction if writing else reading)(engine) as session:
        yield Tables(session).roster, session


@pytest.fixture
def team(engine):
    with transaction(engine) as session:
        agents = Tables(session).agents
        return {name: agents.register(tg, name, None, NOW).id for tg, name in ((1, "王芳"), (2, "李雷"), (9, "主管"))}


def seeds():
    return [
        store.SeedShift(1, "王芳", "jd", WEEKDAYS, time(9), time(18)),
        store.SeedShift(3, "张伟", "vip", frozenset({5, 6}), time(22), time(6)),
    ]


def frame_rows(shifts, day):
    """The roster windows that touch the local day, as the ledger reads them."""
    start = local(day.isoformat(), "00:00")
    end = start + timedelta(days=1)
    frame = shifts.roster_frame(start, end, SHANGHAI)
    return (
        []
        if frame is None
        else [
            (r.account, r.agent_id, r.start.to_pydatetime(), r.end.to_pydatetime())
            for r in frame.itertuples()
            if r.start < end and r.end > start
        ]
    )


def test_the_config_seeds_the_table_once_and_registers_the_people_it_names(engine, team):
    with roster(engine) as (shifts, _):
        assert shifts.seed(seeds(), NOW) == 2
    with roster(engine) as (shifts, session):
        assert shifts.seed(seeds()[:1], NOW) == 0, "a table with rows is never seeded again"
        zhang = shifts.agents.by_tg_id(3)
        assert zhang is not None and zhang.name == "张伟"
        rows = session.execute(select(ShiftRow).order_by(ShiftRow.id)).scalars().all()
        assert [(r.agent_id, r.weekdays, r.source, r.valid_from, r.valid_to) for r in rows] == [
            (team["王芳"], "12345", store.CONFIG, store.SEED_FROM, None),
            (zhang.id, "67", store.CONFIG, store.SEED_FROM, None),
        ]
        # Saturday's night shift covers Sunday morning: the frame reaches back a day.
        assert frame_rows(shifts, date(2026, 11, 8))[0] == ("vip", zhang.id, local("2026-11-07", "22:00"), local("2026-11-08", "06:00"))


def test_a_new_shift_keeps_the_past_as_it_was_and_the_other_weekdays_as_they_are(engine, team):
    wang = team["王芳"]
    with roster(engine) as (shifts, _):
        shifts.seed(seeds()[:1], NOW)
        change = shifts.set_shift(
            RosterEntry(wang, "jd", frozenset({1}), time(12), time(21), valid_from=date(2026, 11, 10), valid_to=date(2026, 11, 17)),
            store.COMMAND,
            team["主管"],
            NOW,
        )
        assert len(change.trimmed) == 1 and change.replaced == () and len(change.pieces) == 2
    with roster(engine, writing=False) as (shifts, session):
        assert frame_rows(shifts, TUESDAY) == [("jd", wang, local("2026-11-03", "09:00"), local("2026-11-03", "18:00"))]
        assert frame_rows(shifts, date(2026, 11, 10)) == [("jd", wang, local("2026-11-10", "12:00"), local("2026-11-10", "21:00"))]
        assert frame_rows(shifts, date(2026, 11, 11)) == [("jd", wang, local("2026-11-11", "09:00"), local("2026-11-11", "18:00"))]
        assert frame_rows(shifts, date(2026, 11, 24)) == [("jd", wang, local("2026-11-24", "09:00"), local("2026-11-24", "18:00"))]
        original = session.get(ShiftRow, 1)
        assert original.valid_to == date(2026, 11, 9) and original.cancelled_at is None


def test_a_shift_wholly_inside_a_new_one_is_replaced_and_names_its_successor(engine, team):
    li = team["李雷"]
    with roster(engine) as (shifts, _):
        first = shifts.add_shift(
            RosterEntry(li, "vip", WEEKDAYS, time(9), time(18), valid_from=date(2026, 11, 9)), store.COMMAND, None, NOW
        )
        change = shifts.set_shift(RosterEntry(li, "vip", WEEKDAYS, time(10), time(19), valid_from=MONDAY), store.IMPORT, None, NOW)
    with roster(engine, writing=False) as (shifts, session):
        old = session.get(ShiftRow, first)
        assert change.replaced == (first,) and old.replaced_by == change.shift_id and old.cancelled_at is not None
        assert [s.id for s in shifts.shifts_between(MONDAY, date(2026, 11, 30))] == [change.shift_id]


def test_taking_someone_off_an_account_ends_running_rows_and_cancels_later_ones(engine, team):
    li = team["李雷"]
    with roster(engine) as (shifts, _):
        running = shifts.add_shift(RosterEntry(li, "jd", WEEKDAYS, time(9), time(18), valid_from=MONDAY), store.COMMAND, None, NOW)
        later = shifts.add_shift(RosterEntry(li, "jd", {5}, time(9), time(18), valid_from=date(2026, 11, 20)), store.COMMAND, None, NOW)
        other = shifts.add_shift(RosterEntry(li, "vip", WEEKDAYS, time(9), time(18), valid_from=MONDAY), store.COMMAND, None, NOW)
        assert sorted(shifts.end_shifts(li, "jd", date(2026, 11, 10), NOW)) == [running, later]
    with roster(engine, writing=False) as (shifts, session):
        assert session.get(ShiftRow, running).valid_to == date(2026, 11, 9)
        assert session.get(ShiftRow, later).cancelled_at is not None
        assert [s.id for s in shifts.shifts_between(date(2026, 11, 10), date(2026, 11, 30))] == [other]


def test_an_approved_swap_gives_the_occurrence_to_the_colleague_and_skips_it_for_the_offerer(engine, team):
    wang, li, boss = team["王芳"], team["李雷"], team["主管"]
    with roster(engine) as (shifts, _):
        shifts.seed(seeds()[:1], NOW)
        shift = shifts.occurrence(wang, "jd", TUESDAY)
        swap = shifts.add_swap(shift, li, TUESDAY, NOW)
        assert shifts.move_swap(swap.id, store.OFFERED, store.ACCEPTED, accepted_at=NOW)
        assert not shifts.move_swap(swap.id, store.OFFERED, store.DECLINED), "a press that lost the race changes nothing"
    with roster(engine, writing=False) as (shifts, _):
        assert frame_rows(shifts, TUESDAY) == [("jd", wang, local("2026-11-03", "09:00"), local("2026-11-03", "18:00"))], (
            "not before approval"
        )
    with roster(engine) as (shifts, _):
        cover = shifts.approve_swap(shifts.get_swap(swap.id), boss, NOW)
        assert shifts.approve_swap(shifts.get_swap(swap.id), boss, NOW) is None, "approved once only"
    with roster(engine, writing=False) as (shifts, session):
        assert frame_rows(shifts, TUESDAY) == [("jd", li, local("2026-11-03", "09:00"), local("2026-11-03", "18:00"))]
        assert [r[1] for r in frame_rows(shifts, date(2026, 11, 4))] == [wang], "only that one day changed hands"
        assert shifts.occurrence(wang, "jd", TUESDAY) is None
        row = session.get(ShiftSwapRow, swap.id)
        assert (row.status, row.decided_by, row.cover_shift_id) == (store.APPROVED, boss, cover)
        assert session.get(ShiftRow, cover).source == store.SWAP


def test_one_occurrence_is_live_in_one_swap_at_a_time(engine, team):
    wang, li, boss = team["王芳"], team["李雷"], team["主管"]
    with roster(engine) as (shifts, _):
        shifts.seed(seeds()[:1], NOW)
        first = shifts.add_swap(shifts.occurrence(wang, "jd", TUESDAY), li, TUESDAY, NOW)
    with pytest.raises(IntegrityError), roster(engine) as (shifts, _):
        shifts.add_swap(shifts.occurrence(wang, "jd", TUESDAY), boss, TUESDAY, NOW)
    with roster(engine) as (shifts, _):
        assert shifts.move_swap(first.id, store.OFFERED, store.DECLINED, decided_at=NOW)
        again = shifts.add_swap(shifts.occurrence(wang, "jd", TUESDAY), boss, TUESDAY, NOW)
        assert again.id != first.id, "a declined offer frees the occurrence"
