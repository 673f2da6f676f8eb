"""Issue 15: an upload is measured by what it really holds before any reader allocates for it.

calamine builds a sheet's whole grid at once, and aborts its process when that fails; so each
test that must be refused first makes the workbook reader unusable: reaching it is the failure.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from storage.importers import DEFAULT_LIMITS, ExportUnreadable, ReadLimits, detect_encoding, grid, parse_export
from storage.importers.limits import MB
from tests.storage import abuse_samples as abuse
from tests.storage.export_samples import jd_csv_bytes, sample_conversations

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def no_calamine(monkeypatch):
    def opened(*_args, **_kwargs):
        raise AssertionError("calamine was handed a workbook that should have been refused")

    monkeypatch.setattr(grid, "read_sheet", opened)  # calamine runs in a child process that this starts


def refusal(data: bytes, name: str, limits: ReadLimits = DEFAULT_LIMITS) -> ExportUnreadable:
    with pytest.raises(ExportUnreadable) as refused:
        parse_export(data, name, tz=SHANGHAI, limits=limits)
    return refused.value


@pytest.mark.parametrize(
    "ref, dimension, reason",
    [
        ("XFD1048576", True, "too_many_rows"),
        ("XFD1048576", False, "too_many_rows"),  # no <dimension>: the cell's own reference tells
        ("XFD200000", True, "too_many_cells"),
        ("XFD200000", False, "too_many_cells"),
        ("A1048576", False, "too_many_rows"),
    ],
)
def test_a_cell_far_from_the_table_is_refused_before_calamine_allocates_its_grid(no_calamine, ref, dimension, reason):
    data = abuse.far_cell_xlsx(ref, dimension=dimension)
    assert len(data) < 5000
    assert refusal(data, "bomb.xlsx").reason == reason


def test_the_grid_a_sheet_spans_is_counted_from_a1_to_its_last_cell(no_calamine):
    refused = refusal(abuse.far_cell_xlsx("Z1000"), "wide.xlsx", ReadLimits(max_cells=20_000))
    assert (refused.reason, refused.params) == ("too_many_cells", {"cells": 26_000, "limit": 20_000})


def test_a_far_cell_inside_the_limits_is_read():
    parsed = parse_export(abuse.far_cell_xlsx("B5000"), "far.xlsx", tz=SHANGHAI)
    assert [(r.row_number, r.reason) for r in parsed.rejected] == [(5000, "missing_id")]


def test_a_sheet_whose_zip_directory_understates_its_size_is_refused_by_what_it_really_inflates_to(no_calamine):
    data = abuse.inflating_xlsx(3 * MB, forged=True)
    refused = refusal(data, "forged.xlsx", ReadLimits(max_inflated_bytes=1 * MB))
    assert (refused.reason, refused.params["limit"]) == ("expands_too_much", 1 * MB)
    assert refused.params["inflated"] > 1 * MB


def test_a_sheet_that_unpacks_past_200_mb_is_refused_with_the_default_limits(no_calamine):
    data = abuse.inflating_xlsx(210 * MB)
    assert len(data) < 20 * MB  # it fits through Telegram
    refused = refusal(data, "big.xlsx")
    assert (refused.reason, refused.params["limit"]) == ("expands_too_much", 200 * MB)


@pytest.mark.parametrize("make", [abuse.corrupt_zlib_xlsx, abuse.malformed_xml_xlsx])
def test_a_damaged_workbook_is_refused_as_damaged(make):
    assert refusal(make(), "damaged.xlsx").reason == "bad_format"


def test_a_csv_is_bounded_by_its_cells_too_and_read_in_chunks_as_narrow_as_its_rows_are_wide():
    wide = abuse.wide_csv(10_000) + b"\r\n".join(b"1," * 9_999 + b"1" for _ in range(30)) + b"\r\n"
    refused = refusal(wide, "wide.csv", ReadLimits(max_cells=200_000))
    assert (refused.reason, refused.params["limit"]) == ("too_many_cells", 200_000)
    assert ReadLimits().chunk_rows(10_001) == 39


CHINESE_TITLE = "京东旗舰店咚咚会话明细报表（客服部导出，仅供内部核对使用，请勿外传，数据以平台最终统计为准）" * 8 + "\r\n"


@pytest.mark.parametrize("title", ["", CHINESE_TITLE, CHINESE_TITLE * 3])
def test_a_chinese_export_in_utf16le_without_a_bom_is_read_as_utf16(title):
    # Under a Chinese title, far fewer than a quarter of the bytes are NUL: only the ASCII has them.
    data = title.encode("utf-16-le") + jd_csv_bytes(sample_conversations(1), encoding="utf-16-le")
    assert not data.startswith(b"\xff\xfe")
    assert detect_encoding(data) == "utf-16-le"
    parsed = parse_export(data, "会话明细.csv", tz=SHANGHAI)
    assert (parsed.encoding, parsed.rows_read, len(parsed.records)) == ("utf-16-le", 1, 1)
    assert not any("\0" in str(value) for value in parsed.records["external_id"])


def test_text_with_scattered_nuls_is_no_text_at_all():
    assert refusal(b"external_id,start\r\nS1\0\0,2026-11-03 09:00\r\nS\x002,x\r\n", "nul.csv").reason == "bad_encoding"


def test_the_default_limits_are_those_of_the_issue():
    limits = ReadLimits()
    assert (limits.max_rows, limits.max_inflated_bytes) == (1_000_000, 200 * MB)
