"""Each quirk of real platform files, built on purpose, and the values the importer reads from it."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest

from storage.importers import PRESETS, ExportRefused, ExportUnreadable, parse_export
from tests.storage.export_samples import (
    JD_HEADERS,
    TMALL_HEADERS,
    SampleConversation,
    csv_bytes,
    jd_csv_bytes,
    sample_conversations,
    tmall_xlsx_bytes,
)
from tests.storage.quirk_samples import (
    CHITU_FILENAME,
    chitu_report_xlsx,
    jd_chat_log_csv,
    jd_session_csv,
    legacy_xls_bytes,
    qianniu_log_csv,
    sycm_reception_csv,
    with_empty_fill,
    workbook_bytes,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE_AM = datetime(2026, 11, 3, 9, 0)


def utc(text: str) -> pd.Timestamp:
    """Naive Shanghai wall-clock text -> the UTC instant it names."""
    return pd.Timestamp(text).tz_localize(SHANGHAI).tz_convert("UTC")


# --- workbooks ----------------------------------------------------------------------------------------


def test_a_workbook_with_an_empty_fill_that_openpyxl_rejects_is_read():
    samples = sample_conversations(4, NINE_AM, seed=21)
    data = with_empty_fill(tmall_xlsx_bytes(samples))
    with pytest.raises(TypeError, match=r"openpyxl\.styles\.fills\.Fill"):
        openpyxl.load_workbook(io.BytesIO(data))

    parsed = parse_export(data, "千牛.xlsx", tz=SHANGHAI)

    assert (parsed.preset, parsed.report.file_format, parsed.rejected) == ("tmall", "xlsx", [])
    assert parsed.records["external_id"].tolist() == [s.external_id for s in samples]
    assert parsed.records["start"].tolist() == [utc(s.start.isoformat()) for s in samples]
    assert parsed.records["first_response_s"].tolist() == [s.first_response_s for s in samples]


def test_a_genuine_legacy_xls_is_read_with_its_title_row_and_datetime_cells():
    rows = [
        ["接待明细报表", "", "", ""],
        ["统计时间：2026-11-03 ~ 2026-11-03", "", "", ""],
        ["会话ID", "顾客账号", "会话开始时间", "首次响应时长(秒)"],
        ["X1", "jd_a", datetime(2026, 11, 3, 9, 15, 2), 12],
        ["X2", "jd_b", datetime(2026, 11, 3, 10, 0, 0), 7.5],
    ]
    data = legacy_xls_bytes(rows, merges=[(0, 0, 0, 3)])
    assert data.startswith(b"\xd0\xcf\x11\xe0")

    parsed = parse_export(data, "会话明细.xls", tz=SHANGHAI)

    assert (parsed.preset, parsed.report.file_format, parsed.report.header_rows) == ("jd", "xls", (3,))
    assert parsed.records["row_number"].tolist() == [4, 5]
    assert parsed.records["start"].tolist() == [utc("2026-11-03 09:15:02"), utc("2026-11-03 10:00:00")]
    assert parsed.records["first_response_s"].tolist() == [12.0, 7.5]


def test_title_rows_a_period_line_and_a_blank_row_above_the_header_are_skipped():
    samples = sample_conversations(3, NINE_AM, seed=5)
    body = [[s.external_id, "jd_x", s.start, s.first_response_s] for s in samples]
    header = ["会话ID", "顾客账号", "会话开始时间", "首次响应时长(秒)"]
    rows = [["接待明细报表"], ["统计时间：2026-11-03 00:00:00 ~ 2026-11-03 23:59:59"], [], header, *body]
    parsed = parse_export(workbook_bytes(rows, merges=["A1:D1"]), "明细.xlsx", tz=SHANGHAI)

    assert parsed.report.header_rows == (4,)
    assert parsed.records["row_number"].tolist() == [5, 6, 7]
    assert parsed.records["external_id"].tolist() == [s.external_id for s in samples]
    assert parsed.records["start"].tolist() == [utc(s.start.isoformat()) for s in samples]


def test_a_two_level_merged_header_is_joined_and_summary_rows_are_reported_not_rejected():
    parsed = parse_export(chitu_report_xlsx(), CHITU_FILENAME, tz=SHANGHAI)

    assert (parsed.shape, parsed.preset) == ("totals", "chitu_report")
    assert parsed.report.header_rows == (1, 2)
    assert parsed.columns["very_satisfied"] == "服务满意度评价很满意"
    assert parsed.columns["very_dissatisfied"] == "服务满意度评价很不满"
    assert [(s.row_number, s.label) for s in parsed.report.summary_rows] == [(4, "汇总"), (5, "均值")]
    assert parsed.rejected == [] and parsed.rows_read == 1
    (row,) = parsed.totals.to_dict("records")
    assert (row["day"], row["agent"], row["shop"], row["sub_account"]) == (date(2026, 11, 3), "旗舰店:客服", "旗舰店", "客服")
    assert (row["received"], row["consulted"], row["unanswered"], row["inquiries"]) == (162, 171, 2, 40)
    counts = [row[k] for k in ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")]
    assert counts == [20, 30, 5, 4, 3]
    assert (row["reply_rate"], row["inquiry_conversion"], row["first_response_s"], row["avg_reception_s"]) == (1.0, 0.35, 9.5, 528.0)
    assert row["sales_cents"] == 1_234_560


def test_a_not_final_metric_is_stored_unknown_and_reported_without_rejecting_the_row():
    parsed = parse_export(chitu_report_xlsx(), CHITU_FILENAME, tz=SHANGHAI)
    (row,) = parsed.totals.to_dict("records")
    assert pd.isna(row["avg_response_s"]) and row["not_final"] == "avg_response_s"
    (pending,) = parsed.report.not_final
    assert (pending.field, pending.header, pending.count, pending.rows) == ("avg_response_s", "平均响应(秒)", 1, (3,))


def test_a_not_final_cell_in_a_session_list_is_unknown_and_counted():
    rows = [{"会话ID": "A", "会话开始时间": "2026-11-03 09:00:00", "首次响应时长(秒)": "延迟统计"}, SampleConversation("B", NINE_AM)]
    parsed = parse_export(jd_csv_bytes(rows), "jd.csv", tz=SHANGHAI)
    assert parsed.rejected == []
    assert parsed.records["first_response_s"].isna().tolist() == [True, False]
    assert [(n.field, n.rows) for n in parsed.report.not_final] == [("first_response_s", (2,))]


# --- 生意参谋: title rows in a GBK CSV, every spelling of percentages and durations -------------------


def test_a_sycm_report_reads_percentages_durations_and_blanks_in_every_spelling():
    parsed = parse_export(sycm_reception_csv(), "咨询接待分析.csv", tz=SHANGHAI)

    assert (parsed.shape, parsed.preset, parsed.encoding) == ("totals", "sycm_reception", "gb18030")
    assert parsed.report.header_rows == (4,) and parsed.report.derived == {"day": "period"}
    assert [(s.row_number, s.label) for s in parsed.report.summary_rows] == [(6, "汇总值"), (7, "平均值")]
    (row,) = parsed.totals.to_dict("records")
    assert (row["day"], row["agent"], row["consulted"], row["received"], row["effective_received"]) == (
        date(2026, 11, 3), "旗舰店:小美", 162, 150, 148,
    )  # fmt: skip
    assert (row["reply_rate"], row["three_min_reply_rate"]) == (0.9971, 0.985)
    assert (row["avg_response_s"], row["first_response_s"]) == (90.0, 90.0)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["99.71%", "98.50%"], [0.9971, 0.985]),
        (["0.9971", "1.0"], [0.9971, 1.0]),
        (["99.71", "100"], [0.9971, 1.0]),
        (["100.00%", "1.0"], [1.0, 1.0]),
        (["-", "暂无数据"], [None, None]),
    ],
)
def test_rates_are_fractions_whichever_way_the_column_writes_them(cells, expected):
    header = ["日期", "旺旺昵称", "咨询人数", "接待人数", "旺旺回复率"]
    rows = [["2026-11-03", f"店:{i}", "1", "1", cell] for i, cell in enumerate(cells)]
    parsed = parse_export(csv_bytes(header, rows), "r.csv", tz=SHANGHAI)
    got = parsed.totals["reply_rate"].tolist()
    assert [None if pd.isna(v) else pytest.approx(v) for v in got] == expected


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("00:01:30", 90.0), ("3:25", 205.0), ("1分30秒", 90.0), ("1分钟30秒", 90.0), ("8分48秒", 528.0), ("90秒", 90.0), ("90", 90.0)],
)
def test_durations_in_every_spelling(text, seconds):
    parsed = parse_export(f"external_id,start,first_response_s\nG1,2026-11-03 09:00,{text}\n".encode(), "g.csv", tz=SHANGHAI)
    assert parsed.records["first_response_s"].tolist() == [seconds]


@pytest.mark.parametrize("blank", ["-", "--", "—", "暂无数据", ""])
def test_dashes_and_no_data_are_missing_values(blank):
    parsed = parse_export(
        f"external_id,start,avg_response_s,customer_messages\nG1,2026-11-03 09:00,{blank},{blank}\n".encode(), "g.csv", tz=SHANGHAI
    )
    row = parsed.records.iloc[0]
    assert pd.isna(row["avg_response_s"]) and pd.isna(row["customer_messages"]) and parsed.rejected == []


def test_excel_serial_dates_and_times_resaved_without_seconds():
    data = b"external_id,start\nS1,46329.385416666664\nS2,2026/11/3 9:15\n"
    parsed = parse_export(data, "g.csv", tz=SHANGHAI)
    assert parsed.records["start"].tolist() == [utc("2026-11-03 09:15:00"), utc("2026-11-03 09:15:00")]


# --- encodings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "detected"), [("gbk", "gb18030"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8-sig")])
def test_encodings_give_the_same_values(encoding, detected):
    samples = sample_conversations(5, NINE_AM, seed=8)
    delimiter = "\t" if encoding == "utf-16" else ","  # Excel's "Unicode text" is tab-separated UTF-16
    header = [*JD_HEADERS[:4], "满意度评价"]
    rows = [
        [s.external_id, "jd_shop_kf", "顾客龚䶮" if encoding != "gbk" else "顾客", s.start.strftime("%Y-%m-%d %H:%M:%S"), "很满意"]
        for s in samples
    ]
    parsed = parse_export(csv_bytes(header, rows, encoding=encoding, delimiter=delimiter), "jd.csv", tz=SHANGHAI)
    assert parsed.encoding == detected
    assert parsed.records["external_id"].tolist() == [s.external_id for s in samples]
    assert parsed.records["rating"].tolist() == ["very_satisfied"] * 5
    assert parsed.records["customer"].iloc[0] == rows[0][2]


# --- ratings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "rating"),
    [("非常满意", "very_satisfied"), ("很满意", "very_satisfied"), ("满意", "satisfied"), ("一般", "neutral"),
     ("不满意", "dissatisfied"), ("不满", "dissatisfied"), ("很不满", "very_dissatisfied"),
     ("非常不满意", "very_dissatisfied"), ("★★★★", "satisfied"), ("2", "dissatisfied")],
)  # fmt: skip
def test_every_rating_label_of_the_platforms_is_read(label, rating):
    header = ["会话ID", "会话开始时间", "服务评价"]
    parsed = parse_export(
        csv_bytes(header, [["T1", "2026-11-03 09:00", label]]),
        "t.csv",
        tz=SHANGHAI,
        preset=PRESETS["generic"].__class__(
            name="t",
            platform="tmall",
            columns={"external_id": ("会话ID",), "start": ("会话开始时间",), "rating": ("服务评价",)},
            rating_stars=True,
        ),
    )
    assert parsed.records["rating"].tolist() == [rating]


def test_an_unknown_rating_label_refuses_the_file_listing_every_unknown_label():
    rows = [SampleConversation("A", NINE_AM), {"会话ID": "B", "会话开始时间": "2026-11-03 09:05", "满意度评价": "还行吧"},
            {"会话ID": "C", "会话开始时间": "2026-11-03 09:06", "满意度评价": "超赞"},
            {"会话ID": "D", "会话开始时间": "2026-11-03 09:07", "满意度评价": "还行吧"}]  # fmt: skip
    with pytest.raises(ExportRefused) as refused:
        parse_export(jd_csv_bytes(rows), "jd.csv", tz=SHANGHAI)
    assert (refused.value.reason, refused.value.column, refused.value.labels) == ("unknown_ratings", "满意度评价", ["还行吧", "超赞"])


# --- no session id, composite keys, left messages ----------------------------------------------------


def test_a_jd_chat_session_record_without_ids_imports_with_customer_and_start_as_its_key():
    parsed = parse_export(jd_session_csv(), "ChatSession.csv", tz=SHANGHAI)

    assert (parsed.shape, parsed.preset, parsed.rejected) == ("sessions", "jd_session", [])
    assert parsed.report.derived == {"external_id": "key", "first_response_s": "first_reply_at-start"}
    records = parsed.records
    # A returning customer is two conversations, not a duplicate.
    assert records["external_id"].tolist() == [
        "jd_buyer_1|2026-11-03T01:15:00Z", "jd_buyer_1|2026-11-03T03:02:10Z",
        "jd_buyer_2|2026-11-03T01:40:00Z", "jd_buyer_3|2026-11-03T15:30:00Z",
    ]  # fmt: skip
    assert records["customer"].tolist() == ["jd_buyer_1", "jd_buyer_1", "jd_buyer_2", "jd_buyer_3"]
    # First response from beginTime and replyTime; an unanswered session has none.
    assert records["first_response_s"].tolist()[:2] == [20.0, 90.0] and pd.isna(records["first_response_s"].iloc[2])
    assert records["left_message"].tolist() == [False, False, False, True]
    assert json.loads(records["raw"].iloc[1])["skuId"] == "100012345"


def test_the_same_session_twice_in_a_keyed_file_is_a_duplicate():
    data = jd_session_csv() + b"jd_buyer_2,shop_kf,2026-11-03 09:40:00,,,1,0,0\r\n"
    parsed = parse_export(data, "ChatSession.csv", tz=SHANGHAI)
    assert [(r.row_number, r.reason, r.value) for r in parsed.rejected] == [(6, "duplicate_in_file", "jd_buyer_2|2026-11-03T01:40:00Z")]


def test_a_keyed_row_without_its_customer_is_rejected_as_missing_its_key():
    data = jd_session_csv() + b",shop_kf,2026-11-03 12:00:00,,,1,0,0\r\n"
    parsed = parse_export(data, "ChatSession.csv", tz=SHANGHAI)
    assert [(r.row_number, r.reason, r.column) for r in parsed.rejected] == [(6, "missing_key", "customer")]


def test_a_first_response_column_of_clock_times_is_read_as_the_first_reply():
    header = ["会话ID", "会话开始时间", "首次响应时间"]
    rows = [["J1", "2026-11-03 09:00:00", "2026-11-03 09:00:45"], ["J2", "2026-11-03 09:10:00", ""]]
    parsed = parse_export(csv_bytes(header, rows), "jd.csv", tz=SHANGHAI)
    assert parsed.records["first_response_s"].tolist()[0] == 45.0 and pd.isna(parsed.records["first_response_s"].iloc[1])
    assert parsed.columns["first_reply_at"] == "首次响应时间"


# --- message logs ----------------------------------------------------------------------------------------


def test_a_qianniu_chat_log_is_grouped_into_conversations():
    parsed = parse_export(qianniu_log_csv(), "聊天记录.csv", tz=SHANGHAI)

    assert (parsed.shape, parsed.preset, parsed.rows_read, parsed.rejected) == ("messages", "qianniu_chat_log", 11, [])
    tally = parsed.report.messages
    assert (tally.messages, tally.conversations, tally.system_messages, tally.shop_only, tally.idle_gap_s) == (11, 3, 1, 1, 1800.0)
    records = parsed.records.set_index("external_id")
    first = records.loc["tb_a|2026-11-03T01:00:00Z"]
    assert (first["customer"], first["start"], first["first_response_s"], first["avg_response_s"]) == (
        "tb_a",
        utc("2026-11-03 09:00:00"),
        40.0,
        35.0,
    )
    assert (first["customer_messages"], first["agent_messages"]) == (3, 3)
    came_back = records.loc["tb_a|2026-11-03T02:30:00Z"]
    assert pd.isna(came_back["first_response_s"]) and came_back["customer_messages"] == 1
    robot_first = records.loc["tb_b|2026-11-03T01:10:00Z"]
    assert robot_first["first_response_s"] == 120.0  # the robot's line is nobody's reply
    assert json.loads(first["raw"]) == {"customer": "tb_a", "messages": 6, "first_row": 2, "last_row": 7}


def test_a_jd_chat_log_with_waiter_send_and_a_configurable_idle_gap():
    messages = [("c1", "2026-11-03 09:00:00", False), ("c1", "2026-11-03 09:00:30", True), ("c1", "2026-11-03 09:20:00", False),
                ("c1", "2026-11-03 09:21:00", True)]  # fmt: skip
    default = parse_export(jd_chat_log_csv(messages), "chatlog.csv", tz=SHANGHAI)
    assert (default.preset, len(default.records)) == ("jd_chat_log", 1)
    assert default.records["avg_response_s"].tolist() == [45.0]
    short_gap = PRESETS["jd_chat_log"].__class__(**{**vars(PRESETS["jd_chat_log"]), "idle_gap": pd.Timedelta(minutes=10).to_pytimedelta()})
    split = parse_export(jd_chat_log_csv(messages), "chatlog.csv", tz=SHANGHAI, preset=short_gap)
    assert split.records["first_response_s"].tolist() == [30.0, 60.0]


def test_a_message_whose_sender_is_nobody_known_is_rejected():
    data = qianniu_log_csv() + "2026-11-03 09:30:00,tb_d,某人,你好\r\n".encode("gbk")
    parsed = parse_export(data, "聊天记录.csv", tz=SHANGHAI)
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [(13, "bad_sender")]


# --- the report says what each column became ---------------------------------------------------------------


def test_the_report_names_fields_read_absent_ones_and_what_their_absence_costs():
    rows = [[s.external_id, s.start.strftime("%Y-%m-%d %H:%M:%S"), "是" if s.paid else "否"] for s in sample_conversations(6, NINE_AM)]
    parsed = parse_export(csv_bytes(["会话ID", "会话开始时间", "是否下单"], rows), "jd.csv", tz=SHANGHAI, preset=PRESETS["jd"])
    report = parsed.report
    assert report.fields == {"external_id": "会话ID", "start": "会话开始时间", "paid": "是否下单"}
    absent = {a.field: (a.consequence, a.conversations) for a in report.absent}
    assert absent["first_response_s"] == ("no_response_metrics", 6)
    assert absent["inquiry"] == ("conversion_needs_inquiry", 6)
    assert absent["rating"] == ("no_satisfaction", 6)


def test_the_report_groups_rejected_rows_by_reason_and_lists_unused_columns():
    rows = [SampleConversation("A", NINE_AM), {"会话ID": "", "会话开始时间": "2026-11-03 09:00"}, {"会话ID": "B", "会话开始时间": "x"},
            {"会话ID": "C", "会话开始时间": "y"}, {"会话ID": "A", "会话开始时间": "2026-11-03 09:00"}]  # fmt: skip
    report = parse_export(jd_csv_bytes(rows), "jd.csv", tz=SHANGHAI).report
    assert [(g.reason, g.count, g.rows) for g in report.rejected] == [
        ("missing_id", 1, (3,)),
        ("bad_time", 2, (4, 5)),
        ("duplicate_in_file", 1, (6,)),
    ]
    assert report.duplicates_in_file == 1
    assert report.unused_headers == ("客服账号", "会话结束时间")


def test_tmall_headers_round_trip_unchanged():
    assert parse_export(tmall_xlsx_bytes(sample_conversations(1)), "t.xlsx", tz=SHANGHAI).report.unused_headers == ("接待客服", "答问比")
    assert "旺旺" in TMALL_HEADERS


# --- refusals ------------------------------------------------------------------------------------------------


def test_a_report_over_several_days_without_a_day_column_is_refused_with_its_period():
    with pytest.raises(ExportRefused) as refused:
        parse_export(sycm_reception_csv(period="2026-11-01 ~ 2026-11-07"), "咨询接待分析.csv", tz=SHANGHAI)
    assert (refused.value.reason, refused.value.params) == ("totals_without_day", {"first_day": "2026-11-01", "last_day": "2026-11-07"})


def test_html_saved_as_xls_is_unsupported_and_a_broken_zip_is_bad_format():
    with pytest.raises(ExportUnreadable) as html:
        parse_export("<html><table><tr><td>会话ID</td></tr></table></html>".encode(), "export.xls", tz=SHANGHAI)
    assert html.value.reason == "unsupported_format"
    with pytest.raises(ExportUnreadable) as broken:
        parse_export(b"PK\x03\x04" + b"\0" * 40, "x.xlsx", tz=SHANGHAI)
    assert broken.value.reason == "bad_format"
