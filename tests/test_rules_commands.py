"""/set_weight's parsing and rules arithmetic, and how an explanation reads, without Telegram."""

from datetime import date

import pytest

from bot.explain.render import explanation_text
from bot.explain.service import EntryView, Explanation, FactorView
from bot.rules.parse import factor_named, parse_set_weight
from bot.rules.service import first_month_scored, scheduled_versions, with_weight
from bot.text.renderer import Renderer
from domain.rules import KNOWN_FACTORS, FactorRule, Rules, RulesVersion, default_rules
from tests.factories import team_config


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        (["cases", "20"], ("cases", 20.0, None)),
        (["cases", "0", "from", "2026-12-01"], ("cases", 0.0, date(2026, 12, 1))),
        (["案例", "12.5", "2026-12-15"], ("案例", 12.5, date(2026, 12, 15))),
        (["cases", "-5"], ("cases", -5.0, None)),  # refused later, with its own reason
        (["cases"], None),
        (["cases", "lots"], None),
        (["cases", "5", "from"], None),
        (["cases", "5", "from", "tomorrow"], None),
        (["cases", "5", "2026-02-30"], None),
        (["cases", "5", "2026-12-01", "extra"], None),
    ],
)
def test_set_weight_arguments(args, parsed):
    assert parse_set_weight(args) == parsed


def test_a_factor_is_named_by_its_key_or_its_label_in_either_language():
    assert [factor_named(word) for word in ("cases", "案例", "Hours_Held", "满意度", "first_response")] == [
        "cases",
        "cases",
        "hours_held",
        "satisfaction",
        "first_response",
    ]
    assert factor_named("speed") == "speed"


def test_a_version_counts_from_the_first_month_that_starts_on_or_after_it():
    assert first_month_scored(date(2026, 12, 1)) == "2026-12"
    assert first_month_scored(date(2026, 11, 6)) == "2026-12"
    assert first_month_scored(date(2026, 12, 31)) == "2027-01"


def test_changing_one_weight_keeps_every_other_rule():
    rules = Rules((FactorRule("conversations", 60, "share"), FactorRule("satisfaction", 40, "target", target=0.9)))
    changed = with_weight(rules, "satisfaction", 10)
    assert changed.factor("satisfaction") == FactorRule("satisfaction", 10, "target", target=0.9)
    assert changed.factor("conversations") == rules.factor("conversations")
    added = with_weight(rules, "cases", 5)
    assert added.factor("cases") == FactorRule("cases", 5, default_rules().factor("cases").normalisation)
    assert added.total_weight == rules.total_weight + 5


def test_only_versions_that_will_be_in_force_count_as_scheduled():
    rules = default_rules()
    versions = [
        RulesVersion(1, date(2000, 1, 1), rules),
        RulesVersion(2, date(2026, 12, 1), with_weight(rules, "cases", 20)),
        RulesVersion(3, date(2026, 12, 1), with_weight(rules, "cases", 25)),  # same day, higher number wins
        RulesVersion(4, date(2026, 11, 10), with_weight(rules, "cases", 5)),
    ]
    assert [v.version for v in scheduled_versions(versions, date(2026, 11, 5))] == [4, 3]
    assert scheduled_versions(versions, date(2026, 12, 1)) == []


def explanation(**changes) -> Explanation:
    factors = tuple(
        FactorView(name, 1.0, "share", None, 0.5, 10.0, 5.0, True)
        if name in ("conversations", "cases")
        else FactorView(name, None, "rank", None, 0.5, 0.0, 0.0, False)
        for name in KNOWN_FACTORS
    )
    base = dict(
        month="2026-11",
        closed=False,
        agent_id=7,
        name="<李雷>",
        rules_version=1,
        factors=factors,
        collaboration=2.0,
        collaboration_entries=tuple(EntryView(date(2026, 11, d), "thanks", 0.5) for d in range(1, 16)),
        adjustments=-3.0,
        adjustment_entries=(EntryView(date(2026, 11, 4), "adjustment", -3.0, "迟到 <两次>", "主管"),),
        total=9.0,
        rank=1,
        team_size=3,
        tied_with=1,
        gap_to_next_rank=0.0,
        next_rank=None,
        pool_cents=100_000,
        scheme="team_fund",
        payout_cents=0,
        tier=None,
    )
    return Explanation(**{**base, **changes})


def test_an_explanation_lists_capped_collaboration_negative_adjustments_ties_and_the_team_fund():
    render = Renderer(team_config(collaboration={"monthly_cap": 2}))
    text = explanation_text(render, explanation())
    lines = text.splitlines()
    assert lines[0] == "🧾 <b>&lt;李雷&gt; · 2026年11月 暂定得分</b>（规则第 1 版）", "names are escaped"
    assert "🤝 <b>协作</b> +2.00（记录合计 7.50，按每月上限 2 计）" in lines
    assert lines.count("  • 11-01 感谢 +0.50") == 1 and "  • ……另有 3 条" in lines
    assert "  • 11-04 -3.00：迟到 &lt;两次&gt;（主管）" in lines
    assert "总分 = 因子 10.00 + 2.00（协作）− 3.00（调整）= <b>9.00</b>" in lines
    assert "📈 与另外 1 人并列第一" in lines
    assert lines[-1] == "💰 本月方案为团队基金：奖金池 ¥1,000.00 全部进入团队基金"
    assert "• 满意度 —（排名；全队无数据，不计分）→ 0.500 × 0 = 0.00" in lines


def test_without_a_pool_there_is_no_money_line_and_english_reads_as_english():
    render = Renderer(team_config(team={"language": "en"}))
    text = explanation_text(render, explanation(pool_cents=0, rank=2, tied_with=0, next_rank=1, gap_to_next_rank=4.5))
    assert "💰" not in text
    assert "📈 Room to grow: 4.50 more points draws level with rank 1" in text.splitlines()
    assert "• Conversations 1 (share of team) → 0.500 × 10 = 5.00" in text.splitlines()
