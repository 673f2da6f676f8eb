"""The console, commands, imports, gaps and digest strings."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # console
    "console.title": {"zh": "🎛 <b>{team}</b> 账号控制台", "en": "🎛 <b>{team}</b> account console"},
    "console.held": {"zh": "• {label}：<b>{name}</b> 自 {since} 起", "en": "• {label}: <b>{name}</b> since {since}"},
    "console.free": {"zh": "• {label}：无人接管", "en": "• {label}: nobody"},
    "console.pick_type": {"zh": "为 {label} 记录案例，请选择类型：", "en": "Log a case on {label}: pick its type"},
    "button.take": {"zh": "接管 {label}", "en": "Take over {label}"},
    "button.hand_off": {"zh": "交出 {label}", "en": "Hand off {label}"},
    "button.case": {"zh": "+1 案例 {label}", "en": "+1 case {label}"},
    "button.back": {"zh": "↩ 返回", "en": "↩ Back"},
    "case.consult": {"zh": "咨询", "en": "consult"},
    "case.presale": {"zh": "售前", "en": "pre-sale"},
    "case.aftersale": {"zh": "售后", "en": "after-sale"},
    "case.complaint": {"zh": "投诉", "en": "complaint"},
    "case.other": {"zh": "其他", "en": "other"},
    # toasts and replies
    "took": {"zh": "✅ {name} 接管了 {label}", "en": "✅ {name} took over {label}"},
    "took_from": {"zh": "🔁 {name} 从 {previous} 接管了 {label}", "en": "🔁 {name} took over {label} from {previous}"},
    "handed_off": {"zh": "👋 {name} 交出了 {labels}", "en": "👋 {name} handed off {labels}"},
    "case_logged": {"zh": "📝 {name} 在 {label} 记录了 1 个{case_type}案例", "en": "📝 {name} logged a {case_type} case on {label}"},
    "toast.took": {"zh": "已接管 {label}", "en": "You hold {label} now"},
    "toast.handed_off": {"zh": "已交出 {label}", "en": "Handed off {label}"},
    "toast.case_logged": {"zh": "已记录：{case_type}", "en": "Logged: {case_type}"},
    "toast.pick_type": {"zh": "请选择案例类型", "en": "Pick the case type"},
    "toast.ok": {"zh": "好的", "en": "OK"},
    # refusals
    "error.already_holding": {"zh": "你已经在接管 {label}", "en": "You already hold {label}"},
    "error.not_holding": {"zh": "你没有接管 {label}", "en": "You don't hold {label}"},
    "error.not_holding_any": {"zh": "你目前没有接管任何账号。先点“接管”或发送 /on &lt;账号&gt;", "en": "You hold no account. Tap “Take over” or send /on &lt;account&gt; first"},
    "error.holds_several": {"zh": "你同时接管了 {labels}，请指明账号：/case <类型> 前加账号，例如 /case {first} 咨询", "en": "You hold {labels}; name the account, e.g. /case {first} consult"},
    "error.unknown_account": {"zh": "没有账号“{key}”。可用账号：{keys}", "en": "There is no account “{key}”. Accounts: {keys}"},
    "error.unknown_case_type": {"zh": "没有案例类型“{value}”。可用类型：{types}", "en": "Unknown case type “{value}”. Types: {types}"},
    "error.holder_only": {"zh": "只有当前接管人 {name} 可以这样做", "en": "Only the current holder, {name}, can do that"},
    "error.held_by_now": {"zh": "{label} 现在由 {name} 接管，未做更改", "en": "{label} is now held by {name}; nothing changed"},
    "error.moved_meanwhile": {"zh": "账号刚刚换了人，未做更改；请看最新的控制台", "en": "The account just changed hands; nothing changed. Check the console"},
    "error.stale_button": {"zh": "这个按钮已过期，请发送 /console 获取新的控制台", "en": "This button is out of date; send /console for a fresh console"},
    "error.before_start": {"zh": "时间早于接管开始时间，操作未执行", "en": "That time is before the hold began; nothing changed"},
    "error.note_too_long": {"zh": "备注太长（最多 {limit} 字）", "en": "The note is too long (at most {limit} characters)"},
    "usage.on": {"zh": "用法：/on &lt;账号&gt;。可用账号：{keys}", "en": "Usage: /on &lt;account&gt;. Accounts: {keys}"},
    # standings and digest
    "standings.title": {"zh": "🏆 <b>{day} 排行</b>", "en": "🏆 <b>Standings for {day}</b>"},
    "standings.empty": {"zh": "今天还没有记录。", "en": "Nothing recorded yet."},
    "standings.header": {"zh": "名次 姓名 时长 会话 案例 积分", "en": "Rank Agent Hours Convs Cases Points"},
    "digest.title": {"zh": "📊 <b>{team} 日报 · {day}</b>", "en": "📊 <b>{team} daily digest · {day}</b>"},
    "digest.coverage": {"zh": "<b>账号覆盖</b>", "en": "<b>Coverage</b>"},
    "digest.coverage_line": {"zh": "• {label}：{held} / {elapsed} 小时（{percent}%）", "en": "• {label}: {held} of {elapsed} h ({percent}%)"},
    "digest.open_holds": {"zh": "<b>仍在接管</b>", "en": "<b>Still held</b>"},
    "digest.open_line": {"zh": "• {label}：{name} 自 {since} 起", "en": "• {label}: {name} since {since}"},
    "digest.none_open": {"zh": "• 无", "en": "• none"},
    "digest.late": {"zh": "⏰ 补发：到点时机器人未在运行", "en": "⏰ Posted late: the bot was not running when this was due"},
    # imports
    "import.report": {
        "zh": "📥 <b>导入 {filename}</b> → {label}（格式 {preset}）\n读取 {read} 行：新增 {new}，重复 {duplicates}，拒绝 {rejected}",
        "en": "📥 <b>Imported {filename}</b> → {label} (format {preset})\nRows read {read}: new {new}, duplicate {duplicates}, rejected {rejected}",
    },
    "import.rejected_line": {"zh": "• 第 {row} 行：{reason}{detail}", "en": "• row {row}: {reason}{detail}"},
    "import.more_rejected": {"zh": "• ……另有 {count} 行被拒绝", "en": "• … and {count} more rejected rows"},
    "import.attribution": {
        "zh": "新会话归属：接管人 {held}，排班 {roster}，未归属 {unattributed}",
        "en": "New conversations credited: to holders {held}, by roster {roster}, unattributed {unattributed}",
    },
    "import.gaps_hint": {"zh": "用 /gaps 查看无人接管的时段，用 /assign 补记。", "en": "See /gaps for the windows nobody held; credit them with /assign."},
    "reason.missing_id": {"zh": "缺少会话ID", "en": "no conversation id"},
    "reason.bad_id": {"zh": "会话ID无效", "en": "invalid conversation id"},
    "reason.duplicate_in_file": {"zh": "文件内重复", "en": "duplicate within the file"},
    "reason.bad_time": {"zh": "时间无法识别", "en": "unreadable time"},
    "reason.bad_number": {"zh": "数字无效", "en": "invalid number"},
    "reason.bad_rating": {"zh": "评价无法识别", "en": "unknown rating"},
    "reason.bad_flag": {"zh": "是/否无法识别", "en": "unreadable yes/no"},
    "error.export_refused.missing_columns": {
        "zh": "文件被拒绝，未导入任何数据：缺少列 {missing}。\n需要的列：{expected}\n文件中的列：{found}",
        "en": "File refused, nothing imported: missing columns {missing}.\nExpected: {expected}\nFound: {found}",
    },
    "error.export_refused.unknown_format": {
        "zh": "文件被拒绝，未导入任何数据：无法识别导出格式（最接近的格式缺少 {missing}）。\n需要的列：{expected}\n文件中的列：{found}",
        "en": "File refused, nothing imported: unknown export format (the closest one lacks {missing}).\nExpected: {expected}\nFound: {found}",
    },
    "error.export_refused.ambiguous_format": {
        "zh": "文件被拒绝，未导入任何数据：多个格式都符合，请指定格式。\n文件中的列：{found}",
        "en": "File refused, nothing imported: several formats fit; name one.\nFound: {found}",
    },
    "error.export_unreadable": {"zh": "无法读取文件，未导入任何数据（{reason}）：{detail}", "en": "Cannot read the file, nothing imported ({reason}): {detail}"},
    "error.unknown_preset": {"zh": "没有导入格式“{preset}”。可用：{presets}", "en": "There is no import format “{preset}”. Formats: {presets}"},
    "error.supervisors_only": {"zh": "只有主管可以使用 /{command}，未做任何更改", "en": "Only supervisors can use /{command}; nothing changed"},
    "error.file_too_large": {"zh": "文件太大（最多 {limit} MB）", "en": "The file is too large (at most {limit} MB)"},
    "usage.import": {
        "zh": "请把导出文件（CSV 或 XLSX）作为文件发送，并在说明里写 /import &lt;账号&gt;。可用账号：{keys}",
        "en": "Send the export (CSV or XLSX) as a file with the caption /import &lt;account&gt;. Accounts: {keys}",
    },
    # gaps and assign
    "gaps.title": {"zh": "🕳 <b>{day} 无人接管却有会话的时段</b>", "en": "🕳 <b>{day}: windows with conversations and no holder</b>"},
    "gaps.none": {"zh": "• 没有，所有会话都已归属", "en": "• none: every conversation was credited"},
    "gaps.line": {"zh": "• {label}（{account}）{start}–{end}：{count} 个会话", "en": "• {label} ({account}) {start}–{end}: {count} conversations"},
    "gaps.hint": {"zh": "补记：/assign &lt;账号&gt; [日期] &lt;开始&gt; &lt;结束&gt; @客服", "en": "To credit one: /assign &lt;account&gt; [date] &lt;from&gt; &lt;to&gt; @agent"},
    "usage.gaps": {"zh": "用法：/gaps [YYYY-MM-DD]", "en": "Usage: /gaps [YYYY-MM-DD]"},
    "usage.assign": {
        "zh": "用法：/assign &lt;账号&gt; [YYYY-MM-DD] &lt;HH:MM&gt; &lt;HH:MM&gt; @客服，例如 /assign jd 14:00 18:00 @lilei",
        "en": "Usage: /assign &lt;account&gt; [YYYY-MM-DD] &lt;HH:MM&gt; &lt;HH:MM&gt; @agent, e.g. /assign jd 14:00 18:00 @lilei",
    },
    "assigned": {
        "zh": "🧾 {day} {start}–{end} 的 {label} 已记给 {name}（该时段 {count} 个会话）",
        "en": "🧾 {label} {day} {start}–{end} credited to {name} ({count} conversations in the window)",
    },
    "error.assign_empty_window": {"zh": "结束时间必须晚于开始时间", "en": "The end must be after the start"},
    "error.assign_in_future": {"zh": "只能补记已经过去的时段", "en": "Only time that has passed can be assigned"},
    "error.assign_overlaps": {
        "zh": "该时段与 {name} 的接管（{start}–{end}）重叠；只能补记无人接管的时间",
        "en": "That window overlaps {name}'s hold ({start}–{end}); only unheld time can be assigned",
    },
    "error.unknown_agent": {"zh": "找不到客服“{handle}”（用 @用户名 或姓名）", "en": "No agent “{handle}” (use @username or their name)"},
    "digest.conversations": {
        "zh": "<b>会话</b>：导入 {imported}，归属接管人 {held}，按排班 {roster}，未归属 {unattributed}",
        "en": "<b>Conversations</b>: imported {imported}, to holders {held}, by roster {roster}, unattributed {unattributed}",
    },
    # metrics
    "metrics.title": {"zh": "📈 <b>{period} 服务指标</b>", "en": "📈 <b>Service metrics, {period}</b>"},
    "metrics.empty": {"zh": "这段时间还没有导入的会话。", "en": "No imported conversations in this period."},
    "metrics.header": {"zh": "姓名 会话 首响 30秒 满意 转化 解决", "en": "Agent Convs 1st-rep ≤30s Sat Conv Res"},
    "metrics.legend": {
        "zh": "首响=平均首次响应；30秒=30秒应答率；满意=满意度（评价少时向团队均值收缩）；转化=询单转化率；解决=解决率",
        "en": "1st-rep = average first response; ≤30s = 30-second reply rate; Sat = satisfaction (shrunk toward the team when ratings are few); Conv = inquiry→paid; Res = resolved rate",
    },
    "usage.stats": {"zh": "用法：/stats [YYYY-MM-DD 或 YYYY-MM]", "en": "Usage: /stats [YYYY-MM-DD or YYYY-MM]"},
    # help
    "help": {
        "zh": (
            "<b>Baton 指令</b>\n"
            "/console — 发出账号控制台（按钮接管、交出、记案例）\n"
            "/on &lt;账号&gt; — 接管账号\n"
            "/off [账号] — 交出账号（不写则交出全部）\n"
            "/case [类型] [订单号或备注] — 记录一个案例；类型：咨询 售前 售后 投诉 其他\n"
            "/standings — 今日排行\n"
            "/stats [日期或月份] — 服务指标（会话、首响、满意度、转化、解决）\n"
            "/me — 我的本月得分明细（私聊机器人）；/rules — 计分规则\n"
            "主管：发送导出文件并写 /import &lt;账号&gt;；/gaps；/assign；/adjust；/why；/set_weight；/close_month；/reopen_month\n"
            "/roster [周] — 一周排班；/swap 日期 账号 @同事 — 把你的一班让给同事（同事接受、主管批准）\n"
            "主管排班：/shift @客服 账号 星期 HH:MM-HH:MM [from 日期] [to 日期]；或发送排班表（CSV/XLSX）并写 /roster_import\n"
            "/left HH:MM [账号] — 忘了下班时补记离开时间；/profile — 我的人才档案（私聊）；/skills 技能… — 自述技能\n"
            "主管：/tag、/untag @客服 技能…；/talent 技能；/audit [条数]\n"
            "/help — 本帮助\n"
            "账号：{keys}"
        ),
        "en": (
            "<b>Baton commands</b>\n"
            "/console — post the account console (buttons to take over, hand off, log cases)\n"
            "/on &lt;account&gt; — take over an account\n"
            "/off [account] — hand off an account (all of yours if none is named)\n"
            "/case [type] [order no. or note] — log a case; types: consult presale aftersale complaint other\n"
            "/standings — today's standings\n"
            "/stats [date or month] — service metrics (conversations, first response, satisfaction, conversion, resolved)\n"
            "/me — my score this month, explained (private chat); /rules — the scoring rules\n"
            "Supervisors: send an export with the caption /import &lt;account&gt;; /gaps; /assign; /adjust; /why; /set_weight; /close_month; /reopen_month\n"
            "/roster [week] — the week's roster; /swap DATE account @colleague — offer one of your shifts to a colleague (they accept, a supervisor approves)\n"
            "Supervisors' roster: /shift @agent account weekdays HH:MM-HH:MM [from DATE] [to DATE]; or send a roster sheet (CSV/XLSX) with the caption /roster_import\n"
            "/left HH:MM [account] — say when you actually left, if you forgot to hand off; /profile — my talent profile (private); /skills skill… — declare your skills\n"
            "Supervisors: /tag, /untag @agent skill…; /talent skill; /audit [n]\n"
            "/help — this help\n"
            "Accounts: {keys}"
        ),
    },
    "command.console": {"zh": "发出账号控制台", "en": "Post the account console"},
    "command.on": {"zh": "接管账号", "en": "Take over an account"},
    "command.off": {"zh": "交出账号", "en": "Hand off an account"},
    "command.case": {"zh": "记录案例", "en": "Log a case"},
    "command.standings": {"zh": "今日排行", "en": "Today's standings"},
    "command.help": {"zh": "帮助", "en": "Help"},
    "command.stats": {"zh": "服务指标", "en": "Service metrics"},
}
