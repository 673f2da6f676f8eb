"""Column presets: which header of a platform's export holds which field of a conversation.

Platforms rename headers between versions, so each field lists the header aliases it
accepts (compared ignoring case, spaces and full-/half-width differences, so 平均响应（秒）
matches 平均响应(秒)). The first alias is the one named in error messages. Columns not
listed here are ignored but kept in each record's ``raw`` row for audit. No preset is
verified against a real export yet: when a platform renames a column, add the new header
as an alias, or supply a mapping from config.

Fields
------
==================  ========================================================  ==========
field               meaning                                                   empty cell
==================  ========================================================  ==========
external_id         the platform's session id (unique per account)            row rejected
start               session start, local time of the team unless it carries   row rejected
                    an offset; 2026-11-03 09:15:02, 2026/11/3 9:15,
                    2026年11月3日 9:15, Excel datetime cells
first_response_s    seconds until the first agent reply (12, 12.5, 12秒,       NaN
                    1分5秒, 00:01:05)
avg_response_s      average seconds per reply, same formats                   NaN
customer_messages   messages from the customer (whole number)                 NA
agent_messages      messages from the agents (whole number)                   NA
rating              very_satisfied, satisfied, neutral, dissatisfied,         None
                    very_dissatisfied (labels below)
resolved            the issue was solved (yes/no labels below)                NA
inquiry             pre-sales inquiry (询单), denominator of 询单转化率          False
paid                the inquiry led to a payment, numerator of 询单转化率        False
==================  ========================================================  ==========

Required fields are external_id and start in every built-in preset; a file without them is
refused whole. A cell that cannot be read (an unknown rating label, negative seconds, a time
that is not a time) rejects that row only.

JD (``jd``): 咚咚 session export (会话明细)
-------------------------------------------
==================  =====================================================================
field               accepted headers (first one preferred)
==================  =====================================================================
external_id         会话ID, 会话编号, 咚咚会话ID, sid
start               会话开始时间, 开始时间, 咨询时间, 接入时间
first_response_s    首次响应时长(秒), 首次响应时长, 首响时长(秒), 首次响应时间(秒)
avg_response_s      平均响应时长(秒), 平均响应时长, 平均响应时间(秒)
customer_messages   顾客消息数, 客户消息数, 咨询消息数
agent_messages      客服消息数, 客服回复数, 回复消息数
rating              满意度评价, 评价结果, 顾客评价, 满意度
resolved            是否解决, 问题是否解决, 解决状态
inquiry             是否售前咨询, 售前咨询, 是否询单
paid                是否下单, 是否成交, 咨询后下单
==================  =====================================================================

Tmall (``tmall``): 千牛/赤兔 session (聊天) export
-------------------------------------------------
==================  =====================================================================
field               accepted headers (first one preferred)
==================  =====================================================================
external_id         会话ID, 聊天ID, 会话编号
start               会话开始时间, 接待时间, 开始时间, 咨询时间
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
UTF-8 (with or without BOM) or GBK; the header row is exactly::

    external_id,start,first_response_s,avg_response_s,customer_messages,agent_messages,rating,resolved,inquiry,paid

Only external_id and start are required; leave out what you do not have. ``start`` is local
time of the team (or ISO 8601 with an offset, 2026-11-03T09:15:02+08:00). ``rating`` may
also be 1-5 stars (5 = very_satisfied).

Value labels (all presets)
--------------------------
* rating: 非常满意/很满意 -> very_satisfied, 满意 -> satisfied, 一般 -> neutral,
  不满意 -> dissatisfied, 非常不满意/很不满意 -> very_dissatisfied, empty/未评价/-/无 -> none;
  English: very satisfied, satisfied, neutral, dissatisfied, very dissatisfied, not rated
  (spaces or underscores).
* yes/no: 是/否, Y/N, yes/no, true/false, 1/0, 已解决/未解决, 已付款/未付款,
  已下单/未下单.

Other platforms (Vipshop ...)
-----------------------------
``preset_from_mapping('vip', 'vip', {'external_id': '会话编号', 'start': '开始时间', ...})``
builds a preset from config: one header per field, plus optional extra rating and yes/no
labels. Every mapped column is required by default, because a config names the columns it
expects and a missing one means the export changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from storage.importers.values import (
    DISSATISFIED,
    NEUTRAL,
    RATINGS,
    SATISFIED,
    VERY_DISSATISFIED,
    VERY_SATISFIED,
    normalise_label,
)

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
REQUIRED_FIELDS = frozenset({"external_id", "start"})

RATING_LABELS: Mapping[str, str | None] = MappingProxyType(
    {
        normalise_label(label): rating
        for label, rating in {
            "非常满意": VERY_SATISFIED,
            "很满意": VERY_SATISFIED,
            "满意": SATISFIED,
            "一般": NEUTRAL,
            "不满意": DISSATISFIED,
            "非常不满意": VERY_DISSATISFIED,
            "很不满意": VERY_DISSATISFIED,
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
        }.items()
    }
)

BOOLEAN_LABELS: Mapping[str, bool] = MappingProxyType(
    {
        normalise_label(label): value
        for label, value in {
            "是": True, "否": False,
            "y": True, "n": False,
            "yes": True, "no": False,
            "true": True, "false": False,
            "已解决": True, "未解决": False,
            "解决": True,
            "已付款": True, "未付款": False,
            "已下单": True, "未下单": False,
        }.items()
    }
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class ColumnPreset:
    """How to read one export format. ``columns`` maps a field to the headers accepted for
    it, preferred first; ``required`` fields must be present or the file is refused.
    Label maps are keyed by normalise_label(label)."""

    name: str
    platform: str
    columns: Mapping[str, tuple[str, ...]]
    required: frozenset[str] = REQUIRED_FIELDS
    rating_labels: Mapping[str, str | None] = field(default_factory=lambda: RATING_LABELS)
    boolean_labels: Mapping[str, bool] = field(default_factory=lambda: BOOLEAN_LABELS)
    rating_stars: bool = False
    title: str = ""

    def __post_init__(self) -> None:
        unknown = set(self.columns) - set(FIELDS)
        if unknown:
            raise ValueError(f"preset {self.name!r}: unknown fields {sorted(unknown)}; known: {', '.join(FIELDS)}")
        unmapped = set(self.required) - set(self.columns)
        if unmapped:
            raise ValueError(f"preset {self.name!r}: required fields {sorted(unmapped)} have no header")
        object.__setattr__(self, "columns", MappingProxyType({f: tuple(h) for f, h in self.columns.items()}))
        object.__setattr__(self, "required", frozenset(self.required))

    def header_for(self, field_name: str) -> str:
        """The header named in messages for a field."""
        return self.columns[field_name][0]

    def match(self, headers: Iterable[str]) -> dict[str, str]:
        """field -> the file's header that holds it, for every field found. When a file has
        two accepted headers for one field, the alias listed first wins."""
        by_normal: dict[str, str] = {}
        for header in headers:
            by_normal.setdefault(normalise_label(header), header)
        found: dict[str, str] = {}
        for field_name, aliases in self.columns.items():
            for alias in aliases:
                matched = by_normal.get(normalise_label(alias))
                if matched is not None:
                    found[field_name] = matched
                    break
        return found

    def missing(self, headers: Iterable[str]) -> list[str]:
        """The required fields whose column is absent, in FIELDS order."""
        found = self.match(headers)
        return [f for f in FIELDS if f in self.required and f not in found]


def preset_from_mapping(
    name: str,
    platform: str,
    mapping: Mapping[str, str | Iterable[str]],
    *,
    rating_labels: Mapping[str, str | None] | None = None,
    boolean_labels: Mapping[str, bool | str] | None = None,
    required: Iterable[str] | None = None,
    rating_stars: bool = True,
) -> ColumnPreset:
    """A preset from config: ``mapping`` is field -> header (or a list of accepted headers).

    ``rating_labels`` (label -> rating name or None) and ``boolean_labels`` (label -> bool)
    extend the built-in labels. ``required`` defaults to every mapped field. Raises
    ValueError on a config mistake (unknown field or rating, no external_id/start)."""
    columns = {f: (headers,) if isinstance(headers, str) else tuple(headers) for f, headers in mapping.items()}
    unmapped = sorted(REQUIRED_FIELDS - set(columns))
    if unmapped:
        raise ValueError(f"preset {name!r}: the mapping needs a header for {', '.join(unmapped)}")
    extra_ratings = {}
    for label, rating in (rating_labels or {}).items():
        if rating is not None and rating not in RATINGS:
            raise ValueError(f"preset {name!r}: rating label {label!r} maps to {rating!r}; use one of {RATINGS}")
        extra_ratings[normalise_label(label)] = rating
    extra_flags = {normalise_label(label): _config_bool(name, label, value) for label, value in (boolean_labels or {}).items()}
    return ColumnPreset(
        name=name,
        platform=platform,
        columns=columns,
        required=frozenset(columns if required is None else required) | REQUIRED_FIELDS,
        rating_labels=MappingProxyType({**RATING_LABELS, **extra_ratings}),
        boolean_labels=MappingProxyType({**BOOLEAN_LABELS, **extra_flags}),
        rating_stars=rating_stars,
        title=name,
    )


def _config_bool(preset: str, label: str, value: bool | str) -> bool:
    if isinstance(value, bool):
        return value
    normal = normalise_label(str(value))
    if normal in BOOLEAN_LABELS:
        return BOOLEAN_LABELS[normal]
    raise ValueError(f"preset {preset!r}: yes/no label {label!r} maps to {value!r}, which is neither yes nor no")


JD = ColumnPreset(
    name="jd",
    platform="jd",
    title="JD 咚咚",
    columns={
        "external_id": ("会话ID", "会话编号", "咚咚会话ID", "sid"),
        "start": ("会话开始时间", "开始时间", "咨询时间", "接入时间"),
        "first_response_s": ("首次响应时长(秒)", "首次响应时长", "首响时长(秒)", "首次响应时间(秒)"),
        "avg_response_s": ("平均响应时长(秒)", "平均响应时长", "平均响应时间(秒)"),
        "customer_messages": ("顾客消息数", "客户消息数", "咨询消息数"),
        "agent_messages": ("客服消息数", "客服回复数", "回复消息数"),
        "rating": ("满意度评价", "评价结果", "顾客评价", "满意度"),
        "resolved": ("是否解决", "问题是否解决", "解决状态"),
        "inquiry": ("是否售前咨询", "售前咨询", "是否询单"),
        "paid": ("是否下单", "是否成交", "咨询后下单"),
    },
)

TMALL = ColumnPreset(
    name="tmall",
    platform="tmall",
    title="Tmall 千牛/赤兔",
    columns={
        "external_id": ("会话ID", "聊天ID", "会话编号"),
        "start": ("会话开始时间", "接待时间", "开始时间", "咨询时间"),
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
    columns={name: (name,) for name in FIELDS},
    rating_stars=True,
)

PRESETS: Mapping[str, ColumnPreset] = MappingProxyType({p.name: p for p in (JD, TMALL, GENERIC)})

__all__ = [
    "BOOLEAN_LABELS",
    "FIELDS",
    "GENERIC",
    "JD",
    "PRESETS",
    "RATING_LABELS",
    "REQUIRED_FIELDS",
    "TMALL",
    "ColumnPreset",
    "preset_from_mapping",
]
