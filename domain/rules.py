"""Scoring rules: which factors count, how much each weighs, how each is put on a 0..1 scale.

Points for a factor = weight x normalised value, and normalised values lie in 0..1, so:

- under `rank` and `target` each agent can earn up to the full weight on that factor
  (the best agent, or everyone who meets the target);
- under `share` the weight is shared out: the team's points on that factor add up to the
  weight (an agent with 40% of the team's conversations gets 40% of it).

Weights are not rescaled. If they add up to 100 (the default, 百分制), a lone agent who
is best at everything scores 100 before collaboration points and adjustments. Any other
sum works the same way; multiplying every weight by k multiplies every factor score by k,
which leaves ranks unchanged but changes how much the fixed collaboration points and
supervisor adjustments weigh against the factors.

Units the metrics hand in: volumes are counts or hours, `first_response` is seconds
(lower is better), every other rate is a fraction in 0..1 (0.95, not 95).

Rules change by adding a version that takes effect from a date; old versions stay, so any
past period can be scored again exactly as it was.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from numbers import Real

VOLUME_FACTORS = ("conversations", "cases", "hours_held")
RATE_FACTORS = ("first_response", "satisfaction", "conversion", "resolved_rate")
KNOWN_FACTORS = VOLUME_FACTORS + RATE_FACTORS
LOWER_IS_BETTER = frozenset({"first_response"})
NORMALISATIONS = ("share", "rank", "target")

_FACTOR_KEYS = frozenset({"weight", "normalisation", "target"})


@dataclass(frozen=True)
class FactorRule:
    name: str
    weight: float
    normalisation: str
    target: float | None = None

    def __post_init__(self) -> None:
        if self.name not in KNOWN_FACTORS:
            raise ValueError(f"unknown factor {self.name!r}; known: {', '.join(KNOWN_FACTORS)}")
        object.__setattr__(self, "weight", _number(self.weight, f"{self.name}.weight"))
        if self.weight < 0:
            raise ValueError(f"{self.name}.weight cannot be negative")
        if self.normalisation not in NORMALISATIONS:
            raise ValueError(f"{self.name}.normalisation must be one of {', '.join(NORMALISATIONS)}")
        if self.normalisation == "share" and not self.is_volume:
            # A share of a rate means nothing: 40% of the team's satisfaction is not a quantity.
            raise ValueError(f"{self.name} is a rate: normalise it by 'rank' or 'target', not 'share'")
        if self.normalisation == "target":
            self._check_target()
        elif self.target is not None:
            raise ValueError(f"{self.name}.target is only used with normalisation 'target'")

    def _check_target(self) -> None:
        if self.target is None:
            raise ValueError(f"{self.name} is normalised against a target but has no target")
        object.__setattr__(self, "target", _number(self.target, f"{self.name}.target"))
        if self.target <= 0:
            raise ValueError(f"{self.name}.target must be positive")
        if self.name in RATE_FACTORS and self.name not in LOWER_IS_BETTER and self.target > 1:
            raise ValueError(f"{self.name}.target is a fraction in 0..1 (write 0.95, not 95)")

    @property
    def is_volume(self) -> bool:
        return self.name in VOLUME_FACTORS

    @property
    def lower_is_better(self) -> bool:
        return self.name in LOWER_IS_BETTER

    def to_mapping(self) -> dict[str, object]:
        spec: dict[str, object] = {"weight": self.weight, "normalisation": self.normalisation}
        if self.target is not None:
            spec["target"] = self.target
        return spec


@dataclass(frozen=True)
class Rules:
    factors: tuple[FactorRule, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "factors", tuple(self.factors))
        if not self.factors:
            raise ValueError("rules need at least one factor")
        names = [rule.name for rule in self.factors]
        if len(set(names)) != len(names):
            raise ValueError("each factor may appear only once")

    @property
    def total_weight(self) -> float:
        return sum(rule.weight for rule in self.factors)

    def factor(self, name: str) -> FactorRule:
        for rule in self.factors:
            if rule.name == name:
                return rule
        raise KeyError(name)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> Rules:
        """Rules from config: {"factors": {name: {"weight", "normalisation", "target"?}}}."""
        unknown = set(mapping) - {"factors"}
        if unknown:
            raise ValueError(f"unknown rules keys: {', '.join(sorted(map(str, unknown)))}")
        factors = mapping.get("factors")
        if not isinstance(factors, Mapping):
            raise ValueError("rules need a 'factors' table")
        rules = []
        for name, spec in factors.items():
            if not isinstance(spec, Mapping):
                raise ValueError(f"factor {name!r} must be a table with weight and normalisation")
            typos = set(spec) - _FACTOR_KEYS
            if typos:
                raise ValueError(f"factor {name!r}: unknown keys {', '.join(sorted(map(str, typos)))}")
            if "weight" not in spec or "normalisation" not in spec:
                raise ValueError(f"factor {name!r} needs a weight and a normalisation")
            rules.append(FactorRule(str(name), spec["weight"], spec["normalisation"], spec.get("target")))
        return cls(tuple(rules))

    def to_mapping(self) -> dict[str, object]:
        return {"factors": {rule.name: rule.to_mapping() for rule in self.factors}}


def default_rules() -> Rules:
    """Volume 55, quality 45, on a 100-point scale."""
    return Rules(
        (
            FactorRule("conversations", 25, "share"),
            FactorRule("cases", 15, "share"),
            FactorRule("hours_held", 15, "share"),
            FactorRule("first_response", 10, "target", target=30),
            FactorRule("satisfaction", 15, "target", target=0.95),
            FactorRule("conversion", 10, "rank"),
            FactorRule("resolved_rate", 10, "target", target=0.9),
        )
    )


@dataclass(frozen=True)
class RulesVersion:
    version: int
    effective_from: date
    rules: Rules
    note: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.version, bool) or not isinstance(self.version, int) or self.version < 1:
            raise ValueError("rules versions are numbered from 1")


def rules_in_force(versions: Iterable[RulesVersion], day: date) -> RulesVersion:
    """The version with the latest start on or before `day`; on the same start, the higher number."""
    candidates = [v for v in versions if v.effective_from <= day]
    if not candidates:
        raise LookupError(f"no scoring rules in force on {day.isoformat()}")
    return max(candidates, key=lambda v: (v.effective_from, v.version))


def rules_for_period(versions: Iterable[RulesVersion], first_day: date) -> RulesVersion:
    """A period is scored with the version in force on its first day, for the whole period.

    One version per period, because points earned under different weights cannot be
    compared: whoever worked the first half of the month would be measured differently
    from whoever worked the second. The first day, because that is what the team knew
    when the period began; a change announced mid-month then applies from the next
    period, and nobody's month is re-weighted after they have worked it.
    """
    return rules_in_force(versions, first_day)


def new_version(
    versions: Iterable[RulesVersion],
    rules: Rules,
    effective_from: date,
    *,
    note: str = "",
    not_before: date | None = None,
) -> RulesVersion:
    """The next version number, effective from a date.

    `not_before` is the first day that may still change, i.e. the day after the last closed
    month: a closed month is frozen, so a version may not reach back into it.
    """
    if not_before is not None and effective_from < not_before:
        raise ValueError(f"rules cannot take effect on {effective_from.isoformat()}: periods before {not_before.isoformat()} are closed")
    latest = max((v.version for v in versions), default=0)
    return RulesVersion(latest + 1, effective_from, rules, note)


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise ValueError(f"{what} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite")
    return number


__all__ = [
    "KNOWN_FACTORS",
    "LOWER_IS_BETTER",
    "NORMALISATIONS",
    "RATE_FACTORS",
    "VOLUME_FACTORS",
    "FactorRule",
    "Rules",
    "RulesVersion",
    "default_rules",
    "new_version",
    "rules_for_period",
    "rules_in_force",
]
