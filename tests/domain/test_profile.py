"""Talent profiles in the domain: skills as typed, hours held, evidence ranking, the trend and all-rounders."""

from __future__ import annotations

import itertools
import random
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.collaboration import COVER, THANKS
from domain.ledger import ADJUSTMENT, CASE, HOURS, Entry
from domain.profile import (
    SELF,
    SKILL_MAX_CHARS,
    SUPERVISOR,
    AccountRef,
    Breadth,
    Evidence,
    MonthTrend,
    SkillError,
    all_rounders,
    held_hours,
    month_all_rounders,
    monthly_trend,
    months_back,
    normalise_skill,
    parse_skill_changes,
    parse_skills,
    platform_hours,
    rank_candidates,
    skill_accounts,
    talent_candidates,
)
from domain.time import TS_DTYPE
from tests.factories import local

NOW = local("2026-11-02", "18:00")
ACCOUNTS = [AccountRef("jd", "jd", "京东旗舰店"), AccountRef("jd2", "jd", "京东自营"), AccountRef("vip", "vip", "唯品会店")]
SETTINGS = settings(max_examples=200, deadline=None)


def holds(*rows: tuple[str, int, str, str | None]) -> pd.DataFrame:
    """(account, agent_id, "HH:MM" start, "HH:MM" end or None) on 2 November."""
    frame = pd.DataFrame(
        [(a, agent, local("2026-11-02", s), local("2026-11-02", e) if e else None) for a, agent, s, e in rows],
        columns=["account", "agent_id", "start", "end"],
    )
    return frame.assign(
        start=pd.to_datetime(frame["start"], utc=True).astype(TS_DTYPE), end=pd.to_datetime(frame["end"], utc=True).astype(TS_DTYPE)
    )


def entry(agent: int, day: str, kind: str, points: float, quantity: float = 0.0) -> Entry:
    return Entry(agent, date.fromisoformat(day), kind, f"{kind}:{day}", round(points * 1000), quantity)


# -- skills --------------------------------------------------------------------------------------


def test_skills_are_lower_case_without_hash_full_width_folded_and_each_kept_once():
    assert parse_skills(["#Excel", "ＪＤ，售后、excel", "直播;Live"]) == ["excel", "jd", "售后", "直播", "live"]


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ([], "empty"),
        (["，、"], "empty"),
        (["#"], "empty"),
        (["a" * (SKILL_MAX_CHARS + 1)], "too_long"),
        (["售后\x07"], "control"),
        (["零\u200b宽"], "control"),
        ([f"s{i}" for i in range(11)], "too_many"),
    ],
)
def test_bad_skills_are_refused_with_a_reason(words, code):
    with pytest.raises(SkillError) as refused:
        parse_skills(words)
    assert refused.value.code == code


def test_a_skill_of_exactly_the_limit_is_kept():
    assert parse_skills(["A" * SKILL_MAX_CHARS]) == ["a" * SKILL_MAX_CHARS]


def test_an_agent_adds_skills_and_takes_others_back_with_a_minus():
    assert parse_skill_changes(["excel", "-直播", "Word,-PPT"]) == (["excel", "word"], ["直播", "ppt"])
    with pytest.raises(SkillError):
        parse_skill_changes(["-"])


@given(st.text(min_size=1, max_size=40))
@SETTINGS
def test_a_normalised_skill_normalises_to_itself_and_fits_the_column(text):
    try:
        skill = normalise_skill(text)
    except SkillError:
        return
    assert normalise_skill(skill) == skill
    assert 0 < len(skill) <= SKILL_MAX_CHARS and skill == skill.lower()


def test_a_skill_names_accounts_by_platform_key_or_label():
    assert skill_accounts("京东", ACCOUNTS) == {"jd", "jd2"}
    assert skill_accounts("jd", ACCOUNTS) == {"jd", "jd2"}
    assert skill_accounts("vip", ACCOUNTS) == {"vip"}
    assert skill_accounts("jd2", ACCOUNTS) == {"jd2"}
    assert skill_accounts("唯品会店", ACCOUNTS) == {"vip"}
    assert skill_accounts("售后", ACCOUNTS) == frozenset()


# -- hours ---------------------------------------------------------------------------------------


def test_hours_per_agent_and_account_count_an_open_hold_up_to_now_and_clip_to_a_window():
    frame = holds(("jd", 1, "09:00", "11:30"), ("jd", 1, "12:00", "13:00"), ("vip", 2, "16:00", None), ("vip", 1, "10:00", "10:00"))
    hours = held_hours(frame, now=NOW)
    assert {(a, acc): h for a, acc, h in hours.itertuples(index=False)} == {(1, "jd"): 3.5, (2, "vip"): 2.0}
    window = held_hours(frame, now=NOW, start=local("2026-11-02", "11:00"), end=local("2026-11-02", "17:00"))
    assert {(a, acc): h for a, acc, h in window.itertuples(index=False)} == {(1, "jd"): 1.5, (2, "vip"): 1.0}
    assert held_hours(holds(), now=NOW).empty


def test_hours_per_platform_add_up_the_accounts_most_first():
    assert platform_hours({"jd": 2.0, "jd2": 1.5, "vip": 3.0, "gone": 0.5}, {"jd": "jd", "jd2": "jd", "vip": "vip"}) == [
        ("jd", 3.5),
        ("vip", 3.0),
        ("other", 0.5),
    ]


# -- evidence ------------------------------------------------------------------------------------


def test_candidates_are_the_tagged_and_whoever_held_a_named_account_ranked_tag_first():
    hours = held_hours(holds(("jd", 3, "08:00", "18:00"), ("jd2", 2, "09:00", "10:00"), ("vip", 4, "09:00", "17:00")), now=NOW)
    ranked = talent_candidates(
        tags={1: {SUPERVISOR, SELF}, 2: {SELF}},
        hours=hours,
        accounts=frozenset({"jd", "jd2"}),
        cover_minutes={1: 90.0, 4: 600.0},
        thanks_received={2: 2},
        names={1: "王芳", 2: "李雷", 3: "张伟", 4: "赵敏"},
    )
    assert [(c.name, c.tag, c.score) for c in ranked] == [("王芳", SUPERVISOR, 1.5), ("李雷", SELF, 3.0), ("张伟", None, 10.0)]
    assert ranked[1].account_hours == 1.0 and ranked[1].thanks_received == 2


def evidence_lists():
    one = st.builds(
        lambda tag, hours, cover, thanks, name: (tag, hours, cover, thanks, name),
        st.sampled_from([SUPERVISOR, SELF, None]),
        st.sampled_from([0.0, 1.0, 2.5]),
        st.sampled_from([0.0, 1.0]),
        st.integers(0, 2),
        st.sampled_from(["王芳", "李雷", "Ann"]),
    )
    return st.lists(one, max_size=12).map(lambda rows: [Evidence(i, name, tag, h, c, t) for i, (tag, h, c, t, name) in enumerate(rows)])


@given(evidence_lists(), st.randoms())
@SETTINGS
def test_ranking_is_a_total_order_with_tags_first_and_equal_evidence_tagged_before_self_declared(candidates, rng):
    ranked = rank_candidates(candidates)
    shuffled = list(candidates)
    rng.shuffle(shuffled)
    assert rank_candidates(shuffled) == ranked  # total: the input order never matters
    assert sorted(c.agent_id for c in ranked) == sorted(c.agent_id for c in candidates)
    strength = {SUPERVISOR: 2, SELF: 1, None: 0}
    for better, worse in itertools.pairwise(ranked):
        assert strength[better.tag] >= strength[worse.tag]
        if better.tag == worse.tag:
            assert better.score >= worse.score
    for a in candidates:
        for b in candidates:
            if a.score == b.score and a.tag == SUPERVISOR and b.tag == SELF:
                assert ranked.index(a) < ranked.index(b)


# -- the trend -----------------------------------------------------------------------------------


def test_months_back_ends_with_this_month_across_a_new_year():
    assert months_back(date(2026, 2, 14), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_the_trend_sums_points_and_collaboration_per_month_with_the_cap_and_zero_months():
    entries = [
        entry(1, "2026-10-05", HOURS, 8.0),
        entry(1, "2026-10-05", COVER, 2.0, 120),
        entry(1, "2026-11-02", CASE, 1.0),
        entry(1, "2026-11-02", THANKS, 5.0),
        entry(1, "2026-11-03", ADJUSTMENT, -0.5),
    ]
    assert monthly_trend(entries, ["2026-09", "2026-10", "2026-11"], collaboration_cap=3.0) == [
        MonthTrend("2026-09", 0.0, 0.0),
        MonthTrend("2026-10", 10.0, 2.0),
        MonthTrend("2026-11", 3.5, 3.0),
    ]


# -- all-rounders --------------------------------------------------------------------------------


def test_the_month_names_the_widest_and_the_most_covering_agents():
    frame = holds(
        ("jd", 1, "08:00", "10:00"),
        ("vip", 1, "10:00", "12:00"),  # two platforms
        ("jd", 2, "12:00", "14:00"),
        ("jd2", 2, "14:00", "16:00"),  # two accounts, one platform
        ("vip", 3, "12:00", "12:30"),
        ("jd2", 3, "16:00", "18:00"),  # half an hour is not working an account
    )
    entries = [entry(2, "2026-11-02", COVER, 1.0, 60.0), entry(3, "2026-11-02", COVER, 1.5, 90.0)]
    found = month_all_rounders(
        frame, {"jd": "jd", "jd2": "jd", "vip": "vip"}, entries, start=local("2026-11-01", "00:00"), end=NOW, now=NOW
    )
    assert (found.widest, found.platforms, found.accounts) == ((1,), 2, 2)
    assert (found.covered_most, found.cover_minutes) == ((3,), 90.0)


def test_one_account_and_no_cover_make_no_all_rounder():
    found = all_rounders([Breadth(1, 1, 1, 0.0), Breadth(2, 1, 1, 0.0)])
    assert found.empty and found.widest == () and found.covered_most == ()


breadths = st.lists(
    st.builds(Breadth, st.integers(1, 30), st.integers(1, 3), st.integers(1, 4), st.sampled_from([0.0, 30.0, 60.0, 60.2])),
    max_size=10,
    unique_by=lambda b: b.agent_id,
)


@given(breadths)
@SETTINGS
def test_every_agent_tied_at_the_top_is_an_all_rounder_and_nobody_below(month):
    found = all_rounders(month)
    eligible = [b for b in month if b.accounts >= 2]
    if eligible:
        top = max((b.platforms, b.accounts) for b in eligible)
        assert set(found.widest) == {b.agent_id for b in eligible if (b.platforms, b.accounts) == top}
        assert (found.platforms, found.accounts) == top
    else:
        assert found.widest == ()
    most = max((round(b.cover_minutes) for b in month), default=0)
    assert set(found.covered_most) == ({b.agent_id for b in month if round(b.cover_minutes) == most} if most else set())
    assert list(found.widest) == sorted(found.widest) and list(found.covered_most) == sorted(found.covered_most)
    reordered = list(month)
    random.Random(len(month)).shuffle(reordered)
    assert all_rounders(reordered) == found
