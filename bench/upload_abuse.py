"""Benchmark: hostile uploads against the real bot, while someone else keeps asking /help.

    python bench/upload_abuse.py [--cases xfd1048576_cell,...] [--timeout 300] [--database-url URL]

For each abuse of issue 15 the real Application runs in a fresh process of its own (so its peak
memory, VmHWM, is that case's alone) on a fresh SQLite file (or a fresh schema of the PostgreSQL
server given), against the simulated Bot API in
this process. After a warm-up /help, the bot's resident memory is its idle figure, and another
user's private /help every 0.25 s for 3 s with no upload in flight is the baseline wait. Then a
supervisor sends the file with /import in a private chat while that user goes on asking /help
every 0.25 s, until the file is answered. Prints a line per case and a final JSON line: the
bot's peak memory and its growth over idle, the other user's longest wait and its ratio to the
baseline's, the seconds until the upload was answered and the answer's first words.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.sandbox import BotApiSandbox
from bot.sandbox.live import TOKEN, shown
from tests.factories import GROUP_ID, SUPERVISOR_ID, fresh_schema, team_config
from tests.storage import abuse_samples as abuse
from tests.storage.export_samples import jd_csv_bytes, sample_conversations

HELP_EVERY_S = 0.25
BASELINE_S = 3.0
MB = 1024 * 1024
CHINESE_TITLE = "京东旗舰店咚咚会话明细报表（客服部导出，仅供内部核对使用，请勿外传，数据以平台最终统计为准）" * 8 + "\r\n"


def _utf16() -> bytes:
    return CHINESE_TITLE.encode("utf-16-le") + jd_csv_bytes(sample_conversations(5_000), encoding="utf-16-le")


def _thirty_mb() -> bytes:
    data = abuse.bulk_csv(580_000)
    return data[: data.rfind(b"\r\n", 0, 30 * MB) + 2]


# name -> (file name, bytes, the file_size its message announces: -1 the real one)
CASES: dict[str, tuple[str, Callable[[], bytes], int | None]] = {
    "xfd1048576_cell": ("bomb.xlsx", lambda: abuse.far_cell_xlsx("XFD1048576"), -1),
    "row200000_cell": ("bomb.xlsx", lambda: abuse.far_cell_xlsx("XFD200000"), -1),
    "sheet_1.15gb": ("big.xlsx", lambda: abuse.inflating_xlsx(int(1.15e9), block_rows=20), -1),
    "corrupt_xlsx": ("damaged.xlsx", abuse.corrupt_zlib_xlsx, -1),
    "30mb_false_size": ("export.csv", _thirty_mb, 1 * MB),
    "10000_columns": ("wide.csv", lambda: abuse.wide_csv(10_000), -1),
    "utf16le_no_bom": ("会话明细.csv", _utf16, -1),
    "csv_19.5mb": ("sessions.csv", lambda: abuse.bulk_csv(376_521), -1),
}


def memory(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- the bot, in a process of its own -------------------------------------------------------------------


def bot_process(pipe: Connection, base_url: str, base_file_url: str, database_url: str) -> None:
    import asyncio

    from bench.live_bot import baton_against, polling, told

    async def run() -> None:
        async with polling(baton_against(team_config(database_url), base_url, base_file_url)):
            pipe.send("ready")
            while (asked := await told(pipe)) != "stop":
                if asked == "idle":
                    pipe.send(memory("VmRSS"))
        pipe.send(memory("VmHWM"))

    asyncio.run(run())


# -- the people and the server, here ----------------------------------------------------------------------


class Asker:
    """Another user who sends a private /help every 0.25 s and notes how long each answer took."""

    def __init__(self, sandbox: BotApiSandbox) -> None:
        self.sandbox = sandbox
        self.user = sandbox.user(401, "查询员")
        self.chat = sandbox.private_chat(self.user)
        self.waits: list[float] = []
        self.stop = threading.Event()
        self.pending_since: float | None = None

    def ask_once(self, timeout: float = 60.0) -> float:
        before = self.sandbox.sent_to(self.chat["id"])
        started = time.perf_counter()
        self.pending_since = started
        self.sandbox.send_message(self.chat, self.user, "/help")
        while self.sandbox.sent_to(self.chat["id"]) == before and time.perf_counter() - started < timeout and not self.stop.is_set():
            time.sleep(0.002)
        self.pending_since = None
        return time.perf_counter() - started

    def run(self) -> None:
        while not self.stop.is_set():
            self.waits.append(self.ask_once())
            self.stop.wait(HELP_EVERY_S)

    def longest(self) -> float:
        still = time.perf_counter() - self.pending_since if self.pending_since is not None else 0.0
        return max([*self.waits, still], default=0.0)


@contextmanager
def fresh_database(server_url: str | None) -> Iterator[str]:
    if server_url is None:
        with tempfile.TemporaryDirectory(prefix="baton-abuse-") as scratch:
            yield f"sqlite:///{Path(scratch) / 'abuse.db'}"
        return
    with fresh_schema(server_url, "abuse") as url:
        yield url


def run_case(name: str, timeout: float, server_url: str | None) -> dict:
    filename, make, announced = CASES[name]
    data = make()
    with BotApiSandbox(token=TOKEN) as sandbox, fresh_database(server_url) as database_url:
        sandbox.group(GROUP_ID, "客服一组")
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(target=bot_process, args=(theirs, sandbox.base_url, sandbox.base_file_url, database_url))
        process.start()
        assert ours.recv() == "ready"
        asker = Asker(sandbox)
        asker.ask_once()  # warm-up: the first answer loads what answering needs
        ours.send("idle")
        idle = ours.recv()
        helper = threading.Thread(target=asker.run)
        helper.start()
        time.sleep(BASELINE_S)
        asker.stop.set()
        helper.join()
        baseline = max(asker.waits)

        boss = sandbox.user(SUPERVISOR_ID, "主管")
        private = sandbox.private_chat(boss)
        asker = Asker(sandbox)
        helper = threading.Thread(target=asker.run)
        helper.start()
        before = sandbox.sent_to(private["id"])
        started = time.perf_counter()
        sandbox.send_document(private, boss, filename, data, caption="/import jd", announced_size=announced)
        del data
        while sandbox.sent_to(private["id"]) == before and time.perf_counter() - started < timeout and process.is_alive():
            time.sleep(0.01)
        answered_s = time.perf_counter() - started
        answered = sandbox.sent_to(private["id"]) > before
        asker.stop.set()
        helper.join()
        longest = asker.longest()
        answer = shown(next(c for c in reversed(sandbox.calls) if c.method == "sendMessage" and c.params.get("chat_id") == private["id"]))
        peak = None
        if process.is_alive():
            ours.send("stop")
            peak = ours.recv() if ours.poll(60) else None
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    return {
        "case": name,
        "answered": answered,
        "answered_s": round(answered_s, 2),
        "answer": answer.splitlines()[0][:70] if answered else "",
        "idle_mb": round(idle, 1),
        "peak_mb": round(peak, 1) if peak is not None else None,
        "growth_mb": round(peak - idle, 1) if peak is not None else None,
        "baseline_wait_ms": round(1000 * baseline, 1),
        "longest_wait_ms": round(1000 * longest, 1),
        "wait_ratio_to_baseline": round(longest / baseline, 2) if baseline else None,
        "bot_exit": process.exitcode,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated, of: " + ", ".join(CASES))
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for an upload's answer")
    parser.add_argument("--database-url", help="a PostgreSQL server to run on, in a schema of its own (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    results = []
    for name in args.cases.split(","):
        result = run_case(name, args.timeout, args.database_url)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results.append(result)
    print(
        json.dumps(
            {
                "bench": "upload_abuse",
                "backend": (args.database_url or "sqlite").split(":")[0].split("+")[0],
                "cases": {r["case"]: {k: r[k] for k in ("peak_mb", "growth_mb", "longest_wait_ms", "answered_s")} for r in results},
                "max_growth_mb": max((r["growth_mb"] or 0.0) for r in results),
                "max_longest_wait_ms": max(r["longest_wait_ms"] for r in results),
                "baseline_longest_wait_ms": max(r["baseline_wait_ms"] for r in results),
                "all_answered": all(r["answered"] for r in results),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
