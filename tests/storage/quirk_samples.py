"""Export files with the quirks real platform downloads have, built at test time from the facts
gathered about them (docs/brief: "What platforms really give a shop"). Nothing here is a copy of
a real file: each builder writes the documented shape, and each quirk is made on purpose.

Used by the importer's quirk tests, its storage tests and the round-trip property test.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import openpyxl
import xlwt

from tests.storage.export_samples import csv_bytes

# openpyxl writes two fills; platform exports add an empty one that Excel and WPS accept.
_OPENPYXL_FILLS = b'<fills count="2"><fill><patternFill /></fill><fill><patternFill patternType="gray125" /></fill></fills>'
_FILLS_WITH_AN_EMPTY_ONE = b'<fills count="3"><fill><patternFill /></fill><fill><patternFill patternType="gray125" /></fill><fill/></fills>'


def workbook_bytes(
    rows: Sequence[Sequence[Any]], *, merges: Sequence[str] = (), sheet_title: str = "Sheet1", datetime_format: str = "yyyy-mm-dd hh:mm:ss"
) -> bytes:
    """An .xlsx of these rows (titles, headers and data alike); ``merges`` like 'A1:F1'."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = datetime_format
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_empty_fill(xlsx: bytes) -> bytes:
    """The same workbook with an empty <fill/> in xl/styles.xml: openpyxl 3.1 raises
    TypeError("expected <class 'openpyxl.styles.fills.Fill'>") on it."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/styles.xml":
                assert _OPENPYXL_FILLS in content, "openpyxl changed how it writes fills"
                content = content.replace(_OPENPYXL_FILLS, _FILLS_WITH_AN_EMPTY_ONE)
            target.writestr(member, content)
    return buffer.getvalue()


def legacy_xls_bytes(rows: Sequence[Sequence[Any]], *, merges: Sequence[tuple[int, int, int, int]] = ()) -> bytes:
    """A genuine Excel 97-2003 (BIFF8) workbook, written by xlwt. ``merges``: (row1, row2, col1, col2), 0-based."""
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("Sheet1")
    moment = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM:SS")
    merged = {(r1, c1): (r1, r2, c1, c2) for r1, r2, c1, c2 in merges}
    covered = {(r, c) for r1, r2, c1, c2 in merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in merged:
                sheet.write_merge(*merged[(r, c)], value)
            elif (r, c) in covered or value in ("", None):
                continue
            elif isinstance(value, datetime):
                sheet.write(r, c, value, moment)
            else:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- 赤兔 自定义报表: one row per 客服, then 汇总 and 均值; ratings under a merged group header ------

CHITU_FILENAME = "自定义报表_客服绩效_下单优先判定_2026-11-03至2026-11-03.xlsx"
CHITU_UPPER = [
    "客服昵称", "聊天人数(原咨询人数)", "接待人数", "直接接入人数", "转发接入人数", "转出人数", "总消息数", "买家消息数",
    "客服消息数", "答问比", "未回复人数", "回复率", "慢接待人数", "长接待人数", "首次响应(秒)", "平均响应(秒)",
    "平均接待时长", "询单人数", "询单->最终付款转化率", "服务满意度评价", "", "", "", "", "销售额",
]  # fmt: skip
CHITU_LOWER = [""] * 19 + ["很满意", "满意", "一般", "不满", "很不满", ""]
# One shared login: one row for the whole team. 平均响应 is still being counted (延迟统计).
CHITU_TEAM_ROW = [
    "旗舰店:客服", 171, 162, 150, 12, 3, 2400, 1100, 1300, "1.18", 2, "100.00%", 7, 4, 9.5, "延迟统计",
    "8分48秒", 40, "35.00%", 20, 30, 5, 4, 3, "12,345.60",
]  # fmt: skip


def chitu_report_xlsx(team_row: Sequence[Any] = CHITU_TEAM_ROW) -> bytes:
    """Two header levels (服务满意度评价 merged over its five labels), the team row, 汇总, 均值."""
    summary = ["汇总", *team_row[1:]]
    average = ["均值", *team_row[1:]]
    return workbook_bytes([CHITU_UPPER, CHITU_LOWER, team_row, summary, average], merges=["T1:X1"])


# --- 生意参谋 咨询接待分析: title rows, 统计周期, a blank row, 汇总值/平均值, '-' and 暂无数据 -------------

SYCM_HEADER = [
    "旺旺昵称", "旺旺分组", "咨询人数", "接待人数", "有效接待人数", "未回复人数", "旺旺回复率", "3分钟人工响应率",
    "平均响应时长", "首次响应时长", "慢响应人数", "答问比",
]  # fmt: skip


def sycm_reception_csv(*, encoding: str = "gbk", period: str = "2026-11-03 ~ 2026-11-03") -> bytes:
    rows = [
        ["咨询接待分析"],
        [f"统计周期：{period}"],
        [],
        SYCM_HEADER,
        ["旗舰店:小美", "售前组", "162", "150", "148", "2", "0.9971", "98.50%", "00:01:30", "1分30秒", "6", "1.2"],
        ["汇总值", "-", "162", "150", "148", "2", "99.71", "98.5", "3:25", "90秒", "6", "--"],
        ["平均值", "-", "162", "150", "暂无数据", "2", "99.71%", "98.50%", "1分钟30秒", "90", "6", "--"],
    ]
    return _ragged_csv(rows, encoding=encoding)


def _ragged_csv(rows: Sequence[Sequence[str]], *, encoding: str) -> bytes:
    """Title lines have one cell, as a report's CSV writes them (no padding to the table's width)."""
    return "".join(",".join(row) + "\r\n" for row in rows).encode(encoding)


# --- JD ChatSession: no usable session id (sid is 保留，暂不支持) ---------------------------------------

JD_SESSION_HEADER = ["customer", "waiter", "beginTime", "replyTime", "endTime", "sessionType", "transfer", "skuId"]


def jd_session_rows() -> list[list[str]]:
    """A returning customer (two sessions the same morning), an unanswered one, and a 留言."""
    return [
        ["jd_buyer_1", "shop_kf", "2026-11-03 09:15:00", "2026-11-03 09:15:20", "2026-11-03 09:30:00", "1", "0", "0"],
        ["jd_buyer_1", "shop_kf", "2026-11-03 11:02:10", "2026-11-03 11:03:40", "2026-11-03 11:10:00", "1", "1", "100012345"],
        ["jd_buyer_2", "shop_kf", "2026/11/3 9:40", "", "2026/11/3 9:50", "1", "0", "0"],
        ["jd_buyer_3", "shop_kf", "2026-11-03 23:30:00", "2026-11-04 09:05:00", "2026-11-04 09:06:00", "2", "0", "0"],
    ]


def jd_session_csv(*, encoding: str = "utf-8") -> bytes:
    return csv_bytes(JD_SESSION_HEADER, jd_session_rows(), encoding=encoding)


# --- message logs ---------------------------------------------------------------------------------

QIANNIU_LOG_HEADER = ["时间", "买家", "发送人", "内容"]


def qianniu_log_rows() -> list[list[str]]:
    """tb_a asks twice, the shop answers 40 s after the first question, tb_a comes back after
    an hour (a second conversation, never answered); tb_b is answered by a robot and then a
    person; the shop writes first to tb_c, who never answers (outreach, no conversation)."""
    return [
        ["2026-11-03 09:00:00", "tb_a", "tb_a", "在吗"],
        ["2026-11-03 09:00:10", "tb_a", "tb_a", "这个有货吗"],
        ["2026-11-03 09:00:40", "tb_a", "旗舰店:小美", "亲，有的"],
        ["2026-11-03 09:01:00", "tb_a", "旗舰店:小美", "今天下单明天发"],
        ["2026-11-03 09:02:00", "tb_a", "tb_a", "好的"],
        ["2026-11-03 09:02:30", "tb_a", "旗舰店:小美", "感谢"],
        ["2026-11-03 10:30:00", "tb_a", "tb_a", "还在吗"],
        ["2026-11-03 09:10:00", "tb_b", "tb_b", "发什么快递"],
        ["2026-11-03 09:10:01", "tb_b", "系统消息", "您好，客服马上就到"],
        ["2026-11-03 09:12:00", "tb_b", "旗舰店:小王", "中通"],
        ["2026-11-03 09:20:00", "tb_c", "旗舰店:小美", "您的订单已发货"],
    ]


def qianniu_log_csv(*, encoding: str = "gbk") -> bytes:
    return csv_bytes(QIANNIU_LOG_HEADER, qianniu_log_rows(), encoding=encoding)


JD_CHAT_LOG_HEADER = ["customer", "waiter", "content", "sid", "skuId", "time", "channel", "waiterSend"]


def jd_chat_log_csv(messages: Sequence[tuple[str, str, bool]]) -> bytes:
    """(customer, local time, sent by the shop) per message, as JD's chat-log record."""
    rows = [[c, "shop_kf", "…", "", "0", t, "pc", "true" if shop else "false"] for c, t, shop in messages]
    return csv_bytes(JD_CHAT_LOG_HEADER, rows)


__all__ = [
    "CHITU_FILENAME",
    "CHITU_LOWER",
    "CHITU_TEAM_ROW",
    "CHITU_UPPER",
    "JD_CHAT_LOG_HEADER",
    "JD_SESSION_HEADER",
    "QIANNIU_LOG_HEADER",
    "SYCM_HEADER",
    "chitu_report_xlsx",
    "jd_chat_log_csv",
    "jd_session_csv",
    "jd_session_rows",
    "legacy_xls_bytes",
    "qianniu_log_csv",
    "qianniu_log_rows",
    "sycm_reception_csv",
    "with_empty_fill",
    "workbook_bytes",
]
