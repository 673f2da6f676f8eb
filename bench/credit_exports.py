"""The nightly exports of the credit simulation, written the way the platforms write them.

JD 咚咚's session export (GBK CSV, Chinese headers, '-' where nothing applies, the first reply's
clock time beside its duration) and a Vipshop consultation export read through the team's
`vipshop` preset (UTF-8 CSV with a BOM, the first response as seconds only). Each night's file holds
the conversations of the last two days as the platform knows them at the time of the export, so
a conversation still waiting for its reply is exported without one and again, answered, the next night.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from bench.credit_traffic import Conversation
from bench.credit_world import ZONE

WINDOW = timedelta(days=2)
VIPSHOP_PRESET = {
    "platform": "vip",
    "columns": {
        "external_id": "咨询单号",
        "start": "咨询开始时间",
        "first_response_s": "首响时长",
        "rating": "评价",
        "inquiry": "是否询单",
        "paid": "是否转化",
    },
    "ratings": {"好评": "satisfied", "中评": "neutral", "差评": "dissatisfied"},
    "booleans": {"已转化": True, "未转化": False, "询单": True, "非询单": False},
}
_JD_RATING = {
    "very_satisfied": "非常满意",
    "satisfied": "满意",
    "neutral": "一般",
    "dissatisfied": "不满意",
    "very_dissatisfied": "非常不满意",
    None: "未评价",
}
_VIP_RATING = {
    "very_satisfied": "好评",
    "satisfied": "好评",
    "neutral": "中评",
    "dissatisfied": "差评",
    "very_dissatisfied": "差评",
    None: "",
}


def nightly(conversations: Sequence[Conversation], account: str, now: datetime) -> list[Conversation]:
    """What the account's export taken at `now` holds: the last two days' conversations as known then."""
    return [c.known_at(now) for c in conversations if c.account == account and now - WINDOW <= c.start < now]


def export_file(account: str, rows: Sequence[Conversation], now: datetime) -> tuple[str, bytes]:
    """(file name, bytes) of the account's export."""
    stamp = now.astimezone(ZONE)
    if account == "jd":
        return f"jd_sessions_{stamp:%Y%m%d_%H%M}.csv", jd_sessions(rows)
    return f"vip_consult_{stamp:%Y%m%d_%H%M}.csv", vip_consultations(rows)


def _local(instant: datetime) -> str:
    return instant.astimezone(ZONE).strftime("%Y-%m-%d %H:%M:%S")


def _seconds(c: Conversation) -> int | None:
    return None if c.first_reply is None else round((c.first_reply - c.start).total_seconds())


def jd_sessions(rows: Sequence[Conversation]) -> bytes:
    header = [
        "会话ID",
        "顾客账号",
        "会话开始时间",
        "会话结束时间",
        "首次回复时间",
        "首次响应时长(秒)",
        "满意度评价",
        "是否解决",
        "是否售前咨询",
        "是否下单",
    ]
    body = [
        [
            c.external_id,
            f"jd_{zlib.crc32(c.external_id.encode()) % 10**8:08d}",
            _local(c.start),
            _local(c.end),
            "-" if c.first_reply is None else _local(c.first_reply),
            "-" if c.first_reply is None else str(_seconds(c)),
            _JD_RATING[c.rating],
            "是" if c.first_reply is not None else "否",
            "是" if c.inquiry else "否",
            "是" if c.paid else "否",
        ]
        for c in rows
    ]
    return _csv(header, body, "gbk")


def vip_consultations(rows: Sequence[Conversation]) -> bytes:
    header = ["咨询单号", "咨询开始时间", "首响时长", "评价", "是否询单", "是否转化", "品牌"]
    body = [
        [
            c.external_id,
            _local(c.start),
            "" if c.first_reply is None else str(_seconds(c)),
            _VIP_RATING[c.rating],
            "询单" if c.inquiry else "非询单",
            "已转化" if c.paid else "未转化",
            "某某旗舰店",
        ]
        for c in rows
    ]
    return _csv(header, body, "utf-8-sig")


def _csv(header: list[str], body: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(body)
    return buffer.getvalue().encode(encoding)
