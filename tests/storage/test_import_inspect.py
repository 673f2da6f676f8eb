"""Help with an unknown format: the header found, what each preset matched and missed, a guessed mapping."""

from __future__ import annotations

import tomllib
from zoneinfo import ZoneInfo

import pytest

from storage.importers import PRESETS, ExportRefused, format_help, inspect_export, parse_export, preset_from_mapping
from tests.storage.export_samples import csv_bytes
from tests.storage.quirk_samples import CHITU_FILENAME, chitu_report_xlsx

SHANGHAI = ZoneInfo("Asia/Shanghai")
VIPSHOP_HEADER = ["咨询单号", "用户ID", "咨询开始时间", "首响时长", "平均回复时长", "评价", "是否转化", "品牌"]
VIPSHOP_ROWS = [
    ["V1", "u1", "2026/11/3 9:15", "12秒", "30", "满意", "是", "某某旗舰店"],
    ["V2", "u2", "2026/11/3 9:20", "8", "20", "", "否", "某某旗舰店"],
]


def test_an_unknown_file_is_refused_with_the_header_found_each_presets_fit_and_a_guess_to_paste():
    data = csv_bytes(["唯品会客服咨询明细"], []) + csv_bytes(VIPSHOP_HEADER, VIPSHOP_ROWS)
    with pytest.raises(ExportRefused) as refused:
        parse_export(data, "vip.csv", tz=SHANGHAI)
    help = refused.value.help
    assert refused.value.reason == "unknown_format"
    assert (help.header_rows, help.headers, help.fitting) == ((2,), tuple(VIPSHOP_HEADER), ())
    generic = next(fit for fit in help.fits if fit.preset == "generic")
    assert (generic.matched, generic.missing, generic.fits) == ({}, ("external_id", "start"), False)
    assert help.shape == "sessions" and help.key == ("external_id",)
    assert help.guessed == {
        "external_id": "咨询单号", "customer": "用户ID", "start": "咨询开始时间", "first_response_s": "首响时长",
        "avg_response_s": "平均回复时长", "rating": "评价", "paid": "是否转化",
    }  # fmt: skip

    # The TOML is ready to paste: read back, it makes a preset that imports the file.
    table = tomllib.loads(help.toml)["presets"]["mine"]
    preset = preset_from_mapping("mine", table["platform"], table["columns"])
    parsed = parse_export(data, "vip.csv", tz=SHANGHAI, preset=preset)
    assert parsed.records["external_id"].tolist() == ["V1", "V2"]
    assert parsed.records["first_response_s"].tolist() == [12.0, 8.0]
    assert parsed.records["rating"].tolist() == ["satisfied", None]
    assert parsed.records["paid"].tolist() == [True, False]


def test_a_list_without_ids_is_guessed_with_a_composite_key():
    help = format_help(["顾客昵称", "进线时间", "首次响应时长"], PRESETS, name="vip", platform="vip")
    assert (help.shape, help.key) == ("sessions", ("customer", "start"))
    table = tomllib.loads(help.toml)["presets"]["vip"]
    assert table == {
        "platform": "vip",
        "key": ["customer", "start"],
        "columns": {"customer": "顾客昵称", "start": "进线时间", "first_response_s": "首次响应时长"},
    }


def test_several_formats_that_fit_are_named():
    data = csv_bytes(["会话ID", "会话开始时间", "客服消息数"], [["X1", "2026-11-03 09:00", "3"]])
    with pytest.raises(ExportRefused) as refused:
        parse_export(data, "x.csv", tz=SHANGHAI)
    assert refused.value.reason == "ambiguous_format"
    assert refused.value.help.fitting[:2] == ("jd", "tmall")


def test_inspect_reads_a_reports_two_level_header_and_guesses_its_shape():
    help = inspect_export(chitu_report_xlsx(), CHITU_FILENAME)
    assert help.header_rows == (1, 2) and help.fitting == ("chitu_report",)
    assert help.shape == "totals"
    assert help.guessed["received"] == "接待人数" and help.guessed["very_dissatisfied"] == "服务满意度评价很不满"
    assert 'shape = "totals"' in help.toml


def test_a_message_log_is_guessed_as_one():
    help = format_help(["消息时间", "顾客", "发送方", "消息内容"], {})
    assert (help.shape, help.guessed) == ("messages", {"time": "消息时间", "customer": "顾客", "sender": "发送方"})
