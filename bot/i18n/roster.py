"""Strings of the roster: /roster, /shift, roster sheets (/roster_import) and shift swaps (/swap)."""
from __future__ import annotations

_ZH_DAYS = "一二三四五六日"
_EN_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_EN_LONG = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

MESSAGES: dict[str, dict[str, str]] = {
    **{f"weekday.short.{i}": {"zh": _ZH_DAYS[i], "en": _EN_DAYS[i]} for i in range(7)},
    **{f"weekday.long.{i}": {"zh": f"周{_ZH_DAYS[i]}", "en": _EN_LONG[i]} for i in range(7)},
    "roster.day_range": {"zh": "{first}至{last}", "en": "{first}–{last}"},
    "roster.separator": {"zh": "、", "en": ", "},
    "roster.hours": {"zh": "{start}–{end}", "en": "{start}–{end}"},
    "roster.hours_overnight": {"zh": "{start}–次日{end}", "en": "{start}–{end} (next day)"},
    "roster.date": {"zh": "{md}（{weekday}）", "en": "{weekday} {md}"},
    "roster.valid_from": {"zh": "自 {start} 起", "en": "from {start}"},
    "roster.valid_range": {"zh": "{start} 至 {end}", "en": "{start} to {end}"},
    # /shift and roster sheets
    "shift.set": {
        "zh": "🗓 已排班：{name} · {label} · {days} {hours}，{validity}{replaced}",
        "en": "🗓 Rostered: {name} · {label} · {days} {hours}, {validity}{replaced}",
    },
    "shift.replaced": {"zh": "（替换了 TA 原有的 {count} 条排班）", "en": " (replacing {count} earlier shift(s) of theirs)"},
    "shift.ended": {
        "zh": "🗓 {name} 自 {day} 起不再排在 {label}（结束了 {count} 条排班）",
        "en": "🗓 {name} is off the {label} roster from {day} ({count} shift(s) ended)",
    },
    "roster.imported": {
        "zh": "🗓 已导入排班表 {filename}：{shifts} 条排班，{people} 人",
        "en": "🗓 Roster sheet {filename} imported: {shifts} shift(s) for {people} people",
    },
    "roster.conflicts_title": {
        "zh": "⚠️ 同一账号同时有两人在岗（允许，但请确认）：",
        "en": "⚠️ Two people on one account at the same time (allowed, but please check):",
    },
    "roster.conflict_line": {
        "zh": "• {label}：{first} 与 {second}，{when} 起，共 {count} 次",
        "en": "• {label}: {first} and {second}, from {when}, {count} time(s)",
    },
    # /roster
    "roster.week_title": {"zh": "📅 <b>排班 {week}</b>（{first} 至 {last}，{tz}）", "en": "📅 <b>Roster {week}</b> ({first} to {last}, {tz})"},
    "roster.account": {"zh": "<b>{label}</b>（{account}）", "en": "<b>{label}</b> ({account})"},
    "roster.account_empty": {"zh": "<b>{label}</b>（{account}）：本周无排班", "en": "<b>{label}</b> ({account}): nobody rostered this week"},
    "roster.header_name": {"zh": "姓名", "en": "Name"},
    "roster.header_hours": {"zh": "时间", "en": "Hours"},
    "roster.legend": {
        "zh": "x 上班 · s 换班顶上 · ~ 已换出 · . 休息；跨午夜的班记在开始那天",
        "en": "x on shift · s swapped in · ~ swapped away · . off; a shift past midnight is marked on the day it starts",
    },
    "roster.week_conflicts_title": {"zh": "⚠️ 本周同一账号同时两人在岗：", "en": "⚠️ Two people on one account at once this week:"},
    "error.roster_week_usage": {
        "zh": "用法：/roster [周]，周写成 2026-W48 或该周的某一天 2026-11-25；不写则为本周",
        "en": "Usage: /roster [week], the week as 2026-W48 or any day in it, 2026-11-25; this week if none",
    },
    "error.roster_shift_usage": {
        "zh": "用法：/shift @客服 账号 星期 HH:MM-HH:MM [from 日期] [to 日期]，例如 /shift @lilei jd 1-5 09:00-18:00 from 2026-12-01；"
              "星期写 1-5、1,3,5、6-7 或 一至五；结束早于开始即跨午夜。/shift @客服 账号 off [from 日期] 停排。账号：{keys}",
        "en": "Usage: /shift @agent account weekdays HH:MM-HH:MM [from DATE] [to DATE], e.g. /shift @lilei jd 1-5 09:00-18:00 from 2026-12-01; "
              "weekdays as 1-5, 1,3,5 or 6-7 (1 = Monday); an end before the start runs past midnight. /shift @agent account off [from DATE] "
              "takes them off. Accounts: {keys}",
    },
    "error.roster_bad_weekdays": {
        "zh": "看不懂星期“{value}”：写 1-5、1,3,5、6-7（1 = 周一）或 一至五，未做更改",
        "en": "Cannot read the weekdays “{value}”: write 1-5, 1,3,5 or 6-7 (1 = Monday); nothing changed",
    },
    "error.roster_bad_hours": {
        "zh": "看不懂时间“{value}”：写 09:00-18:00（跨午夜写 22:00-06:00），未做更改",
        "en": "Cannot read the hours “{value}”: write 09:00-18:00 (past midnight: 22:00-06:00); nothing changed",
    },
    "error.roster_bad_date": {
        "zh": "看不懂日期“{value}”：写 from 2026-12-01 或 to 2026-12-31，未做更改",
        "en": "Cannot read “{value}”: write from 2026-12-01 or to 2026-12-31; nothing changed",
    },
    "error.roster_to_before_from": {
        "zh": "结束日期 {end} 早于开始日期 {start}，未做更改",
        "en": "The last day {end} is before the first day {start}; nothing changed",
    },
    "error.roster_unknown_agent": {
        "zh": "找不到客服“{handle}”（用 @用户名、姓名或 Telegram 数字 id），未做更改",
        "en": "No agent “{handle}” (use @username, their name or their Telegram id); nothing changed",
    },
    "error.roster_missing_agent": {"zh": "没有写客服", "en": "no agent given"},
    "error.roster_unknown_account": {"zh": "没有账号“{value}”", "en": "no account “{value}”"},
    "error.roster_nothing_to_end": {
        "zh": "{name} 在 {label} 没有可以结束的排班，未做更改",
        "en": "{name} has no shift on {label} to end; nothing changed",
    },
    "error.roster_import_usage": {
        "zh": "用法：发送排班表（CSV 或 XLSX），说明写 /roster_import。每行一班，列：客服（姓名、@用户名或 tg id）、账号、星期、开始、结束、生效、截止",
        "en": "Usage: send a roster sheet (CSV or XLSX) with the caption /roster_import. One row per shift, columns: agent (name, @username or tg id), "
              "account, weekdays, start, end, from, to",
    },
    "error.roster_sheet_unreadable": {"zh": "无法读取这个排班表：{detail}；未导入", "en": "Cannot read this roster sheet: {detail}; nothing imported"},
    "error.roster_sheet_columns": {
        "zh": "排班表缺少列：{missing}（找到的列：{found}），未导入",
        "en": "The roster sheet lacks the columns {missing} (found: {found}); nothing imported",
    },
    "error.roster_sheet_empty": {"zh": "排班表里没有任何一行，未导入", "en": "The roster sheet has no rows; nothing imported"},
    "error.roster_sheet_too_long": {"zh": "排班表超过 {limit} 行，未导入", "en": "The roster sheet has more than {limit} rows; nothing imported"},
    "error.roster_sheet_rows": {
        "zh": "排班表有 {count} 行有问题，整个表未导入：",
        "en": "{count} row(s) of the roster sheet have problems, so nothing was imported:",
    },
    "roster.sheet_row": {"zh": "• 第 {row} 行：{reason}", "en": "• row {row}: {reason}"},
    # swaps
    "swap.title": {
        "zh": "🔁 <b>换班</b>：{offerer} 把 {label} {when} {hours} 这一班让给 {colleague}",
        "en": "🔁 <b>Shift swap</b>: {offerer} offers their {label} shift on {when}, {hours}, to {colleague}",
    },
    "swap.offered": {"zh": "等待 {colleague} 接受", "en": "Waiting for {colleague} to accept"},
    "swap.accepted": {"zh": "☑️ {colleague} 已接受，等待主管批准", "en": "☑️ {colleague} accepted; waiting for a supervisor to approve"},
    "swap.approved": {"zh": "✅ {supervisor} 已批准：这一班由 {colleague} 上", "en": "✅ Approved by {supervisor}: {colleague} works this shift"},
    "swap.approved_auto": {"zh": "✅ 已自动批准：这一班由 {colleague} 上", "en": "✅ Approved automatically: {colleague} works this shift"},
    "swap.declined": {"zh": "❎ {colleague} 婉拒了，仍由 {offerer} 上", "en": "❎ {colleague} declined; {offerer} keeps the shift"},
    "swap.rejected": {"zh": "❌ {supervisor} 未批准，仍由 {offerer} 上", "en": "❌ {supervisor} did not approve; {offerer} keeps the shift"},
    "swap.withdrawn": {"zh": "↩️ {offerer} 撤回了这次换班", "en": "↩️ {offerer} withdrew the offer"},
    "swap.button.accept": {"zh": "接受", "en": "Accept"},
    "swap.button.decline": {"zh": "婉拒", "en": "Decline"},
    "swap.button.approve": {"zh": "批准", "en": "Approve"},
    "swap.button.reject": {"zh": "驳回", "en": "Reject"},
    "swap.button.withdraw": {"zh": "撤回", "en": "Withdraw"},
    "swap.status.offered": {"zh": "等待接受", "en": "waiting to be accepted"},
    "swap.status.accepted": {"zh": "已接受", "en": "accepted"},
    "swap.status.approved": {"zh": "已批准", "en": "approved"},
    "swap.status.declined": {"zh": "已婉拒", "en": "declined"},
    "swap.status.rejected": {"zh": "已驳回", "en": "rejected"},
    "swap.status.withdrawn": {"zh": "已撤回", "en": "withdrawn"},
    "error.swap_usage": {
        "zh": "用法：/swap 日期 账号 @同事，例如 /swap 2026-11-03 jd @lilei：把你那天在该账号的班让给同事（同事接受、主管批准后生效）。账号：{keys}",
        "en": "Usage: /swap DATE account @colleague, e.g. /swap 2026-11-03 jd @lilei: offer your shift on that account that day to a colleague "
              "(it counts once they accept and a supervisor approves). Accounts: {keys}",
    },
    "error.swap_self": {"zh": "不能把班换给自己", "en": "You cannot swap a shift with yourself"},
    "error.swap_no_shift": {"zh": "你 {day} 在 {label} 没有排班，无法换班", "en": "You are not rostered on {label} on {day}; there is nothing to swap"},
    "error.swap_started": {"zh": "{label} {day} 这一班已经开始，不能再换", "en": "Your {label} shift on {day} has already begun; it can no longer be swapped"},
    "error.swap_already_offered": {
        "zh": "{label} {day} 这一班已经在换班中，未做更改",
        "en": "Your {label} shift on {day} is already offered or swapped; nothing changed",
    },
    "error.swap_stale": {"zh": "这个换班按钮无效或已过期", "en": "This swap button is not valid or out of date"},
    "error.swap_colleague_only": {"zh": "只有 {name} 可以接受或婉拒这次换班", "en": "Only {name} can accept or decline this swap"},
    "error.swap_offerer_only": {"zh": "只有 {name} 可以撤回这次换班", "en": "Only {name} can withdraw this swap"},
    "error.swap_supervisors_only": {"zh": "只有主管可以批准或驳回换班", "en": "Only a supervisor can approve or reject a swap"},
    "error.swap_moved": {"zh": "这次换班现在是“{status}”，未做更改", "en": "This swap is already {status}; nothing changed"},
    "command.roster": {"zh": "本周排班", "en": "This week's roster"},
    "command.swap": {"zh": "把一个班次换给同事", "en": "Offer a shift to a colleague"},
}
