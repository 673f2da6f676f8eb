"""The vectorised column readers give exactly what the per-cell readers give, on any text."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.importers.columns import read_instants, read_numbers, read_plain_texts
from storage.importers.sessions import composite_id
from storage.importers.values import CellProblem, read_count, read_customer, read_external_id, read_instant, read_seconds

SETTINGS = settings(max_examples=300, deadline=None)
ZONES = st.sampled_from([ZoneInfo("Asia/Shanghai"), ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")])

times = st.one_of(
    st.datetimes().map(lambda t: t.strftime("%Y-%m-%d %H:%M:%S")),
    st.datetimes().map(lambda t: f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}"),
    st.datetimes().map(lambda t: t.strftime("%Y/%m/%d %H:%M:%S")),
    st.datetimes().map(lambda t: t.strftime("%Y-%m-%dT%H:%M:%S+09:00")),
    # Berlin's and New York's repeated and skipped hours
    st.sampled_from(["2026-10-25 02:30:00", "2026-03-29 02:30:00", "2026-11-01 01:30:00", "2026-03-08 02:30:00"]),
    st.sampled_from(["", "-", "延迟统计", "46329.385416666664", "2026-02-30 09:00:00", "2026-11-03", "x", " 2026-11-03 09:00:00 "]),
    st.text(alphabet="0123456789-/: 年月日", max_size=20),
)
numbers = st.one_of(
    st.integers(-5, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "-", "暂无数据", "1,234", "1分30秒", "00:01:30", "3:25", "90秒", "1e5", "1_000", " 7 ", "延迟统计"]),
    st.text(alphabet="0123456789.,-e分秒:", max_size=8),
)
ids = st.one_of(
    st.from_regex(r"[A-Za-z0-9_\-.@]{1,12}", fullmatch=True),
    st.sampled_from(
        ["", "NA", "nan", "-", "1.23E+18", "1e5", "x" * 129, '="0012"', "\t99", "ＡＢ１", "暂无数据", "无", "张三", "店:小美", "延迟统计"]
    ),
    st.text(max_size=10),
)


def per_cell(reader, texts):
    values, reasons = [], []
    for text in texts:
        try:
            values.append(reader(text))
            reasons.append(None)
        except CellProblem as problem:
            values.append(None)
            reasons.append(problem.reason)
    return values, reasons


@SETTINGS
@given(st.lists(times, max_size=30), ZONES, st.booleans())
def test_times(texts, tz, required):
    column = read_instants(pd.Series(texts, dtype=object), tz, required=required)

    def reader(text):
        if not required and not text.strip():
            return None
        return read_instant(text, tz)

    cells = [("" if text == "延迟统计" else text) for text in texts]
    expected, reasons = per_cell(reader, cells)
    got = [None if pd.isna(v) else v.to_pydatetime() for v in column.values]
    assert got == expected
    assert [None if p is None else p.reason for p in column.problems] == reasons
    assert column.not_final.tolist() == [text == "延迟统计" for text in texts]


@SETTINGS
@given(st.lists(numbers, max_size=30), st.booleans())
def test_numbers(texts, whole):
    reader = read_count if whole else read_seconds
    column = read_numbers(pd.Series(texts, dtype=object), reader, whole=whole)
    expected, reasons = per_cell(reader, ["" if t == "延迟统计" else t for t in texts])
    got = [None if pd.isna(v) else v for v in column.values]
    assert got == [None if v is None or v != v else float(v) for v in expected]
    assert [None if p is None else p.reason for p in column.problems] == reasons


@SETTINGS
@given(st.lists(ids, max_size=30), st.sampled_from([read_external_id, read_customer]))
def test_texts(texts, reader):
    column = read_plain_texts(pd.Series(texts, dtype=object), reader)
    # 延迟统计 (the platform's "not final yet") is read as a blank and marked, in a text column too.
    # Found by hypothesis in CI, which drew the word from the code it tests.
    expected, reasons = per_cell(reader, ["" if t == "延迟统计" else t for t in texts])
    assert column.values.tolist() == expected
    assert [None if p is None else p.reason for p in column.problems] == reasons
    assert column.not_final.tolist() == [text == "延迟统计" for text in texts]


def test_an_id_longer_than_the_column_is_rejected_and_a_long_composite_key_is_hashed():
    column = read_plain_texts(pd.Series(["A" * 128, "A" * 129], dtype=object), read_external_id)
    assert column.values.tolist() == ["A" * 128, None]
    assert [None if p is None else p.reason for p in column.problems] == [None, "bad_id"]
    long_key = composite_id(["顾客" * 70, "2026-11-03T01:15:02Z"])
    assert long_key.startswith("sha256:") and len(long_key) == 71 and long_key == composite_id(["顾客" * 70, "2026-11-03T01:15:02Z"])
