"""Onboarding: the private /start introduction and the checklist posted when the bot joins a group."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "onboarding.intro": {
        "zh": "👋 Baton 记录「{team}」共用店铺账号的值班：谁在登录、接了哪些客户。\n"
              "接手时点控制台上的账号（或 /on），交班点“交出 …”（或 /off），每接一位客户记一单（或 /case）。\n"
              "在线时长和记录的客户换成积分，月底按积分分配奖金：下面就是你的控制台。",
        "en": "👋 Baton keeps track of who holds “{team}”'s shared shop logins and the customers they served.\n"
              "Take over by pressing an account on the console (or /on), hand off with “Hand off …” (or /off), and log each customer as a case (or /case).\n"
              "Time held and cases logged earn points, and the monthly bonus is shared by points: here is your console.",
    },
    "onboarding.checklist": {
        "zh": "🛠 Baton 设置清单\n{configured}\n{privacy}\n{supervisors}",
        "en": "🛠 Baton setup checklist\n{configured}\n{privacy}\n{supervisors}",
    },
    "onboarding.chat_configured": {
        "zh": "✅ 本群（chat id <code>{chat_id}</code>）已是配置里的团队群。",
        "en": "✅ This group (chat id <code>{chat_id}</code>) is already the configured team group.",
    },
    "onboarding.chat_unconfigured": {
        "zh": "1️⃣ 本群还不是团队群：在配置文件中写入 <code>[team] chat_id = {chat_id}</code>，然后重启 Baton。",
        "en": "1️⃣ This group is not the team group yet: put <code>[team] chat_id = {chat_id}</code> in the config file and restart Baton.",
    },
    "onboarding.privacy_off": {
        "zh": "✅ 隐私模式已关闭：机器人能看到群里的所有消息，包括 /import 这类文件说明。",
        "en": "✅ Privacy mode is off: the bot sees every group message, including document captions like /import.",
    },
    "onboarding.privacy_admin": {
        "zh": "✅ 机器人是本群管理员，能看到群里的所有消息，包括 /import 这类文件说明。",
        "en": "✅ The bot is an admin here, so it sees every group message, including document captions like /import.",
    },
    "onboarding.privacy_on": {
        "zh": "⚠️ 隐私模式已开启：机器人看不到 /import 这类文件说明。请在 @BotFather 中发送 /setprivacy → Disable，或把机器人设为本群管理员。",
        "en": "⚠️ Privacy mode is on: the bot cannot see document captions like /import. In @BotFather send /setprivacy → Disable, or make the bot an admin of this group.",
    },
    "onboarding.supervisors": {
        "zh": "👮 主管：{who}",
        "en": "👮 Supervisors: {who}",
    },
    "onboarding.group_admins": {
        "zh": "群管理员",
        "en": "group admins",
    },
    "onboarding.no_supervisors": {
        "zh": "尚未配置（在 <code>[team] supervisors</code> 中写入 Telegram 用户 id）",
        "en": "none configured yet (list Telegram user ids in <code>[team] supervisors</code>)",
    },
}
