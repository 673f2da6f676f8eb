"""Inputs are bounded before they are parsed: file size, rows, and what a workbook inflates to."""

from __future__ import annotations

import io
import zipfile
from zoneinfo import ZoneInfo

import pytest

from storage.importers import ExportUnreadable, ReadLimits, parse_export
from tests.storage.export_samples import generic_csv_bytes, sample_conversations, tmall_xlsx_bytes

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_file_larger_than_the_limit_is_refused_with_its_size_and_the_limit():
    data = generic_csv_bytes(sample_conversations(50))
    with pytest.raises(ExportUnreadable) as refused:
        parse_export(data, "g.csv", tz=SHANGHAI, limits=ReadLimits(max_bytes=1000))
    assert (refused.value.reason, refused.value.params) == ("too_large", {"size": len(data), "limit": 1000})


@pytest.mark.parametrize("make, name", [(generic_csv_bytes, "g.csv"), (tmall_xlsx_bytes, "t.xlsx")])
def test_more_rows_than_the_limit_are_refused(make, name):
    data = make(sample_conversations(30))
    with pytest.raises(ExportUnreadable) as refused:
        parse_export(data, name, tz=SHANGHAI, limits=ReadLimits(max_rows=20, rows_per_chunk=7))
    assert (refused.value.reason, refused.value.params) == ("too_many_rows", {"limit": 20})
    assert parse_export(data, name, tz=SHANGHAI, limits=ReadLimits(max_rows=31, rows_per_chunk=7)).rows_read == 30


def bomb(inflated_bytes: int) -> bytes:
    """A real workbook plus one member of zeros that deflates a thousandfold."""
    source = zipfile.ZipFile(io.BytesIO(tmall_xlsx_bytes(sample_conversations(2))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, source.read(member.filename))
        target.writestr("xl/media/padding.bin", b"\0" * inflated_bytes)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_calamine_inflates_it():
    data = bomb(20 * 1024 * 1024)
    assert len(data) < 100_000
    with pytest.raises(ExportUnreadable) as refused:
        parse_export(data, "bomb.xlsx", tz=SHANGHAI)
    assert refused.value.reason == "expands_too_much"
    with pytest.raises(ExportUnreadable) as total:
        parse_export(bomb(1024), "big.xlsx", tz=SHANGHAI, limits=ReadLimits(max_inflated_bytes=4096))
    assert (total.value.reason, total.value.params["limit"]) == ("expands_too_much", 4096)


def test_a_directory_claiming_a_zip_version_python_cannot_read_is_refused_as_bad_format():
    data = bytearray(tmall_xlsx_bytes(sample_conversations(3)))
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    data[entry + 6 : entry + 8] = (64).to_bytes(2, "little")  # "version needed to extract": 6.4
    with pytest.raises(ExportUnreadable) as refused:
        parse_export(bytes(data), "damaged.xlsx", tz=SHANGHAI)
    assert refused.value.reason == "bad_format"


def test_chunks_smaller_than_the_file_read_the_same_rows_and_duplicates_across_chunks():
    rows = sample_conversations(9)
    data = generic_csv_bytes([*rows, rows[0]])
    whole = parse_export(data, "g.csv", tz=SHANGHAI)
    chunked = parse_export(data, "g.csv", tz=SHANGHAI, limits=ReadLimits(rows_per_chunk=4))
    assert chunked.records.drop(columns="raw").equals(whole.records.drop(columns="raw"))
    assert [(r.row_number, r.reason) for r in chunked.rejected] == [(11, "duplicate_in_file")]


def test_a_row_wider_than_the_header_is_named_by_its_row_even_in_a_later_chunk():
    data = generic_csv_bytes(sample_conversations(9)) + b"G99,2026-11-03 09:00,1,2,3,4,5,true,false,false,stray\r\n"
    with pytest.raises(ExportUnreadable) as refused:
        parse_export(data, "g.csv", tz=SHANGHAI, limits=ReadLimits(rows_per_chunk=4))
    assert (refused.value.reason, refused.value.params) == ("bad_format", {"row": 11})
