"""Strings of the audit log: /audit for supervisors, and `baton audit verify|show` for operators."""
from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "audit.title": {
        "zh": "🧾 <b>审计日志：最近 {count} 条</b>（{tz} 时间）",
        "en": "🧾 <b>Audit log: the latest {count}</b> ({tz} time)",
    },
    "audit.empty": {"zh": "🧾 审计日志还是空的", "en": "🧾 The audit log is empty"},
    "audit.usage": {
        "zh": "用法：/audit [条数]，条数为 1 到 {max} 的整数，默认 {default}。收到的是“{given}”",
        "en": "Usage: /audit [n], where n is a whole number from 1 to {max} (default {default}). Got “{given}”",
    },
    "audit.system": {"zh": "系统", "en": "system"},
    "audit.verify_ok": {
        "zh": "审计日志完整：{count} 条，链尾哈希 {head}",
        "en": "Audit log intact: {count} entries, head hash {head}",
    },
    "audit.verify_broken": {
        "zh": "审计日志被篡改：第一个断点是第 {id} 条（{action}，{at}）：{reason}",
        "en": "Audit log broken: the first bad entry is #{id} ({action}, {at}): {reason}",
    },
    "audit.head_missing": {
        "zh": "审计日志被重写：此前记下的链尾哈希 {head} 已不在链中，它之前的条目被整体改写过",
        "en": "Audit log rewritten: the head hash noted earlier, {head}, is no longer in the chain, so the entries up to it were resealed",
    },
    "audit.reason.content": {
        "zh": "内容与其封存哈希不符（这一条被改过）",
        "en": "its content does not match its seal (this entry was changed)",
    },
    "audit.reason.link": {
        "zh": "与前一条链接不上（前面有条目被删除、插入或重排）",
        "en": "it does not follow the entry before it (an entry was deleted, inserted or reordered before it)",
    },
    "audit.unreadable": {
        "zh": "无法读取审计日志：{error}。数据库是否已升级？请运行 baton migrate",
        "en": "Cannot read the audit log: {error}. Is the database upgraded? Run baton migrate",
    },
    "audit.action.take_over": {"zh": "接手", "en": "take over"},
    "audit.action.hand_off": {"zh": "交出", "en": "hand off"},
    "audit.action.thanks": {"zh": "感谢", "en": "thanks"},
    "audit.action.thanks_flagged": {"zh": "互相感谢提醒", "en": "mutual thanks flagged"},
    "audit.action.handover_note": {"zh": "交接备注", "en": "handover note"},
    "audit.action.join": {"zh": "协助接待", "en": "join"},
    "audit.action.assign": {"zh": "指派时段", "en": "assign"},
    "audit.action.import": {"zh": "导入", "en": "import"},
    "audit.action.pull": {"zh": "接口拉取", "en": "pull"},
    "audit.action.adjust": {"zh": "调整积分", "en": "adjust"},
    "audit.action.set_weight": {"zh": "修改权重", "en": "set weight"},
    "audit.action.close_month": {"zh": "月度结算", "en": "close month"},
    "audit.action.reopen_month": {"zh": "重新打开月份", "en": "reopen month"},
}
