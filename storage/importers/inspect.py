"""Help with a format no preset knows: what each preset matched and missed, and a guessed mapping.

``format_help`` works on a header alone (a refusal carries it); ``inspect_export`` reads the
top of a file for it (what `baton inspect FILE` prints). The guess compares each header with
the built-in presets' aliases and with CJK and English synonyms (咨询单号 -> external_id,
咨询开始时间 -> start, 首响时长 -> first_response_s), picks the shape the guessed fields make,
and writes a ``[presets.NAME]`` table ready to paste into the config.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storage.importers.fields import MESSAGES, SESSIONS, SHAPE_FIELDS, TOTALS, TOTALS_COUNTS
from storage.importers.limits import DEFAULT_LIMITS, ReadLimits
from storage.importers.preset import ColumnPreset, known_headers
from storage.importers.values import normalise_label

_EXACT = 100  # a header that is some built-in preset's alias for the field

# Words a header for each field tends to contain; the longest match wins.
SYNONYMS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    SESSIONS: {
        "external_id": ("会话id", "会话编号", "会话号", "咨询单号", "咨询编号", "咨询id", "单号", "编号", "sessionid", "sid", "id"),
        "customer": ("顾客", "客户", "买家", "用户", "会员", "旺旺", "customer", "buyer", "nick"),
        "start": ("开始时间", "发起时间", "接入时间", "咨询时间", "会话时间", "进线时间", "开始", "begin", "start"),
        "first_reply_at": ("首次回复时间", "回复时间", "replytime", "firstreply"),
        "session_type": ("会话类型", "sessiontype"),
        "first_response_s": ("首次响应", "首响", "首次回复时长", "firstresponse"),
        "avg_response_s": ("平均响应", "平均回复", "avgresponse"),
        "customer_messages": ("顾客消息", "客户消息", "买家消息", "用户消息", "咨询消息"),
        "agent_messages": ("客服消息", "回复消息", "客服回复"),
        "rating": ("满意度", "评价", "评分", "rating"),
        "resolved": ("解决", "resolved"),
        "inquiry": ("询单", "售前", "inquiry"),
        "paid": ("下单", "付款", "成交", "转化", "支付", "paid"),
    },
    MESSAGES: {
        "time": ("消息时间", "发送时间", "时间", "time"),
        "customer": ("顾客", "客户", "买家", "用户", "customer", "buyer"),
        "sender": ("发送人", "发送方", "发送者", "发言人", "sender"),
        "from_shop": ("waitersend", "客服发送"),
    },
    TOTALS: {
        "day": ("日期", "date", "day"),
        "hour": ("小时", "时段", "hour"),
        "agent": ("客服", "旺旺", "昵称", "子账号", "agent"),
        "received": ("接待人数", "接待量", "received"),
        "consulted": ("咨询人数", "咨询量", "聊天人数", "consulted"),
        "effective_received": ("有效接待",),
        "unanswered": ("未回复",),
        "slow_received": ("慢接待", "慢响应"),
        "inquiries": ("询单人数",),
        "inquiry_paid": ("付款人数",),
        "very_satisfied": ("很满意", "非常满意"),
        "satisfied": ("满意",),
        "neutral": ("一般",),
        "dissatisfied": ("不满", "不满意"),
        "very_dissatisfied": ("很不满", "非常不满", "很不满意", "非常不满意"),
        "customer_messages": ("买家消息", "顾客消息"),
        "agent_messages": ("客服消息",),
        "sales_cents": ("销售额", "金额"),
        "reply_rate": ("回复率",),
        "three_min_reply_rate": ("3分钟",),
        "inquiry_conversion": ("转化率", "成功率"),
        "first_response_s": ("首次响应", "首响"),
        "avg_response_s": ("平均响应",),
        "avg_reception_s": ("接待时长",),
    },
}


@dataclass(frozen=True)
class PresetFit:
    """How one preset fares: ``matched`` field -> header, ``missing`` the headers it requires
    and did not find (its preferred names), ``fits`` when none is missing."""

    preset: str
    shape: str
    matched: Mapping[str, str]
    missing: tuple[str, ...]
    fits: bool


@dataclass(frozen=True)
class FormatHelp:
    """``fitting`` names every preset that fits (several: choose one); ``guessed`` is a mapping
    field -> header for ``shape`` (``key`` when it has no id), and ``toml`` the same, to paste."""

    header_rows: tuple[int, ...]
    headers: tuple[str, ...]
    fits: tuple[PresetFit, ...]
    fitting: tuple[str, ...]
    shape: str
    guessed: Mapping[str, str]
    key: tuple[str, ...]
    toml: str


def format_help(
    headers: Sequence[str],
    presets: Mapping[str, ColumnPreset],
    header_rows: tuple[int, ...] = (),
    *,
    name: str = "mine",
    platform: str = "other",
) -> FormatHelp:
    fits = tuple(
        sorted(
            (
                PresetFit(p.name, p.shape, p.match(headers), tuple(p.header_for(f) for f in p.missing(headers)), not p.missing(headers))
                for p in presets.values()
            ),
            key=lambda fit: (not fit.fits, len(fit.missing), -len(fit.matched)),
        )
    )
    shape, guessed, key = guess_mapping(headers, presets)
    return FormatHelp(
        header_rows=tuple(header_rows),
        headers=tuple(headers),
        fits=fits,
        fitting=tuple(fit.preset for fit in fits if fit.fits),
        shape=shape,
        guessed=guessed,
        key=key,
        toml=preset_toml(name, platform, shape, guessed, key),
    )


def inspect_export(
    data: bytes, filename: str, presets: Mapping[str, ColumnPreset] | None = None, limits: ReadLimits = DEFAULT_LIMITS
) -> FormatHelp:
    """The header of a file and how every preset fares with it; reads only its first rows."""
    from storage.importers.presets import PRESETS
    from storage.importers.table import read_export_table

    presets = PRESETS if presets is None else presets
    header = read_export_table(data, filename, known_headers(presets.values()), limits).header
    return format_help(list(header.names), presets, header.rows)


def guess_mapping(headers: Sequence[str], presets: Mapping[str, ColumnPreset]) -> tuple[str, dict[str, str], tuple[str, ...]]:
    """(shape, field -> header, key) that the headers most likely mean."""
    guesses = {shape: _guess(headers, shape, presets) for shape in SYNONYMS}
    messages, totals, sessions = guesses[MESSAGES], guesses[TOTALS], guesses[SESSIONS]
    if {"time", "customer"} <= set(messages) and {"sender", "from_shop"} & set(messages):
        return MESSAGES, messages, ()
    if sum(f in totals for f in TOTALS_COUNTS) >= 2 and "start" not in sessions:
        return TOTALS, totals, ()
    key = ("external_id",) if "external_id" in sessions or "customer" not in sessions else ("customer", "start")
    return SESSIONS, sessions, key


def preset_toml(name: str, platform: str, shape: str, mapping: Mapping[str, str], key: Sequence[str]) -> str:
    """A ``[presets.NAME]`` table for the config; strings are JSON-quoted, which TOML reads alike."""
    quote = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731
    lines = [f"[presets.{name}]", f"platform = {quote(platform)}"]
    if shape != SESSIONS:
        lines.append(f"shape = {quote(shape)}")
    if key and tuple(key) != ("external_id",):
        lines.append(f"key = [{', '.join(quote(k) for k in key)}]")
    pairs = ", ".join(f"{field} = {quote(header)}" for field, header in mapping.items())
    lines.append(f"columns = {{ {pairs} }}")
    return "\n".join(lines) + "\n"


def _guess(headers: Sequence[str], shape: str, presets: Mapping[str, ColumnPreset]) -> dict[str, str]:
    """Each header to at most one field and each field to at most one header, best matches first."""
    fields = SHAPE_FIELDS[shape]
    aliases = {f: {normalise_label(a) for p in presets.values() if p.shape == shape for a in p.columns.get(f, ())} for f in fields}
    candidates = sorted(
        (-score, position, order, field, header)
        for position, header in enumerate(headers)
        for order, field in enumerate(fields)
        if (score := _score(normalise_label(header), aliases[field], SYNONYMS[shape].get(field, ())))
    )
    taken_headers: set[int] = set()
    guessed: dict[str, str] = {}
    for _, position, _, field, header in candidates:
        if field not in guessed and position not in taken_headers:
            guessed[field] = header
            taken_headers.add(position)
    return {f: guessed[f] for f in fields if f in guessed}


def _score(header: str, aliases: set[str], words: Sequence[str]) -> int:
    if header in aliases:
        return _EXACT
    return max((len(word) for word in words if word in header), default=0)


__all__ = ["SYNONYMS", "FormatHelp", "PresetFit", "format_help", "guess_mapping", "inspect_export", "preset_toml"]
