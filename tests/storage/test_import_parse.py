"""Reading platform exports: encodings, presets, local time -> UTC, and what gets refused."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.time import TS_DTYPE
from storage.importers import (
    PRESETS,
    ROW_REASONS,
    ExportRefused,
    ExportUnreadable,
    detect_encoding,
    parse_export,
    preset_from_mapping,
    read_table,
)
from storage.importers import presets as presets_module
from tests.storage.export_samples import (
    GENERIC_HEADERS,
    JD_HEADERS,
    TMALL_HEADERS,
    VIP_BOOLEAN_LABELS,
    VIP_MAPPING,
    VIP_RATING_LABELS,
    SampleConversation,
    csv_bytes,
    generic_csv_bytes,
    jd_csv_bytes,
    sample_conversations,
    tmall_csv_bytes,
    tmall_xlsx_bytes,
    vip_csv_bytes,
    vip_rating,
    xlsx_bytes,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NINE_AM = datetime(2026, 11, 3, 9, 0)
ONE_AM_UTC = pd.Timestamp("2026-11-03T01:00:00Z")


def as_utc(local: datetime, tz: ZoneInfo = SHANGHAI) -> pd.Timestamp:
    return pd.Timestamp(local).tz_localize(tz).tz_convert("UTC")


def vip_preset():
    return preset_from_mapping("vip", "vip", VIP_MAPPING, rating_labels=VIP_RATING_LABELS, boolean_labels=VIP_BOOLEAN_LABELS)


def assert_matches_samples(records: pd.DataFrame, samples: list[SampleConversation], *, rating=lambda r: r) -> None:
    by_id = records.set_index("external_id")
    assert sorted(by_id.index) == sorted(s.external_id for s in samples)
    for sample in samples:
        row = by_id.loc[sample.external_id]
        assert row["start"] == as_utc(sample.start)
        assert row["first_response_s"] == pytest.approx(sample.first_response_s)
        assert row["avg_response_s"] == pytest.approx(sample.avg_response_s)
        assert row["customer_messages"] == sample.customer_messages
        assert row["agent_messages"] == sample.agent_messages
        assert row["rating"] == rating(sample.rating)
        assert row["inquiry"] == sample.inquiry
        assert row["paid"] == sample.paid


# --- encodings ----------------------------------------------------------------------------


def test_encoding_is_utf8_when_the_bytes_are_utf8():
    assert detect_encoding("会话ID,开始时间\n".encode()) == "utf-8"


def test_encoding_keeps_the_bom_apart_so_it_is_stripped():
    assert detect_encoding("会话ID\n".encode("utf-8-sig")) == "utf-8-sig"


def test_gbk_bytes_are_read_as_gb18030_which_also_knows_rare_names():
    assert detect_encoding("会话ID,满意度评价\n非常满意\n".encode("gbk")) == "gb18030"
    assert detect_encoding("顾客 龚䶮\n".encode("gb18030")) == "gb18030"


def test_bytes_in_no_known_encoding_are_unreadable():
    with pytest.raises(ExportUnreadable) as refused:
        detect_encoding(b"\x81\x30\xff\xff\x00")
    assert refused.value.reason == "bad_encoding"


# --- JD: GBK CSV with Chinese headers -------------------------------------------------------


def test_a_gbk_jd_export_is_read_with_its_chinese_labels():
    samples = sample_conversations(6, NINE_AM, seed=11)
    parsed = parse_export(jd_csv_bytes(samples), "咚咚会话明细.csv", tz=SHANGHAI)

    assert (parsed.preset, parsed.platform, parsed.encoding) == ("jd", "jd", "gb18030")
    assert parsed.rows_read == 6 and parsed.rejected == []
    assert_matches_samples(parsed.records, samples)
    assert parsed.records["row_number"].tolist() == [2, 3, 4, 5, 6, 7]


def test_nine_in_the_morning_in_shanghai_is_one_o_clock_utc():
    sample = SampleConversation("JD-1", NINE_AM)
    parsed = parse_export(jd_csv_bytes([sample]), "jd.csv", tz=SHANGHAI)
    assert parsed.records["start"].iloc[0] == ONE_AM_UTC
    assert str(parsed.records["start"].dtype) == TS_DTYPE


def test_the_team_zone_decides_what_a_naive_time_means():
    sample = SampleConversation("JD-1", datetime(2026, 7, 1, 12, 0))
    parsed = parse_export(jd_csv_bytes([sample]), "jd.csv", tz=ZoneInfo("Europe/Berlin"))
    assert parsed.records["start"].iloc[0] == pd.Timestamp("2026-07-01T10:00:00Z")


def test_bad_rows_are_rejected_alone_with_the_row_number_a_spreadsheet_shows():
    good = sample_conversations(3, NINE_AM)
    rows = [
        good[0],  # row 2
        {"会话ID": "JD-X1", "会话开始时间": "昨天上午"},  # row 3
        {"会话ID": "", "会话开始时间": "2026-11-03 10:00:00"},  # row 4
        good[1],  # row 5
        {"会话ID": "JD-X2", "会话开始时间": "2026-11-03 10:05:00", "首次响应时长(秒)": "-4"},  # row 6
        {"会话ID": good[0].external_id, "会话开始时间": "2026-11-03 11:00:00"},  # row 7
        {"会话ID": "JD-X4", "会话开始时间": "2026-11-03 11:06:00", "顾客消息数": "3.5"},  # row 8
        {"会话ID": "JD-X5", "会话开始时间": "2026-11-03 11:07:00", "是否解决": "大概"},  # row 9
        good[2],  # row 10
    ]
    parsed = parse_export(jd_csv_bytes(rows), "jd.csv", tz=SHANGHAI)

    assert parsed.rows_read == 9
    assert len(parsed.records) == 3
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [
        (3, "bad_time"),
        (4, "missing_id"),
        (6, "bad_number"),
        (7, "duplicate_in_file"),
        (8, "bad_number"),
        (9, "bad_flag"),
    ]
    duplicate = parsed.rejected[3]
    assert "row 2" in duplicate.detail and duplicate.column == "会话ID"
    negative = parsed.rejected[2]
    assert (negative.column, negative.value) == ("首次响应时长(秒)", "-4")
    assert "昨天上午" in parsed.rejected[0].detail


def test_a_duplicate_is_kept_when_its_first_copy_could_not_be_read():
    rows = [
        {"会话ID": "JD-7", "会话开始时间": "not a time"},
        {"会话ID": "JD-7", "会话开始时间": "2026-11-03 09:00:00"},
    ]
    parsed = parse_export(jd_csv_bytes(rows), "jd.csv", tz=SHANGHAI)
    assert parsed.records["row_number"].tolist() == [3]
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [(2, "bad_time")]


def test_blank_lines_are_skipped_without_shifting_row_numbers():
    data = jd_csv_bytes(sample_conversations(2, NINE_AM)).replace(b"\r\n", b"\r\n\r\n", 2)
    parsed = parse_export(data, "jd.csv", tz=SHANGHAI)
    # header (1), blank (2), first row (3), blank (4), second row (5)
    assert parsed.rows_read == 2
    assert parsed.records["row_number"].tolist() == [3, 5]


def test_empty_and_dash_cells_are_missing_values_not_zero():
    sample = SampleConversation(
        "JD-9", NINE_AM, first_response_s=None, avg_response_s=None, customer_messages=None, agent_messages=None,
        rating=None, resolved=None,
    )  # fmt: skip
    row = parse_export(jd_csv_bytes([sample]), "jd.csv", tz=SHANGHAI).records.iloc[0]
    assert pd.isna(row["first_response_s"]) and pd.isna(row["avg_response_s"])
    assert pd.isna(row["customer_messages"]) and pd.isna(row["agent_messages"])
    assert row["rating"] is None
    assert pd.isna(row["resolved"])


def test_the_raw_row_keeps_every_column_for_audit_and_serialises_to_json():
    sample = SampleConversation("JD-5", NINE_AM, rating="very_satisfied")
    parsed = parse_export(jd_csv_bytes([sample]), "jd.csv", tz=SHANGHAI)
    raw = json.loads(parsed.records["raw"].iloc[0])
    assert list(raw) == JD_HEADERS
    assert raw["客服账号"] == "jd_shop_kf"
    assert raw["满意度评价"] == "非常满意"
    assert json.loads(json.dumps(raw, ensure_ascii=False)) == raw


def test_long_ids_keep_their_digits_and_excel_guards_are_removed():
    rows = [
        {"会话ID": "0012345678901234567", "会话开始时间": "2026-11-03 09:00:00"},
        {"会话ID": '="88001234567890123"', "会话开始时间": "2026-11-03 09:01:00"},
        {"会话ID": "\t99001234567890123", "会话开始时间": "2026-11-03 09:02:00"},
        {"会话ID": "1.23457E+18", "会话开始时间": "2026-11-03 09:03:00"},
    ]
    parsed = parse_export(jd_csv_bytes(rows), "jd.csv", tz=SHANGHAI)
    assert parsed.records["external_id"].tolist() == ["0012345678901234567", "88001234567890123", "99001234567890123"]
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [(5, "bad_id")]


# --- UTF-8 with BOM ----------------------------------------------------------------------------


def test_a_utf8_bom_csv_has_a_clean_first_header():
    samples = sample_conversations(3, NINE_AM)
    parsed = parse_export(jd_csv_bytes(samples, encoding="utf-8-sig"), "export.csv", tz=SHANGHAI)
    assert parsed.encoding == "utf-8-sig"
    assert parsed.columns["external_id"] == "会话ID"
    assert_matches_samples(parsed.records, samples)


# --- Tmall: XLSX with real datetime cells --------------------------------------------------------


def test_a_tmall_xlsx_export_reads_datetime_cells_as_local_time():
    samples = sample_conversations(5, datetime(2026, 11, 3, 23, 30), seed=5)
    parsed = parse_export(tmall_xlsx_bytes(samples), "聊天记录.xlsx", tz=SHANGHAI)

    assert (parsed.preset, parsed.platform, parsed.encoding) == ("tmall", "tmall", "utf-8")
    assert parsed.rows_read == 5 and parsed.rejected == []
    assert_matches_samples(parsed.records, samples)
    # Tmall's export has no 是否解决 column: unknown, not "unresolved".
    assert parsed.records["resolved"].isna().all()


def test_tmall_labels_map_to_ratings():
    ratings = ["very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied", None]
    samples = [SampleConversation(f"T{i}", NINE_AM, rating=r) for i, r in enumerate(ratings)]
    parsed = parse_export(tmall_xlsx_bytes(samples), "tmall.xlsx", tz=SHANGHAI)
    assert parsed.records["rating"].tolist() == ratings


def test_xlsx_datetime_cells_become_iso_text_in_the_table():
    table = read_table(tmall_xlsx_bytes([SampleConversation("T1", datetime(2026, 11, 3, 9, 15, 2))]), "t.xlsx")
    assert table.loc[2, "会话开始时间"] == "2026-11-03 09:15:02"
    assert table.loc[2, "买家消息数"] == "6"
    assert list(table.columns) == TMALL_HEADERS


def test_a_tmall_csv_with_slashed_short_times_is_read_too():
    sample = SampleConversation("T1", NINE_AM)
    parsed = parse_export(tmall_csv_bytes([sample]), "tmall.csv", tz=SHANGHAI)
    assert parsed.preset == "tmall"
    assert parsed.records["start"].iloc[0] == ONE_AM_UTC


# --- the documented generic format ----------------------------------------------------------------


def test_a_generic_utf8_csv_with_star_ratings():
    samples = sample_conversations(8, NINE_AM, seed=2)
    parsed = parse_export(generic_csv_bytes(samples), "conversations.csv", tz=SHANGHAI)
    assert (parsed.preset, parsed.encoding) == ("generic", "utf-8")
    assert parsed.rows_read == 8 and parsed.rejected == []
    assert_matches_samples(parsed.records, samples)
    assert parsed.records["resolved"].tolist() == [s.resolved for s in samples]


def test_generic_english_rating_words():
    ratings = ["very_satisfied", "dissatisfied", None]
    samples = [SampleConversation(f"G{i}", NINE_AM, rating=r) for i, r in enumerate(ratings)]
    parsed = parse_export(generic_csv_bytes(samples, ratings="words"), "g.csv", tz=SHANGHAI)
    assert parsed.records["rating"].tolist() == ["very_satisfied", "dissatisfied", None]


def test_times_that_carry_an_offset_are_converted_not_localised():
    sample = SampleConversation("G1", datetime(2026, 11, 3, 10, 0))
    parsed = parse_export(generic_csv_bytes([sample], utc_offset="+09:00"), "g.csv", tz=SHANGHAI)
    assert parsed.records["start"].iloc[0] == ONE_AM_UTC


def test_only_external_id_and_start_are_required_in_the_generic_format():
    parsed = parse_export(b"external_id,start\nG1,2026-11-03 09:00:00\n", "g.csv", tz=SHANGHAI)
    row = parsed.records.iloc[0]
    assert row["start"] == ONE_AM_UTC
    assert (row["inquiry"], row["paid"]) == (False, False)
    assert pd.isna(row["resolved"]) and row["rating"] is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-03 09:15:02",
        "2026/11/3 9:15:02",
        "2026-11-03T09:15:02",
        "2026年11月3日 09:15:02",
        "2026-11-03 01:15:02Z",
        "2026-11-03T10:15:02+09:00",
        "2026-11-03 09:15:02.000",
    ],
)
def test_common_time_formats_mean_the_same_instant(text):
    parsed = parse_export(f"external_id,start\nG1,{text}\n".encode(), "g.csv", tz=SHANGHAI)
    assert parsed.records["start"].iloc[0] == pd.Timestamp("2026-11-03T01:15:02Z")


def test_minutes_only_times_are_accepted():
    parsed = parse_export(b"external_id,start\nG1,2026/11/3 9:15\n", "g.csv", tz=SHANGHAI)
    assert parsed.records["start"].iloc[0] == pd.Timestamp("2026-11-03T01:15:00Z")


@pytest.mark.parametrize("text", ["2026-02-30 09:00:00", "2026-11-03", "09:15:02", "tomorrow"])
def test_impossible_or_partial_times_reject_the_row(text):
    parsed = parse_export(f"external_id,start\nG1,{text}\n".encode(), "g.csv", tz=SHANGHAI)
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [(2, "bad_time")]


@pytest.mark.parametrize(
    ("label", "rating"),
    [
        ("非常满意", "very_satisfied"),
        ("很满意", "very_satisfied"),
        ("满意", "satisfied"),
        ("一般", "neutral"),
        ("不满意", "dissatisfied"),
        ("非常不满意", "very_dissatisfied"),
        ("很不满意", "very_dissatisfied"),
        ("未评价", None),
        ("", None),
        ("Very Satisfied", "very_satisfied"),
        ("5", "very_satisfied"),
        ("1", "very_dissatisfied"),
        ("3", "neutral"),
    ],
)
def test_rating_labels(label, rating):
    parsed = parse_export(f"external_id,start,rating\nG1,2026-11-03 09:00,{label}\n".encode(), "g.csv", tz=SHANGHAI)
    assert parsed.records["rating"].tolist() == [rating]


def test_star_numbers_out_of_range_refuse_the_file_naming_the_label():
    with pytest.raises(ExportRefused) as refused:
        parse_export(b"external_id,start,rating\nG1,2026-11-03 09:00,6\nG2,2026-11-03 09:01,5\n", "g.csv", tz=SHANGHAI)
    assert (refused.value.reason, refused.value.labels, refused.value.column) == ("unknown_ratings", ["6"], "rating")


@pytest.mark.parametrize(
    ("label", "value"),
    [("是", True), ("否", False), ("Y", True), ("n", False), ("TRUE", True), ("false", False),
     ("1", True), ("0", False), ("已解决", True), ("未解决", False)],
)  # fmt: skip
def test_yes_no_labels(label, value):
    parsed = parse_export(f"external_id,start,resolved\nG1,2026-11-03 09:00,{label}\n".encode(), "g.csv", tz=SHANGHAI)
    assert parsed.records["resolved"].tolist() == [value]


@pytest.mark.parametrize(("text", "seconds"), [("12", 12.0), ("12.5", 12.5), ("12秒", 12.0), ("1分5秒", 65.0), ("00:01:05", 65.0)])
def test_response_time_formats(text, seconds):
    data = f"external_id,start,avg_response_s\nG1,2026-11-03 09:00,{text}\n".encode()
    parsed = parse_export(data, "g.csv", tz=SHANGHAI)
    assert parsed.records["avg_response_s"].tolist() == [seconds]


# --- Vipshop: columns from config -------------------------------------------------------------------


def test_a_vipshop_csv_is_read_with_the_mapping_from_config():
    samples = sample_conversations(6, NINE_AM, seed=9)
    parsed = parse_export(vip_csv_bytes(samples), "唯品会.csv", tz=SHANGHAI, preset=vip_preset())
    assert (parsed.preset, parsed.platform, parsed.encoding) == ("vip", "vip", "utf-8-sig")
    assert parsed.rows_read == 6 and parsed.rejected == []
    by_id = parsed.records.set_index("external_id")
    for sample in samples:
        row = by_id.loc[sample.external_id]
        # the file has minute precision
        assert row["start"] == as_utc(sample.start.replace(second=0))
        assert row["rating"] == vip_rating(sample.rating)
        assert row["paid"] == sample.paid
        assert row["first_response_s"] == sample.first_response_s


def test_a_config_preset_can_be_auto_detected_among_the_built_in_ones():
    presets = {**PRESETS, "vip": vip_preset()}
    parsed = parse_export(vip_csv_bytes(sample_conversations(2)), "vip.csv", tz=SHANGHAI, presets=presets)
    assert parsed.preset == "vip"


def test_a_vipshop_file_that_lost_a_mapped_column_is_refused():
    data = vip_csv_bytes(sample_conversations(2)).replace("评价".encode(), "评分".encode())
    with pytest.raises(ExportRefused) as refused:
        parse_export(data, "vip.csv", tz=SHANGHAI, preset=vip_preset())
    assert refused.value.missing == ["评价"]
    assert "评分" in refused.value.found


def test_config_mistakes_are_caught_when_the_preset_is_built():
    with pytest.raises(ValueError, match="start"):
        preset_from_mapping("vip", "vip", {"external_id": "单号"})
    with pytest.raises(ValueError, match="colour"):
        preset_from_mapping("vip", "vip", {"external_id": "单号", "start": "时间", "colour": "颜色"})
    with pytest.raises(ValueError, match="delighted"):
        preset_from_mapping("vip", "vip", {"external_id": "单号", "start": "时间"}, rating_labels={"好评": "delighted"})


# --- refusing a whole file -----------------------------------------------------------------------------


def test_a_file_missing_a_required_column_is_refused_naming_expected_and_found():
    header = [h for h in JD_HEADERS if h != "会话开始时间"]
    data = csv_bytes(header, [["JD-1"] + [""] * (len(header) - 1)], encoding="gbk")
    with pytest.raises(ExportRefused) as refused:
        parse_export(data, "jd.csv", tz=SHANGHAI, preset=PRESETS["jd"])

    error = refused.value
    assert error.reason == "missing_columns" and error.preset == "jd"
    assert error.expected == ["会话ID", "会话开始时间"]
    assert error.missing == ["会话开始时间"]
    assert error.found == header
    message = str(error)
    assert "会话开始时间" in message and "会话结束时间" in message and "客服账号" in message


def test_a_renamed_header_is_accepted_through_its_alias():
    data = jd_csv_bytes(sample_conversations(1)).replace("会话开始时间".encode("gbk"), "接入时间".encode("gbk"))
    parsed = parse_export(data, "jd.csv", tz=SHANGHAI, preset=PRESETS["jd"])
    assert parsed.columns["start"] == "接入时间" and len(parsed.records) == 1


def test_headers_match_across_full_width_brackets_and_spaces():
    data = "会话ID , 会话开始时间,平均响应时长（秒）\nJD-1,2026-11-03 09:00,30\n".encode("gbk")
    parsed = parse_export(data, "jd.csv", tz=SHANGHAI, preset=PRESETS["jd"])
    assert parsed.records["avg_response_s"].tolist() == [30.0]


def test_an_unknown_file_is_refused_with_the_columns_each_format_expects():
    data = csv_bytes(["日期", "店铺", "接待人数"], [["2026-11-03", "旗舰店", "120"]], encoding="gbk")
    with pytest.raises(ExportRefused) as refused:
        parse_export(data, "daily.csv", tz=SHANGHAI)
    error = refused.value
    assert error.reason == "unknown_format"
    assert error.found == ["日期", "店铺", "接待人数"]
    assert set(error.expected_by_preset) == set(PRESETS)
    assert "external_id" in str(error) and "会话ID" in str(error) and "接待人数" in str(error)


def test_an_empty_file_is_refused_as_having_no_columns():
    with pytest.raises(ExportRefused) as refused:
        parse_export(b"", "empty.csv", tz=SHANGHAI)
    assert refused.value.found == []


# --- auto-detection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "filename", "preset"),
    [
        (lambda s: jd_csv_bytes(s), "a.csv", "jd"),
        (lambda s: tmall_xlsx_bytes(s), "b.xlsx", "tmall"),
        (lambda s: tmall_csv_bytes(s), "c.csv", "tmall"),
        (lambda s: generic_csv_bytes(s), "d.csv", "generic"),
    ],
)
def test_each_sample_export_is_recognised_without_naming_the_platform(make, filename, preset):
    assert parse_export(make(sample_conversations(2)), filename, tz=SHANGHAI).preset == preset


def test_columns_shared_by_jd_and_tmall_alone_are_ambiguous():
    data = csv_bytes(["会话ID", "会话开始时间", "客服消息数"], [["X1", "2026-11-03 09:00", "3"]])
    with pytest.raises(ExportRefused) as refused:
        parse_export(data, "x.csv", tz=SHANGHAI)
    assert refused.value.reason == "ambiguous_format"
    assert refused.value.candidates == ["jd", "tmall"]
    assert refused.value.found == ["会话ID", "会话开始时间", "客服消息数"]
    # naming the platform settles it
    assert parse_export(data, "x.csv", tz=SHANGHAI, preset=PRESETS["tmall"]).rows_read == 1


# --- reading tables ------------------------------------------------------------------------------------


def test_a_workbook_is_recognised_by_its_bytes_whatever_its_name():
    data = xlsx_bytes(GENERIC_HEADERS[:2], [["G1", datetime(2026, 11, 3, 9, 0)]])
    assert parse_export(data, "download.csv", tz=SHANGHAI).records["start"].iloc[0] == ONE_AM_UTC


def test_broken_legacy_and_zip_workbooks_are_unreadable():
    with pytest.raises(ExportUnreadable) as legacy:
        parse_export(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old.xls", tz=SHANGHAI)
    assert legacy.value.reason == "bad_format"
    with pytest.raises(ExportUnreadable) as broken:
        parse_export(b"PK\x03\x04 truncated", "x.xlsx", tz=SHANGHAI)
    assert broken.value.reason == "bad_format"


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_tab_and_semicolon_separated_exports(delimiter):
    data = csv_bytes(["external_id", "start"], [["G1", "2026-11-03 09:00"]], delimiter=delimiter)
    assert parse_export(data, "g.txt", tz=SHANGHAI).records["external_id"].tolist() == ["G1"]


def test_a_quoted_cell_spanning_lines_is_one_row():
    data = 'external_id,start,备注\nG1,2026-11-03 09:00,"第一行\n第二行"\nG2,2026-11-03 09:05,\n'.encode()
    parsed = parse_export(data, "g.csv", tz=SHANGHAI)
    assert parsed.records["row_number"].tolist() == [2, 3]
    assert json.loads(parsed.records["raw"].iloc[0])["备注"] == "第一行\n第二行"


def test_the_table_is_all_text_indexed_by_row_number():
    table = read_table(b"external_id,start,customer_messages\n007,2026-11-03 09:00,12\n", "g.csv")
    assert table.index.tolist() == [2]
    assert table.loc[2].tolist() == ["007", "2026-11-03 09:00", "12"]
    assert table.attrs["encoding"] == "utf-8"


def test_a_header_only_file_gives_empty_records_of_the_right_types():
    parsed = parse_export(",".join(GENERIC_HEADERS).encode(), "g.csv", tz=SHANGHAI)
    assert parsed.rows_read == 0 and parsed.records.empty
    dtypes = parsed.records.dtypes.astype(str).to_dict()
    assert dtypes["start"] == TS_DTYPE
    assert (dtypes["customer_messages"], dtypes["resolved"], dtypes["paid"]) == ("Int64", "boolean", "bool")


# --- the presets are documented as they are ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["jd", "tmall"])
def test_the_presets_docstring_lists_exactly_the_accepted_headers(name):
    preset = PRESETS[name]
    doc = presets_module.__doc__
    table = doc.split(f"(``{name}``)", 1)[1].split("\n\n", 1)[0]
    documented = {}
    for line in table.splitlines():
        match = re.match(r"^(\w+)\s{2,}(.+)$", line)
        if match and match[1] in preset.columns:
            documented[match[1]] = tuple(h.strip() for h in match[2].split(","))
    assert documented == dict(preset.columns)


def test_the_docstring_shows_the_generic_header_row():
    assert ",".join(PRESETS["generic"].columns) in presets_module.__doc__


# --- whatever the rows hold, each is either a record or a rejection ---------------------------------------

SPOILED_CELLS = st.one_of(
    st.sampled_from(["", "-", "是", "满意", "-1", "12.5", "2026-13-40 99:99", "x"]),
    st.text(alphabet="0123456789:-/ 会话", max_size=12),
)
READABLE_CELLS = {
    "会话ID": st.sampled_from(["A", "B", "C", "D", "E", "F", "G", "H"]),
    "会话开始时间": st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)).map(lambda t: t.strftime("%Y/%m/%d %H:%M")),
    "首次响应时长(秒)": st.one_of(st.just("-"), st.integers(0, 600).map(str)),
    "顾客消息数": st.one_of(st.just(""), st.integers(0, 99).map(str)),
    "满意度评价": st.sampled_from(["", "未评价", "非常满意", "满意", "一般", "不满意", "很不满意", "不满", "很不满"]),
    "是否解决": st.sampled_from(["", "是", "否"]),
    "是否下单": st.sampled_from(["是", "否"]),
}


@st.composite
def export_row(draw):
    """Mostly readable rows; some with one cell spoiled, so both outcomes are exercised."""
    cells = draw(st.fixed_dictionaries(READABLE_CELLS))
    if draw(st.booleans()):
        # A rating nobody knows refuses the file (test_an_unknown_rating_label_refuses_the_file), so spoil the others.
        cells[draw(st.sampled_from(sorted(set(READABLE_CELLS) - {"满意度评价"})))] = draw(SPOILED_CELLS)
    return cells


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(export_row(), max_size=12))
def test_every_row_read_is_either_a_record_or_a_rejection(rows):
    parsed = parse_export(jd_csv_bytes(rows, encoding="utf-8"), "jd.csv", tz=SHANGHAI, preset=PRESETS["jd"])

    accepted = parsed.records["row_number"].tolist()
    rejected = [r.row_number for r in parsed.rejected]
    assert parsed.rows_read == len(rows)
    assert len(accepted) + len(rejected) == parsed.rows_read
    assert set(accepted).isdisjoint(rejected)
    assert parsed.records["external_id"].is_unique
    assert {r.reason for r in parsed.rejected} <= set(ROW_REASONS)
    starts = parsed.records["start"]
    assert str(starts.dtype) == TS_DTYPE and starts.notna().all()
    assert (parsed.records[["first_response_s", "customer_messages"]].fillna(0) >= 0).all().all()
