"""`baton demo`: a scripted team plays working days against the simulated Bot API.

Everything is real except Telegram and the clock: the bot application polls the simulated
server over HTTP, writes to a fresh SQLite file, and the clock jumps from one scripted
moment to the next, so the run is deterministic and takes seconds.

Each day four agents take over, hand off and log cases on a JD and a Vipshop login, the
supervisor imports the day's JD conversations, and the digest goes out at 22:00. Shifts
rotate from day to day. On the last evening the supervisor rosters next week with /shift, two
agents swap a shift and one of them reads their profile. When the days played reach the end of
a month, the supervisor closes it the next morning: preview, confirm, and the payouts, which add
up to the pool.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from bot.console import callbacks as cb
from bot.core.config import Config, parse_config
from bot.month.service import frozen_snapshot
from bot.sandbox import format_transcript
from bot.sandbox.live import LiveBot
from bot.text.i18n.formats import money
from domain.clock import ManualClock
from domain.time import day_bounds

GROUP_ID = -1001000000001
FIRST_DAY = date(2026, 11, 1)
POOL_YUAN = 12000
# How reliably each agent logs the cases they handle: the month then has a real ranking.
DILIGENCE = {"wang": 0.95, "li": 0.85, "zhang": 0.75, "chen": 0.6}

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


def _case_type(account: str, case_type: str) -> cb.Press:
    return cb.Press(cb.CASE_TYPE, account, case_type)


# A day on two shared logins: morning shift, a lunch handover, an afternoon cover, an evening close.
WORKING_DAY = [
    Step("08:55", "wang", say="/console"),
    Step("09:00", "wang", press=_take("jd")),
    Step("09:02", "li", press=_take("vip")),
    Step("09:40", "wang", press=_case_type("jd", "presale")),
    Step("10:15", "li", say="/case 售后 订单 VIP2611020031"),
    Step("10:50", "wang", press=_case_type("jd", "consult")),
    Step("11:30", "li", say="/case 咨询"),
    Step("12:00", "zhang", press=_take("jd")),
    Step("12:30", "zhang", press=_case_type("jd", "aftersale")),
    Step("13:05", "chen", say="/on vip"),
    Step("13:40", "chen", say="/case 投诉 物流延迟"),
    Step("14:10", "zhang", say="/case 售前"),
    Step("15:00", "zhang", say="/case 咨询"),
    Step("15:20", "li", say="/case 咨询"),
    Step("15:40", "zhang", say="/thanks @{chen} 帮我查了物流"),
    Step("16:00", "chen", press=_case_type("vip", "aftersale")),
    Step("17:30", "wang", press=_take("jd")),
    Step("18:10", "wang", say="/case 售后 JD2611020877"),
    Step("19:00", "chen", press=_off("vip")),
    Step("19:02", "chen", say="/note 晚上的售后单已全部回复，明早留意两单退款"),
    Step("19:30", "wang", say="/standings"),
    Step("20:00", "li", say="/on vip"),
    Step("21:00", "wang", say="/off"),
]
# After the digest the evening agent signs off, so no hold runs through the night.
NIGHT = [Step("22:30", "li", say="/off")]


def demo_config(database_url: str, language: str = "zh") -> Config:
    return parse_config(
        {
            "team": {
                "name": "客服一组",
                "chat_id": GROUP_ID,
                "timezone": "Asia/Shanghai",
                "language": language,
                "supervisors": [TEAM["wang"][0]],
            },
            "accounts": [
                {"key": "jd", "platform": "jd", "label": "京东旗舰店"},
                {"key": "vip", "platform": "vip", "label": "唯品会店"},
            ],
            "schedule": {"daily_digest": "22:00", "compile_every_minutes": 10},
            "points": {"per_case": 1.0, "per_hour": 2.0, "per_conversation": 0.5},
            "payout": {"scheme": "proportional", "pool": POOL_YUAN},
            "database": {"url": database_url},
            # A team's day plays in seconds here: the allowances are for people's own pace.
            "fairness": {"commands_per_minute": 0, "presses_per_minute": 0, "console_repeat_seconds": 0},
        }
    )


async def play(days: int, database_url: str, out=sys.stdout) -> LiveBot:
    config = demo_config(database_url)
    tz = config.team.timezone
    clock = ManualClock(day_bounds(FIRST_DAY, tz)[0])
    async with LiveBot(config, clock) as live:
        users = {key: live.user(uid, name, username=username) for key, (uid, name, username) in TEAM.items()}
        last = FIRST_DAY + timedelta(days=days - 1)
        for offset in range(days):
            day = FIRST_DAY + timedelta(days=offset)
            await play_day(live, users, day, offset)
            clock.set(wall_clock(day, "21:30", tz))
            await live.upload(users["wang"], f"咚咚会话明细-{day:%m%d}.csv", day_export(day), caption="/import jd")
            planned = await plan_next_week(live, users, day) if day == last else None
            clock.set(wall_clock(day, "22:00", tz))
            await live.post_digest(day)  # the digest job compiles the ledger first
            events = [e for e in _events_of(live, day, tz) if e[2] == live.group["id"]]
            if offset:  # after the first day, the digests tell the story
                events = [e for e in events if e[0] == "bot" and e[3].startswith("📊")]
            print(f"\n===== {day.isoformat()} ({config.team.name}) =====", file=out)
            if not offset:
                # Presses post nothing into the group: the live console, edited all day, shows them.
                print(f"\n----- the live console at {wall_clock(day, '22:00', tz):%H:%M} -----", file=out)
                print(live.console()["text"], file=out)
                print("-----", file=out)
            if planned is None:
                print(format_transcript(events, tz), file=out)
            else:
                # The planning gets a section of its own, so the day still ends with its digest.
                start, end = planned[0][1], planned[-1][1]
                if before := [e for e in events if e[1] < start]:
                    print(format_transcript(before, tz), file=out)
                print(f"\n===== {day.isoformat()} {start.astimezone(tz):%H:%M}: next week's roster =====", file=out)
                print(format_transcript(planned, tz, live.sandbox.chat_names), file=out)
                print(f"\n===== {day.isoformat()} {wall_clock(day, '22:00', tz):%H:%M}: the daily digest =====", file=out)
                print(format_transcript([e for e in events if e[1] > end], tz), file=out)
            await play_day(live, users, day, offset, NIGHT)
        if (last + timedelta(days=1)).month != last.month:
            await close_the_month(live, users["wang"], last, out)
    return live


async def play_day(live: LiveBot, users: dict, day: date, offset: int, steps: list[Step] = WORKING_DAY) -> None:
    tz = live.config.team.timezone
    roles = list(TEAM)
    shift = {role: roles[(i + offset) % len(roles)] for i, role in enumerate(roles)}
    chance = random.Random(day.toordinal())
    for step in steps:
        who = shift[step.who]
        if step.say and step.say.startswith("/case") and chance.random() > DILIGENCE[who]:
            continue
        live.clock.set(wall_clock(day, step.at, tz))
        if step.say is not None:
            # Text may name a colleague by role ("@{chen}"): whoever plays that role today.
            text = step.say.format(**{role: users[person]["username"] for role, person in shift.items()})
            await live.say(users[who], text)
        else:
            console = live.console()
            await live.press(users[who], console, live.button(console, step.press))


def day_export(day: date) -> bytes:
    """The day's JD conversations, as the generic export format, the same every run."""
    chance = random.Random(day.toordinal() * 7)
    lines = ["external_id,start,first_response_s,rating,resolved,inquiry,paid"]
    for n in range(24):
        start = datetime.combine(day, time(8, 30)) + timedelta(minutes=30 * n + chance.randint(0, 29))
        inquiry = chance.random() < 0.4
        lines.append(
            ",".join(
                [
                    f"DD{day:%y%m%d}{n:03d}",
                    f"{start:%Y-%m-%d %H:%M:%S}",
                    str(chance.randint(3, 60)),
                    str(chance.choice(["", "", "5", "5", "4", "3", "2"])),
                    chance.choice(["true", "true", "false"]),
                    str(inquiry).lower(),
                    str(inquiry and chance.random() < 0.5).lower(),
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


async def plan_next_week(live: LiveBot, users: dict, day: date) -> list[tuple]:
    """After the day's import the supervisor rosters next week, two agents swap a shift, one reads their profile.

    Returns what happened, in the group and in private, for the transcript.
    """
    tz = live.config.team.timezone
    monday = day + timedelta(days=7 - day.weekday())
    week = f"{monday:%G-W%V}"
    start = len(live.sandbox.transcript)
    for at, who, text in [
        ("21:35", "wang", f"/shift @lilei jd 1-5 09:00-18:00 from {monday}"),
        ("21:36", "wang", f"/shift @zhangwei vip 1-5 09:00-18:00 from {monday}"),
        ("21:37", "wang", f"/shift @chenjing jd 3-7 13:00-22:00 from {monday}"),
        ("21:38", "wang", f"/shift @wangfang vip 6-7 10:00-18:00 from {monday}"),
        ("21:40", "li", f"/roster {week}"),
        ("21:42", "li", f"/swap {monday + timedelta(days=1)} jd @chenjing"),
    ]:
        live.clock.set(wall_clock(day, at, tz))
        await live.say(users[who], text)
    offer = live.sandbox.last_message(live.group["id"])["message_id"]
    for at, who in (("21:44", "chen"), ("21:46", "wang")):  # accept, then approve: the first button each time
        live.clock.set(wall_clock(day, at, tz))
        current = live.message(offer)
        await live.press(users[who], current, current["reply_markup"]["inline_keyboard"][0][0]["callback_data"])
    live.clock.set(wall_clock(day, "21:48", tz))
    await live.say(users["chen"], f"/roster {week}")
    live.sandbox.private_chat(users["chen"])
    live.clock.set(wall_clock(day, "21:50", tz))
    await live.say(users["chen"], "/profile")
    return live.sandbox.transcript[start:]


async def close_the_month(live: LiveBot, supervisor: dict, last: date, out) -> None:
    tz = live.config.team.timezone
    month = f"{last:%Y-%m}"
    morning = last + timedelta(days=1)
    live.clock.set(wall_clock(morning, "10:00", tz))
    await live.say(supervisor, f"/close_month {month} {POOL_YUAN}")
    preview = live.sandbox.last_message(live.group["id"])
    confirm = preview["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    live.clock.set(wall_clock(morning, "10:05", tz))
    await live.press(supervisor, preview, confirm)
    print(f"\n===== {morning.isoformat()}: closing {month} =====", file=out)
    print(format_transcript(_events_of(live, morning, tz), tz), file=out)
    snapshot = live.baton.read(frozen_snapshot, month)
    paid = sum(r.payout_cents for r in snapshot.rows) + snapshot.team_fund_cents
    verdict = "equals" if paid == snapshot.pool_cents else "DOES NOT EQUAL"
    print(
        f"\npayouts {money('en', paid)} (team fund {money('en', snapshot.team_fund_cents)}) {verdict} the pool {money('en', snapshot.pool_cents)}; "
        f"checksum {snapshot.checksum}",
        file=out,
    )


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
