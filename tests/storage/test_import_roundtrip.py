"""A session list reads back the same whether it came as XLSX, GBK CSV or UTF-8-with-BOM CSV."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.importers import parse_export
from tests.storage.export_samples import JD_RATING_TEXT, RATING_NAMES, csv_bytes, xlsx_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER = [
    "会话ID",
    "顾客账号",
    "会话开始时间",
    "首次响应时长(秒)",
    "平均响应时长(秒)",
    "顾客消息数",
    "客服消息数",
    "满意度评价",
    "是否解决",
    "是否售前咨询",
    "是否下单",
]
COMPARED = [c for c in ("row_number", "external_id", "customer", "start", "first_response_s", "avg_response_s", "customer_messages",
                        "agent_messages", "rating", "resolved", "inquiry", "paid", "left_message")]  # fmt: skip

conversation = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"0?[0-9]{3,18}|JD-[A-Z0-9]{4,10}", fullmatch=True),
        "customer": st.sampled_from(["jd_小明", "王芳", "tb_0012", "店铺:子账号", "顾客 龚"]),
        "start": st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)).map(lambda t: t.replace(microsecond=0)),
        "first": st.one_of(st.none(), st.integers(0, 900), st.sampled_from([0.5, 12.5, 99.9])),
        "avg": st.one_of(st.none(), st.integers(0, 3600).map(lambda n: n / 10)),
        "messages": st.one_of(st.none(), st.integers(0, 200)),
        "rating": st.sampled_from([*RATING_NAMES, None]),
        "resolved": st.sampled_from([True, False, None]),
        "inquiry": st.booleans(),
        "paid": st.booleans(),
    }
)


def cells(row: dict, *, as_text: bool) -> list:
    def number(value):
        return "" if value is None else (f"{value:g}" if as_text else value)

    return [
        row["id"],
        row["customer"],
        row["start"].strftime("%Y-%m-%d %H:%M:%S") if as_text else row["start"],
        number(row["first"]),
        number(row["avg"]),
        number(row["messages"]),
        number(row["messages"]),
        JD_RATING_TEXT[row["rating"]],
        "" if row["resolved"] is None else ("是" if row["resolved"] else "否"),
        "是" if row["inquiry"] else "否",
        "是" if row["paid"] else "否",
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(conversation, min_size=1, max_size=15, unique_by=lambda r: r["id"]))
def test_a_session_list_round_trips_identically_through_xlsx_gbk_and_utf8_bom(rows):
    files = {
        "xlsx": (xlsx_bytes(HEADER, [cells(r, as_text=False) for r in rows]), "会话.xlsx"),
        "gbk": (csv_bytes(HEADER, [cells(r, as_text=True) for r in rows], encoding="gbk"), "会话.csv"),
        "bom": (csv_bytes(HEADER, [cells(r, as_text=True) for r in rows], encoding="utf-8-sig"), "会话.csv"),
    }
    read = {name: parse_export(data, filename, tz=SHANGHAI) for name, (data, filename) in files.items()}
    assert {p.encoding for p in read.values()} == {"utf-8", "gb18030", "utf-8-sig"}
    assert all(p.rejected == [] for p in read.values())
    xlsx, gbk, bom = (read[name].records[COMPARED] for name in ("xlsx", "gbk", "bom"))
    pd.testing.assert_frame_equal(xlsx, gbk)
    pd.testing.assert_frame_equal(gbk, bom)
    # and they are the rows written
    assert xlsx["external_id"].tolist() == [r["id"] for r in rows]
    assert xlsx["start"].tolist() == [pd.Timestamp(r["start"]).tz_localize(SHANGHAI).tz_convert("UTC") for r in rows]
    assert xlsx["rating"].tolist() == [r["rating"] for r in rows]
    assert xlsx["first_response_s"].fillna(-1).tolist() == [-1 if r["first"] is None else float(r["first"]) for r in rows]
