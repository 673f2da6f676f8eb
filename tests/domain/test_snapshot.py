"""The closed month: frozen, checksummed, and any change to it shows."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.payouts import PayoutPolicy, compute_payouts
from domain.rules import FactorRule, Rules, RulesVersion
from domain.scoring import score_period
from domain.snapshot import FactorLine, SnapshotRow, canonical_json, checksum_of, freeze, snapshot_rows, verify

RULES = RulesVersion(3, date(2025, 1, 1), Rules((FactorRule("conversations", 60, "share"), FactorRule("satisfaction", 40, "rank"))))


def row(agent_id, score, rank, payout, tier=None, raw=12.0):
    return SnapshotRow(
        agent_id=agent_id,
        factors=(FactorLine("conversations", raw, 0.4, 60.0, 24.0),),
        collaboration=1.5,
        adjustments=0.0,
        score=score,
        rank=rank,
        tier=tier,
        payout_cents=payout,
    )


def month():
    return freeze("2025-03", RULES, 10_000, "tiers", [row(2, 70.0, 2, 4000, "合格"), row(1, 90.0, 1, 5000, "优秀1")])


def test_a_frozen_month_verifies_and_what_nobody_was_paid_is_the_team_fund():
    snapshot = month()
    assert verify(snapshot)
    assert snapshot.team_fund_cents == 1000
    assert [r.agent_id for r in snapshot.rows] == [1, 2]  # by rank
    assert snapshot.rules == RULES.rules


def test_the_checksum_is_sha256_of_the_canonical_text():
    snapshot = month()
    assert len(snapshot.checksum) == 64
    text = canonical_json(snapshot)
    assert json.loads(text)["rows"][0]["agent_id"] == 1
    assert "优秀1" in text  # written as itself, not as \\u escapes
    assert snapshot.checksum == checksum_of(snapshot)


def test_the_order_rows_are_given_in_does_not_change_the_checksum():
    rows = [row(1, 90.0, 1, 5000), row(2, 70.0, 2, 4000), row(3, 70.0, 2, 1000)]
    forwards = freeze("2025-03", 3, 10_000, "proportional", rows)
    backwards = freeze("2025-03", 3, 10_000, "proportional", rows[::-1])
    assert forwards.checksum == backwards.checksum


def test_three_and_three_point_zero_are_the_same_frozen_value():
    as_int = freeze("2025-03", 3, 100, "proportional", [row(1, 90, 1, 100, raw=12)])
    as_float = freeze("2025-03", 3, 100, "proportional", [row(1, 90.0, 1, 100, raw=12.0)])
    assert as_int.checksum == as_float.checksum


def test_no_data_is_frozen_as_null():
    snapshot = freeze("2025-03", 3, 100, "proportional", [row(1, 90.0, 1, 100, raw=float("nan"))])
    assert json.loads(canonical_json(snapshot))["rows"][0]["factors"][0]["raw"] is None
    assert verify(snapshot)


def test_editing_a_frozen_month_is_detected():
    snapshot = month()
    paid_a_cent_more = dataclasses.replace(snapshot.rows[0], payout_cents=5001)
    edited = dataclasses.replace(snapshot, rows=(paid_a_cent_more, snapshot.rows[1]))
    assert not verify(edited)
    assert not verify(dataclasses.replace(snapshot, scheme="proportional"))


def test_a_snapshot_whose_money_does_not_add_up_fails_verification():
    assert not verify(dataclasses.replace(month(), team_fund_cents=999))


@pytest.mark.parametrize(
    "mistake",
    [
        dict(month="2025-13"),
        dict(month="March"),
        dict(scheme="lottery"),
        dict(pool_cents=8000),  # the rows pay out 9000
        dict(rows=[row(1, 90.0, 1, 5000), row(1, 70.0, 2, 4000)]),
    ],
)
def test_impossible_months_are_refused(mistake):
    arguments = dict(
        month="2025-03", rules_version=RULES, pool_cents=10_000, scheme="tiers", rows=[row(1, 90.0, 1, 5000), row(2, 70.0, 2, 4000)]
    )
    with pytest.raises(ValueError):
        freeze(**{**arguments, **mistake})


@pytest.mark.parametrize(("rank", "score", "payout"), [(0, 90.0, 5000), (1, float("inf"), 5000), (1, 90.0, -1)])
def test_impossible_rows_are_refused(rank, score, payout):
    with pytest.raises(ValueError):
        row(1, score, rank, payout)


def test_rows_come_straight_from_the_score_card_and_the_payouts():
    factors = pd.DataFrame({"conversations": [30, 10, 60], "satisfaction": [0.9, 0.95, np.nan]}, index=[1, 2, 3])
    card = score_period(factors, RULES, collaboration=pd.Series({1: 5.0}))
    payouts = compute_payouts(PayoutPolicy(scheme="tiers"), 10_000, card.totals())
    snapshot = freeze("2025-03", RULES, 10_000, payouts.scheme, snapshot_rows(card, payouts))
    assert verify(snapshot)
    top = snapshot.rows[0]
    assert (top.agent_id, top.rank, top.tier, top.score) == (3, 1, "优秀1", 56.0)
    assert [line.factor for line in top.factors] == ["conversations", "satisfaction"]
    assert top.factors[1].raw is None
    assert sum(r.payout_cents for r in snapshot.rows) + snapshot.team_fund_cents == 10_000


# --- property: every frozen value is covered by the checksum -------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)


@st.composite
def snapshots(draw):
    agents = draw(st.lists(st.integers(1, 99), min_size=1, max_size=5, unique=True))
    rows = [
        SnapshotRow(
            agent_id=a,
            factors=tuple(
                FactorLine(name, draw(st.one_of(st.none(), finite)), draw(st.floats(0, 1)), draw(st.floats(0, 100)), draw(finite))
                for name in draw(st.lists(st.sampled_from(["conversations", "cases", "satisfaction"]), unique=True))
            ),
            collaboration=draw(finite),
            adjustments=draw(finite),
            score=draw(finite),
            rank=draw(st.integers(1, 5)),
            tier=draw(st.sampled_from([None, "优秀1", "合格"])),
            payout_cents=draw(st.integers(0, 10_000)),
        )
        for a in agents
    ]
    pool = sum(r.payout_cents for r in rows) + draw(st.integers(0, 10_000))
    rules = draw(st.sampled_from([RULES, 1, 2]))
    period = draw(st.sampled_from(["2025-03", "2025-04"]))
    return freeze(period, rules, pool, draw(st.sampled_from(["tiers", "hybrid"])), rows)


def changed_float(value):
    return value + 1 if abs(value) > 1 else (value or 0.0) + 1e-9


def mutations(snapshot):
    """Every frozen value, each changed once: (what, snapshot re-frozen with the change)."""

    def refreeze(**changes):
        fields = dict(
            month=snapshot.month,
            rules_version=snapshot.rules_version,
            pool_cents=snapshot.pool_cents,
            scheme=snapshot.scheme,
            rows=snapshot.rows,
        )
        if snapshot.rules is not None and "rules_version" not in changes:
            fields["rules_version"] = RulesVersion(snapshot.rules_version, date(2025, 1, 1), snapshot.rules)
        return freeze(**{**fields, **changes})

    yield "month", refreeze(month="2025-05")
    yield "rules_version", refreeze(rules_version=snapshot.rules_version + 10)
    yield "pool", refreeze(pool_cents=snapshot.pool_cents + 1)
    yield "scheme", refreeze(scheme="proportional")
    for i, r in enumerate(snapshot.rows):

        def with_row(new_row, i=i):
            return refreeze(rows=(*snapshot.rows[:i], new_row, *snapshot.rows[i + 1 :]))

        taken = {other.agent_id for other in snapshot.rows}
        yield "agent_id", with_row(dataclasses.replace(r, agent_id=max(taken) + 1))
        for name in ("collaboration", "adjustments", "score"):
            yield name, with_row(dataclasses.replace(r, **{name: changed_float(getattr(r, name))}))
        yield "rank", with_row(dataclasses.replace(r, rank=r.rank + 1))
        yield "tier", with_row(dataclasses.replace(r, tier="优秀2" if r.tier != "优秀2" else None))
        if r.payout_cents > 0:
            yield "payout", with_row(dataclasses.replace(r, payout_cents=r.payout_cents - 1))
        for j, line in enumerate(r.factors):
            for name in ("raw", "normalised", "weight", "points"):
                value = getattr(line, name)
                new = 1.0 if value is None else changed_float(value)
                new_line = dataclasses.replace(line, **{name: new})
                lines = (*r.factors[:j], new_line, *r.factors[j + 1 :])
                yield f"factor {name}", with_row(dataclasses.replace(r, factors=lines))


@settings(max_examples=200, deadline=None)
@given(snapshot=snapshots())
def test_the_checksum_changes_whenever_any_frozen_value_does(snapshot):
    assert verify(snapshot)
    for what, changed in mutations(snapshot):
        assert changed.checksum != snapshot.checksum, what
        # and the old checksum no longer verifies the changed content
        assert not verify(dataclasses.replace(changed, checksum=snapshot.checksum)), what


def test_a_stored_snapshot_reads_back_equal_and_tampering_is_detected():
    from domain.snapshot import canonical_json, snapshot_from_json

    rows = [
        SnapshotRow(1, (FactorLine("conversations", 12.0, 0.6, 25.0, 15.0),), 1.5, -2.0, 14.5, 1, "优秀1", 700),
        SnapshotRow(2, (FactorLine("conversations", None, 0.0, 25.0, 0.0),), 0.0, 0.0, 0.0, 2, None, 300),
    ]
    frozen = freeze("2026-10", 1, 1000, "proportional", rows)
    text = canonical_json(frozen)
    assert snapshot_from_json(text, frozen.checksum) == frozen
    with pytest.raises(ValueError, match="checksum"):
        snapshot_from_json(text.replace("700", "701"), frozen.checksum)
