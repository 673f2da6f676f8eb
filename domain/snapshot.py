"""The closed month: standings, rules, pool and payouts, frozen with a checksum.

The checksum is SHA-256 over a canonical JSON text of everything frozen: keys sorted,
no whitespace, UTF-8 (Chinese tier names as themselves), rows ordered by agent id, and a
`format` number so that a future change of layout is a visible change, not a silent one.

Floats are written with Python's repr, the shortest text that reads back as the same
float. So the same value always gives the same text, and any change to a frozen value,
however small, changes the checksum; rounding to fixed decimals would let a change below
the last decimal slip through. Whole-number quantities (ranks, cents, ids) are integers;
point and factor values are always floats, so 3 and 3.0 cannot checksum differently.
A missing raw value (no data, NaN) is written as null; any other non-finite number is refused.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace

from domain.payouts import SCHEMES, PayoutResult
from domain.rules import Rules, RulesVersion
from domain.scoring import ScoreCard

SNAPSHOT_FORMAT = 1
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class FactorLine:
    factor: str
    raw: float | None  # None: the agent had no data for this factor
    normalised: float
    weight: float
    points: float

    def __post_init__(self) -> None:
        raw = None if self.raw is None or (isinstance(self.raw, float) and math.isnan(self.raw)) else self.raw
        object.__setattr__(self, "raw", None if raw is None else _finite(raw, f"{self.factor} raw"))
        for name in ("normalised", "weight", "points"):
            object.__setattr__(self, name, _finite(getattr(self, name), f"{self.factor} {name}"))


@dataclass(frozen=True)
class SnapshotRow:
    agent_id: int
    factors: tuple[FactorLine, ...]
    collaboration: float
    adjustments: float
    score: float
    rank: int
    tier: str | None
    payout_cents: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "agent_id", _whole(self.agent_id, "agent_id"))
        object.__setattr__(self, "factors", tuple(self.factors))
        for name in ("collaboration", "adjustments", "score"):
            object.__setattr__(self, name, _finite(getattr(self, name), f"agent {self.agent_id} {name}"))
        object.__setattr__(self, "rank", _whole(self.rank, "rank"))
        object.__setattr__(self, "payout_cents", _whole(self.payout_cents, "payout_cents"))
        if self.rank < 1 or self.payout_cents < 0:
            raise ValueError(f"agent {self.agent_id}: rank starts at 1 and payouts cannot be negative")


@dataclass(frozen=True)
class Snapshot:
    month: str
    rules_version: int
    rules: Rules | None
    pool_cents: int
    scheme: str
    team_fund_cents: int
    rows: tuple[SnapshotRow, ...]
    checksum: str = field(default="")

    def row(self, agent_id: int) -> SnapshotRow:
        for row in self.rows:
            if row.agent_id == agent_id:
                return row
        raise KeyError(agent_id)


def freeze(
    month: str,
    rules_version: RulesVersion | int,
    pool_cents: int,
    scheme: str,
    rows: Iterable[SnapshotRow],
) -> Snapshot:
    """Freeze a month. Whatever the rows do not pay out is the team fund line.

    Pass the RulesVersion rather than its number when you have it: then the weights
    themselves are frozen too, and the month can be explained after the rules change.
    """
    if not _MONTH.match(month):
        raise ValueError(f"month must look like 2025-03, not {month!r}")
    if scheme not in SCHEMES:
        raise ValueError(f"unknown payout scheme {scheme!r}")
    ordered = tuple(sorted(rows, key=lambda r: (r.rank, r.agent_id)))
    if len({r.agent_id for r in ordered}) != len(ordered):
        raise ValueError("each agent may appear only once in a snapshot")
    pool = _whole(pool_cents, "pool_cents")
    team_fund = pool - sum(r.payout_cents for r in ordered)
    if team_fund < 0:
        raise ValueError("the payouts exceed the pool")
    if isinstance(rules_version, RulesVersion):
        version, rules = rules_version.version, rules_version.rules
    else:
        version, rules = _whole(rules_version, "rules_version"), None
    unsigned = Snapshot(month, version, rules, pool, scheme, team_fund, ordered)
    return replace(unsigned, checksum=checksum_of(unsigned))


def verify(snapshot: Snapshot) -> bool:
    """True when the checksum matches the content and the money adds up to the pool."""
    try:
        adds_up = snapshot.team_fund_cents + sum(r.payout_cents for r in snapshot.rows) == snapshot.pool_cents
        return adds_up and snapshot.team_fund_cents >= 0 and checksum_of(snapshot) == snapshot.checksum
    except (TypeError, ValueError):
        return False


def checksum_of(snapshot: Snapshot) -> str:
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()


def canonical_json(snapshot: Snapshot) -> str:
    """The text the checksum covers: every frozen field except the checksum itself."""
    payload = {
        "format": SNAPSHOT_FORMAT,
        "month": snapshot.month,
        "rules_version": snapshot.rules_version,
        "rules": None if snapshot.rules is None else snapshot.rules.to_mapping(),
        "pool_cents": snapshot.pool_cents,
        "scheme": snapshot.scheme,
        "team_fund_cents": snapshot.team_fund_cents,
        "rows": [asdict(row) for row in sorted(snapshot.rows, key=lambda r: r.agent_id)],
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def snapshot_rows(card: ScoreCard, payouts: PayoutResult) -> tuple[SnapshotRow, ...]:
    """The rows to freeze from a period's score card and its payouts."""
    lines: dict[int, list[FactorLine]] = {}
    for line in card.breakdown.itertuples(index=False):
        lines.setdefault(int(line.agent_id), []).append(
            FactorLine(str(line.factor), float(line.raw), float(line.normalised), float(line.weight), float(line.points))
        )
    tiers = payouts.tiers or {}
    rows = []
    for agent_id, standing in card.standings.iterrows():
        agent = int(agent_id)
        rows.append(
            SnapshotRow(
                agent_id=agent,
                factors=tuple(lines.get(agent, ())),
                collaboration=float(standing["collaboration"]),
                adjustments=float(standing["adjustments"]),
                score=float(standing["total"]),
                rank=int(standing["rank"]),
                tier=tiers.get(agent),
                payout_cents=payouts.per_agent.get(agent, 0),
            )
        )
    return tuple(rows)


def _finite(value: object, what: str) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{what} must be a number")
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, not {value!r}")
    return number


def _whole(value: object, what: str) -> int:
    if isinstance(value, bool) or int(value) != value:  # type: ignore[call-overload]
        raise ValueError(f"{what} must be a whole number, not {value!r}")
    return int(value)  # type: ignore[call-overload]


__all__ = [
    "SNAPSHOT_FORMAT",
    "FactorLine",
    "Snapshot",
    "SnapshotRow",
    "canonical_json",
    "checksum_of",
    "freeze",
    "snapshot_rows",
    "verify",
]


def snapshot_from_json(text: str, checksum: str) -> Snapshot:
    """A stored snapshot read back; ValueError if the text no longer matches its checksum."""
    payload = json.loads(text)
    if payload.get("format") != SNAPSHOT_FORMAT:
        raise ValueError(f"snapshot format {payload.get('format')!r} is not {SNAPSHOT_FORMAT}")
    rows = tuple(
        SnapshotRow(
            agent_id=row["agent_id"],
            factors=tuple(FactorLine(**line) for line in row["factors"]),
            collaboration=row["collaboration"],
            adjustments=row["adjustments"],
            score=row["score"],
            rank=row["rank"],
            tier=row["tier"],
            payout_cents=row["payout_cents"],
        )
        for row in payload["rows"]
    )
    rules = None if payload["rules"] is None else Rules.from_mapping(payload["rules"])
    snapshot = Snapshot(
        payload["month"],
        payload["rules_version"],
        rules,
        payload["pool_cents"],
        payload["scheme"],
        payload["team_fund_cents"],
        tuple(sorted(rows, key=lambda r: (r.rank, r.agent_id))),
        checksum,
    )
    if not verify(snapshot):
        raise ValueError(f"snapshot of {snapshot.month} does not match its checksum")
    return snapshot
