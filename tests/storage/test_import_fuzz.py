"""Whatever bytes arrive, reading them ends in records or in a refusal with a reason code: never a traceback."""

from __future__ import annotations

import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.importers import REFUSAL_REASONS, UNREADABLE_REASONS, ExportRefused, ExportUnreadable, parse_export
from storage.importers.errors import BAD_FORMAT
from storage.importers.grid import read_grid
from tests.storage.export_samples import jd_csv_bytes, sample_conversations, tmall_xlsx_bytes
from tests.storage.quirk_samples import chitu_report_xlsx, legacy_xls_bytes, qianniu_log_csv

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEEDS = [
    jd_csv_bytes(sample_conversations(3)),
    tmall_xlsx_bytes(sample_conversations(3)),
    chitu_report_xlsx(),
    qianniu_log_csv(),
    legacy_xls_bytes([["会话ID", "会话开始时间"], ["A", "2026-11-03 09:00"]]),
]


@st.composite
def damaged(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(damaged(), st.binary(max_size=300)), st.sampled_from(["x.csv", "x.xlsx", "x.xls", "x.txt"]))
def test_damaged_or_random_bytes_are_read_or_refused_with_a_code(data, filename):
    try:
        parsed = parse_export(data, filename, tz=SHANGHAI)
    except ExportRefused as refused:
        assert refused.reason in REFUSAL_REASONS
    except ExportUnreadable as unreadable:
        assert unreadable.reason in UNREADABLE_REASONS
    else:
        assert parsed.rows_read >= len(parsed.rejected)


def test_a_workbook_whose_zip_lists_no_sheet_is_refused_as_a_bad_format():
    # Found by the fuzz test on a clean clone: one damaged byte in a member's name left calamine a
    # workbook with no sheet, and reading its first sheet raised IndexError.
    source = zipfile.ZipFile(io.BytesIO(tmall_xlsx_bytes(sample_conversations(3))))
    damaged_names = io.BytesIO()
    with zipfile.ZipFile(damaged_names, "w") as archive:
        for member in source.infolist():
            name = "yl/workbook.xml" if member.filename == "xl/workbook.xml" else member.filename
            archive.writestr(name, source.read(member.filename))
    with pytest.raises(ExportUnreadable) as unreadable:
        parse_export(damaged_names.getvalue(), "x.xlsx", tz=SHANGHAI)
    assert unreadable.value.reason == BAD_FORMAT


def test_a_csv_whose_first_quote_never_closes_is_refused_as_a_bad_format():
    # Found by the fuzz test above in CI: pandas' C parser reads the first rows when the reader is
    # made, before the first chunk is asked for, and the one byte '"' failed there with a ParserError.
    for data in (b'"', b'a,b\n"unclosed,1\n'):
        with pytest.raises(ExportUnreadable) as unreadable:
            parse_export(data, "x.csv", tz=SHANGHAI)
        assert unreadable.value.reason == BAD_FORMAT


def test_a_workbook_that_makes_calamine_abort_is_refused_and_the_process_lives_on():
    # Found by the fuzz test above, which it killed: six damaged bytes in a legacy .xls made
    # calamine ask for 122 GB, and a failed allocation aborts a Rust program ("Fatal Python
    # error: Aborted"). The workbook is read in a child process now (storage.importers.isolated).
    data = bytearray(legacy_xls_bytes([["会话ID", "会话开始时间"], ["A", "2026-11-03 09:00"]]))
    for position, value in ((1315, 72), (1354, 102), (1597, 165), (2262, 214), (4709, 117), (4897, 174)):
        data[position] = value
    with pytest.raises(ExportUnreadable) as refused:
        parse_export(bytes(data), "x.xls", tz=SHANGHAI)
    assert refused.value.reason == BAD_FORMAT
    clean = read_grid(legacy_xls_bytes([["会话ID", "会话开始时间"], ["A", "2026-11-03 09:00"]]), "x.xls")
    assert [row for chunk in clean.chunks for row in chunk.values.tolist()] == [["会话ID", "会话开始时间"], ["A", "2026-11-03 09:00"]]
