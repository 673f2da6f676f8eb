"""Crash bench: SIGKILL the real `baton run` process at random moments while a scripted team works.

    python bench/crash.py [--actions 500] [--kills 5] [--seed 5] [--database-url URL] [--no-baseline]

A BotApiSandbox on 127.0.0.1 plays Telegram. Four agents, each in their private chat with the
bot, open consoles and press what the bot drew on them (take over, hand off, the case-type
picker) and send `/case <account> <type> <unique note>`. The bot is a `baton run` subprocess
whose TOML config points at the sandbox. It is SIGKILLed after seeded random steps, a seeded
random few milliseconds after the step's update went out, and once more just as it sends a
digest; each time it is started again at once. The sandbox keeps every update until the bot
confirms it, so a new process is handed what the killed one had not confirmed.

Afterwards bench/crash_checks.py holds what the bot acknowledged against the database. Printed:
the counts, the start-up times, and the throughput against the same script without kills (the
baseline) run in this process. The last line is one JSON object.

The agents press consoles in their private chats, each edited in place at once; the team group
holds the live console, which every press puts behind and the bot edits at Telegram's pace (20
writes a minute into a group), and the digests. At the end the live console must show the state
the database ended in: no edit was lost across the kills (a repeated edit changes nothing).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlmodel import select

from bench.crash_bot import (
    ACCOUNTS,
    TEAM_CHAT,
    TEAM_NAME,
    TOKEN,
    BotProcess,
    kill_at_first_digest,
    seed_yesterday,
    write_config,
)
from bench.crash_checks import CrashReport, check_board, check_digests, check_holds, check_ledger, check_updates, is_digest, read_rows
from bot.console import callbacks as cb
from bot.core.config import load_config
from bot.core.setup import prepare_database
from bot.sandbox import ApiCall, BotApiSandbox
from bot.text.i18n import CASE_TYPES
from storage.db import reading
from storage.models import BoardRow

AGENTS = ((7001, "王芳"), (7002, "李娜"), (7003, "张伟"), (7004, "刘洋"))
CASE_COMMAND_SHARE = 0.15  # of the scripted actions; the rest are presses
REFRESH_SHARE = 0.04  # after an action, the agent sends /console to see the accounts as they are now
LOOK_AGAIN_SHARE = 0.5  # after a refused press, likewise
KILL_DELAY_MAX_S = 0.06  # a press takes the bot a few tens of ms: kills land before, in and after it
ACK_PATIENCE_S = 5.0  # of the bot being up; without kills an answer takes milliseconds
AFTER_RESTART_PATIENCE_S = 1.5  # an update the killed bot had not confirmed comes first after a restart
COMPILE_JOB_FIRST_S = 5  # bot/jobs.py runs the first compile this long after start-up
BOARD_PATIENCE_S = 75  # a minute of group budget, and some
POLL_S = 0.002


@dataclass
class Sent:
    """One update the team sent; the bot's answer or replies are filled in by Team.settle."""

    update_id: int
    kind: str  # "press", "case", "console", "off" or "standings"
    user_id: int
    sent_at: datetime
    data: str = ""
    query_id: str = ""
    account: str = ""
    case_type: str = ""
    note: str = ""
    window: tuple[int, int] | None = None  # a /case's replies lie between these indices of the call log
    answer: ApiCall | None = None
    answer_calls: int = 0
    replies: list[ApiCall] = field(default_factory=list)


class Team:
    """The agents, played in turn: one update in flight at a time, so every reply has one author."""

    def __init__(self, sandbox: BotApiSandbox, bot: BotProcess, rng: random.Random, note_prefix: str) -> None:
        self.sandbox = sandbox
        self.bot = bot
        self.rng = rng
        self.note_prefix = note_prefix
        self.people = [sandbox.user(tg, name) for tg, name in AGENTS]
        for person in self.people:
            sandbox.private_chat(person)
        self.sent: list[Sent] = []
        self.log: list[ApiCall] = []
        self.answers: dict[str, ApiCall] = {}
        self.answer_calls: Counter[str] = Counter()
        self.believed_holder: dict[str, int] = {}
        self.settled: dict[int, int] = {}  # agent → their last /console's reply, while they sent nothing after it

    # -- the script ---------------------------------------------------------------------------

    def play(self, actions: int, kill_steps: set[int]) -> None:
        for person in self.people:
            self.console(person)
        for step in range(actions):
            person = self.rng.choice(self.people)
            kill = step in kill_steps
            if self.rng.random() < CASE_COMMAND_SHARE:
                self.case_command(person, step, kill)
            else:
                self.press(person, kill)
            if self.rng.random() < REFRESH_SHARE:
                self.console(person)

    def wind_down(self) -> None:
        """Everyone hands off and /standings recompiles today, so the ledger no longer moves with the clock."""
        for person in self.people:
            self._say(person, "/off", "off")
            self.console(person)
        self._say(self.people[0], "/standings", "standings")
        self.console(self.people[0])

    def open_board(self) -> None:
        """The first agent asks for the group's live console: every press from now on puts it behind."""
        person = self.people[0]
        at = datetime.now(UTC)
        self.sandbox.send_message(TEAM_CHAT, person, "/console")
        self._record("board", person, at)
        self._await(lambda: any(m.get("reply_markup") for m in self.sandbox.messages(TEAM_CHAT)))

    def console(self, person: dict) -> int:
        """Send /console and wait for it; returns the index of its reply in the call log.

        Updates are handled one at a time and in order, so once this reply is in, everything
        the agent sent before it has been handled or never will be.
        """
        self._sync()
        start = len(self.log)
        for _ in range(5):
            self._say(person, "/console", "console")
            found: list[int] = []
            # A /console is retried only if the bot died with it; long after the restart, so that
            # one still coming is not taken for the retry's (the retry's reply then marks the start).
            if self._await(lambda found=found: self._console_reply(person["id"], start, found), patience_after_restart=3.0):
                self.settled[person["id"]] = found[0]
                return found[0]
        raise RuntimeError(f"five /console in a row went unanswered:\n{self.bot.log_tail()}")

    def press(self, person: dict, kill: bool) -> None:
        consoles = [m for m in self.sandbox.messages(person["id"]) if is_console(m.get("reply_markup"))]
        buttons = [b["callback_data"] for row in consoles[-1]["reply_markup"]["inline_keyboard"] for b in row if "callback_data" in b]
        data = self.rng.choices(buttons, [self._appeal(cb.decode(d), person["id"]) for d in buttons])[0]
        at = datetime.now(UTC)
        try:
            query_id = self.sandbox.press_button(consoles[-1], person, data)
        except ValueError:
            return  # the bot redrew the console between our look and the tap; a person would look again
        sent = self._record("press", person, at, data=data, query_id=query_id)
        press = cb.decode(data)
        sent.account = press.account if press else ""
        sent.case_type = press.case_type if press else ""
        deaths = self.bot.deaths
        if kill:
            self._kill_soon()
        if self._await(lambda: query_id in self.answers, deaths) and press is not None:
            refused = self._believe(press, person["id"], self.answers[query_id])
            if refused and self.rng.random() < LOOK_AGAIN_SHARE:
                self.console(person)  # a person told "no" looks at the accounts again

    def case_command(self, person: dict, step: int, kill: bool) -> None:
        held = sorted(a for a, tg in self.believed_holder.items() if tg == person["id"])
        account = self.rng.choice(held or [a[0] for a in ACCOUNTS])
        case_type = self.rng.choice(CASE_TYPES)
        note = f"{self.note_prefix}-{step}"
        before = self.settled.get(person["id"])
        if before is None:
            before = self.console(person)
        sent = self._say(person, f"/case {account} {case_type} {note}", "case")
        sent.account, sent.case_type, sent.note = account, case_type, note
        if kill:
            self._kill_soon()
        sent.window = (before, self.console(person))

    # -- after the run --------------------------------------------------------------------------

    def settle(self) -> None:
        """Give each press its first answer and each /case the replies in its window."""
        self._sync()
        for sent in self.sent:
            if sent.query_id:
                sent.answer, sent.answer_calls = self.answers.get(sent.query_id), self.answer_calls[sent.query_id]
            if sent.window is not None:
                first, last = sent.window
                sent.replies = [
                    c
                    for c in self.log[first + 1 : last]
                    if c.method.lower() == "sendmessage" and c.params.get("chat_id") == sent.user_id and "reply_markup" not in c.params
                ]

    # -- plumbing ---------------------------------------------------------------------------------

    def _say(self, person: dict, text: str, kind: str) -> Sent:
        at = datetime.now(UTC)
        self.sandbox.send_message(person["id"], person, text)
        return self._record(kind, person, at)

    def _record(self, kind: str, person: dict, at: datetime, **fields: object) -> Sent:
        """`at`: taken before the update went in, since the bot may handle it before we look at the clock again."""
        self.settled.pop(person["id"], None)
        sent = Sent(self.sandbox.last_update["update_id"], kind, person["id"], at, **fields)
        self.sent.append(sent)
        return sent

    def _kill_soon(self) -> None:
        delay = self.rng.uniform(0.0, KILL_DELAY_MAX_S)
        time.sleep(delay)
        self.bot.kill(f"{delay * 1000:.0f} ms after update {self.sent[-1].update_id}")
        self.bot.supervise()

    def _appeal(self, press: cb.Press | None, user_id: int) -> float:
        """How likely an agent taps this button: take what someone else holds, work on what you hold."""
        if press is None:
            return 1.0
        mine = self.believed_holder.get(press.account) == user_id
        if press.action == cb.TAKE:
            return 0.5 if mine else 3.0
        if press.action == cb.HAND_OFF:
            return 2.0 if mine else 0.3
        return 0.6 if mine else 0.1  # one of five case types on the account's row: 3.0 and 0.5 for the row

    def _believe(self, press: cb.Press, user_id: int, answer: ApiCall) -> bool:
        """Follow who holds what from the answers; True when the press was refused."""
        if answer.params.get("show_alert"):
            return True
        if press.action == cb.TAKE:
            self.believed_holder[press.account] = user_id
        elif press.action == cb.HAND_OFF and self.believed_holder.get(press.account) == user_id:
            del self.believed_holder[press.account]
        return False

    def _console_reply(self, chat_id: int, start: int, found: list[int]) -> bool:
        for index in range(start, len(self.log)):
            call = self.log[index]
            if (
                call.method.lower() == "sendmessage"
                and call.params.get("chat_id") == chat_id
                and is_console(call.params.get("reply_markup"))
            ):
                found.append(index)
                return True
        return False

    def _sync(self) -> None:
        for call in self.sandbox.calls[len(self.log) :]:
            self.log.append(call)
            if call.method.lower() == "answercallbackquery":
                query_id = str(call.params.get("callback_query_id"))
                self.answers.setdefault(query_id, call)
                self.answer_calls[query_id] += 1

    def _await(self, done, deaths: int | None = None, patience_after_restart: float = AFTER_RESTART_PATIENCE_S) -> bool:
        """Poll until done(), keeping the bot alive; give up after a few seconds of it polling.

        `deaths` is the bot's death count when the awaited update went out. After a restart only
        a short wait: what the dead process had not confirmed is handed out first.
        """
        patience = ACK_PATIENCE_S if deaths in (None, self.bot.deaths) else patience_after_restart
        deaths, up, last = self.bot.deaths, 0.0, time.monotonic()
        while True:
            self._sync()
            if done():
                return True
            self.bot.supervise()
            now = time.monotonic()
            if self.bot.deaths != deaths:
                deaths, up, patience = self.bot.deaths, 0.0, patience_after_restart
            elif self.bot.ready():
                up += now - last
            last = now
            if up > patience:
                return False
            time.sleep(POLL_S)


# -- one run ----------------------------------------------------------------------------------------


@dataclass
class CrashSettings:
    database_url: str
    workdir: Path
    actions: int = 500
    kills: int = 5
    seed: int = 5
    kill_at_digest: bool = True


def board_due(engine) -> bool:
    """Whether a live console still owes an edit (storage/boards.py: version past shown)."""
    with reading(engine) as session:
        return any(row.version > row.shown for row in session.exec(select(BoardRow)))


def run_crash(settings: CrashSettings) -> CrashReport:
    """Play the script against a `baton run` that is killed `settings.kills` times; check what is left."""
    settings.workdir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(settings.seed)
    started = datetime.now(UTC)
    sandbox = BotApiSandbox(token=TOKEN).start()
    engine = bot = None
    try:
        sandbox.group(TEAM_CHAT, TEAM_NAME)
        config = load_config(write_config(settings.workdir / "baton.toml", sandbox, settings.database_url))
        engine = prepare_database(config)
        seed_yesterday(config, engine, *AGENTS[0])
        bot = BotProcess(sandbox, settings.workdir / "baton.toml", settings.workdir)
        if settings.kill_at_digest:
            kill_at_first_digest(sandbox, bot, lambda text: is_digest(config, text, started, datetime.now(UTC)))
        bot.start()
        team = Team(sandbox, bot, rng, note_prefix=f"crash{settings.seed}")
        team.open_board()
        margin = min(10, settings.actions // 10)
        kill_steps = set(rng.sample(range(margin, max(margin + settings.kills, int(settings.actions * 0.85))), settings.kills))
        play_start = time.monotonic()
        team.play(settings.actions, kill_steps)
        play_seconds = time.monotonic() - play_start
        updates = len(team.sent)
        team.wind_down()
        # The compile job's first run covers every open day, yesterday's seeded hold included.
        while bot.polling_for() < COMPILE_JOB_FIRST_S + 1:
            bot.supervise()
            time.sleep(0.05)
        # The last board edit may wait for the group's budget (20 writes a minute, more after a
        # restart's catch-up); stopping before it is sent would read a late edit as a lost one.
        deadline = time.monotonic() + BOARD_PATIENCE_S
        while board_due(engine) and time.monotonic() < deadline:
            bot.supervise()
            time.sleep(0.1)
        bot.stop()
        team.settle()
        return _report(settings, config, engine, sandbox, bot, team, started, play_seconds, updates)
    finally:
        if bot is not None:
            bot.stop()
        sandbox.stop()
        if engine is not None:
            engine.dispose()


def _report(settings, config, engine, sandbox, bot, team, started, play_seconds, updates) -> CrashReport:
    report = CrashReport(
        backend=engine.dialect.name,
        kills=bot.kills,
        restarts=bot.starts - 1,
        startup_seconds=bot.startup_seconds,
        play_seconds=play_seconds,
        updates_sent=updates,
        problems=list(bot.unexpected_exits),
        events=list(bot.events),
    )
    rows = read_rows(engine)
    counts, problems = check_updates(team.sent, rows, config, dict(AGENTS))
    report.problems += problems + check_holds(rows)
    report.digests, problems = check_digests(sandbox.messages(TEAM_CHAT), rows, config, started, datetime.now(UTC))
    report.problems += problems + check_board(sandbox.messages(TEAM_CHAT), engine, config)
    still_open = sum(1 for h in rows.holds if h.ended_at is None)
    if still_open:
        report.problems.append(f"{still_open} holds are still open after everyone's /off")
    ledger_rows, problems = check_ledger(engine, config)
    report.problems += problems
    report.counts = {**counts, "holds": len(rows.holds), "cases": len(rows.cases), "ledger rows": ledger_rows}
    return report


# -- the bench --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=500, help="presses and /case commands in the script (default 500)")
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs at random steps, besides the one at the first digest (default 5)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--database-url", help="an empty database for the run with kills (default: a fresh SQLite file)")
    parser.add_argument("--baseline-database-url", help="another empty one for the baseline (default: a fresh SQLite file)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the run without kills")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="baton-crash-") as tmp:
        work = Path(tmp)
        url = args.database_url or f"sqlite:///{work / 'crash.db'}"
        report = run_crash(CrashSettings(url, work / "crash", args.actions, args.kills, args.seed))
        for line in report.lines() + report.problems:
            print(line)
        figures = {
            "backend": report.backend,
            "kills": report.kills,
            "restarts": report.restarts,
            **report.counts,
            "digests": report.digests,
            "updates_per_s": round(report.updates_per_second, 1),
            "problems": len(report.problems),
        }
        if not args.no_baseline:
            # The same script and seed with no kills at all; compare like with like by giving both URLs.
            baseline_url = args.baseline_database_url or f"sqlite:///{work / 'baseline.db'}"
            baseline = run_crash(CrashSettings(baseline_url, work / "baseline", args.actions, 0, args.seed, kill_at_digest=False))
            ratio = report.updates_per_second / baseline.updates_per_second
            print(f"baseline without kills ({baseline.backend}): {baseline.updates_per_second:.1f} updates/s; with kills ×{ratio:.2f}")
            figures |= {"baseline_updates_per_s": round(baseline.updates_per_second, 1), "ratio": round(ratio, 2)}
        print(json.dumps(figures, ensure_ascii=False))
    return 1 if report.problems else 0


def is_console(markup: object) -> bool:
    """A console's keyboard, not another message's with buttons (a refused case's take-over offer)."""
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return any(cb.decode(b.get("callback_data")) is not None for row in rows for b in row)


if __name__ == "__main__":
    sys.exit(main())
