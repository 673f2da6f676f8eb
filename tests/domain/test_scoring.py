"""Scoring rules, their versions, and scoring a period into standings."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.rules import (
    KNOWN_FACTORS,
    FactorRule,
    Rules,
    RulesVersion,
    default_rules,
    new_version,
    rules_for_period,
    rules_in_force,
)
from domain.scoring import competition_ranks, gaps_to_next_rank, normalise, score_period


def values(*raw):
    return pd.Series(raw, index=range(1, len(raw) + 1), dtype="float64")


# --- rules ---------------------------------------------------------------------------


def test_default_rules_are_on_a_hundred_point_scale():
    rules = default_rules()
    assert rules.total_weight == 100
    assert {r.name for r in rules.factors} == set(KNOWN_FACTORS)


def test_rules_read_from_config_and_written_back_are_the_same_rules():
    mapping = {
        "factors": {
            "conversations": {"weight": 60, "normalisation": "share"},
            "first_response": {"weight": 25, "normalisation": "target", "target": 45},
            "satisfaction": {"weight": 15, "normalisation": "rank"},
        }
    }
    rules = Rules.from_mapping(mapping)
    assert rules.factor("first_response").target == 45
    assert rules.to_mapping() == mapping
    assert Rules.from_mapping(rules.to_mapping()) == rules


@pytest.mark.parametrize(
    ("factors", "complaint"),
    [
        ({"chats": {"weight": 10, "normalisation": "share"}}, "unknown factor"),
        ({"cases": {"weight": -1, "normalisation": "share"}}, "negative"),
        ({"cases": {"weight": True, "normalisation": "share"}}, "number"),
        ({"cases": {"weight": 10, "normalisation": "zscore"}}, "normalisation"),
        ({"satisfaction": {"weight": 10, "normalisation": "share"}}, "rate"),
        ({"satisfaction": {"weight": 10, "normalisation": "target"}}, "no target"),
        ({"satisfaction": {"weight": 10, "normalisation": "target", "target": 95}}, "fraction"),
        ({"first_response": {"weight": 10, "normalisation": "target", "target": 0}}, "positive"),
        ({"cases": {"weight": 10, "normalisation": "rank", "target": 3}}, "only used"),
        ({"cases": {"weight": 10, "normalization": "rank"}}, "unknown keys"),
        ({"cases": {"normalisation": "rank"}}, "needs a weight"),
        ({}, "at least one"),
    ],
)
def test_rule_mistakes_are_refused_with_a_reason(factors, complaint):
    with pytest.raises(ValueError, match=complaint):
        Rules.from_mapping({"factors": factors})


def version(number, day, weight=10):
    return RulesVersion(number, day, Rules((FactorRule("cases", weight, "share"),)))


def test_the_rules_in_force_are_the_latest_that_had_started():
    history = [version(1, date(2025, 1, 1)), version(2, date(2025, 3, 15)), version(3, date(2025, 5, 1))]
    assert rules_in_force(history, date(2025, 3, 14)).version == 1
    assert rules_in_force(history, date(2025, 3, 15)).version == 2
    assert rules_in_force(history, date(2025, 12, 31)).version == 3


def test_a_same_day_correction_wins_over_the_version_it_corrects():
    history = [version(1, date(2025, 3, 1)), version(2, date(2025, 3, 1), weight=20)]
    assert rules_in_force(history, date(2025, 3, 1)).version == 2


def test_before_the_first_version_there_are_no_rules():
    with pytest.raises(LookupError):
        rules_in_force([version(1, date(2025, 3, 1))], date(2025, 2, 28))


def test_a_mid_month_change_applies_from_the_next_month():
    history = [version(1, date(2025, 1, 1)), version(2, date(2025, 3, 15))]
    assert rules_for_period(history, date(2025, 3, 1)).version == 1
    assert rules_for_period(history, date(2025, 4, 1)).version == 2


def test_a_new_version_is_numbered_next_and_cannot_reach_into_a_closed_month():
    history = [version(1, date(2025, 1, 1)), version(2, date(2025, 2, 1))]
    created = new_version(history, default_rules(), date(2025, 4, 1), note="more weight on quality")
    assert (created.version, created.effective_from) == (3, date(2025, 4, 1))
    with pytest.raises(ValueError, match="closed"):
        new_version(history, default_rules(), date(2025, 3, 20), not_before=date(2025, 4, 1))


# --- normalisation -------------------------------------------------------------------------

share = FactorRule("conversations", 10, "share")
rank_up = FactorRule("satisfaction", 10, "rank")
rank_down = FactorRule("first_response", 10, "rank")


def test_share_is_each_agents_part_of_the_team_total():
    assert normalise(share, values(10, 30, 60)).tolist() == pytest.approx([0.1, 0.3, 0.6])


def test_share_of_nothing_is_nothing_and_no_data_on_a_volume_counts_as_zero():
    assert normalise(share, values(0, 0)).tolist() == [0, 0]
    assert normalise(share, values(np.nan, 5)).tolist() == [0, 1]


def test_rank_puts_the_best_at_one_the_worst_at_zero_and_averages_ties():
    # places (worst first) 2.5, 2.5, 1, 4 out of 4 -> (place - 1) / 3
    assert normalise(rank_up, values(0.9, 0.9, 0.7, 0.95)).tolist() == pytest.approx([0.5, 0.5, 0, 1])


def test_rank_of_a_lower_is_better_factor_puts_the_fastest_first():
    assert normalise(rank_down, values(10, 20, 30)).tolist() == [1, 0.5, 0]


def test_an_agent_alone_ranks_first():
    assert normalise(rank_up, values(0.2)).tolist() == [1]


def test_target_caps_at_one_and_scales_linearly_below():
    rule = FactorRule("satisfaction", 10, "target", target=0.95)
    assert normalise(rule, values(0.95, 0.76, 1.0, 0)).tolist() == pytest.approx([1, 0.8, 1, 0])


def test_a_slow_first_response_scores_target_over_time():
    rule = FactorRule("first_response", 10, "target", target=30)
    assert normalise(rule, values(20, 30, 60, 0)).tolist() == [1, 1, 0.5, 1]


def test_no_data_on_a_rate_gets_the_team_median_of_those_with_data():
    # ranks among the three with ratings: 1, 0.5, 0 -> the fourth gets the median, 0.5
    assert normalise(rank_up, values(0.9, 0.8, 0.7, np.nan)).tolist() == [1, 0.5, 0, 0.5]


def test_a_rate_nobody_has_data_for_gives_nobody_points():
    assert normalise(rank_up, values(np.nan, np.nan)).tolist() == [0, 0]


def test_a_negative_volume_is_refused():
    with pytest.raises(ValueError, match="negative"):
        normalise(share, values(3, -1))


# --- scoring a period ----------------------------------------------------------------------

RULES = Rules((FactorRule("conversations", 60, "share"), FactorRule("satisfaction", 40, "rank")))


def three_agents():
    return pd.DataFrame({"conversations": [30, 10, 60], "satisfaction": [0.9, 0.95, np.nan]}, index=[1, 2, 3])


def test_a_period_is_scored_factor_by_factor_then_collaboration_and_adjustments_on_top():
    # conversations: shares .3/.1/.6 of 60 -> 18, 6, 36
    # satisfaction: 2 beats 1 -> 40, 0; 3 has no ratings -> median 0.5 -> 20
    card = score_period(three_agents(), RULES, collaboration=pd.Series({1: 5.0}), adjustments=pd.Series({2: -3.5, 1: 2.0}))
    s = card.standings
    assert s.loc[1, ["factor_points", "collaboration", "adjustments", "total"]].tolist() == [18, 5, 2, 25]
    assert s.loc[2, ["factor_points", "collaboration", "adjustments", "total"]].tolist() == [46, 0, -3.5, 42.5]
    assert s.loc[3, ["factor_points", "total"]].tolist() == [56, 56]
    assert list(s.index) == [3, 2, 1]
    assert card.ranks() == {3: 1, 2: 2, 1: 3}
    assert s["gap_to_next_rank"].to_dict() == {3: 0.0, 2: 13.5, 1: 17.5}


def test_the_breakdown_explains_every_point():
    card = score_period(three_agents(), RULES)
    lines = card.explain(3)
    assert lines["factor"].tolist() == ["conversations", "satisfaction"]
    assert lines["points"].tolist() == [36, 20]
    assert lines["no_data"].tolist() == [False, True]
    assert math.isnan(lines.loc[1, "raw"])
    assert lines["normalised"].tolist() == pytest.approx([0.6, 0.5])


def test_ties_share_a_rank_and_are_listed_by_agent_id():
    factors = pd.DataFrame({"cases": [5, 10, 10, 2]}, index=[4, 9, 7, 1])
    card = score_period(factors, Rules((FactorRule("cases", 27, "share"),)))
    assert list(card.standings.index) == [7, 9, 4, 1]
    assert card.standings["rank"].tolist() == [1, 1, 3, 4]
    # totals 10, 10, 5, 2: agent 4 needs 5 to draw level, agent 1 needs 3 to reach agent 4
    assert card.standings["gap_to_next_rank"].tolist() == [0, 0, 5, 3]


def test_competition_ranking_is_one_two_two_four():
    assert competition_ranks({1: 9, 2: 7, 3: 7, 4: 1}) == {1: 1, 2: 2, 3: 2, 4: 4}
    assert gaps_to_next_rank({1: 9.0, 2: 7.0, 3: 7.0, 4: 1.0}) == {1: 0.0, 2: 2.0, 3: 2.0, 4: 6.0}


def test_float_noise_does_not_split_a_tie():
    # 0.1 + 0.2 is 0.30000000000000004 in floats; both agents show 0.3 and share the rank.
    factors = pd.DataFrame({"cases": [0, 0]}, index=[1, 2])
    card = score_period(
        factors, Rules((FactorRule("cases", 0, "share"),)), collaboration=pd.Series({1: 0.1, 2: 0.3}), adjustments=pd.Series({1: 0.2})
    )
    assert card.ranks() == {1: 1, 2: 1}


def test_a_factor_the_frame_lacks_is_reported_and_counts_as_no_data():
    factors = pd.DataFrame({"conversations": [1, 3]}, index=[1, 2])
    card = score_period(factors, RULES)
    assert card.missing_factors == ("satisfaction",)
    assert card.totals() == {1: 15.0, 2: 45.0}


def test_someone_with_only_collaboration_points_is_still_scored():
    factors = pd.DataFrame({"conversations": [10], "satisfaction": [0.9]}, index=[1])
    card = score_period(factors, RULES, collaboration=pd.Series({2: 4.0}))
    # 2 served nobody (0 of 60) and has no ratings, so takes the team's median rating
    # place, which with one rated colleague is that colleague's: 40.
    assert card.totals() == {1: 100.0, 2: 44.0}


def test_the_card_remembers_which_rules_version_scored_it():
    card = score_period(three_agents(), RulesVersion(7, date(2025, 1, 1), RULES))
    assert card.rules_version == 7


def test_an_agent_listed_twice_is_refused():
    with pytest.raises(ValueError, match="one row per agent"):
        score_period(pd.DataFrame({"cases": [1, 2]}, index=[5, 5]), RULES)


def test_an_empty_period_gives_an_empty_card():
    card = score_period(pd.DataFrame({"cases": []}, index=pd.Index([], dtype="int64")), default_rules())
    assert card.standings.empty and card.breakdown.empty


# --- properties ------------------------------------------------------------------------------

raw_rates = st.one_of(st.none(), st.floats(0, 1))
raw_counts = st.one_of(st.none(), st.integers(0, 500))


@st.composite
def periods(draw):
    agents = draw(st.lists(st.integers(1, 60), min_size=1, max_size=8, unique=True))
    columns = {
        "conversations": [draw(raw_counts) for _ in agents],
        "hours_held": [draw(raw_counts) for _ in agents],
        "first_response": [draw(st.one_of(st.none(), st.floats(0, 600))) for _ in agents],
        "satisfaction": [draw(raw_rates) for _ in agents],
        "conversion": [draw(raw_rates) for _ in agents],
    }
    frame = pd.DataFrame(columns, index=agents).astype("float64")
    collaboration = pd.Series({a: draw(st.floats(0, 30)) for a in agents})
    return frame, collaboration


@settings(max_examples=200, deadline=None)
@given(period=periods())
def test_every_normalised_value_is_between_zero_and_one_and_totals_add_up(period):
    factors, collaboration = period
    card = score_period(factors, default_rules(), collaboration=collaboration)
    assert card.breakdown["normalised"].between(0, 1).all()
    assert (card.breakdown["points"] <= card.breakdown["weight"] + 1e-9).all()
    by_agent = card.breakdown.groupby("agent_id")["points"].sum()
    s = card.standings
    assert (s["factor_points"] - by_agent.reindex(s.index)).abs().max() < 0.006
    assert (s["total"] - (s["factor_points"] + s["collaboration"] + s["adjustments"])).abs().max() < 0.006
    assert s["rank"].min() == 1
    leaders = s[s["rank"] == 1]
    assert (leaders["total"] == s["total"].max()).all()
    assert (s["gap_to_next_rank"] >= 0).all()
