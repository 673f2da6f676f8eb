"""Benchmark: one member floods the group under Telegram's group limit; how long does everyone else wait?

    python bench/flood.py [--consoles 500] [--thanks 200] [--seconds 10] [--me-every 0.25] [--standings-every 6]
                          [--database-url URL]

The simulated Bot API enforces Telegram's group limit (20 writes a minute into one group, 429
with retry_after past it). It runs in a process of its own with the script that plays the
people, so the bot under test has its process to itself. Baton (the real Application, with its
default allowances, on the wall clock) faces two runs, one after the other, in this process:

1. the baseline: nobody floods; the others ask as below;
2. the flood: one member sends `--consoles` /console into the group in `--seconds` seconds, then
   another sends `--thanks` /thanks in as many seconds.

Throughout, other members ask: a private /me every `--me-every` seconds (sixteen people in turn,
each within their own allowance at 0.25 s) and a /standings in the group every `--standings-every` seconds (in turn
too: the group's 20 writes a minute must answer them all). Prints a line per run and phase and a
final JSON line: the others' longest wait for /standings and for /me, the most group writes in
any 60 s, the 429s received, the flooders' notices, the bot's peak RSS during the run (VmHWM,
reset before each run) and the CPU its process used; the ratios compare the flood's longest
waits with the baseline's. A private /me costs about 130 ms in the database's writer on a busy
2-core machine: at one every 0.25 s the others alone keep the writer half busy, so their waits
follow the machine's load as much as the flood; `--me-every 1` shows the flood alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import sys
import time
from dataclasses import asdict, dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.burst import fresh_database
from bench.live_bot import baton_against, polling, told
from bot.core.settings import FairnessSettings
from bot.sandbox import BotApiSandbox
from bot.sandbox.live import TOKEN
from tests.factories import GROUP_ID, team_config

ASKERS = 16  # /me every 0.25 s in turn: each asks every 4 s, 15 a minute, within their allowance
OPENER = {"id": 300, "is_bot": False, "first_name": "坐席0", "username": "opener", "language_code": "zh"}
SLOW_DOWN = "⏳"
PHASES = ("console", "thanks", "after")


@dataclass
class Run:
    flood: bool
    standings_waits: dict[str, list[float]] = field(default_factory=dict)  # by phase
    me_waits: dict[str, list[float]] = field(default_factory=dict)
    unanswered: int = 0
    busiest_minute: int = 0
    responses_429: int = 0
    notices: int = 0
    peak_rss_mb: float = 0.0
    bot_cpu_s: float = 0.0  # CPU the bot's process used in the run (all its threads)

    def figures(self, phase: str) -> dict:
        return {
            "longest_standings_wait_ms": round(1000 * max(self.standings_waits.get(phase, []), default=0.0), 1),
            "longest_me_wait_ms": round(1000 * max(self.me_waits.get(phase, []), default=0.0), 1),
            "standings_asked": len(self.standings_waits.get(phase, [])),
            "me_asked": len(self.me_waits.get(phase, [])),
        }

    def longest(self, waits: dict[str, list[float]]) -> float:
        return max((w for phase in waits.values() for w in phase), default=0.0)


# -- the people, in the server's process ---------------------------------------------------------------


def people(pipe: Connection, flood: bool, consoles: int, thanks: int, seconds: float, standings_every: float, me_every: float) -> None:
    with BotApiSandbox(token=TOKEN) as sandbox:
        sandbox.limit_group_writes()
        group = sandbox.group(GROUP_ID, "客服一组")
        pipe.send((sandbox.base_url, sandbox.base_file_url))
        pipe.recv()  # the bot is polling
        run = asyncio.run(_play(sandbox, group, flood, consoles, thanks, seconds, standings_every, me_every))
        run.busiest_minute = sandbox.flood.busiest_window(group["id"])
        run.responses_429 = sandbox.flood.refused
        run.notices = sum(1 for m in sandbox.messages(group["id"]) if m.get("text", "").startswith(SLOW_DOWN))
        pipe.send("over")
        pipe.send(asdict(run))
        pipe.recv()  # the bot has stopped


def _standings_answered(sandbox: BotApiSandbox, group: dict) -> int:
    return sum(1 for m in sandbox.messages(group["id"]) if m.get("text", "").startswith("🏆"))


async def _play(
    sandbox: BotApiSandbox, group: dict, flood: bool, consoles: int, thanks: int, seconds: float, standings_every: float, me_every: float
) -> Run:
    run = Run(flood)
    sandbox.send_message(group, OPENER, "/console")
    while not any(m.get("reply_markup") for m in sandbox.messages(group["id"])):
        await asyncio.sleep(0.01)
    askers = [sandbox.user(400 + i, f"查询{i}") for i in range(ASKERS)]
    chats = [sandbox.private_chat(a) for a in askers]
    started = time.perf_counter()
    phase = {"now": PHASES[0]}
    pending: list[asyncio.Task] = []

    async def wait_for(answered, before: int, waits: list[float], since: float) -> None:
        while answered() <= before:
            if time.perf_counter() - since > 120:
                run.unanswered += 1
                return
            await asyncio.sleep(0.005)
        waits.append(time.perf_counter() - since)

    async def ask_me() -> None:
        n = 0
        while phase["now"] != "done":
            who, chat = askers[n % ASKERS], chats[n % ASKERS]
            before = sandbox.sent_to(chat["id"])
            since = time.perf_counter()
            sandbox.send_message(chat, who, "/me")
            waits = run.me_waits.setdefault(phase["now"], [])
            pending.append(asyncio.create_task(wait_for(lambda c=chat: sandbox.sent_to(c["id"]), before, waits, since)))
            n += 1
            await asyncio.sleep(me_every)

    async def ask_standings() -> None:
        n = 0
        while phase["now"] != "done":
            await asyncio.sleep(standings_every)
            before = _standings_answered(sandbox, group)
            since = time.perf_counter()
            sandbox.send_message(group, askers[(7 * n) % ASKERS], "/standings")
            waits = run.standings_waits.setdefault(phase["now"], [])
            await wait_for(lambda: _standings_answered(sandbox, group), before, waits, since)
            n += 1

    async def send_evenly(count: int, user: dict, text: str) -> None:
        begun = time.perf_counter()
        for i in range(count):
            if flood:
                sandbox.send_message(group, user, text)
            await asyncio.sleep(max(0.0, begun + (i + 1) * seconds / count - time.perf_counter()))

    helpers = [asyncio.create_task(ask_me()), asyncio.create_task(ask_standings())]
    await send_evenly(consoles, sandbox.user(500, "刷屏一"), "/console")
    phase["now"] = "thanks"
    await send_evenly(thanks, sandbox.user(501, "刷屏二"), "/thanks @opener 谢谢")
    phase["now"] = "after"
    await asyncio.sleep(max(5.0, 2 * standings_every))
    phase["now"] = "done"
    await asyncio.gather(*helpers)
    await asyncio.gather(*pending)
    print(f"  people: played {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return run


# -- the bot, in this process ------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # Linux: VmHWM starts again from the current RSS


def measured(database_url: str | None, flood: bool, args: argparse.Namespace) -> Run:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=people, args=(theirs, flood, args.consoles, args.thanks, args.seconds, args.standings_every, args.me_every), daemon=True
    )
    process.start()
    base_url, base_file_url = ours.recv()
    reset_peak_rss()
    cpu = time.process_time()
    asyncio.run(baton(database_url, ours, base_url, base_file_url))
    run = Run(**ours.recv())
    run.peak_rss_mb = round(peak_rss_mb(), 1)
    run.bot_cpu_s = round(time.process_time() - cpu, 1)
    ours.send("stopped")
    process.join(timeout=30)
    return run


async def baton(server_url: str | None, pipe: Connection, base_url: str, base_file_url: str) -> None:
    with fresh_database(server_url) as database_url:
        application = baton_against(team_config(database_url, fairness=vars(FairnessSettings())), base_url, base_file_url)
        async with polling(application):
            pipe.send("polling")
            assert await told(pipe) == "over"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--consoles", type=int, default=500)
    parser.add_argument("--thanks", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0, help="each flood lasts this long")
    parser.add_argument("--standings-every", type=float, default=6.0)
    parser.add_argument("--me-every", type=float, default=0.25)
    parser.add_argument("--database-url", help="a PostgreSQL server to run on, in a schema of its own (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    plain = measured(args.database_url, False, args)
    flooded = measured(args.database_url, True, args)
    for run in (plain, flooded):
        name = "flood" if run.flood else "baseline (no flood)"
        for phase in PHASES:
            print(f"{name}, {phase}: {json.dumps(run.figures(phase))}")
        totals = {k: getattr(run, k) for k in ("busiest_minute", "responses_429", "notices", "unanswered", "peak_rss_mb", "bot_cpu_s")}
        print(f"{name}: {json.dumps(totals)}")
    backend = (args.database_url or "sqlite").split(":")[0].split("+")[0]

    def ratio(ours: float, theirs: float) -> float:
        return round(ours / theirs, 2) if theirs else 0.0

    standings, me = flooded.longest(flooded.standings_waits), flooded.longest(flooded.me_waits)
    print(
        json.dumps(
            {
                "bench": "flood",
                "backend": backend,
                "consoles": args.consoles,
                "thanks": args.thanks,
                "seconds": args.seconds,
                "me_every_s": args.me_every,
                "standings_every_s": args.standings_every,
                "longest_standings_wait_ms": round(1000 * standings, 1),
                "longest_me_wait_ms": round(1000 * me, 1),
                "console_phase": flooded.figures("console"),
                "thanks_phase": flooded.figures("thanks"),
                "most_group_writes_in_60s": flooded.busiest_minute,
                "responses_429": flooded.responses_429,
                "notices": flooded.notices,
                "unanswered": flooded.unanswered,
                "peak_rss_mb": flooded.peak_rss_mb,
                "bot_cpu_s": flooded.bot_cpu_s,
                "baseline_bot_cpu_s": plain.bot_cpu_s,
                "baseline_longest_standings_wait_ms": round(1000 * plain.longest(plain.standings_waits), 1),
                "baseline_longest_me_wait_ms": round(1000 * plain.longest(plain.me_waits), 1),
                "baseline_peak_rss_mb": plain.peak_rss_mb,
                "standings_wait_ratio_to_baseline": ratio(standings, plain.longest(plain.standings_waits)),
                "me_wait_ratio_to_baseline": ratio(me, plain.longest(plain.me_waits)),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
