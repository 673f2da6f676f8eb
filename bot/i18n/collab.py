"""Strings of collaboration: peer thanks, handover notes, joining at peak load."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    # thanks
    "collab.thanked": {"zh": "🙏 {giver} 感谢 {receiver}", "en": "🙏 {giver} thanks {receiver}"},
    "collab.thanked_for": {"zh": "🙏 {giver} 感谢 {receiver}：{reason}", "en": "🙏 {giver} thanks {receiver}: {reason}"},
    "collab.reciprocal_flag": {
        "zh": "🚩 互相感谢提醒（{month}）：{first} 与 {second} 本月互相感谢了 {first_to_second} 次和 {second_to_first} 次"
        "（提醒阈值：各 {threshold} 次）。感谢已照常记录，这只是提醒，请酌情核查。",
        "en": "🚩 Mutual thanks ({month}): {first} and {second} have thanked each other {first_to_second} and "
        "{second_to_first} times this month (flagged at {threshold} each way). The thanks were recorded as usual; "
        "this is only for you to look at.",
    },
    "usage.thanks": {
        "zh": "用法：回复同事的消息发送 /thanks [原因]，或 /thanks @用户名 [原因]、/thanks 姓名 [原因]",
        "en": "Usage: reply to a colleague's message with /thanks [reason], or /thanks @username [reason] or /thanks Name [reason]",
    },
    "error.thanks_usage": {
        "zh": "要感谢谁？回复同事的消息发送 /thanks [原因]，或 /thanks @用户名 [原因]",
        "en": "Thank whom? Reply to a colleague's message with /thanks [reason], or send /thanks @username [reason]",
    },
    "error.thanks_self": {
        "zh": "不能感谢自己哦，未记录。感谢一位帮过你的同事吧：回复 TA 的消息发送 /thanks",
        "en": "You can't thank yourself; nothing was recorded. Thank a colleague who helped you: reply to their message with /thanks",
    },
    "error.thanks_bot": {
        "zh": "不能感谢机器人，未记录。回复同事的消息发送 /thanks，或 /thanks @用户名",
        "en": "Bots can't be thanked; nothing was recorded. Reply to a colleague's message with /thanks, or send /thanks @username",
    },
    "error.thanks_daily_allowance": {
        "zh": "你今天的 {allowance} 次感谢已经用完，未记录。明天再来感谢吧",
        "en": "You have used today's {allowance} thanks; nothing was recorded. Thank them tomorrow",
    },
    "error.thanks_pair_cap": {
        "zh": "本月你已感谢 {name} {cap} 次，达到上限，未记录。也看看其他帮过你的同事吧",
        "en": "You have thanked {name} {cap} times this month, the most allowed; nothing was recorded. Maybe someone else helped you too",
    },
    "error.thanks_unknown": {
        "zh": "找不到客服“{handle}”，未记录。TA 需要先在群里用过 Baton（发过指令或按过按钮）；也可以直接回复 TA 的消息发送 /thanks",
        "en": "No agent “{handle}”; nothing was recorded. They need to have used Baton in the group first (a command or a button); or reply to their message with /thanks",
    },
    # handover notes
    "collab.ask_note": {
        "zh": "写一句交接说明可得协作分：/note 今天的退款已处理完",
        "en": "Leave a line for whoever comes next and earn collaboration points: /note today's refunds are all done",
    },
    "collab.noted": {"zh": "📋 {name} 的交接说明（{labels}）：{note}", "en": "📋 {name}'s handover note ({labels}): {note}"},
    "usage.note": {
        "zh": "用法：/note 交接说明。在你交出账号后 {minutes} 分钟内发送，写给下一位同事",
        "en": "Usage: /note your handover note, within {minutes} minutes of handing off, for whoever comes next",
    },
    "error.note_nothing_to_note": {
        "zh": "最近 {minutes} 分钟内你没有交出过账号，交接说明未记录。（被别人接管的不算：说明由交出的人来写）",
        "en": "You haven't handed off an account in the last {minutes} minutes, so the note was not recorded. (Being taken over doesn't count: the one who hands off writes the note)",
    },
    "error.note_too_short": {
        "zh": "交接说明太短（至少 {minimum} 个字），未记录",
        "en": "The handover note is too short (at least {minimum} characters); nothing was recorded",
    },
    # joining at peak load
    "collab.joined": {
        "zh": "🤝 {name} 加入 {label}，协助 {holder}（交出时发送 /off）",
        "en": "🤝 {name} joined {label} to help {holder} (send /off when done)",
    },
    "usage.join": {
        "zh": "用法：/join &lt;账号&gt;：高峰时和当前接管人一起接管（协助）。可用账号：{keys}",
        "en": "Usage: /join &lt;account&gt;: help the current holder at peak load. Accounts: {keys}",
    },
    "error.nobody_holds": {
        "zh": "{label} 现在无人接管，没有人可以协助，未加入。直接接管吧：/on {account}",
        "en": "Nobody holds {label}, so there is no one to help; you did not join. Take it over instead: /on {account}",
    },
    "error.already_helping": {
        "zh": "你已经在协助 {label}，未重复加入",
        "en": "You are already helping on {label}; nothing changed",
    },
    # the command menu and the help text
    "command.thanks": {"zh": "感谢同事（回复 TA 的消息）", "en": "Thank a colleague (reply to their message)"},
    "command.note": {"zh": "写交接说明", "en": "Write a handover note"},
    "command.join": {"zh": "高峰时协助接管", "en": "Help the holder at peak load"},
    "collab.help": {
        "zh": (
            "/thanks [原因] — 回复同事的消息感谢 TA（或 /thanks @用户名 [原因]），每天 {allowance} 次\n"
            "/note &lt;说明&gt; — 交出账号后 30 分钟内写交接说明，得协作分\n"
            "/join &lt;账号&gt; — 高峰时和接管人一起接管（协助），用 /off 结束"
        ),
        "en": (
            "/thanks [reason] — reply to a colleague's message to thank them (or /thanks @username [reason]), {allowance} a day\n"
            "/note &lt;text&gt; — a handover note within 30 minutes of handing off earns collaboration points\n"
            "/join &lt;account&gt; — help the holder at peak load; /off ends it"
        ),
    },
}
