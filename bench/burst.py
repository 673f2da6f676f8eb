"""Benchmark: a burst of console presses under Telegram's group limit, with a private chat beside it.

    python bench/burst.py [--presses 300] [--in-flight 20] [--database-url URL] [--seed 3]

The simulated Bot API enforces Telegram's group limit (20 writes a minute into one group, 429
with retry_after past it). It runs in a process of its own with the script that plays the
people, so the bot under test has its process to itself, as against the real Telegram. Two bots
face the same burst, one after the other, in this run:

1. the baseline: a python-telegram-bot Application with default settings and no storage, which
   answers every press and every /help and does nothing else;
2. Baton, the real Application (SQLite file by default, or --database-url), on the wall clock.

The burst: four agents press the live console of one shared account (take over, log a case,
hand off), 20 presses in flight at most, while a fifth person asks /help in a private chat every
0.25 s. Prints a line per bot and a final JSON line: presses/s and the ratio to the baseline, p50
and p99 from press to answer, the longest private /help wait, the 429s received, the most group
writes in any 60 s window, and the seconds from the end of the burst until the console shows the
final holder. With them, what each bot's process spent on the processor from the start of polling
to the end of the burst, a press's share: the machine's other load moves it less than the rates,
as it counts the time the process ran and not the time it waited for the processor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import make_url
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bench.live_bot import baton_against, polling, told, waiting
from bot.console import callbacks as cb
from bot.console.board import lines
from bot.sandbox import BotApiSandbox
from bot.sandbox.live import TOKEN, LiveBot
from bot.telegram.context import parts_of
from bot.text.i18n import CASE_TYPES
from tests.factories import GROUP_ID, fresh_schema, team_config

AGENTS = 4
HELP_EVERY_S = 0.25
OPENER = {"id": 300, "is_bot": False, "first_name": "坐席0", "language_code": "zh"}


@dataclass
class Burst:
    presses: int
    seconds: float
    latencies: list[float]  # press to answer, seconds
    help_waits: list[float]
    responses_429: int
    busiest_minute: int
    board_final_s: float | None = None
    bot_cpu_s: float = 0.0  # the bot's process, all its threads
    loop_cpu_s: float = 0.0  # the bot's event loop alone

    @property
    def per_second(self) -> float:
        return self.presses / self.seconds

    def figures(self) -> dict:
        ordered = sorted(self.latencies)
        return {
            "presses_per_s": round(self.per_second, 1),
            "p50_ms": round(1000 * statistics.median(ordered), 1),
            "p99_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1),
            "longest_private_wait_ms": round(1000 * max(self.help_waits, default=0.0), 1),
            "responses_429": self.responses_429,
            "most_group_writes_in_60s": self.busiest_minute,
            "cpu_ms_per_press": round(1000 * self.bot_cpu_s / self.presses, 2),
            "event_loop_share_of_cpu": round(self.loop_cpu_s / self.bot_cpu_s, 2) if self.bot_cpu_s else 0.0,
        }


# -- the people, in the server's process ---------------------------------------------------------------


def people(pipe: Connection, presses: int, in_flight: int, seed: int, board: bool) -> None:
    """The server and everyone who presses: started in a process of its own."""
    with BotApiSandbox(token=TOKEN) as sandbox:
        sandbox.limit_group_writes()
        group = sandbox.group(GROUP_ID, "客服一组")
        pipe.send((sandbox.base_url, sandbox.base_file_url))
        console = _console(sandbox, group, pipe, board)
        burst = asyncio.run(_burst(sandbox, group, console, presses, in_flight, seed, board))
        pipe.send("burst over")
        if board:
            final = pipe.recv()  # the holder the database ended with, as the console writes it
            ended = time.perf_counter()
            while final not in _live_console(sandbox, group)["text"]:
                time.sleep(0.01)
            burst.board_final_s = time.perf_counter() - ended
        burst.busiest_minute = sandbox.flood.busiest_window(group["id"])
        burst.responses_429 = sandbox.flood.refused
        pipe.send(asdict(burst))
        pipe.recv()  # the bot has stopped


def _console(sandbox: BotApiSandbox, group: dict, pipe: Connection, board: bool) -> dict:
    if board:
        sandbox.send_message(group, OPENER, "/console")
    else:
        pipe.recv()  # the baseline posts its console itself
    while not any(_is_console(m) for m in sandbox.messages(group["id"])):
        time.sleep(0.01)
    return _live_console(sandbox, group)


def _live_console(sandbox: BotApiSandbox, group: dict) -> dict:
    """The latest console in the group: a take-over offer posted there (to an agent the bot cannot
    write to privately) has buttons too, but it is no console."""
    return [m for m in sandbox.messages(group["id"]) if _is_console(m)][-1]


def _is_console(message: dict) -> bool:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return any(re.match(cb.PATTERN, button.get("callback_data", "")) for row in rows for button in row)


async def _burst(sandbox: BotApiSandbox, group: dict, console: dict, presses: int, in_flight: int, seed: int, board: bool) -> Burst:
    rng = random.Random(seed)
    agents = [OPENER] + [sandbox.user(301 + i, f"坐席{i + 1}") for i in range(AGENTS - 1)]
    asker = sandbox.user(399, "查询员")
    private = sandbox.private_chat(asker)
    help_waits: list[float] = []
    done = asyncio.Event()
    seen = {"board": console, "at": time.perf_counter()}

    async def ask_help() -> None:
        while not done.is_set():
            before = sandbox.sent_to(private["id"])
            started = time.perf_counter()
            sandbox.send_message(private, asker, "/help")
            while sandbox.sent_to(private["id"]) == before:
                await asyncio.sleep(0.002)
            help_waits.append(time.perf_counter() - started)
            await asyncio.sleep(HELP_EVERY_S)

    def choose() -> tuple[dict, str]:
        """What an agent taps on the console as their phone shows it: mostly take over, sometimes log a case or hand off."""
        if not board:
            return console, "t:jd:0"
        if time.perf_counter() - seen["at"] > 0.05:
            seen.update(board=_live_console(sandbox, group), at=time.perf_counter())
        move = rng.choices(["take", "case", "off"], [6, 3, 1])[0]
        if move == "take":
            return seen["board"], LiveBot.button(seen["board"], cb.Press(cb.TAKE, "jd"))
        if move == "case":
            return seen["board"], cb.encode(cb.Press(cb.CASE_TYPE, "jd", rng.choice(CASE_TYPES)))
        return seen["board"], cb.encode(cb.Press(cb.HAND_OFF, "jd"))

    helper = asyncio.create_task(ask_help())
    sent: dict[str, float] = {}
    answered_before = sandbox.answered()
    started = time.perf_counter()
    for n in range(presses):
        while n - (sandbox.answered() - answered_before) >= in_flight:
            await asyncio.sleep(0.0005)
        message, data = choose()
        sent[sandbox.forge_press(message, agents[rng.randrange(AGENTS)], data)] = time.perf_counter()
    while sandbox.answered() - answered_before < presses:
        await asyncio.sleep(0.001)
    seconds = time.perf_counter() - started
    done.set()
    await helper
    answers = {a.query_id: a.seconds for a in sandbox.callback_answers if a.query_id in sent}
    return Burst(presses, seconds, [answers[q] - t for q, t in sent.items()], help_waits, 0, 0)


# -- the bots, in this process ----------------------------------------------------------------------------


async def answer(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer("ok")


async def help_reply(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text("help")


def cpu_seconds() -> tuple[float, float]:
    """The processor time this process has used, in all its threads and in this one (the event loop's)."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime, time.thread_time()


async def run_bot(application: Application, pipe: Connection, *, before_burst=None, final=None) -> tuple[float, float]:
    """The bot through the burst; what its process and its event loop spent meanwhile, in seconds."""
    async with polling(application):
        process_before, loop_before = cpu_seconds()
        if before_burst is not None:
            await before_burst(application)
        assert await told(pipe) == "burst over"
        process_after, loop_after = cpu_seconds()
        if final is not None:
            pipe.send(await final(application))
        await waiting(pipe)  # the burst's figures, which measured() reads once the bot has stopped
    return process_after - process_before, loop_after - loop_before


def measured(bot, presses: int, in_flight: int, seed: int, *, board: bool) -> Burst:
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(target=people, args=(theirs, presses, in_flight, seed, board), daemon=True)
    process.start()
    base_url, base_file_url = ours.recv()
    bot_cpu_s, loop_cpu_s = asyncio.run(bot(ours, base_url, base_file_url))
    burst = replace(Burst(**ours.recv()), bot_cpu_s=bot_cpu_s, loop_cpu_s=loop_cpu_s)
    ours.send("stopped")
    process.join(timeout=30)
    return burst


async def baseline(pipe: Connection, base_url: str, base_file_url: str) -> tuple[float, float]:
    application = ApplicationBuilder().token(TOKEN).base_url(base_url).base_file_url(base_file_url).build()
    application.add_handlers([CallbackQueryHandler(answer), CommandHandler("help", help_reply)])

    async def post_console(app: Application) -> None:
        from telegram import InlineKeyboardButton, InlineKeyboardMarkup

        await app.bot.send_message(
            GROUP_ID, "console", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("接管", callback_data="t:jd:0")]])
        )
        pipe.send("console posted")

    return await run_bot(application, pipe, before_burst=post_console)


@contextmanager
def fresh_database(server_url: str | None) -> Iterator[str]:
    """An empty database for one run: a new SQLite file, or a new schema on the PostgreSQL server
    given (dropped afterwards), so a second run never meets the first one's update ids."""
    if server_url is None or make_url(server_url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory(prefix="baton-burst-") as scratch:
            yield f"sqlite:///{Path(scratch) / 'burst.db'}"
        return
    with fresh_schema(server_url, "burst") as url:
        yield url


def baton(server_url: str | None):
    async def run(pipe: Connection, base_url: str, base_file_url: str) -> tuple[float, float]:
        with fresh_database(server_url) as database_url:
            application = baton_against(team_config(database_url), base_url, base_file_url)

            async def final_holder(app: Application) -> str:
                (jd, _vip) = await asyncio.to_thread(parts_of(app).baton.read, lines)
                return f"• 京东旗舰店：{jd.holder} " if jd.holder else "• 京东旗舰店：无人接管"

            return await run_bot(application, pipe, final=final_holder)

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument("--in-flight", type=int, default=20)
    parser.add_argument("--database-url", help="a PostgreSQL server to run on, in a schema of its own (default: a fresh SQLite file)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    plain = measured(baseline, args.presses, args.in_flight, args.seed, board=False)
    print(f"baseline (PTB, no storage): {json.dumps(plain.figures())}")
    ours = measured(baton(args.database_url), args.presses, args.in_flight, args.seed, board=True)
    print(f"baton: {json.dumps(ours.figures())}")
    backend = (args.database_url or "sqlite").split(":")[0].split("+")[0]
    print(
        json.dumps(
            {
                "bench": "burst",
                "backend": backend,
                "presses": args.presses,
                "in_flight": args.in_flight,
                **ours.figures(),
                "baseline_presses_per_s": round(plain.per_second, 1),
                "ratio_to_baseline": round(ours.per_second / plain.per_second, 3),
                "baseline_cpu_ms_per_press": plain.figures()["cpu_ms_per_press"],
                "board_final_s": round(ours.board_final_s or 0.0, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
