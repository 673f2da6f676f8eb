"""Collaboration records in a real database, and the ledger entries compiled from them."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.ledger.collaboration import collaboration_entries, hourly_load
from domain.collaboration import COVER, HANDOVER, PEAK_HELP, THANKS, CollaborationPolicy
from domain.holds import HELPER, Hold
from domain.ledger import MILLI
from domain.time import TS_DTYPE
from storage.accounts import AccountSpec
from storage.db import make_engine, reading, transaction
from storage.migrate import alembic_config, migrate
from storage.models import HoldRow
from storage.uow import Tables
from tests.factories import SHANGHAI, local

DAY = date(2026, 11, 2)
NEXT = date(2026, 11, 3)
NOW = local("2026-11-03", "23:00")
POLICY = CollaborationPolicy(peak_threshold=3)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with transaction(engine) as session:
        Tables(session).accounts.sync([AccountSpec("jd", "jd", "京东"), AccountSpec("vip", "vip", "唯品会")])
    yield engine
    engine.dispose()


@pytest.fixture
def team(engine):
    with transaction(engine) as session:
        return {
            name: Tables(session).agents.register(tg, name, None, local("2026-11-01", "08:00")).id
            for tg, name in ((1, "王芳"), (2, "李雷"), (3, "张伟"))
        }


def add_hold(engine, account, agent, start, end=None, *, role="holder", taken_over_by=None, note=None):
    with transaction(engine) as session:
        row = HoldRow(
            account_id=Tables(session).accounts.ids[account],
            agent_id=agent,
            started_at=start,
            ended_at=end,
            role=role,
            taken_over_by=taken_over_by,
            note=note,
        )
        session.add(row)
        session.flush()
        return row.id


def no_conversations():
    return pd.DataFrame(
        {"conversation_id": pd.Series(dtype="int64"), "account": pd.Series(dtype=object), "start": pd.Series(dtype=TS_DTYPE)}
    )


def conversations_at(account, *hhmm):
    starts = [local("2026-11-02", t) for t in hhmm]
    return pd.DataFrame({"conversation_id": range(1, len(starts) + 1), "account": account, "start": pd.Series(starts, dtype=TS_DTYPE)})


def entries(engine, *, days=(DAY, NEXT), policy=POLICY, roster=None, conversations=None):
    with reading(engine) as session:
        return collaboration_entries(
            Tables(session),
            days=list(days),
            tz=SHANGHAI,
            now=NOW,
            policy=policy,
            roster_windows=roster,
            conversations=no_conversations() if conversations is None else conversations,
        )


def by_kind(found, kind):
    return {(e.agent_id, e.day): (e.millipoints / MILLI, e.quantity) for e in found if e.kind == kind}


# -- thanks --------------------------------------------------------------------------------------------


def test_each_accepted_thanks_earns_its_receiver_half_a_point_on_the_local_day_it_was_given(engine, team):
    wang, li, zhang = team["王芳"], team["李雷"], team["张伟"]
    with transaction(engine) as session:
        thanks = Tables(session).thanks
        thanks.add(wang, li, local("2026-11-02", "10:00"), "退款")
        thanks.add(zhang, li, local("2026-11-02", "15:00"), None)
        thanks.add(wang, zhang, local("2026-11-02", "16:00"), None)
        # 00:30 in Shanghai is still 11-02 in UTC: it belongs to the team's 11-03.
        thanks.add(zhang, li, local("2026-11-03", "00:30"), None)
    found = entries(engine)
    assert by_kind(found, THANKS) == {(li, DAY): (1.0, 2), (zhang, DAY): (0.5, 1), (li, NEXT): (0.5, 1)}
    assert {e.source for e in found} == {f"thanks:{DAY}", f"thanks:{NEXT}"}


def test_the_thanks_history_gives_local_days_for_the_domain_checks(engine, team):
    with transaction(engine) as session:
        Tables(session).thanks.add(team["王芳"], team["李雷"], local("2026-11-03", "00:30"), None)
    with reading(engine) as session:
        history = Tables(session).thanks.history(local("2026-11-01", "00:00"), local("2026-12-01", "00:00"), SHANGHAI)
    assert history.to_dict("records") == [{"giver": team["王芳"], "receiver": team["李雷"], "day": NEXT}]


# -- handovers ---------------------------------------------------------------------------------------------


def test_only_own_hand_offs_with_a_note_earn_handover_points_capped_per_day(engine, team):
    wang, li, zhang = team["王芳"], team["李雷"], team["张伟"]
    noon = local("2026-11-02", "12:00")
    add_hold(engine, "jd", wang, local("2026-11-02", "09:00"), noon, note="今天的退款已处理完")
    add_hold(engine, "vip", wang, local("2026-11-02", "09:00"), noon, note="今天的退款已处理完")  # the same /off: one hand-off
    add_hold(engine, "jd", li, noon, local("2026-11-02", "13:00"), taken_over_by=zhang, note="被接管不算")
    add_hold(engine, "vip", li, noon, local("2026-11-02", "13:00"), note="   ")  # blank is no note
    for hour in ("14", "15", "16"):
        add_hold(engine, "vip", zhang, local("2026-11-02", f"{hour}:00"), local("2026-11-02", f"{hour}:30"), note="交接")
    add_hold(engine, "jd", zhang, local("2026-11-02", "13:00"), local("2026-11-02", "14:00"), role=HELPER, note="协助不算")
    found = by_kind(entries(engine), HANDOVER)
    # handover_points 0.5, at most 2 a day
    assert found == {(wang, DAY): (0.5, 1), (zhang, DAY): (1.0, 2)}


def test_the_latest_own_hand_off_within_the_window_is_the_one_a_note_goes_to(engine, team):
    wang, li = team["王芳"], team["李雷"]
    old = add_hold(engine, "jd", wang, local("2026-11-02", "08:00"), local("2026-11-02", "09:00"))
    first = add_hold(engine, "jd", wang, local("2026-11-02", "10:00"), local("2026-11-02", "11:40"))
    second = add_hold(engine, "vip", wang, local("2026-11-02", "10:00"), local("2026-11-02", "11:40"))
    add_hold(engine, "vip", wang, local("2026-11-02", "11:45"), local("2026-11-02", "11:50"), taken_over_by=li)
    now = local("2026-11-02", "12:00")
    with reading(engine) as session:
        tables = Tables(session)
        latest = tables.holds.last_hand_off(wang, now - timedelta(minutes=30), now)
        too_late = tables.holds.last_hand_off(wang, now + timedelta(hours=1) - timedelta(minutes=30), now + timedelta(hours=1))
        nothing_for_li = tables.holds.last_hand_off(li, now - timedelta(minutes=30), now)
    assert sorted(h.id for h in latest) == [first, second]
    assert old not in {h.id for h in latest}
    assert too_late == [] and nothing_for_li == []


# -- cover and peak help --------------------------------------------------------------------------------------


def li_rostered_on_jd():
    return pd.DataFrame(
        {
            "account": ["jd"],
            "agent_id": [0],
            "start": pd.Series([local("2026-11-02", "09:00")], dtype=TS_DTYPE),
            "end": pd.Series([local("2026-11-02", "18:00")], dtype=TS_DTYPE),
        }
    )


@pytest.fixture
def busy_morning(engine, team):
    """李雷 is rostered on JD 09–18 but 王芳 holds it 09–12; 张伟 helps 10–11; 李雷 takes it 12–18."""
    wang, li, zhang = team["王芳"], team["李雷"], team["张伟"]
    add_hold(engine, "jd", wang, local("2026-11-02", "09:00"), local("2026-11-02", "12:00"), taken_over_by=li)
    add_hold(engine, "jd", zhang, local("2026-11-02", "10:00"), local("2026-11-02", "11:00"), role=HELPER)
    add_hold(engine, "jd", li, local("2026-11-02", "12:00"), local("2026-11-02", "18:00"))
    # 张伟 holds vip alone for 10 minutes: shorter than the 15-minute minimum, so no cover.
    add_hold(engine, "vip", zhang, local("2026-11-02", "13:00"), local("2026-11-02", "13:10"))
    return li_rostered_on_jd().assign(agent_id=li)


def test_holding_an_account_someone_else_was_rostered_on_is_cover_but_helping_is_not(engine, team, busy_morning):
    found = entries(engine, roster=busy_morning)
    # 王芳 held JD 3 h of 李雷's shift while 李雷 did not: 180 min × 0.25 points an hour.
    assert by_kind(found, COVER) == {(team["王芳"], DAY): (0.75, 180.0)}
    capped = entries(engine, roster=busy_morning, policy=replace(POLICY, cover_daily_cap_minutes=120))
    assert by_kind(capped, COVER) == {(team["王芳"], DAY): (0.5, 120.0)}
    assert by_kind(entries(engine, roster=None), COVER) == {}


def test_holding_beside_the_holder_in_a_busy_hour_is_peak_help(engine, team, busy_morning):
    # 10:00–11:00 has 4 conversations on JD (> 3): busy; 11:00–12:00 has 2, and 11:00 itself is in it.
    busy = conversations_at("jd", "10:05", "10:20", "10:40", "10:59", "11:00", "11:30")
    found = entries(engine, roster=busy_morning, conversations=busy)
    # 张伟 joined second and stayed the whole busy hour: 60 min × 1 point an hour.
    assert by_kind(found, PEAK_HELP) == {(team["张伟"], DAY): (1.0, 60.0)}
    quiet = conversations_at("jd", "10:05", "10:20", "10:40")
    assert by_kind(entries(engine, roster=busy_morning, conversations=quiet), PEAK_HELP) == {}


def test_entries_are_one_per_agent_day_and_kind_and_only_for_the_days_asked(engine, team, busy_morning):
    with transaction(engine) as session:
        Tables(session).thanks.add(team["王芳"], team["李雷"], local("2026-11-03", "10:00"), None)
    busy = conversations_at("jd", "10:05", "10:20", "10:40", "10:59")
    both = entries(engine, roster=busy_morning, conversations=busy)
    assert len({(e.agent_id, e.day, e.kind) for e in both}) == len(both) == 3
    assert all(e.source == f"{e.kind}:{e.day.isoformat()}" for e in both)
    only_next = entries(engine, days=[NEXT], roster=busy_morning, conversations=busy)
    assert [(e.kind, e.day) for e in only_next] == [(THANKS, NEXT)]
    assert entries(engine, roster=busy_morning, conversations=busy) == both


def test_the_load_is_counted_per_local_clock_hour_even_in_a_half_hour_zone():
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30
    starts = [
        datetime(2026, 11, 2, 10, 45, tzinfo=kolkata),
        datetime(2026, 11, 2, 10, 5, tzinfo=kolkata),
        datetime(2026, 11, 2, 11, 0, tzinfo=kolkata),
    ]
    frame = pd.DataFrame({"conversation_id": [1, 2, 3], "account": "jd", "start": pd.Series(starts).dt.tz_convert("UTC").astype(TS_DTYPE)})
    load = hourly_load(frame, kolkata)
    hours = {h.tz_convert(kolkata).strftime("%H:%M"): n for h, n in zip(load["hour_start"], load["conversations"], strict=True)}
    assert hours == {"10:00": 2, "11:00": 1}


# -- helper holds in the schema ---------------------------------------------------------------------------------


def test_the_database_allows_helpers_beside_a_holder_but_no_agent_twice_on_one_account(engine, team):
    wang, li, zhang = team["王芳"], team["李雷"], team["张伟"]
    add_hold(engine, "jd", wang, local("2026-11-02", "09:00"))
    with transaction(engine) as session:
        holds = Tables(session).holds
        holds.add(Hold("jd", li, local("2026-11-02", "10:00"), role=HELPER))
        holds.add(Hold("jd", zhang, local("2026-11-02", "10:00"), role=HELPER))
    with pytest.raises(IntegrityError), transaction(engine) as session:
        Tables(session).holds.add(Hold("jd", li, local("2026-11-02", "10:30"), role=HELPER))
    with pytest.raises(IntegrityError):
        add_hold(engine, "jd", zhang, local("2026-11-02", "10:30"))  # a second open holder
    with reading(engine) as session:
        roles = sorted((h.agent_id, h.role) for h in Tables(session).holds.open())
    assert roles == sorted([(wang, "holder"), (li, HELPER), (zhang, HELPER)])


def test_holds_from_before_migration_0004_are_holders(database_url):
    from alembic import command

    engine = make_engine(database_url)
    try:
        config = alembic_config(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO accounts (id, key, platform, label) VALUES (1, 'jd', 'jd', 'JD')"))
            connection.execute(text("INSERT INTO agents (id, tg_user_id, name, registered_at) VALUES (1, 1, 'A', '2026-11-02 01:00:00')"))
            connection.execute(text("INSERT INTO holds (account_id, agent_id, started_at) VALUES (1, 1, '2026-11-02 01:00:00')"))
        migrate(engine)
        with reading(engine) as session:
            (hold,) = Tables(session).holds.open()
        assert hold.role == "holder"
    finally:
        engine.dispose()
