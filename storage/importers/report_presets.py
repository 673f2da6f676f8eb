"""Presets for chat-message logs and per-agent reports.

Message logs (shape ``messages``): one row per message, grouped into conversations per customer
on import (a new conversation after ``idle_gap``, 30 minutes by default, of silence).

* ``jd_chat_log``: JD's open-platform chat-log record: customer, waiter, content, sid, skuId,
  time, channel, waiterSend (true when the shop's side sent it).
* ``qianniu_chat_log``: a 千牛 聊天记录 export: 时间, 买家, 发送人 (a label like 买家/客服, or the
  sender's name: the buyer's own, or the shop's 店铺名:子账号), 内容.
* ``generic_messages``: time, customer, sender (customer/shop/system or 买家/客服/系统).

Per-agent reports (shape ``totals``): the platform's own counts per 客服 and day (or hour). On
a shared login the report has one row for the whole team, so it cannot credit people by
itself; it is the day's reference count, and apportioned by hold time when a day has no
session data. Rows 汇总/均值/汇总值/平均值 (and 全店汇总值, 同行同层均值, 同行同层优秀) are summary rows.
A report without a 日期 column takes its day from its 统计周期/统计时间 title line or from its
file name (自定义报表_<名>_下单优先判定_2026-11-03至2026-11-03.xlsx).

* ``chitu_report``: 赤兔 自定义报表 (客服昵称 or 客服(子账号), 接待人数, 聊天人数(原咨询人数), 询单人数,
  询单->最终付款人数, 服务满意度评价很满意/满意/一般/不满/很不满, 首次响应(秒), 平均响应(秒) …).
* ``sycm_reception``: 生意参谋 咨询接待分析 (旺旺昵称, 咨询人数, 接待人数, 有效接待人数, 未回复人数,
  旺旺回复率, 3分钟人工响应率, 平均响应时长, 首次响应时长, 慢响应人数).
* ``generic_totals``: the totals fields by their English names (day, hour, agent, received …).
"""

from __future__ import annotations

from storage.importers.fields import MESSAGE_FIELDS, MESSAGES, TOTALS, TOTALS_FIELDS
from storage.importers.preset import ColumnPreset

JD_CHAT_LOG = ColumnPreset(
    name="jd_chat_log",
    platform="jd",
    title="JD chat log",
    shape=MESSAGES,
    columns={
        "time": ("time", "消息时间", "发送时间"),
        "customer": ("customer", "顾客账号", "顾客"),
        "from_shop": ("waiterSend", "是否客服发送"),
    },
)

QIANNIU_CHAT_LOG = ColumnPreset(
    name="qianniu_chat_log",
    platform="tmall",
    title="千牛 聊天记录",
    shape=MESSAGES,
    columns={
        "time": ("时间", "发送时间", "消息时间"),
        "customer": ("买家", "买家昵称", "买家旺旺", "顾客", "客户"),
        "sender": ("发送人", "发送方", "发送者", "发言人"),
    },
)

GENERIC_MESSAGES = ColumnPreset(
    name="generic_messages",
    platform="generic",
    title="generic message log",
    shape=MESSAGES,
    columns={name: (name,) for name in MESSAGE_FIELDS},
    required=frozenset({"time", "customer", "sender"}),
)

_RATING_COUNTS = {
    "very_satisfied": ("服务满意度评价很满意", "很满意", "服务满意度评价非常满意", "非常满意"),
    "satisfied": ("服务满意度评价满意", "满意"),
    "neutral": ("服务满意度评价一般", "一般"),
    "dissatisfied": ("服务满意度评价不满", "服务满意度评价不满意", "不满", "不满意"),
    "very_dissatisfied": ("服务满意度评价很不满", "服务满意度评价很不满意", "很不满", "很不满意", "非常不满意"),
}

CHITU_REPORT = ColumnPreset(
    name="chitu_report",
    platform="tmall",
    title="赤兔 自定义报表",
    shape=TOTALS,
    required=frozenset({"agent", "received"}),
    columns={
        "day": ("日期", "统计日期"),
        "hour": ("小时", "时段"),
        "agent": ("客服昵称", "客服(子账号)", "客服", "子账号", "旺旺"),
        "received": ("接待人数",),
        "consulted": ("聊天人数(原咨询人数)", "聊天人数", "咨询人数"),
        "unanswered": ("未回复人数",),
        "slow_received": ("慢接待人数",),
        "inquiries": ("询单人数",),
        "inquiry_paid": ("询单->最终付款人数",),
        **_RATING_COUNTS,
        "customer_messages": ("买家消息数",),
        "agent_messages": ("客服消息数",),
        "sales_cents": ("销售额",),
        "reply_rate": ("回复率",),
        "inquiry_conversion": ("询单->最终付款转化率", "询单->最终付款成功率"),
        "first_response_s": ("首次响应(秒)", "首次响应"),
        "avg_response_s": ("平均响应(秒)", "平均响应"),
        "avg_reception_s": ("平均接待时长",),
    },
)

SYCM_RECEPTION = ColumnPreset(
    name="sycm_reception",
    platform="tmall",
    title="生意参谋 咨询接待分析",
    shape=TOTALS,
    required=frozenset({"agent", "consulted", "received"}),
    columns={
        "day": ("日期", "统计日期"),
        "hour": ("小时", "时段"),
        "agent": ("旺旺昵称", "旺旺"),
        "consulted": ("咨询人数",),
        "received": ("接待人数",),
        "effective_received": ("有效接待人数",),
        "unanswered": ("未回复人数",),
        "slow_received": ("慢响应人数",),
        "reply_rate": ("旺旺回复率",),
        "three_min_reply_rate": ("3分钟人工响应率",),
        "first_response_s": ("首次响应时长",),
        "avg_response_s": ("平均响应时长",),
    },
)

GENERIC_TOTALS = ColumnPreset(
    name="generic_totals",
    platform="generic",
    title="generic per-agent totals",
    shape=TOTALS,
    required=frozenset({"day", "received"}),
    columns={name: (name,) for name in TOTALS_FIELDS},
)

__all__ = ["CHITU_REPORT", "GENERIC_MESSAGES", "GENERIC_TOTALS", "JD_CHAT_LOG", "QIANNIU_CHAT_LOG", "SYCM_RECEPTION"]
