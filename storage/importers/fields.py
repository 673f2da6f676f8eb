"""The fields each shape of export can hold, and what kind of value each one is.

Three shapes of platform data come in:

* ``sessions``: one row per conversation (JD 咚咚 会话明细, 千牛 聊天, JD's ChatSession record);
* ``messages``: one row per chat message (JD's chat log record, 千牛 聊天记录), grouped into
  conversations on import;
* ``totals``: one row per agent (and day, or hour) with the platform's own counts (赤兔 自定义
  报表, 生意参谋 咨询接待分析). On a shared login that row is the whole team's.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SESSIONS, MESSAGES, TOTALS = "sessions", "messages", "totals"
SHAPES = (SESSIONS, MESSAGES, TOTALS)

# The fields of a stored conversation record, in the order a row's first problem is reported.
FIELDS = (
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
)
# What a session list may add: who the customer is (a composite key needs it), when the first
# reply came (first_response_s is derived from it), and JD's sessionType (留言 or chat).
SESSION_FIELDS = ("external_id", "customer", "start", "first_reply_at", "session_type", *FIELDS[2:])
MESSAGE_FIELDS = ("time", "customer", "sender", "from_shop")
# Integer counts a report gives per agent and day; these are what can be apportioned.
TOTALS_COUNTS = (
    "received",  # 接待人数
    "consulted",  # 咨询人数, 聊天人数(原咨询人数)
    "effective_received",  # 有效接待人数
    "unanswered",  # 未回复人数
    "slow_received",  # 慢接待人数, 慢响应人数
    "inquiries",  # 询单人数
    "inquiry_paid",  # 询单->最终付款人数
    "very_satisfied",
    "satisfied",
    "neutral",
    "dissatisfied",
    "very_dissatisfied",
    "customer_messages",  # 买家消息数
    "agent_messages",  # 客服消息数
    "sales_cents",  # 销售额, in cents
)
TOTALS_RATES = ("reply_rate", "three_min_reply_rate", "inquiry_conversion")  # fractions 0..1
TOTALS_SECONDS = ("first_response_s", "avg_response_s", "avg_reception_s")
TOTALS_FIELDS = ("day", "hour", "agent", *TOTALS_COUNTS, *TOTALS_RATES, *TOTALS_SECONDS)

SHAPE_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType({SESSIONS: SESSION_FIELDS, MESSAGES: MESSAGE_FIELDS, TOTALS: TOTALS_FIELDS})
# The cells that say which row is which: a summary label (合计, 汇总 …) stands in one of them.
IDENTITY_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {SESSIONS: ("external_id", "customer", "start"), MESSAGES: ("customer", "time"), TOTALS: ("agent", "day", "hour")}
)
DEFAULT_KEY = ("external_id",)

__all__ = [
    "DEFAULT_KEY",
    "FIELDS",
    "IDENTITY_FIELDS",
    "MESSAGES",
    "MESSAGE_FIELDS",
    "SESSIONS",
    "SESSION_FIELDS",
    "SHAPES",
    "SHAPE_FIELDS",
    "TOTALS",
    "TOTALS_COUNTS",
    "TOTALS_FIELDS",
    "TOTALS_RATES",
    "TOTALS_SECONDS",
]
