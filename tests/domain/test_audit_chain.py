"""The audit hash chain: a sealed chain verifies, and any edit is found at the entry edited."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.audit_chain import GENESIS, Break, Sealed, entry_hash, first_break

T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
FIELDS = ("at", "actor_agent_id", "action", "subject", "detail", "prev_hash", "hash")


def seal(contents: list[tuple[datetime, int | None, str, str, str]]) -> list[Sealed]:
    chain, prev = [], GENESIS
    for index, (at, actor, action, subject, detail) in enumerate(contents, start=1):
        sealed = entry_hash(prev, at, actor, action, subject, detail)
        chain.append(Sealed(index, at, actor, action, subject, detail, prev, sealed))
        prev = sealed
    return chain


def simple_chain(n: int) -> list[Sealed]:
    return seal([(T0 + timedelta(minutes=i), i % 3 or None, "adjust", str(i), f'{{"points": {i}}}') for i in range(n)])


def test_the_hash_is_sha256_of_a_fixed_json_layout():
    # Every stored chain depends on this layout: changing it must fail here, not in production.
    content = '["v1","' + GENESIS + '","2026-11-02T01:00:00.000000+00:00",7,"adjust","3","{\\"reason\\": \\"补录\\"}"]'
    expected = hashlib.sha256(content.encode("utf-8")).hexdigest()
    assert entry_hash(GENESIS, T0, 7, "adjust", "3", '{"reason": "补录"}') == expected


def test_the_same_instant_in_another_zone_seals_the_same():
    shanghai = T0.astimezone(timezone(timedelta(hours=8)))
    assert entry_hash(GENESIS, shanghai, None, "close_month", "2026-11", "{}") == entry_hash(
        GENESIS, T0, None, "close_month", "2026-11", "{}"
    )


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        entry_hash(GENESIS, T0.replace(tzinfo=None), None, "import", "jd", "{}")


def test_an_empty_chain_and_a_sealed_chain_are_intact():
    assert first_break([]) is None
    assert first_break(simple_chain(5)) is None


def test_a_chain_that_does_not_start_at_genesis_breaks_at_its_first_entry():
    chain = simple_chain(3)
    assert first_break(chain[1:]) == Break(2, "link")


def test_a_deleted_entry_breaks_the_link_of_the_one_after_it():
    chain = simple_chain(5)
    assert first_break(chain[:2] + chain[3:]) == Break(4, "link")


def test_two_swapped_entries_break_at_the_first_of_them():
    chain = simple_chain(5)
    assert first_break([chain[0], chain[2], chain[1], chain[3], chain[4]]) == Break(3, "link")


def test_a_resealed_entry_still_breaks_the_link_of_the_next():
    # Someone who edits an entry and recomputes its hash must rewrite every later entry too.
    chain = simple_chain(4)
    forged_detail = '{"points": 100}'
    forged = replace(
        chain[1],
        detail=forged_detail,
        hash=entry_hash(chain[1].prev_hash, chain[1].at, chain[1].actor_agent_id, chain[1].action, chain[1].subject, forged_detail),
    )
    assert first_break([chain[0], forged, chain[2], chain[3]]) == Break(3, "link")


_texts = st.text(max_size=12)
_contents = st.tuples(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),
    st.none() | st.integers(min_value=1, max_value=10_000),
    _texts,
    _texts,
    _texts,
)


def _edited(entry: Sealed, field: str, data: st.DataObject) -> Sealed:
    old = getattr(entry, field)
    if field == "at":
        new = old + timedelta(microseconds=data.draw(st.integers(min_value=1, max_value=10**12)) * data.draw(st.sampled_from([1, -1])))
    elif field == "actor_agent_id":
        new = data.draw((st.none() | st.integers(min_value=1, max_value=10_000)).filter(lambda v: v != old))
    elif field in ("prev_hash", "hash"):
        new = data.draw(st.text(alphabet="0123456789abcdef", min_size=64, max_size=64).filter(lambda v: v != old))
    else:
        new = data.draw(st.text(max_size=12).filter(lambda v: v != old))
    return replace(entry, **{field: new})


@given(contents=st.lists(_contents, min_size=1, max_size=12), data=st.data())
def test_any_single_field_edit_of_any_entry_is_reported_at_exactly_that_entry(contents, data):
    chain = seal(contents)
    assert first_break(chain) is None
    index = data.draw(st.integers(min_value=0, max_value=len(chain) - 1))
    field = data.draw(st.sampled_from(FIELDS))
    tampered = [*chain[:index], _edited(chain[index], field, data), *chain[index + 1 :]]
    found = first_break(tampered)
    assert found is not None
    assert found.id == chain[index].id
    assert found.reason == ("link" if field == "prev_hash" else "content")
