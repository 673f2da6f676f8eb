"""Splitting the month's bonus pool to the cent.

Schemes (`[payout] scheme`):

- proportional: to score. Negative scores count as 0. Optional floor: anyone with at
  least `floor_min_hours` held gets at least `floor_cents`. Optional cap: nobody gets more
  than `cap_cents`, the excess going to the others in proportion to score, repeatedly,
  until nothing moves. Both are solved at once and exactly: each agent gets
  clamp(k x score, floor, cap) with the one k that spends the pool.
  If the floors alone need more than the pool, the eligible agents split the pool
  equally and nobody else gets anything. If everyone is capped and money is left, the
  rest goes to the team fund line.
- tiers: rank bands (default 优秀1/优秀2/优秀3/合格). A band either weighs an equal base
  (multiplier) or pays a fixed amount. Fixed amounts that do not use up the pool leave
  the remainder on the team fund line; fixed amounts beyond the pool are scaled down in
  proportion. Ties never split across a band edge: tied agents go together into the
  better band. A better band never gets less than a worse one, and climbing never lowers
  your band or your exact share; but when a climb pushes others down a band, everyone's
  exact share moves, and rounding can then cost the climber one cent (the population
  paradox of largest remainder; tests/domain/test_payouts.py shows a case).
- team_fund: everything to the team fund line.
- hybrid: `team_fund_percent` of the pool to the team fund (rounded down to whole
  cents), the rest split as `proportional`, floor and cap included.

All-zero scores (nobody earned more than anybody else) split equally. With no agents at
all the pool goes to the team fund line.

Every scheme ends in split_pool_cents: exact arithmetic (fractions, never floats), floor of
each share, then one cent each to the largest remainders, ties to the lower agent id.
So payouts plus the team fund always equal the pool, and none is negative.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from numbers import Integral, Real

from domain.scoring import competition_ranks

SCHEMES = ("proportional", "tiers", "team_fund", "hybrid")
DEFAULT_TIER_NAMES = ("优秀1", "优秀2", "优秀3", "合格")

_POLICY_KEYS = frozenset({"scheme", "floor_cents", "floor_min_hours", "cap_cents", "team_fund_percent", "tiers"})
_BAND_KEYS = frozenset({"name", "count", "up_to_rank", "multiplier", "fixed_cents"})


@dataclass(frozen=True)
class PayoutResult:
    scheme: str
    pool_cents: int
    per_agent: dict[int, int]
    team_fund_cents: int
    tiers: dict[int, str] | None = None

    def __post_init__(self) -> None:
        if any(c < 0 for c in self.per_agent.values()) or self.team_fund_cents < 0:
            raise AssertionError("a payout came out negative")
        if sum(self.per_agent.values()) + self.team_fund_cents != self.pool_cents:
            raise AssertionError("payouts do not add up to the pool")


@dataclass(frozen=True)
class TierBand:
    """Agents whose rank is at most `up_to_rank` and who are not in an earlier band.

    `up_to_rank=None` catches everyone left (the last band only). A band pays either a
    multiplier of the equal base or a fixed amount in cents.
    """

    name: str
    up_to_rank: int | None
    multiplier: Fraction | None = None
    fixed_cents: int | None = None

    def __post_init__(self) -> None:
        if (self.multiplier is None) == (self.fixed_cents is None):
            raise ValueError(f"tier {self.name!r}: give either a multiplier or fixed_cents")
        if self.multiplier is not None:
            object.__setattr__(self, "multiplier", _non_negative(self.multiplier, f"tier {self.name!r} multiplier"))
        if self.fixed_cents is not None:
            _cents(self.fixed_cents, f"tier {self.name!r} fixed_cents")
        if self.up_to_rank is not None and (not isinstance(self.up_to_rank, int) or self.up_to_rank < 1):
            raise ValueError(f"tier {self.name!r}: up_to_rank must be a positive integer")

    @property
    def amount(self) -> Fraction:
        return self.multiplier if self.multiplier is not None else Fraction(self.fixed_cents or 0)


def default_tiers() -> tuple[TierBand, ...]:
    first, second, third, rest = DEFAULT_TIER_NAMES
    return (
        TierBand(first, 1, multiplier=Fraction(3, 2)),
        TierBand(second, 2, multiplier=Fraction(13, 10)),
        TierBand(third, 3, multiplier=Fraction(6, 5)),
        TierBand(rest, None, multiplier=Fraction(1)),
    )


@dataclass(frozen=True)
class PayoutPolicy:
    scheme: str = "proportional"
    floor_cents: int = 0
    floor_min_hours: Fraction = Fraction(0)
    cap_cents: int | None = None
    team_fund_percent: Fraction = Fraction(0)
    tiers: tuple[TierBand, ...] = field(default_factory=default_tiers)

    def __post_init__(self) -> None:
        if self.scheme not in SCHEMES:
            raise ValueError(f"payout scheme must be one of {', '.join(SCHEMES)}, not {self.scheme!r}")
        _cents(self.floor_cents, "floor_cents")
        object.__setattr__(self, "floor_min_hours", _non_negative(self.floor_min_hours, "floor_min_hours"))
        if self.cap_cents is not None:
            _cents(self.cap_cents, "cap_cents")
            if self.cap_cents < self.floor_cents:
                raise ValueError("cap_cents cannot be below floor_cents")
        percent = _non_negative(self.team_fund_percent, "team_fund_percent")
        if percent > 100:
            raise ValueError("team_fund_percent is at most 100")
        object.__setattr__(self, "team_fund_percent", percent)
        object.__setattr__(self, "tiers", tuple(self.tiers))
        _check_bands(self.tiers)

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, object]) -> PayoutPolicy:
        """From the `[payout]` config table; tiers as a list of {name, count | up_to_rank, multiplier | fixed_cents}."""
        unknown = set(mapping) - _POLICY_KEYS
        if unknown:
            raise ValueError(f"unknown payout keys: {', '.join(sorted(map(str, unknown)))}")
        values = {key: mapping[key] for key in _POLICY_KEYS - {"tiers"} if key in mapping}
        if "tiers" in mapping:
            values["tiers"] = _bands_from_config(mapping["tiers"])
        return cls(**values)  # type: ignore[arg-type]


def split_pool_cents(pool_cents: int, weights: Mapping[int, Real | Fraction | Decimal]) -> dict[int, int]:
    """Largest remainder: floor of each exact share, then a cent each to the largest remainders.

    Ties in remainder go to the lower agent id. All-zero weights split equally.
    """
    pool = _cents(pool_cents, "pool_cents")
    exact = {int(agent): _non_negative(w, f"weight of agent {agent}") for agent, w in weights.items()}
    if not exact:
        if pool:
            raise ValueError("nobody to split the pool between")
        return {}
    total = sum(exact.values())
    if total == 0:
        exact = dict.fromkeys(exact, Fraction(1))
        total = Fraction(len(exact))
    shares = {agent: pool * w / total for agent, w in exact.items()}
    paid = {agent: math.floor(share) for agent, share in shares.items()}
    left = pool - sum(paid.values())
    by_remainder = sorted(shares, key=lambda agent: (paid[agent] - shares[agent], agent))
    for agent in by_remainder[:left]:
        paid[agent] += 1
    return dict(sorted(paid.items()))


def compute_payouts(
    policy: PayoutPolicy,
    pool_cents: int,
    scores: Mapping[int, Real | Fraction | Decimal],
    hours_held: Mapping[int, Real | Fraction | Decimal] | None = None,
) -> PayoutResult:
    """Split the pool by the policy's scheme; `hours_held` decides who the floor protects."""
    if policy.scheme == "team_fund":
        return team_fund_payouts(pool_cents, scores)
    if policy.scheme == "tiers":
        return tier_payouts(pool_cents, scores, policy.tiers)
    limits = Limits(policy.floor_cents, policy.floor_min_hours, hours_held, policy.cap_cents)
    if policy.scheme == "hybrid":
        return hybrid_payouts(pool_cents, scores, policy.team_fund_percent, limits)
    return proportional_payouts(
        pool_cents,
        scores,
        floor_cents=limits.floor_cents,
        floor_min_hours=limits.floor_min_hours,
        hours_held=limits.hours_held,
        cap_cents=limits.cap_cents,
    )


@dataclass(frozen=True)
class Limits:
    """The floor and cap a proportional split keeps to."""

    floor_cents: int = 0
    floor_min_hours: Real | Fraction | Decimal | int = 0
    hours_held: Mapping[int, Real | Fraction | Decimal] | None = None
    cap_cents: int | None = None


def proportional_payouts(
    pool_cents: int,
    scores: Mapping[int, Real | Fraction | Decimal],
    *,
    floor_cents: int = 0,
    floor_min_hours: Real | Fraction | Decimal | int = 0,
    hours_held: Mapping[int, Real | Fraction | Decimal] | None = None,
    cap_cents: int | None = None,
    scheme: str = "proportional",
) -> PayoutResult:
    pool = _cents(pool_cents, "pool_cents")
    if not scores:
        return PayoutResult(scheme, pool, {}, pool)
    weights = {int(a): max(_exact(s, f"score of agent {a}"), Fraction(0)) for a, s in scores.items()}
    if not any(weights.values()):
        weights = dict.fromkeys(weights, Fraction(1))
    floor = _cents(floor_cents, "floor_cents")
    floors = _floors(weights, floor, _non_negative(floor_min_hours, "floor_min_hours"), hours_held)
    cap = None if cap_cents is None else Fraction(_cents(cap_cents, "cap_cents"))
    if cap is not None and floors and max(floors.values()) > cap:
        raise ValueError("cap_cents cannot be below floor_cents")
    exact = _fill(Fraction(pool), weights, floors, cap)
    agents_total = sum(exact.values())
    # Money is left over only when everyone sits at a whole-cent cap or floor.
    assert agents_total.denominator == 1
    team_fund = pool - int(agents_total)
    per_agent = split_pool_cents(int(agents_total), exact) if agents_total else dict.fromkeys(sorted(weights), 0)
    return PayoutResult(scheme, pool, per_agent, team_fund)


def hybrid_payouts(
    pool_cents: int,
    scores: Mapping[int, Real | Fraction | Decimal],
    team_fund_percent: Real | Fraction | Decimal,
    limits: Limits | None = None,
) -> PayoutResult:
    pool = _cents(pool_cents, "pool_cents")
    percent = _non_negative(team_fund_percent, "team_fund_percent")
    if percent > 100:
        raise ValueError("team_fund_percent is at most 100")
    fund = math.floor(pool * percent / 100)
    limits = limits or Limits()
    rest = proportional_payouts(
        pool - fund,
        scores,
        scheme="hybrid",
        floor_cents=limits.floor_cents,
        floor_min_hours=limits.floor_min_hours,
        hours_held=limits.hours_held,
        cap_cents=limits.cap_cents,
    )
    return PayoutResult("hybrid", pool, rest.per_agent, fund + rest.team_fund_cents)


def team_fund_payouts(pool_cents: int, scores: Mapping[int, object]) -> PayoutResult:
    pool = _cents(pool_cents, "pool_cents")
    return PayoutResult("team_fund", pool, {int(a): 0 for a in sorted(scores)}, pool)


def tier_payouts(
    pool_cents: int,
    scores: Mapping[int, Real | Fraction | Decimal],
    bands: tuple[TierBand, ...] | None = None,
) -> PayoutResult:
    pool = _cents(pool_cents, "pool_cents")
    bands = default_tiers() if bands is None else tuple(bands)
    _check_bands(bands)
    if not scores:
        return PayoutResult("tiers", pool, {}, pool, {})
    band_of = assign_tiers(scores, bands)
    amounts = {agent: band.amount for agent, band in band_of.items()}
    names = {agent: band.name for agent, band in sorted(band_of.items())}
    if bands[0].fixed_cents is not None and sum(amounts.values()) <= pool:
        per_agent = {agent: int(amount) for agent, amount in sorted(amounts.items())}
        return PayoutResult("tiers", pool, per_agent, pool - sum(per_agent.values()), names)
    return PayoutResult("tiers", pool, split_pool_cents(pool, amounts), 0, names)


def assign_tiers(scores: Mapping[int, Real | Fraction | Decimal], bands: tuple[TierBand, ...]) -> dict[int, TierBand]:
    """Each agent's band by competition rank, so tied agents always land in the same band."""
    ranks = competition_ranks({int(a): _exact(s, f"score of agent {a}") for a, s in scores.items()})
    assigned = {}
    for agent, rank in ranks.items():
        assigned[agent] = next(b for b in bands if b.up_to_rank is None or rank <= b.up_to_rank)
    return assigned


def _fill(pool: Fraction, weights: dict[int, Fraction], floors: dict[int, int], cap: Fraction | None) -> dict[int, Fraction]:
    """clamp(k x weight, floor, cap) per agent, with k found exactly so the amounts spend the pool.

    This is the fixed point of "raise everyone to their floor, cap the top, hand the
    excess to the rest in proportion, repeat", computed without iterating.
    """
    floor_of = {agent: Fraction(floors.get(agent, 0)) for agent in weights}
    floor_total = sum(floor_of.values())
    if floor_total >= pool:
        eligible = [agent for agent, f in floor_of.items() if f > 0]
        equal = {agent: pool / len(eligible) for agent in eligible} if eligible else {}
        return {agent: equal.get(agent, Fraction(0)) for agent in weights}

    def paid(k: Fraction) -> dict[int, Fraction]:
        return {agent: _clamp(k * w, floor_of[agent], cap) for agent, w in weights.items()}

    bends = sorted(
        {Fraction(0)}
        | {floor_of[a] / w for a, w in weights.items() if w > 0}
        | ({cap / w for w in weights.values() if w > 0} if cap is not None else set())
    )
    low = Fraction(0)
    for bend in bends:
        if sum(paid(bend).values()) >= pool:
            break
        low = bend
    else:
        if cap is not None:
            return paid(bends[-1])  # everyone is capped: what is left goes to the team fund
        slope = sum(w for w in weights.values() if w > 0)
        return paid(low + (pool - sum(paid(low).values())) / slope)
    at_low, at_bend = sum(paid(low).values()), sum(paid(bend).values())
    # The total is linear between two bends, so one interpolation lands exactly on the pool.
    return paid(low + (bend - low) * (pool - at_low) / (at_bend - at_low))


def _clamp(value: Fraction, lowest: Fraction, highest: Fraction | None) -> Fraction:
    value = max(value, lowest)
    return value if highest is None else min(value, highest)


def _floors(
    weights: Mapping[int, Fraction],
    floor_cents: int,
    min_hours: Fraction,
    hours_held: Mapping[int, Real | Fraction | Decimal] | None,
) -> dict[int, int]:
    if floor_cents == 0:
        return {}
    hours = {int(a): _exact(h, f"hours of agent {a}") for a, h in (hours_held or {}).items()}
    if hours_held is None and min_hours > 0:
        raise ValueError("a floor with a minimum of hours needs hours_held")
    return {agent: floor_cents for agent in weights if hours.get(agent, Fraction(0)) >= min_hours}


def _check_bands(bands: tuple[TierBand, ...]) -> None:
    if not bands:
        raise ValueError("tiers need at least one band")
    if bands[-1].up_to_rank is not None:
        raise ValueError("the last tier must take everyone left (no count or up_to_rank)")
    if any(b.up_to_rank is None for b in bands[:-1]):
        raise ValueError("only the last tier may take everyone left")
    limits = [b.up_to_rank for b in bands[:-1]]
    if any(later <= earlier for earlier, later in itertools.pairwise(limits)):  # type: ignore[operator]
        raise ValueError("tiers must cover increasing ranks")
    if len({b.multiplier is None for b in bands}) != 1:
        raise ValueError("tiers must all use multipliers or all use fixed amounts")
    amounts = [b.amount for b in bands]
    if any(later > earlier for earlier, later in itertools.pairwise(amounts)):
        # Otherwise moving up a band could lower someone's pay.
        raise ValueError("a better tier cannot pay less than a worse one")
    if amounts[0] <= 0:
        raise ValueError("the first tier must pay something")


def _bands_from_config(raw: object) -> tuple[TierBand, ...]:
    if not isinstance(raw, list | tuple):
        raise ValueError("payout tiers must be a list of bands")
    bands, reached = [], 0
    for spec in raw:
        if not isinstance(spec, Mapping):
            raise ValueError("each tier must be a table")
        unknown = set(spec) - _BAND_KEYS
        if unknown:
            raise ValueError(f"tier {spec.get('name')!r}: unknown keys {', '.join(sorted(map(str, unknown)))}")
        if "count" in spec and "up_to_rank" in spec:
            raise ValueError(f"tier {spec.get('name')!r}: give count or up_to_rank, not both")
        up_to = spec.get("up_to_rank")
        if "count" in spec:
            count = spec["count"]
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                raise ValueError(f"tier {spec.get('name')!r}: count must be a positive integer")
            # A count is a number of places after the previous band: ranks up to reached + count.
            up_to = reached + count
        reached = up_to if up_to is not None else reached
        multiplier = spec.get("multiplier")
        bands.append(
            TierBand(
                str(spec.get("name", "")),
                up_to,
                multiplier=None if multiplier is None else _non_negative(multiplier, "multiplier"),
                fixed_cents=spec.get("fixed_cents"),
            )
        )
    return tuple(bands)


def _exact(value: object, what: str) -> Fraction:
    """A number as an exact fraction; floats by their shortest decimal, so 0.1 means one tenth."""
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number, not {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Integral):
        return Fraction(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{what} must be finite, not {value!r}")
        return Fraction(value)
    if isinstance(value, Real):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{what} must be finite, not {value!r}")
        return Fraction(repr(number))
    raise ValueError(f"{what} must be a number, not {value!r}")


def _non_negative(value: object, what: str) -> Fraction:
    number = _exact(value, what)
    if number < 0:
        raise ValueError(f"{what} cannot be negative")
    return number


def _cents(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        raise ValueError(f"{what} must be a non-negative whole number of cents, not {value!r}")
    return int(value)


__all__ = [
    "DEFAULT_TIER_NAMES",
    "SCHEMES",
    "PayoutPolicy",
    "PayoutResult",
    "TierBand",
    "assign_tiers",
    "compute_payouts",
    "default_tiers",
    "hybrid_payouts",
    "proportional_payouts",
    "split_pool_cents",
    "team_fund_payouts",
    "tier_payouts",
]
