"""Strings of the month: adjustments, the close, reopening and the monthly digest."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "scheme.proportional": {"zh": "按积分比例", "en": "proportional"},
    "scheme.tiers": {"zh": "分档", "en": "tiers"},
    "scheme.team_fund": {"zh": "全部计入团队基金", "en": "all to the team fund"},
    "scheme.hybrid": {"zh": "团队基金 + 按积分比例", "en": "team fund + proportional"},
    "adjusted": {
        "zh": "⚖️ {by} 调整了 {name} 的积分 {points}（{month}）：{reason}",
        "en": "⚖️ {by} adjusted {name} by {points} points ({month}): {reason}",
    },
    "usage.adjust": {
        "zh": "用法：/adjust @客服 ±分数 [YYYY-MM] 原因（也可回复该客服的消息：/adjust ±分数 原因）",
        "en": "Usage: /adjust @agent ±points [YYYY-MM] reason (or reply to their message: /adjust ±points reason)",
    },
    "error.adjust_needs_reason": {"zh": "调整必须写明原因，未做任何更改", "en": "An adjustment needs a reason; nothing changed"},
    "error.adjust_points_range": {"zh": "分数必须非零，且绝对值不超过 1000", "en": "Points must be non-zero and at most 1000 either way"},
    "error.bad_month": {"zh": "月份“{month}”无效，请写成 YYYY-MM", "en": "“{month}” is not a month; write YYYY-MM"},
    "error.month_in_future": {"zh": "{month} 还没有开始", "en": "{month} has not started yet"},
    "error.month_closed": {
        "zh": "{month} 已结算冻结，不能再修改。如需更正：/reopen_month {month} 原因",
        "en": "{month} is closed and frozen. To correct it: /reopen_month {month} reason",
    },
    "error.month_not_over": {"zh": "{month} 还没有结束，不能结算", "en": "{month} is not over yet; it cannot be closed"},
    "error.month_not_closed": {"zh": "{month} 没有已结算的版本", "en": "{month} has no closed version"},
    "error.preview_stale": {
        "zh": "预览之后数据有变化，未结算。请重新发送 /close_month {month} 查看新的预览",
        "en": "The data changed after the preview; nothing was closed. Send /close_month {month} again for a fresh preview",
    },
    "error.reopen_needs_reason": {"zh": "重新打开必须写明原因", "en": "Reopening needs a reason"},
    "usage.close_month": {
        "zh": "用法：/close_month [YYYY-MM] [奖金池金额]，例如 /close_month 2026-10 12000。配置里没有 [payout] pool 时必须写金额",
        "en": "Usage: /close_month [YYYY-MM] [pool], e.g. /close_month 2026-10 12000. The pool is required when [payout] pool is not set",
    },
    "usage.reopen_month": {"zh": "用法：/reopen_month YYYY-MM 原因", "en": "Usage: /reopen_month YYYY-MM reason"},
    "close.preview_title": {"zh": "🧮 <b>{month} 结算预览</b>（规则第 {version} 版，方案：{scheme}）", "en": "🧮 <b>Close {month}: preview</b> (rules v{version}, scheme: {scheme})"},
    "close.title": {"zh": "🔒 <b>{month} 已结算</b>（第 {close_version} 版，规则第 {version} 版，方案：{scheme}）", "en": "🔒 <b>{month} closed</b> (version {close_version}, rules v{version}, scheme: {scheme})"},
    "close.header": {"zh": "名次 姓名 得分 档位 发放", "en": "Rank Agent Score Tier Payout"},
    "close.team_fund": {"zh": "团队基金：{amount}", "en": "Team fund: {amount}"},
    "close.total": {"zh": "合计：{amount}（奖金池 {pool}）", "en": "Total: {amount} (pool {pool})"},
    "close.checksum": {"zh": "校验码 {checksum}", "en": "Checksum {checksum}"},
    "close.confirm_hint": {"zh": "确认后将冻结本月，无法再修改。", "en": "Confirming freezes the month; it cannot be edited afterwards."},
    "button.confirm_close": {"zh": "✅ 确认结算", "en": "✅ Confirm"},
    "button.cancel_close": {"zh": "✖ 取消", "en": "✖ Cancel"},
    "close.cancelled": {"zh": "已取消 {month} 的结算，未做任何更改。", "en": "Closing {month} was cancelled; nothing changed."},
    "toast.closed": {"zh": "{month} 已结算", "en": "{month} is closed"},
    "toast.cancelled": {"zh": "已取消", "en": "Cancelled"},
    "toast.supervisors_only": {"zh": "只有主管可以结算", "en": "Only supervisors can close a month"},
    "close.already": {
        "zh": "{month} 已结算（第 {version} 版）。如需更正：/reopen_month {month} 原因",
        "en": "{month} is already closed (version {version}). To correct it: /reopen_month {month} reason",
    },
    "reopened": {
        "zh": "🔓 {by} 重新打开了 {month}（第 {version} 版保留）：{reason}",
        "en": "🔓 {by} reopened {month} (version {version} is kept): {reason}",
    },
    "monthly.title": {"zh": "🗓 <b>{month} 月度排行（暂定）</b>", "en": "🗓 <b>{month} standings (provisional)</b>"},
    "monthly.collaboration": {"zh": "🤝 协作之星：{name}（{points} 协作分）", "en": "🤝 Most collaboration: {name} ({points} points)"},
    "monthly.reminder": {"zh": "主管请核对后结算：/close_month {month}", "en": "Supervisors: check and close it with /close_month {month}"},
    "command.close_month": {"zh": "结算月份（主管）", "en": "Close a month (supervisors)"},
    "command.adjust": {"zh": "调整积分（主管）", "en": "Adjust points (supervisors)"},
}
