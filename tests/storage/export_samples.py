"""Realistic platform export files, generated at test time (never committed as data).

Each platform writer takes a list of rows; a row is either a SampleConversation (rendered
the way that platform's back office writes it) or a dict header -> cell for a deliberately
broken row (headers left out are blank). The label tables here are written out by hand,
independently of the importer, so a test that round-trips through them checks the
importer against what the platforms print, not against itself.

Used by the parser tests, the database import tests and the end-to-end test.
"""

from __future__ import annotations

import csv
import io
import random
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import openpyxl


@dataclass(frozen=True)
class SampleConversation:
    """One customer session as the platform saw it. ``start`` is naive local time of the
    team (the way exports print it); ``rating`` is a rating name or None."""

    external_id: str
    start: datetime
    first_response_s: float | None = 8.0
    avg_response_s: float | None = 21.5
    customer_messages: int | None = 6
    agent_messages: int | None = 5
    rating: str | None = None
    resolved: bool | None = True
    inquiry: bool = False
    paid: bool = False


Row = SampleConversation | Mapping[str, Any]

RATING_NAMES = ("very_satisfied", "satisfied", "neutral", "dissatisfied", "very_dissatisfied")


def sample_conversations(
    count: int, first_start: datetime = datetime(2026, 11, 3, 9, 0), *, seed: int = 3, id_prefix: str = "S"
) -> list[SampleConversation]:
    """``count`` varied conversations a few minutes apart, with distinct ids; reproducible."""
    rng = random.Random(seed)
    conversations = []
    start = first_start
    for number in range(count):
        inquiry = rng.random() < 0.5
        conversations.append(
            SampleConversation(
                external_id=f"{id_prefix}{20261103000 + number}",
                start=start,
                first_response_s=float(rng.randint(2, 90)),
                avg_response_s=round(rng.uniform(5, 120), 1),
                customer_messages=rng.randint(1, 30),
                agent_messages=rng.randint(1, 30),
                rating=rng.choice((None, None, *RATING_NAMES)),
                resolved=rng.choice((True, True, False)),
                inquiry=inquiry,
                paid=inquiry and rng.random() < 0.4,
            )
        )
        start += timedelta(minutes=rng.randint(1, 40), seconds=rng.randint(0, 59))
    return conversations


# --- generic writers --------------------------------------------------------------------


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    """A CSV file as a platform writes it: CRLF line ends, minimal quoting."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[Any]], *, sheet_title: str = "Sheet1") -> bytes:
    """A one-sheet workbook; datetime values become real Excel datetime cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for sheet_row in sheet.iter_rows(min_row=2):
        for cell in sheet_row:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


Columns = Sequence[tuple[str, Callable[[SampleConversation], Any]]]


def _table(columns: Columns, rows: Sequence[Row]) -> tuple[list[str], list[list[Any]]]:
    header = [name for name, _ in columns]
    body = []
    for row in rows:
        if isinstance(row, SampleConversation):
            body.append([render(row) for _, render in columns])
        else:
            body.append([row.get(name, "") for name in header])
    return header, body


def _blank_if_none(value: Any) -> Any:
    return "" if value is None else value


def _seconds_text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# --- JD 咚咚 session export: GBK CSV, Chinese headers, '-' for not applicable -------------

JD_RATING_TEXT = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "neutral": "一般",
    "dissatisfied": "不满意",
    "very_dissatisfied": "非常不满意",
    None: "未评价",
}

JD_COLUMNS: Columns = [
    ("会话ID", lambda c: c.external_id),
    ("客服账号", lambda c: "jd_shop_kf"),
    ("顾客账号", lambda c: f"jd_{zlib.crc32(c.external_id.encode()) % 10**8:08d}"),
    ("会话开始时间", lambda c: c.start.strftime("%Y-%m-%d %H:%M:%S")),
    ("会话结束时间", lambda c: (c.start + timedelta(minutes=7)).strftime("%Y-%m-%d %H:%M:%S")),
    ("首次响应时长(秒)", lambda c: "-" if c.first_response_s is None else _seconds_text(c.first_response_s)),
    ("平均响应时长(秒)", lambda c: "-" if c.avg_response_s is None else _seconds_text(c.avg_response_s)),
    ("顾客消息数", lambda c: _blank_if_none(c.customer_messages)),
    ("客服消息数", lambda c: _blank_if_none(c.agent_messages)),
    ("满意度评价", lambda c: JD_RATING_TEXT[c.rating]),
    ("是否解决", lambda c: "" if c.resolved is None else ("是" if c.resolved else "否")),
    ("是否售前咨询", lambda c: "是" if c.inquiry else "否"),
    ("是否下单", lambda c: "是" if c.paid else "否"),
]
JD_HEADERS = [name for name, _ in JD_COLUMNS]


def jd_csv_bytes(rows: Sequence[Row], *, encoding: str = "gbk") -> bytes:
    header, body = _table(JD_COLUMNS, rows)
    return csv_bytes(header, body, encoding=encoding)


# --- Tmall 千牛/赤兔 聊天 export: XLSX with datetime cells, no 是否解决 column -------------

TMALL_RATING_TEXT = {
    "very_satisfied": "很满意",
    "satisfied": "满意",
    "neutral": "一般",
    "dissatisfied": "不满意",
    "very_dissatisfied": "很不满意",
    None: "",
}

TMALL_COLUMNS: Columns = [
    ("会话ID", lambda c: c.external_id),
    ("旺旺", lambda c: f"tb_{c.external_id[-4:]}"),
    ("接待客服", lambda c: "旗舰店:售前"),
    ("会话开始时间", lambda c: c.start),  # a real Excel datetime cell
    ("首次响应(秒)", lambda c: c.first_response_s),
    ("平均响应(秒)", lambda c: c.avg_response_s),
    ("买家消息数", lambda c: c.customer_messages),
    ("客服消息数", lambda c: c.agent_messages),
    ("答问比", lambda c: None if not c.customer_messages else round((c.agent_messages or 0) / c.customer_messages, 2)),
    ("服务评价", lambda c: TMALL_RATING_TEXT[c.rating]),
    ("是否询单", lambda c: "是" if c.inquiry else "否"),
    ("询单->最终付款", lambda c: "是" if c.paid else "否"),
]
TMALL_HEADERS = [name for name, _ in TMALL_COLUMNS]


def tmall_xlsx_bytes(rows: Sequence[Row]) -> bytes:
    header, body = _table(TMALL_COLUMNS, rows)
    return xlsx_bytes(header, body, sheet_title="聊天记录")


def tmall_csv_bytes(rows: Sequence[Row], *, encoding: str = "gbk") -> bytes:
    """The same export saved as CSV from Excel: datetimes become 2026/11/3-style text."""

    def as_text(cell: Any) -> Any:
        if isinstance(cell, datetime):
            return f"{cell.year}/{cell.month}/{cell.day} {cell.hour}:{cell.minute:02d}"
        return cell

    header, body = _table(TMALL_COLUMNS, rows)
    text_body = [[as_text(cell) for cell in row] for row in body]
    return csv_bytes(header, text_body, encoding=encoding)


# --- the documented generic CSV ---------------------------------------------------------

GENERIC_HEADERS = [
    "external_id",
    "start",
    "first_response_s",
    "avg_response_s",
    "customer_messages",
    "agent_messages",
    "rating",
    "resolved",
    "inquiry",
    "paid",
]
_STARS = {"very_satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2, "very_dissatisfied": 1}


def generic_csv_bytes(rows: Sequence[Row], *, encoding: str = "utf-8", ratings: str = "stars", utc_offset: str | None = None) -> bytes:
    """``ratings``: 'stars' (1-5) or 'words' (very satisfied ...). ``utc_offset`` ('+08:00')
    writes ISO 8601 times carrying that offset instead of naive local times."""

    def rating(c: SampleConversation) -> Any:
        if c.rating is None:
            return ""
        return _STARS[c.rating] if ratings == "stars" else c.rating.replace("_", " ")

    def start(c: SampleConversation) -> str:
        return c.start.isoformat(sep=" ") if utc_offset is None else c.start.isoformat() + utc_offset

    columns: Columns = [
        ("external_id", lambda c: c.external_id),
        ("start", start),
        ("first_response_s", lambda c: _seconds_text(c.first_response_s)),
        ("avg_response_s", lambda c: _seconds_text(c.avg_response_s)),
        ("customer_messages", lambda c: _blank_if_none(c.customer_messages)),
        ("agent_messages", lambda c: _blank_if_none(c.agent_messages)),
        ("rating", rating),
        ("resolved", lambda c: "" if c.resolved is None else str(c.resolved).lower()),
        ("inquiry", lambda c: str(c.inquiry).lower()),
        ("paid", lambda c: str(c.paid).lower()),
    ]
    header, body = _table(columns, rows)
    return csv_bytes(header, body, encoding=encoding)


# --- Vipshop: no public column list, so its headers come from config ---------------------

VIP_MAPPING = {
    "external_id": "咨询单号",
    "start": "咨询开始时间",
    "first_response_s": "首响时长",
    "avg_response_s": "平均响应时长",
    "customer_messages": "用户消息数",
    "agent_messages": "客服消息数",
    "rating": "评价",
    "paid": "是否转化",
}
# Vipshop-style words the built-in labels do not know: supplied by config as value maps.
VIP_RATING_LABELS = {"好评": "satisfied", "中评": "neutral", "差评": "dissatisfied"}
VIP_BOOLEAN_LABELS = {"已转化": True, "未转化": False}
_VIP_RATING_TEXT = {
    "very_satisfied": "好评",
    "satisfied": "好评",
    "neutral": "中评",
    "dissatisfied": "差评",
    "very_dissatisfied": "差评",
    None: "",
}


def vip_csv_bytes(rows: Sequence[Row], *, encoding: str = "utf-8-sig") -> bytes:
    columns: Columns = [
        ("咨询单号", lambda c: c.external_id),
        ("咨询开始时间", lambda c: f"{c.start.year}/{c.start.month}/{c.start.day} {c.start.hour}:{c.start.minute:02d}"),
        ("首响时长", lambda c: "" if c.first_response_s is None else f"{c.first_response_s:g}秒"),
        ("平均响应时长", lambda c: _seconds_text(c.avg_response_s)),
        ("用户消息数", lambda c: _blank_if_none(c.customer_messages)),
        ("客服消息数", lambda c: _blank_if_none(c.agent_messages)),
        ("评价", lambda c: _VIP_RATING_TEXT[c.rating]),
        ("是否转化", lambda c: "已转化" if c.paid else "未转化"),
        ("品牌", lambda c: "某某旗舰店"),
    ]
    header, body = _table(columns, rows)
    return csv_bytes(header, body, encoding=encoding)


def vip_rating(rating: str | None) -> str | None:
    """The rating a Vipshop row of ``rating`` reads back as (its labels are coarser)."""
    return None if rating is None else VIP_RATING_LABELS[_VIP_RATING_TEXT[rating]]


__all__ = [
    "GENERIC_HEADERS",
    "JD_HEADERS",
    "JD_RATING_TEXT",
    "RATING_NAMES",
    "TMALL_HEADERS",
    "TMALL_RATING_TEXT",
    "VIP_BOOLEAN_LABELS",
    "VIP_MAPPING",
    "VIP_RATING_LABELS",
    "SampleConversation",
    "csv_bytes",
    "generic_csv_bytes",
    "jd_csv_bytes",
    "sample_conversations",
    "tmall_csv_bytes",
    "tmall_xlsx_bytes",
    "vip_csv_bytes",
    "vip_rating",
    "xlsx_bytes",
]
