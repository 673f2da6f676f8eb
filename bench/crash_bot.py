"""The bot under test in the crash bench: its config, its seeded history, its process, and the
tripwire that kills it as a digest goes out. bench/crash.py plays the team against it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.config import Config
from bot.sandbox import BotApiSandbox
from domain.holds import Hold
from domain.time import day_bounds, local_day
from storage.db import transaction
from storage.uow import Tables

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456:CRASH-BENCH"
TEAM_CHAT = -1001234567890
TEAM_NAME = "客服一组"
ACCOUNTS = (("jd", "jd", "京东旗舰店"), ("vip", "vip", "唯品会店"), ("tmall", "tmall", "天猫旗舰店"))
STARTUP_LIMIT_S = 90.0


class BotProcess:
    """The `baton run` subprocess: started, SIGKILLed, started again, and never left behind."""

    def __init__(self, sandbox: BotApiSandbox, config_path: Path, log_dir: Path) -> None:
        self.sandbox = sandbox
        self.config_path = config_path
        self.log_dir = log_dir
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.kills = 0
        self.deaths = 0
        self.startup_seconds: list[float] = []
        self.unexpected_exits: list[str] = []
        self.events: list[str] = []
        self._lock = threading.Lock()
        self._spawned = 0.0
        self._calls_at_spawn = 0
        self._ready_at: float | None = None

    def start(self) -> None:
        # These would override the file, which points the bot at the sandbox and the run's database.
        env = {k: v for k, v in os.environ.items() if k not in ("BATON_TOKEN", "BATON_CONFIG", "BATON_DATABASE_URL")}
        with self._lock:
            self.starts += 1
            self._calls_at_spawn = len(self.sandbox.calls)
            self._ready_at = None
            self._spawned = time.monotonic()
            with open(self._log(self.starts), "wb") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "bot.cli", "--config", str(self.config_path), "run"],
                    cwd=REPO,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )

    def kill(self, why: str) -> None:
        """SIGKILL from any thread, and reap; the main thread's supervise() starts the next process."""
        with self._lock:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait(timeout=30)
                self.kills += 1
                self.events.append(
                    f"{datetime.now(UTC):%H:%M:%S.%f}, {time.monotonic() - self._spawned:.2f} s after start {self.starts}: killed {why}"
                )

    def supervise(self) -> None:
        """Start the bot again if it is dead, whoever killed it."""
        with self._lock:
            proc = self.proc
            if proc is None or proc.poll() is None:
                return
            if proc.returncode != -signal.SIGKILL:
                self.unexpected_exits.append(f"bot process {self.starts} exited with {proc.returncode}:\n{self.log_tail()}")
            self.deaths += 1
        self.start()

    def ready(self) -> bool:
        """Polling again: a getUpdates after this process's getMe (so not a dead process's late request)."""
        if self._ready_at is None:
            seen_get_me = False
            for call in self.sandbox.calls[self._calls_at_spawn :]:
                method = call.method.lower()
                seen_get_me = seen_get_me or method == "getme"
                if seen_get_me and method == "getupdates":
                    self._ready_at = time.monotonic()
                    self.startup_seconds.append(self._ready_at - self._spawned)
                    break
            if self._ready_at is None and time.monotonic() - self._spawned > STARTUP_LIMIT_S:
                raise RuntimeError(f"the bot did not start within {STARTUP_LIMIT_S} s:\n{self.log_tail()}")
        return self._ready_at is not None

    def polling_for(self) -> float:
        return time.monotonic() - self._ready_at if self.ready() else 0.0

    def stop(self) -> None:
        """Leave nothing running: SIGKILL, then reap."""
        with self._lock:
            if self.proc is not None and self.proc.poll() is None:
                self.proc.send_signal(signal.SIGKILL)
            if self.proc is not None:
                self.proc.wait(timeout=30)

    def log_tail(self, lines: int = 30) -> str:
        text = self._log(self.starts).read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def _log(self, start: int) -> Path:
        return self.log_dir / f"bot-{start}.log"


def write_config(path: Path, sandbox: BotApiSandbox, database_url: str) -> Path:
    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string

    lines = [
        "[bot]",
        f"token = {q(TOKEN)}",
        f"base_url = {q(sandbox.base_url)}",
        f"base_file_url = {q(sandbox.base_file_url)}",
        "",
        "[team]",
        f"name = {q(TEAM_NAME)}",
        f"chat_id = {TEAM_CHAT}",
        'timezone = "Asia/Shanghai"',
        'language = "zh"',
    ]
    for key, platform, label in ACCOUNTS:
        lines += ["", "[[accounts]]", f"key = {q(key)}", f"platform = {q(platform)}", f"label = {q(label)}"]
    # 00:00: today's digest is due at every start-up, as yesterday's is, until one is posted.
    lines += ["", "[schedule]", 'daily_digest = "00:00"', "compile_every_minutes = 1", "", "[database]", f"url = {q(database_url)}"]
    # The simulated team acts at machine speed, far past a person's allowance; this bench is about
    # kills and exactly-once, so the per-person allowances (bench/flood.py's subject) are off.
    lines += ["", "[fairness]", "commands_per_minute = 0", "presses_per_minute = 0", "console_repeat_seconds = 0", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def seed_yesterday(config: Config, engine, tg_user_id: int, name: str) -> None:
    """A closed hold yesterday, so that yesterday's digest is due at every start-up until it is posted."""
    tz = config.team.timezone
    start = day_bounds(local_day(datetime.now(UTC), tz) - timedelta(days=1), tz)[0] + timedelta(hours=10)
    with transaction(engine) as session:
        tables = Tables(session)
        agent = tables.agents.register(tg_user_id, name, None, start)
        tables.holds.add(Hold(ACCOUNTS[0][0], agent.id, start, start + timedelta(hours=2)), assigned_by=agent.id)


def kill_at_first_digest(sandbox: BotApiSandbox, bot: BotProcess, is_digest) -> None:
    """SIGKILL the bot as its first digest reaches the sandbox: posted, but the bot never hears back.

    The hook sits where the sandbox records each request, before carrying it out; BotApiSandbox
    has no public hook yet, so it wraps the state's record_call.
    """
    state = sandbox._state
    record = state.record_call
    fired = threading.Event()

    def record_then_trip(method: str, params: dict) -> None:
        record(method, params)
        text = params.get("text")
        if (
            not fired.is_set()
            and method.lower() == "sendmessage"
            and params.get("chat_id") == TEAM_CHAT
            and isinstance(text, str)
            and is_digest(text)
        ):
            fired.set()
            bot.kill("as it sent a digest")

    state.record_call = record_then_trip
