"""Column presets: which header of a platform's export holds which field.

Platforms rename headers between versions, so each field lists the header aliases it
accepts (compared ignoring case, spaces and full-/half-width differences, so 平均响应（秒）
matches 平均响应(秒)). The first alias is the one named in error messages. Columns not
listed here are ignored but kept in each record's ``raw`` row for audit. No preset is
verified against a real export yet: when a platform renames a column, add the new header
as an alias, or supply a mapping from config. This module holds the session lists; the
message logs and the per-agent reports are in report_presets.

Fields of a session list
------------------------
==================  ========================================================  ==========
field               meaning                                                   empty cell
==================  ========================================================  ==========
external_id         the platform's session id (unique per account)            row rejected
customer            who the customer is (顾客账号, 旺旺); a composite key       row rejected
                    uses it                                                   if in key
start               session start, local time of the team unless it carries   row rejected
                    an offset; 2026-11-03 09:15:02, 2026/11/3 9:15,
                    2026年11月3日 9:15, Excel datetime cells and serials
first_reply_at      when the first reply came; first_response_s is derived     NaT
                    from it and start when the file has no seconds column
session_type        JD sessionType: 1 在线会话, 2 留言 (a left message counts    chat
                    as a conversation but not in the response metrics)
first_response_s    seconds until the first agent reply (12, 12.5, 12秒,       NaN
                    1分5秒, 1分钟5秒, 00:01:05, 3:25)
avg_response_s      average seconds per reply, same formats                   NaN
customer_messages   messages from the customer (whole number)                 NA
agent_messages      messages from the agents (whole number)                   NA
rating              very_satisfied, satisfied, neutral, dissatisfied,         None
                    very_dissatisfied (labels below)
resolved            the issue was solved (yes/no labels below)                NA
inquiry             pre-sales inquiry (询单), denominator of 询单转化率          False
paid                the inquiry led to a payment, numerator of 询单转化率        False
==================  ========================================================  ==========

Required fields are the key (external_id, unless the preset declares a composite key such
as customer + start) and start; a file without them is refused whole. A cell that cannot be
read (negative seconds, a time that is not a time) rejects that row only; a rating label
nobody knows refuses the whole file, because dropping only those rows would bias the rate.
-, --, —, 暂无数据 and empty cells are missing values; 延迟统计 (not counted yet) is a
missing value that the import report counts.

JD (``jd``): 咚咚 session export (会话明细)
-------------------------------------------
==================  =====================================================================
field               accepted headers (first one preferred)
==================  =====================================================================
external_id         会话ID, 会话编号, 咚咚会话ID, sid
customer            顾客账号, 客户账号, 顾客, 顾客ID
start               会话开始时间, 开始时间, 咨询时间, 接入时间, 会话发起时间
first_reply_at      首次回复时间, 首次回复时刻
session_type        会话类型
first_response_s    首次响应时长(秒), 首次响应时长, 首响时长(秒), 首次响应时间(秒), 首次响应时间
avg_response_s      平均响应时长(秒), 平均响应时长, 平均响应时间(秒)
customer_messages   顾客消息数, 客户消息数, 咨询消息数
agent_messages      客服消息数, 客服回复数, 回复消息数
rating              满意度评价, 评价结果, 顾客评价, 满意度
resolved            是否解决, 问题是否解决, 解决状态
inquiry             是否售前咨询, 售前咨询, 是否询单
paid                是否下单, 是否成交, 咨询后下单, 是否24小时内下单
==================  =====================================================================

A 首次响应时间 column holding clock times with a date (2026-11-03 09:15:30) is read as
first_reply_at instead: platforms use the one name for both.

JD ChatSession (``jd_session``): the open platform's session record
-------------------------------------------------------------------
Its ``sid`` is documented as 保留，暂不支持, so the key is customer + beginTime. Headers:
customer, waiter, beginTime, replyTime (empty when unanswered), endTime, sessionType (1 在线会话,
2 留言), transfer, skuId (0 = no product); the Chinese headers of the ``jd`` preset are accepted
too, so a 咚咚 export without its 会话ID column also fits.

Tmall (``tmall``): 千牛/赤兔 session (聊天) export
-------------------------------------------------
==================  =====================================================================
field               accepted headers (first one preferred)
==================  =====================================================================
external_id         会话ID, 聊天ID, 会话编号
customer            旺旺, 买家旺旺, 买家, 顾客
start               会话开始时间, 接待时间, 开始时间, 咨询时间
first_reply_at      首次回复时间
first_response_s    首次响应(秒), 首次响应时长(秒), 首响时长(秒)
avg_response_s      平均响应(秒), 平均响应时长(秒)
customer_messages   买家消息数
agent_messages      客服消息数
rating              服务评价, 买家评价, 评价, 满意度
resolved            是否解决, 问题是否解决
inquiry             是否询单, 询单
paid                询单->最终付款, 是否最终付款, 是否付款, 最终付款
==================  =====================================================================

Generic (``generic``): a documented CSV any tool can write
-----------------------------------------------------------
UTF-8 (with or without BOM), UTF-16 or GBK; the header row is exactly::

    external_id,customer,start,first_reply_at,session_type,first_response_s,avg_response_s,customer_messages,agent_messages,rating,resolved,inquiry,paid

Only external_id and start are required; leave out what you do not have. ``start`` is local
time of the team (or ISO 8601 with an offset, 2026-11-03T09:15:02+08:00). ``rating`` may
also be 1-5 stars (5 = very_satisfied).

Value labels (all presets)
--------------------------
* rating: 非常满意/很满意 -> very_satisfied, 满意 -> satisfied, 一般 -> neutral,
  不满意/不满 -> dissatisfied, 非常不满意/很不满意/很不满 -> very_dissatisfied,
  empty/未评价/-/无 -> none; English: very satisfied, satisfied, neutral, dissatisfied,
  very dissatisfied, not rated (spaces or underscores); stars 1-5 where the preset allows.
* yes/no: 是/否, Y/N, yes/no, true/false, 1/0, 已解决/未解决, 已付款/未付款,
  已下单/未下单.

Other platforms (Vipshop ...)
-----------------------------
``preset_from_mapping('vip', 'vip', {'external_id': '会话编号', 'start': '开始时间', ...})``
builds a preset from config: one header per field, plus optional extra rating and yes/no
labels, and ``key=['customer', 'start']`` for a list without ids. Every mapped column is
required by default, because a config names the columns it expects and a missing one means
the export changed. storage.importers.inspect guesses such a mapping from a file's header.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from storage.importers.fields import FIELDS, SESSION_FIELDS
from storage.importers.labels import BOOLEAN_LABELS, RATING_LABELS
from storage.importers.preset import ColumnPreset, preset_from_mapping
from storage.importers.report_presets import CHITU_REPORT, GENERIC_MESSAGES, GENERIC_TOTALS, JD_CHAT_LOG, QIANNIU_CHAT_LOG, SYCM_RECEPTION

REQUIRED_FIELDS = frozenset({"external_id", "start"})

JD = ColumnPreset(
    name="jd",
    platform="jd",
    title="JD 咚咚",
    columns={
        "external_id": ("会话ID", "会话编号", "咚咚会话ID", "sid"),
        "customer": ("顾客账号", "客户账号", "顾客", "顾客ID"),
        "start": ("会话开始时间", "开始时间", "咨询时间", "接入时间", "会话发起时间"),
        "first_reply_at": ("首次回复时间", "首次回复时刻"),
        "session_type": ("会话类型",),
        "first_response_s": ("首次响应时长(秒)", "首次响应时长", "首响时长(秒)", "首次响应时间(秒)", "首次响应时间"),
        "avg_response_s": ("平均响应时长(秒)", "平均响应时长", "平均响应时间(秒)"),
        "customer_messages": ("顾客消息数", "客户消息数", "咨询消息数"),
        "agent_messages": ("客服消息数", "客服回复数", "回复消息数"),
        "rating": ("满意度评价", "评价结果", "顾客评价", "满意度"),
        "resolved": ("是否解决", "问题是否解决", "解决状态"),
        "inquiry": ("是否售前咨询", "售前咨询", "是否询单"),
        "paid": ("是否下单", "是否成交", "咨询后下单", "是否24小时内下单"),
    },
)

JD_SESSION = ColumnPreset(
    name="jd_session",
    platform="jd",
    title="JD ChatSession",
    key=("customer", "start"),
    columns={
        **{f: aliases for f, aliases in JD.columns.items() if f != "external_id"},
        "customer": ("customer", *JD.columns["customer"]),
        "start": ("beginTime", *JD.columns["start"]),
        "first_reply_at": ("replyTime", *JD.columns["first_reply_at"]),
        "session_type": ("sessionType", *JD.columns["session_type"]),
    },
)

TMALL = ColumnPreset(
    name="tmall",
    platform="tmall",
    title="Tmall 千牛/赤兔",
    columns={
        "external_id": ("会话ID", "聊天ID", "会话编号"),
        "customer": ("旺旺", "买家旺旺", "买家", "顾客"),
        "start": ("会话开始时间", "接待时间", "开始时间", "咨询时间"),
        "first_reply_at": ("首次回复时间",),
        "first_response_s": ("首次响应(秒)", "首次响应时长(秒)", "首响时长(秒)"),
        "avg_response_s": ("平均响应(秒)", "平均响应时长(秒)"),
        "customer_messages": ("买家消息数",),
        "agent_messages": ("客服消息数",),
        "rating": ("服务评价", "买家评价", "评价", "满意度"),
        "resolved": ("是否解决", "问题是否解决"),
        "inquiry": ("是否询单", "询单"),
        "paid": ("询单->最终付款", "是否最终付款", "是否付款", "最终付款"),
    },
)

GENERIC = ColumnPreset(
    name="generic",
    platform="generic",
    title="generic CSV",
    columns={name: (name,) for name in SESSION_FIELDS},
    required=REQUIRED_FIELDS,
    rating_stars=True,
)

PRESETS: Mapping[str, ColumnPreset] = MappingProxyType(
    {
        p.name: p
        for p in (
            JD, JD_SESSION, TMALL, GENERIC,
            JD_CHAT_LOG, QIANNIU_CHAT_LOG, GENERIC_MESSAGES,
            CHITU_REPORT, SYCM_RECEPTION, GENERIC_TOTALS,
        )
    }
)  # fmt: skip

# The built-in presets that suit an account of each platform, for detection among them.
PLATFORM_PRESETS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "jd": ("jd", "jd_session", "jd_chat_log", "generic", "generic_messages", "generic_totals"),
        "tmall": ("tmall", "qianniu_chat_log", "chitu_report", "sycm_reception", "generic", "generic_messages", "generic_totals"),
        "vip": ("generic", "generic_messages", "generic_totals"),
        "other": ("generic", "generic_messages", "generic_totals"),
    }
)

__all__ = [
    "BOOLEAN_LABELS",
    "FIELDS",
    "GENERIC",
    "JD",
    "JD_SESSION",
    "PLATFORM_PRESETS",
    "PRESETS",
    "RATING_LABELS",
    "REQUIRED_FIELDS",
    "TMALL",
    "ColumnPreset",
    "preset_from_mapping",
]
