"""A re-import merges into the stored conversations: what was missing is filled, what changed is
the newer export's and reported, an empty cell erases nothing, and the same file twice writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from storage.accounts import Accounts, AccountSpec
from storage.conversation_merge import merge
from storage.db import make_engine, reading, transaction
from storage.imports import import_export_file
from storage.migrate import migrate
from storage.models import ConversationRow
from tests.storage.export_samples import SampleConversation, csv_bytes, jd_csv_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with transaction(engine) as session:
        Accounts(session).sync([AccountSpec("jd", "jd", "京东")])
    yield engine
    engine.dispose()


def load(engine, data, filename="会话明细.csv", at=NOW):
    with transaction(engine) as session:
        return import_export_file(session, "jd", data, filename, tz=SHANGHAI, at=at, source=f"file:{filename}")


def rows(engine) -> dict[str, ConversationRow]:
    with reading(engine) as session:
        return {r.external_id: r for r in session.execute(select(ConversationRow)).scalars()}


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-03T{hhmm}")


def exported_early():
    """Exported at 11:55: JD-1 still waits for its reply and its rating, JD-2 is answered, unpaid."""
    return [
        SampleConversation("JD-1", at("11:50:00"), first_response_s=None, avg_response_s=None, rating=None, resolved=None),
        SampleConversation("JD-2", at("11:00:00"), rating="satisfied", inquiry=True),
        SampleConversation("JD-3", at("10:00:00"), rating="neutral"),
    ]


def exported_later():
    """The same sessions the next morning: JD-1 answered at 12:10 and rated, JD-2 paid and re-rated, JD-3 as before."""
    return [
        SampleConversation("JD-1", at("11:50:00"), first_response_s=1200.0, avg_response_s=30.0, rating="very_satisfied", resolved=True),
        SampleConversation("JD-2", at("11:00:00"), rating="dissatisfied", inquiry=True, paid=True),
        SampleConversation("JD-3", at("10:00:00"), rating="neutral"),
    ]


def test_a_later_export_fills_what_was_missing_and_the_newer_value_wins(engine):
    first = load(engine, jd_csv_bytes(exported_early()))
    assert (len(first.new_ids), first.updated_ids, first.unreplied) == (3, [], 1)
    before = rows(engine)
    assert before["JD-1"].first_response_s is None and before["JD-1"].rating is None

    later = load(engine, jd_csv_bytes(exported_later()), "会话明细-次日.csv", at=NOW + timedelta(hours=8))
    after = rows(engine)
    assert later.new_ids == [] and later.duplicates == 3
    assert sorted(later.updated_ids) == sorted([before["JD-1"].id, before["JD-2"].id])
    assert later.unchanged == 1 and later.unreplied == 0
    assert after["JD-1"].first_response_s == 1200.0 and after["JD-1"].rating == "very_satisfied" and after["JD-1"].resolved is True
    assert after["JD-2"].paid is True and after["JD-2"].rating == "dissatisfied"
    assert later.filled == {"first_response_s": 1, "avg_response_s": 1, "rating": 1, "resolved": 1, "paid": 1}
    assert later.changed == {"rating": 1} and later.changed_records == 1
    (change,) = later.examples
    assert (change.external_id, change.field, change.before, change.after) == ("JD-2", "rating", "satisfied", "dissatisfied")
    # The row now stands on the file its values came from; the untouched one keeps its first import.
    assert after["JD-1"].source == "file:会话明细-次日.csv" and after["JD-3"].source == "file:会话明细.csv"
    assert after["JD-3"].imported_at == before["JD-3"].imported_at
    # Both starts of an updated conversation are named, for its day's credit to run again.
    assert {t.astimezone(SHANGHAI).date().isoformat() for t in later.updated_starts} == {"2026-11-03"}


def test_the_same_file_twice_changes_nothing(engine):
    load(engine, jd_csv_bytes(exported_later()))
    before = {k: (r.id, r.first_response_s, r.rating, r.paid, r.raw, r.imported_at, r.source) for k, r in rows(engine).items()}
    again = load(engine, jd_csv_bytes(exported_later()), at=NOW + timedelta(days=1))
    after = {k: (r.id, r.first_response_s, r.rating, r.paid, r.raw, r.imported_at, r.source) for k, r in rows(engine).items()}
    assert (again.new_ids, again.updated_ids, again.unchanged, again.duplicates) == ([], [], 3, 3)
    assert after == before
    assert not again.filled and not again.changed and again.updated_starts == []


def test_an_empty_cell_or_a_missing_column_never_erases_a_stored_value(engine):
    load(engine, jd_csv_bytes(exported_later()))
    # An earlier export sent late: no replies yet, no ratings.
    again = load(engine, jd_csv_bytes(exported_early()))
    stored = rows(engine)
    assert stored["JD-1"].first_response_s == 1200.0 and stored["JD-1"].rating == "very_satisfied"
    # What it does say that differs is the platform's word all the same (the file imported last is
    # taken as the newer): JD-2's rating and payment are changed back, and reported.
    assert again.changed == {"rating": 1, "paid": 1}
    load(engine, jd_csv_bytes(exported_later()))
    # A file without the paid column says nothing of payment.
    header = ["external_id", "start", "first_response_s"]
    bare = csv_bytes(header, [["JD-2", "2026-11-03 11:00:00", "8"]])
    with transaction(engine) as session:
        thin = import_export_file(session, "jd", bare, "generic.csv", tz=SHANGHAI, at=NOW, source="file:generic.csv", preset=None)
    assert thin.updated_ids == [] and thin.unchanged == 1
    assert rows(engine)["JD-2"].paid is True


def test_a_changed_start_is_taken_and_both_days_are_named(engine):
    load(engine, jd_csv_bytes([SampleConversation("JD-9", at("23:59:00"))]))
    moved = load(engine, jd_csv_bytes([SampleConversation("JD-9", datetime(2026, 11, 4, 0, 1))]))
    assert moved.changed == {"started_at": 1}
    assert {t.astimezone(SHANGHAI).date().isoformat() for t in moved.updated_starts} == {"2026-11-03", "2026-11-04"}
    assert rows(engine)["JD-9"].started_at.astimezone(SHANGHAI).date().isoformat() == "2026-11-04"


def test_merge_leaves_a_flag_alone_when_the_file_has_no_column_for_it():
    stored = pd.DataFrame(
        {
            "id": [7],
            "started_at": ["2026-11-03 03:00:00.000000"],
            "first_response_s": [None],
            "avg_response_s": [None],
            "customer_messages": [None],
            "agent_messages": [None],
            "rating": [None],
            "resolved": [None],
            "inquiry": [1],
            "paid": [1],
            "left_message": [0],
            "customer": [None],
        }
    )
    incoming = stored.drop(columns="id").assign(first_response_s=[12.0], inquiry=[False], paid=[False], left_message=[False])
    merged = merge(stored, incoming, ["X"], frozenset({"external_id", "start", "first_response_s"}))
    assert merged.filled == {"first_response_s": 1} and not merged.changed
    assert merged.values["paid"] == [1] and merged.values["inquiry"] == [1] and merged.values["first_response_s"] == [12.0]
    told = merge(stored, incoming, ["X"], None)  # a source that gives every field: "no" is news
    assert told.changed == {"inquiry": 1, "paid": 1}


# -- properties of the merge --------------------------------------------------------------------------

NUMBER = st.one_of(st.none(), st.floats(min_value=0, max_value=1e5, allow_nan=False))
RATING = st.sampled_from([None, "satisfied", "neutral", "dissatisfied"])
RESOLVED = st.sampled_from([None, True, False])
FLAG = st.booleans()


@st.composite
def records(draw, count):
    return pd.DataFrame(
        {
            "started_at": [draw(st.sampled_from(["2026-11-03 01:00:00.000000", "2026-11-03 02:00:00.000000"])) for _ in range(count)],
            "first_response_s": [draw(NUMBER) for _ in range(count)],
            "avg_response_s": [draw(NUMBER) for _ in range(count)],
            "customer_messages": [draw(st.one_of(st.none(), st.integers(0, 50))) for _ in range(count)],
            "agent_messages": [draw(st.one_of(st.none(), st.integers(0, 50))) for _ in range(count)],
            "rating": [draw(RATING) for _ in range(count)],
            "resolved": [draw(RESOLVED) for _ in range(count)],
            "inquiry": [draw(FLAG) for _ in range(count)],
            "paid": [draw(FLAG) for _ in range(count)],
            "left_message": [draw(FLAG) for _ in range(count)],
            "customer": [draw(st.sampled_from([None, "c1", "c2"])) for _ in range(count)],
        }
    )


def applied(stored: pd.DataFrame, merged) -> pd.DataFrame:
    after = stored.copy()
    for name, values in merged.values.items():
        for row_id, value in zip(merged.row_ids, values, strict=True):
            after.loc[after["id"] == row_id, name] = value
    return after


@given(st.integers(1, 6).flatmap(lambda n: st.tuples(records(n), records(n))))
@settings(max_examples=80, deadline=None)
def test_a_merge_never_erases_a_value_and_merging_the_same_file_again_changes_nothing(frames):
    before, incoming = frames
    stored = before.assign(id=range(1, len(before) + 1))
    ids = [f"X{i}" for i in range(len(before))]
    merged = merge(stored, incoming, ids, None)
    after = applied(stored, merged)
    for name in ("first_response_s", "avg_response_s", "customer_messages", "agent_messages", "rating", "resolved", "customer"):
        kept = before[name].notna().to_numpy()
        assert after[name].notna().to_numpy()[kept].all(), name
    # Every record is updated or unchanged, and changes are counted per record once.
    assert len(merged.row_ids) + merged.unchanged == len(before)
    assert merged.changed_records <= len(merged.row_ids)
    again = merge(after, incoming, ids, None)
    assert again.row_ids == [] and again.unchanged == len(before)
