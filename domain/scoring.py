"""Scoring a period: raw factor values become points on the rules' scale, then a ranking.

Normalisation puts every factor on 0..1 (see domain.rules for how weights scale):

- share:  value / team total; a team total of 0 gives everyone 0.
- rank:   best = 1, worst = 0, linear in between, ties get the average of their places;
          one agent alone gets 1 (and a whole team tied gets 0.5 each).
- target: higher-is-better rates score value / target, capped at 1; a lower-is-better
          factor (first response) scores 1 up to the target and target / value beyond it,
          so twice the target time scores 0.5.

Agents with no data (NaN):

- volume factors count as 0: no conversations recorded means none served;
- rate factors get the team median of the normalised values of the agents who do have
  data, so a missing rating neither rewards nor punishes. If nobody has data, the factor
  gives everyone 0 points: it cannot tell anyone apart, and handing out equal points
  would only dilute the differences the other factors found.

Every points figure is rounded to 2 decimals, and totals are the sum of the rounded parts
rounded again, so a breakdown shown to a supervisor adds up to the total shown. Ranks and
gaps are computed on those rounded totals: two agents who show the same total share a rank.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.rules import FactorRule, Rules, RulesVersion
from domain.standings import competition_ranks

POINT_DECIMALS = 2

BREAKDOWN_COLUMNS = ("agent_id", "factor", "raw", "no_data", "normalised", "weight", "points")
STANDINGS_COLUMNS = ("factor_points", "collaboration", "adjustments", "total", "rank", "gap_to_next_rank")


@dataclass(frozen=True)
class ScoreCard:
    """One period's scores.

    breakdown: one row per agent and factor (BREAKDOWN_COLUMNS), agents ascending, factors
        in the rules' order.
    standings: indexed by agent_id in display order (rank, then agent id), STANDINGS_COLUMNS.
        gap_to_next_rank is the points an agent needs to draw level with the next better
        rank (提升空间); 0 for rank 1.
    missing_factors: factors the rules weigh but the input frame did not have at all.
    """

    rules_version: int | None
    breakdown: pd.DataFrame
    standings: pd.DataFrame
    missing_factors: tuple[str, ...] = ()

    def totals(self) -> dict[int, float]:
        return {int(a): float(t) for a, t in self.standings["total"].items()}

    def ranks(self) -> dict[int, int]:
        return {int(a): int(r) for a, r in self.standings["rank"].items()}

    def explain(self, agent_id: int) -> pd.DataFrame:
        """The agent's factor lines: where each of their points came from."""
        rows = self.breakdown[self.breakdown["agent_id"] == agent_id]
        if rows.empty and agent_id not in self.standings.index:
            raise KeyError(agent_id)
        return rows.reset_index(drop=True)


def normalise(rule: FactorRule, raw: pd.Series) -> pd.Series:
    """The factor's raw values on 0..1, with the no-data policy of this module applied."""
    values = pd.Series(pd.to_numeric(raw).to_numpy(dtype="float64", na_value=np.nan), index=raw.index, dtype="float64")
    if np.isinf(values).any():
        raise ValueError(f"{rule.name}: infinite values")
    if rule.is_volume:
        if (values < 0).any():
            raise ValueError(f"{rule.name}: a volume cannot be negative")
        return _scale(rule, values.fillna(0.0))
    known = _scale(rule, values.dropna())
    neutral = float(known.median()) if len(known) else 0.0
    return known.reindex(values.index).fillna(neutral)


def _scale(rule: FactorRule, values: pd.Series) -> pd.Series:
    if rule.normalisation == "share":
        total = values.sum()
        return values / total if total > 0 else values * 0.0
    if rule.normalisation == "rank":
        if len(values) <= 1:
            return pd.Series(1.0, index=values.index)
        places = values.rank(method="average", ascending=not rule.lower_is_better)
        return (places - 1) / (len(values) - 1)
    target = rule.target
    assert target is not None
    if rule.lower_is_better:
        return pd.Series(np.where(values <= target, 1.0, target / values.where(values > 0, 1.0)), index=values.index)
    return (values / target).clip(lower=0.0, upper=1.0)


def score_period(
    factors: pd.DataFrame,
    rules: Rules | RulesVersion,
    collaboration: pd.Series | None = None,
    adjustments: pd.Series | None = None,
) -> ScoreCard:
    """Score one period.

    factors: indexed by agent_id, one column of raw values per factor (extra columns are
        ignored; a factor the rules weigh but the frame lacks counts as no data for anyone).
    collaboration, adjustments: points per agent_id, added on top; adjustments may be
        negative. Anyone who appears in any of the three inputs is scored.
    """
    version = rules.version if isinstance(rules, RulesVersion) else None
    in_force = rules.rules if isinstance(rules, RulesVersion) else rules
    if not factors.index.is_unique:
        raise ValueError("factors must have one row per agent")
    extra_collab = _per_agent(collaboration, "collaboration")
    extra_adjust = _per_agent(adjustments, "adjustments")
    agents = sorted({int(a) for a in factors.index} | set(extra_collab.index) | set(extra_adjust.index))
    table = factors.set_axis([int(a) for a in factors.index]).reindex(agents)
    missing = tuple(rule.name for rule in in_force.factors if rule.name not in factors.columns)

    lines = [_factor_lines(rule, table, agents) for rule in in_force.factors]
    breakdown = pd.concat(lines, ignore_index=True) if agents else _empty_breakdown()
    order = {rule.name: i for i, rule in enumerate(in_force.factors)}
    breakdown = breakdown.sort_values(
        ["agent_id", "factor"], key=lambda col: col.map(order) if col.name == "factor" else col, kind="stable"
    ).reset_index(drop=True)

    factor_points = breakdown.groupby("agent_id")["points"].sum().reindex(agents, fill_value=0.0)
    collab = extra_collab.reindex(agents, fill_value=0.0)
    adjust = extra_adjust.reindex(agents, fill_value=0.0)
    totals = (factor_points.round(POINT_DECIMALS) + collab + adjust).round(POINT_DECIMALS)
    total_map = {int(a): float(t) for a, t in totals.items()}
    ranks = competition_ranks(total_map)
    gaps = gaps_to_next_rank(total_map)

    standings = pd.DataFrame(
        {
            "factor_points": factor_points.round(POINT_DECIMALS).to_numpy(dtype="float64"),
            "collaboration": collab.to_numpy(dtype="float64"),
            "adjustments": adjust.to_numpy(dtype="float64"),
            "total": totals.to_numpy(dtype="float64"),
            "rank": np.array([ranks[a] for a in agents], dtype="int64"),
            "gap_to_next_rank": np.array([gaps[a] for a in agents], dtype="float64"),
        },
        index=pd.Index(agents, name="agent_id", dtype="int64"),
    )
    standings = standings.sort_values(["rank", "agent_id"], kind="stable")
    return ScoreCard(version, breakdown, standings, missing)


def _factor_lines(rule: FactorRule, table: pd.DataFrame, agents: list[int]) -> pd.DataFrame:
    if rule.name in table.columns:
        raw = pd.Series(pd.to_numeric(table[rule.name]).to_numpy(dtype="float64", na_value=np.nan), index=agents)
    else:
        raw = pd.Series(np.nan, index=agents, dtype="float64")
    normalised = normalise(rule, raw)
    return pd.DataFrame(
        {
            "agent_id": np.array(agents, dtype="int64"),
            "factor": rule.name,
            "raw": raw.to_numpy(),
            "no_data": raw.isna().to_numpy(),
            "normalised": normalised.to_numpy(dtype="float64"),
            "weight": rule.weight,
            "points": (normalised * rule.weight).round(POINT_DECIMALS).to_numpy(dtype="float64"),
        }
    )


def _empty_breakdown() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "agent_id": pd.Series(dtype="int64"),
            "factor": pd.Series(dtype="object"),
            "raw": pd.Series(dtype="float64"),
            "no_data": pd.Series(dtype="bool"),
            "normalised": pd.Series(dtype="float64"),
            "weight": pd.Series(dtype="float64"),
            "points": pd.Series(dtype="float64"),
        }
    )


def _per_agent(points: pd.Series | None, what: str) -> pd.Series:
    if points is None or len(points) == 0:
        return pd.Series(dtype="float64")
    values = pd.Series(pd.to_numeric(points).to_numpy(dtype="float64", na_value=np.nan), index=[int(a) for a in points.index])
    if np.isinf(values).any():
        raise ValueError(f"{what}: infinite points")
    # Several lines per agent (one per kind or per adjustment) simply add up.
    return values.fillna(0.0).groupby(level=0).sum().round(POINT_DECIMALS)


def gaps_to_next_rank(totals: Mapping[int, float]) -> dict[int, float]:
    """Points each agent needs to draw level with the nearest better total; 0 for the leaders."""
    distinct = sorted(set(totals.values()))
    better = {value: distinct[i + 1] for i, value in enumerate(distinct[:-1])}
    return {agent: round(better[total] - total, POINT_DECIMALS) if total in better else 0.0 for agent, total in totals.items()}


__all__ = [
    "BREAKDOWN_COLUMNS",
    "POINT_DECIMALS",
    "STANDINGS_COLUMNS",
    "ScoreCard",
    "competition_ranks",
    "gaps_to_next_rank",
    "normalise",
    "score_period",
]
