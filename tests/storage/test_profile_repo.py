"""What talent profiles read and the skills they write, in a real database (SQLite and PostgreSQL)."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError

from domain.collaboration import COVER
from domain.ledger import CASE, CONVERSATION, Entry
from domain.profile import SELF, SUPERVISOR, AccountRef, held_hours
from storage.accounts import AccountSpec
from storage.db import make_engine, reading, transaction
from storage.migrate import migrate
from storage.models import HoldRow, SkillRow, ThanksRow
from storage.uow import Tables
from tests.factories import local

NOW = local("2026-11-02", "20:00")


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with transaction(engine) as session:
        Tables(session).accounts.sync([AccountSpec("jd", "jd", "京东旗舰店"), AccountSpec("vip", "vip", "唯品会店")])
    yield engine
    engine.dispose()


@pytest.fixture
def team(engine):
    with transaction(engine) as session:
        return {
            name: Tables(session).agents.register(tg, name, None, local("2026-11-01", "08:00")).id
            for tg, name in ((1, "王芳"), (2, "李雷"), (9, "主管"))
        }


def add_hold(session, account, agent, start, end=None, note=None, role="holder"):
    session.add(
        HoldRow(account_id=Tables(session).accounts.ids[account], agent_id=agent, started_at=start, ended_at=end, note=note, role=role)
    )
    session.flush()


def test_a_skill_is_stored_once_per_source_and_removed_only_from_its_source(engine, team):
    wang, boss = team["王芳"], team["主管"]
    at = local("2026-11-02", "10:00")
    with transaction(engine) as session:
        skills = Tables(session).skills
        assert skills.add(wang, "售后", SUPERVISOR, boss, at)
        assert not skills.add(wang, "售后", SUPERVISOR, boss, at)
        assert skills.add(wang, "售后", SELF, None, at)
        assert skills.add(wang, "excel", SELF, None, at)
        assert skills.add(team["李雷"], "售后", SELF, None, at)
    with transaction(engine) as session:
        skills = Tables(session).skills
        assert [(s.skill, s.source, s.tagged_by) for s in skills.of_agent(wang)] == [
            ("售后", SUPERVISOR, "主管"),
            ("售后", SELF, None),
            ("excel", SELF, None),
        ]
        assert skills.holders("售后") == {wang: {SUPERVISOR, SELF}, team["李雷"]: {SELF}}
        assert skills.remove(wang, "售后", SUPERVISOR)
        assert not skills.remove(wang, "售后", SUPERVISOR)
    with reading(engine) as session:
        skills = Tables(session).skills
        assert skills.holders("售后") == {wang: {SELF}, team["李雷"]: {SELF}}
        assert skills.of_agent(wang)[0].at == at


def test_the_database_itself_refuses_a_second_identical_skill(engine, team):
    row = {"agent_id": team["王芳"], "skill": "售后", "source": SELF, "at": NOW}
    with pytest.raises(IntegrityError), transaction(engine) as session:
        session.add(SkillRow(**row))
        session.flush()
        session.add(SkillRow(**row))
        session.flush()
    with reading(engine) as session:
        assert Tables(session).skills.of_agent(team["王芳"]) == []


def test_the_record_of_hours_cases_covers_thanks_and_noted_handovers(engine, team):
    wang, li = team["王芳"], team["李雷"]
    handed_off = local("2026-11-02", "12:00")
    with transaction(engine) as session:
        tables = Tables(session)
        # One /off of two accounts with a note is one handover; a hold without a note is none.
        add_hold(session, "jd", wang, local("2026-11-02", "09:00"), handed_off, note="退款已处理")
        add_hold(session, "vip", wang, local("2026-11-02", "10:00"), handed_off, note="退款已处理")
        add_hold(session, "jd", wang, local("2026-11-02", "13:00"), local("2026-11-02", "14:00"))
        add_hold(session, "vip", wang, local("2026-11-02", "18:00"), local("2026-11-02", "19:00"), note="晚班交接")
        add_hold(session, "jd", li, local("2026-11-02", "19:00"))
        tables.cases.add(wang, "jd", local("2026-11-02", "09:30"), "presale", None)
        tables.cases.add(wang, "jd", local("2026-11-02", "09:40"), "other", None)
        tables.cases.add(wang, "vip", local("2026-11-02", "10:30"), "other", None)
        for giver, receiver, hhmm, reason in ((li, wang, "10:00", "帮我顶班"), (li, wang, "11:00", None), (wang, li, "12:00", "谢谢")):
            session.add(ThanksRow(giver_id=giver, receiver_id=receiver, at=local("2026-11-02", hhmm), reason=reason))
        tables.ledger.replace_derived(
            [date(2026, 11, 2), date(2026, 11, 3)],
            [
                Entry(wang, date(2026, 11, 2), COVER, "cover:2026-11-02", 1500, 90.0),
                Entry(wang, date(2026, 11, 3), COVER, "cover:2026-11-03", 500, 30.0),
                Entry(li, date(2026, 11, 2), COVER, "cover:2026-11-02", 1000, 60.0),
                Entry(wang, date(2026, 11, 2), CONVERSATION, "conversations:jd:held", 2000, 4.0),
                Entry(wang, date(2026, 11, 2), CASE, "case:1", 1000, 1.0),
            ],
            NOW,
        )

    with reading(engine) as session:
        tables = Tables(session)
        hours = held_hours(tables.holds.frame_until(NOW), now=NOW)
        assert {(a, acc): h for a, acc, h in hours.itertuples(index=False)} == {(wang, "jd"): 4.0, (wang, "vip"): 3.0, (li, "jd"): 1.0}
        assert tables.cases.count_by_account(wang) == {"jd": 2, "vip": 1}
        assert tables.ledger.cover_minutes() == {wang: 120.0, li: 60.0}
        assert tables.thanks.received() == {wang: 2, li: 1}
        assert tables.thanks.given() == {li: 2, wang: 1}
        assert tables.thanks.recent(wang, 5) == [
            ("李雷", local("2026-11-02", "11:00"), None),
            ("李雷", local("2026-11-02", "10:00"), "帮我顶班"),
        ]
        assert tables.holds.notes_of(wang) == [
            (local("2026-11-02", "19:00"), ("vip",), "晚班交接"),
            (handed_off, ("jd", "vip"), "退款已处理"),
        ]
        assert sorted((e.day.day, e.kind, e.quantity) for e in tables.ledger.of_agent(wang)) == [
            (2, CASE, 1.0),
            (2, CONVERSATION, 4.0),
            (2, COVER, 90.0),
            (3, COVER, 30.0),
        ]
        assert tables.accounts.refs() == [AccountRef("jd", "jd", "京东旗舰店"), AccountRef("vip", "vip", "唯品会店")]


def test_the_last_case_is_the_agents_own_on_that_account_in_the_window(engine, team):
    wang, li = team["王芳"], team["李雷"]
    with transaction(engine) as session:
        cases = Tables(session).cases
        for agent, account, at in (
            (wang, "jd", local("2026-11-02", "09:00")),
            (wang, "jd", local("2026-11-02", "11:30")),
            (wang, "jd", local("2026-11-02", "12:00")),  # the window's end: outside it
            (wang, "vip", local("2026-11-02", "11:50")),  # another account
            (li, "jd", local("2026-11-02", "11:55")),  # a colleague
        ):
            cases.add(agent, account, at, "other", None)
    with reading(engine) as session:
        cases = Tables(session).cases
        assert cases.last_at(wang, "jd", local("2026-11-02", "08:00"), local("2026-11-02", "12:00")) == local("2026-11-02", "11:30")
        assert cases.last_at(wang, "jd", local("2026-11-02", "09:01"), local("2026-11-02", "11:00")) is None
        assert cases.last_at(li, "vip", local("2026-11-02", "08:00"), local("2026-11-02", "12:00")) is None
