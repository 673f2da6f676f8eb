"""Strings of the reminders (long holds, forgotten clock-offs, auto-closes, unattended accounts,
late starts) and of the digest's "needs attention" section."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # long hold
    "reminder.long_hold": {
        "zh": "⏳ 你已连续接管 {label} {hours} 小时（自 {since} 起）。还在值班吗？",
        "en": "⏳ You have held {label} for {hours} h (since {since}). Still on it?",
    },
    "button.still_on": {"zh": "还在值班", "en": "Still on"},
    "button.hand_off_now": {"zh": "现在交出", "en": "Hand off now"},
    "reminder.still_on_done": {"zh": "👍 好的，{label} 继续由你接管。", "en": "👍 OK, {label} stays with you."},
    "reminder.handed_off_done": {"zh": "👋 已交出 {label}（{at}）。", "en": "👋 Handed off {label} at {at}."},
    # forgotten clock-off
    "reminder.clock_off": {
        "zh": "🌙 你在 {label} 的接管（自 {since} 起）到当天结束时还没有交出。你实际是什么时候离开的？\n"
        "最后活动：{last}（{source}）。\n"
        "点下面的按钮按最后活动时间结束；或回复这条消息发送离开时间（如 18:30），也可以发送 /left 18:30。",
        "en": "🌙 Your hold on {label} (since {since}) was still open when the day ended. When did you actually leave?\n"
        "Last activity: {last} ({source}).\n"
        "Tap the button to end it at your last activity, or reply to this message with the time you left (e.g. 18:30), "
        "or send /left 18:30.",
    },
    "reminder.source.start": {"zh": "接管开始时", "en": "when you took over"},
    "reminder.source.case": {"zh": "你记录的最后一个案例", "en": "your last case"},
    "reminder.source.conversation": {"zh": "该账号当天最后一个会话", "en": "the account's last conversation that day"},
    "button.left_at": {"zh": "{time} 离开（最后活动）", "en": "Left at {time} (last activity)"},
    "reminder.clocked_off": {"zh": "✅ 已记录：你在 {label} 的接管结束于 {at}。", "en": "✅ Recorded: your hold on {label} ended at {at}."},
    "usage.left": {
        "zh": "用法：/left HH:MM [账号]，例如 /left 18:30：回答“你什么时候离开的”提问。",
        "en": "Usage: /left HH:MM [account], e.g. /left 18:30: answers the “when did you leave?” question.",
    },
    "error.left_before_start": {
        "zh": "{at} 早于你接管 {label} 的时间（{start}），未记录。请发送 {start} 之后、现在之前的时间。",
        "en": "{at} is before your hold on {label} began ({start}); nothing changed. Send a time between {start} and now.",
    },
    "error.left_in_future": {
        "zh": "{at} 还没到，未记录。请发送 {start} 之后、现在之前的时间。",
        "en": "{at} has not come yet; nothing changed. Send a time between {start} and now.",
    },
    "error.left_nothing_asked": {
        "zh": "没有等你回答的离开时间提问，未记录。",
        "en": "No “when did you leave?” question is waiting for you; nothing changed.",
    },
    "error.left_which": {
        "zh": "你有多个账号在等离开时间：{labels}。请指明账号，例如 /left 18:30 {first}",
        "en": "Several accounts wait for the time you left: {labels}. Name one, e.g. /left 18:30 {first}",
    },
    # answers that came too late or from someone else
    "error.reminder_answered": {"zh": "这个提醒已经处理过了", "en": "This reminder has been answered already"},
    "error.reminder_hold_gone": {"zh": "{label} 的这次接管已经结束，无需操作。", "en": "That hold on {label} has ended already; nothing to do."},
    "error.reminder_not_yours": {"zh": "这个提醒不是发给你的", "en": "This reminder is not yours"},
    # auto-close
    "reminder.auto_closed": {
        "zh": "⏱ 你在 {label} 的接管（自 {since} 起）一直没有回答离开时间，已按最后活动时间 {at} 自动结束，并标记给主管复核。",
        "en": "⏱ You did not say when you left {label} (held since {since}), so the hold was closed at your last activity, "
        "{at}, and flagged for a supervisor to review.",
    },
    # unattended account, in the group
    "reminder.unattended": {
        "zh": "⚠️ {label} 自 {since} 起无人接管（已 {minutes} 分钟，服务时段 {hours}）。值班的同事请接管：/on {account}",
        "en": "⚠️ Nobody has held {label} since {since} ({minutes} min, inside its service hours {hours}). "
        "Whoever is on duty: /on {account}",
    },
    # late start
    "reminder.late_start": {
        "zh": "⏰ 你在 {label} 的班次 {start} 开始，已过 {minutes} 分钟还没有接管。开始工作时请发送 /on {account}（或在控制台点“接管”）。",
        "en": "⏰ Your shift on {label} started at {start}, {minutes} min ago, and you have not taken over yet. "
        "Send /on {account} (or tap Take over on the console) when you start.",
    },
    # the digest's "needs attention" section, for supervisors
    "attention.title": {"zh": "<b>需要关注（主管）</b>", "en": "<b>Needs attention (supervisors)</b>"},
    "attention.none": {"zh": "• 无", "en": "• nothing"},
    "attention.overlap": {
        "zh": "• {label}：{first}（{first_span}）与 {second}（{second_span}）的接管重叠",
        "en": "• {label}: {first}'s hold ({first_span}) overlaps {second}'s ({second_span})",
    },
    "attention.long": {"zh": "• {label}：{name} 连续接管 {hours} 小时（{span}）", "en": "• {label}: {name} held it for {hours} h ({span})"},
    "attention.auto_closed": {
        "zh": "• {label}：{name} 的接管（{span}）未回答离开时间，已自动结束，请复核",
        "en": "• {label}: {name}'s hold ({span}) was closed automatically, unanswered: please review",
    },
    "attention.unattributed": {
        "zh": "• {label}：{count} 个会话未归属（/gaps {day}）",
        "en": "• {label}: {count} unattributed conversations (/gaps {day})",
    },
    "attention.no_import": {"zh": "• {label}：{days} 没有导入会话", "en": "• {label}: no conversations imported for {days}"},
    "command.left": {"zh": "补记下班时间", "en": "Say when you actually left"},
}
