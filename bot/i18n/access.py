"""Who may talk to the bot where: refusals for other chats and strangers, and private detail."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "access.foreign_chat": {
        "zh": "🚫 这个机器人只为「{team}」服务，不会在这里回应。",
        "en": "🚫 This bot works only for “{team}” and will not answer here.",
    },
    "access.not_member": {
        "zh": "🚫 只有「{team}」群的成员可以使用这个机器人。",
        "en": "🚫 Only members of the “{team}” group can use this bot.",
    },
    "access.unstorable": {
        "zh": "⚠️ 消息里有无法保存的控制字符（NUL），未做任何更改",
        "en": "⚠️ The message holds a control character (NUL) that cannot be stored; nothing changed",
    },
    "access.sent_privately": {
        "zh": "📬 {name} 的得分明细已私聊发给你",
        "en": "📬 {name}'s breakdown is in your private chat with me",
    },
    "access.start_private": {
        "zh": "📬 个人得分明细只在私聊里发送：请先私聊 {bot} 并点“开始”，再发送 /why",
        "en": "📬 Score breakdowns are sent privately: open a chat with {bot}, press Start, then send /why again",
    },
}
