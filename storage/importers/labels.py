"""The words platforms print for ratings, yes/no, session types, senders and summary rows.

Every map is keyed by normalise_label(word): full-width folded, case and whitespace ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from storage.importers.values import (
    CUSTOMER,
    DISSATISFIED,
    NEUTRAL,
    SATISFIED,
    SHOP,
    SYSTEM,
    VERY_DISSATISFIED,
    VERY_SATISFIED,
    normalise_label,
)


def _normalised(words: Mapping[str, object]) -> MappingProxyType:
    return MappingProxyType({normalise_label(word): value for word, value in words.items()})


# JD prints 非常满意 … 非常不满意, 千牛 很满意 … 很不满意, 赤兔 很满意/满意/一般/不满/很不满.
RATING_LABELS: Mapping[str, str | None] = _normalised(
    {
        "非常满意": VERY_SATISFIED,
        "很满意": VERY_SATISFIED,
        "满意": SATISFIED,
        "一般": NEUTRAL,
        "不满意": DISSATISFIED,
        "不满": DISSATISFIED,
        "非常不满意": VERY_DISSATISFIED,
        "很不满意": VERY_DISSATISFIED,
        "很不满": VERY_DISSATISFIED,
        "非常不满": VERY_DISSATISFIED,
        "未评价": None,
        "未评": None,
        "very satisfied": VERY_SATISFIED,
        "very_satisfied": VERY_SATISFIED,
        "satisfied": SATISFIED,
        "neutral": NEUTRAL,
        "dissatisfied": DISSATISFIED,
        "unsatisfied": DISSATISFIED,
        "very dissatisfied": VERY_DISSATISFIED,
        "very_dissatisfied": VERY_DISSATISFIED,
        "not rated": None,
        "not_rated": None,
        "unrated": None,
    }
)

BOOLEAN_LABELS: Mapping[str, bool] = _normalised(
    {
        "是": True, "否": False,
        "y": True, "n": False,
        "yes": True, "no": False,
        "true": True, "false": False,
        "已解决": True, "未解决": False,
        "解决": True,
        "已付款": True, "未付款": False,
        "已下单": True, "未下单": False,
    }
)  # fmt: skip

# JD sessionType: 1 在线会话, 2 留言. True = a left message.
SESSION_TYPE_LABELS: Mapping[str, bool] = _normalised(
    {
        "1": False, "在线会话": False, "在线": False, "会话": False, "online": False, "chat": False,
        "2": True, "留言": True, "离线留言": True, "message": True, "left_message": True, "leave_message": True,
    }
)  # fmt: skip

SENDER_LABELS: Mapping[str, str] = _normalised(
    {
        "买家": CUSTOMER, "顾客": CUSTOMER, "客户": CUSTOMER, "用户": CUSTOMER, "会员": CUSTOMER,
        "customer": CUSTOMER, "buyer": CUSTOMER,
        "客服": SHOP, "卖家": SHOP, "商家": SHOP, "店铺": SHOP, "人工": SHOP,
        "shop": SHOP, "seller": SHOP, "agent": SHOP, "waiter": SHOP,
        "系统": SYSTEM, "系统消息": SYSTEM, "机器人": SYSTEM, "自动回复": SYSTEM,
        "system": SYSTEM, "robot": SYSTEM, "bot": SYSTEM,
    }
)  # fmt: skip

# Rows of totals and averages that reports put at the bottom (or top) of a table.
SUMMARY_LABELS = frozenset(
    normalise_label(word)
    for word in ("合计", "总计", "汇总", "汇总值", "平均值", "均值", "全店汇总值", "同行同层均值", "同行同层优秀", "平均", "总计值")
)


def summary_label(text: str) -> str | None:
    """The summary label a cell holds (合计, 汇总值 …, with or without a colon), or None."""
    key = normalise_label(text).rstrip(":")
    return key if key in SUMMARY_LABELS else None


__all__ = [
    "BOOLEAN_LABELS",
    "RATING_LABELS",
    "SENDER_LABELS",
    "SESSION_TYPE_LABELS",
    "SUMMARY_LABELS",
    "summary_label",
]
