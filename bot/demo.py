"""`baton demo`: a scripted team plays a working day against the simulated Bot API.

Everything is real except Telegram and the clock: the bot application polls the simulated
server over HTTP, writes to a fresh SQLite file, and the clock jumps from one scripted
moment to the next, so the run is deterministic and takes seconds.
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from bot import callbacks as cb
from bot.config import Config, parse_config
from bot.harness import LiveBot
from bot.sandbox import format_transcript
from domain.clock import ManualClock
from domain.time import day_bounds

GROUP_ID = -1001000000001
FIRST_DAY = date(2026, 11, 2)  # a Monday

TEAM = {
    "wang": (201, "王芳", "wangfang"),
    "li": (202, "李雷", "lilei"),
    "zhang": (203, "张伟", "zhangwei"),
    "chen": (204, "陈静", "chenjing"),
}


@dataclass(frozen=True)
class Step:
    at: str  # HH:MM, team time
    who: str
    say: str | None = None
    press: cb.Press | None = None


def _take(account: str) -> cb.Press:
    return cb.Press(cb.TAKE, account)


def _off(account: str) -> cb.Press:
    return cb.Press(cb.HAND_OFF, account)


def _case(account: str) -> cb.Press:
    return cb.Press(cb.CASE, account)


def _case_type(account: str, case_type: str) -> cb.Press:
    return cb.Press(cb.CASE_TYPE, account, case_type)


# A day on two shared logins: morning shift, a lunch handover, an afternoon cover, an evening close.
WORKING_DAY = [
    Step("08:55", "wang", say="/console"),
    Step("09:00", "wang", press=_take("jd")),
    Step("09:02", "li", press=_take("vip")),
    Step("09:40", "wang", press=_case("jd")),
    Step("09:40", "wang", press=_case_type("jd", "presale")),
    Step("10:15", "li", say="/case 售后 订单 VIP2611020031"),
    Step("10:50", "wang", press=_case("jd")),
    Step("10:50", "wang", press=_case_type("jd", "consult")),
    Step("11:30", "li", say="/case 咨询"),
    Step("12:00", "zhang", press=_take("jd")),
    Step("12:30", "zhang", press=_case("jd")),
    Step("12:30", "zhang", press=_case_type("jd", "aftersale")),
    Step("13:05", "chen", say="/on vip"),
    Step("13:40", "chen", say="/case 投诉 物流延迟"),
    Step("14:10", "zhang", say="/case 售前"),
    Step("15:00", "zhang", say="/case 咨询"),
    Step("15:20", "li", say="/case 咨询"),
    Step("16:00", "chen", press=_case("vip")),
    Step("16:00", "chen", press=_case_type("vip", "aftersale")),
    Step("17:30", "wang", press=_take("jd")),
    Step("18:10", "wang", say="/case 售后 JD2611020877"),
    Step("19:00", "chen", press=_off("vip")),
    Step("19:30", "wang", say="/standings"),
    Step("20:00", "li", say="/on vip"),
    Step("21:00", "wang", say="/off"),
]


def demo_config(database_url: str, language: str = "zh") -> Config:
    return parse_config(
        {
            "team": {"name": "客服一组", "chat_id": GROUP_ID, "timezone": "Asia/Shanghai", "language": language, "supervisors": [TEAM["wang"][0]]},
            "accounts": [
                {"key": "jd", "platform": "jd", "label": "京东旗舰店"},
                {"key": "vip", "platform": "vip", "label": "唯品会店"},
            ],
            "schedule": {"daily_digest": "22:00", "compile_every_minutes": 10},
            "points": {"per_case": 1.0, "per_hour": 2.0},
            "database": {"url": database_url},
        }
    )


async def play(days: int, database_url: str, out=sys.stdout) -> LiveBot:
    config = demo_config(database_url)
    tz = config.team.timezone
    clock = ManualClock(day_bounds(FIRST_DAY, tz)[0])
    async with LiveBot(config, clock) as live:
        users = {key: live.user(uid, name, username=username) for key, (uid, name, username) in TEAM.items()}
        for offset in range(days):
            day = FIRST_DAY + timedelta(days=offset)
            await play_day(live, users, day)
            clock.set(wall_clock(day, "22:00", tz))
            await live.post_digest(day)  # the digest job compiles the ledger first
            print(f"\n===== {day.isoformat()} ({config.team.name}) =====", file=out)
            print(format_transcript(_events_of(live, day, tz), tz), file=out)
    return live


async def play_day(live: LiveBot, users: dict, day: date) -> None:
    tz = live.config.team.timezone
    for step in WORKING_DAY:
        live.clock.set(wall_clock(day, step.at, tz))
        if step.say is not None:
            await live.say(users[step.who], step.say)
        else:
            await live.press(users[step.who], live.console(), cb.encode(step.press))


def wall_clock(day: date, hhmm: str, tz) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=tz)


def _events_of(live: LiveBot, day: date, tz):
    start, end = day_bounds(day, tz)
    return [e for e in live.sandbox.transcript if start <= e[1] < end and e[0] != "edit"]


def run_demo(days: int = 1, db_path: str | None = None) -> int:
    if days < 1:
        print("baton demo: --days must be at least 1", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="baton-demo-") as scratch:
        path = Path(db_path) if db_path else Path(scratch) / "baton.db"
        if path.exists():
            print(f"baton demo: {path} exists; the demo starts from a fresh database", file=sys.stderr)
            return 2
        asyncio.run(play(days, f"sqlite:///{path}"))
    return 0
