"""The credit simulation's stage: the real Application in the sandbox, on a manual clock, played a month.

One `play` runs one world: a fresh database, the team's config, the bot polling the simulated Bot
API (bot/sandbox/live.py). Everything is put on one timeline and played in order, the manual clock
set to each moment:

- the people's acts (bench/credit_plan.py): console presses, /on, /off, /case, as the person;
- the checks job (bot.reminders.jobs.run_checks) at its real ticks, every `checks.every_minutes`, and
  the presence job (bot.presence.jobs.run_presence: the hand-back nudges) every `presence.every_minutes`;
- each night at 23:30 the supervisor uploads both accounts' exports in the group (/import);
- what the bot then says to a simulated person is handed to bench/credit_people.py, and the acts
  it returns join the timeline.

At the end Baton's own credit is read back: the attribution of every conversation (bot.ledger.service)
and the month scored and split (bot.month.service.score_month), keyed by Telegram user id.
"""

from __future__ import annotations

import heapq
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import select

from bench.credit_exports import export_file, nightly
from bench.credit_people import Seen, Streams, Tally, is_refusal, react
from bench.credit_plan import CASE, CLAIM, OFF, PRESS, SAY, TAKE, Act
from bench.credit_traffic import Conversation
from bench.credit_world import ACCOUNTS, AGENTS, NAMES, World, at_local
from bot.console import callbacks as cb
from bot.core.config import Config
from bot.ledger.service import attribute
from bot.month.service import score_month
from bot.presence.jobs import run_presence
from bot.reminders.jobs import run_checks
from bot.sandbox.live import LiveBot, Reaction
from domain.clock import ManualClock
from storage.db import reading
from storage.models import ConversationRow, OutboxRow
from tests.factories import SUPERVISOR_ID

EXPORT_AT = datetime.strptime("23:30", "%H:%M").time()
CONSOLE_DATA = re.compile(cb.PATTERN)


@dataclass
class Played:
    """Baton's own view of the month, by Telegram user id, as read back at its end."""

    credits: dict[str, dict[int, float]]  # external id → {agent: share}
    statuses: dict[str, str]  # external id → held / roster / unattributed
    payouts: dict[int, int]  # agent → cents
    hours: dict[int, float]  # agent → hours held
    holds: list[tuple[str, int, datetime, datetime]]  # (account, agent, start, end), open ones ended at the read
    tally: Tally
    acts: dict[str, int] = field(default_factory=dict)  # what the people did, by kind and origin
    refused: int = 0  # acts the bot refused or answered with a refusal
    audited: dict[str, int] = field(default_factory=dict)  # Baton's audit log at the end, entries by action
    seconds: float = 0.0


class _JobContext:
    """What PTB hands a job callback: the application and its bot."""

    def __init__(self, application) -> None:
        self.application = application
        self.bot = application.bot


class Stage:
    """The running bot and the people in front of it; also their `Situation` (what they know)."""

    def __init__(self, live: LiveBot, world: World) -> None:
        self.live, self.world = live, world
        self.supervisor = live.user(SUPERVISOR_ID, "主管")
        # The supervisor is one of the people too: a notice to supervisors gets a reaction like any other.
        self.users = {tg: live.user(tg, NAMES[tg]) for tg in AGENTS} | {SUPERVISOR_ID: self.supervisor}
        self.chats = {tg: live.sandbox.private_chat(user) for tg, user in self.users.items()}
        self._shown: dict[tuple[int, int], tuple[str, tuple[tuple[str, str], ...]]] = {}
        self._tg: dict[int, int] = {}

    def tg_of(self, agent_id: int) -> int:
        if agent_id not in self._tg:
            self._tg = self.live.baton.read(lambda uow: {a.id: a.tg_user_id for a in uow.agents.by_id().values()})
        return self._tg[agent_id]

    def holder_of_hold(self, hold_id: int) -> int:
        return self.tg_of(self.live.baton.read(lambda uow: uow.holds.get(hold_id).agent_id))

    def held_in(self, agent: int, account: str, span: tuple[datetime, datetime]) -> bool:
        """Whether `agent` held `account` at any moment in `span` (they would remember pressing)."""
        holds = self.live.baton.read(lambda uow: uow.holds.between(*span))
        return any(h.account == account and self.tg_of(h.agent_id) == agent for h in holds)

    def holding(self, agent: int) -> set[str]:
        holds = self.live.baton.read(lambda uow: uow.holds.open())
        return {h.account for h in holds if self.tg_of(h.agent_id) == agent}

    def console(self) -> dict:
        for message in reversed(self.live.sandbox.messages(self.live.group["id"])):
            rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            if any(CONSOLE_DATA.match(b.get("callback_data", "")) for row in rows for b in row):
                return message
        raise LookupError("no console in the group")

    def new_private(self, now: datetime) -> list[Seen]:
        """What reached the simulated people in their private chats since last asked: a new message,
        or one edited to show other buttons (a question that asks a follow-up in place)."""
        seen = []
        for tg in self.chats:
            for message in self.live.sandbox.messages(tg):
                shown_as = (message.get("text", ""), _buttons(message))
                if self._shown.get((tg, message["message_id"])) != shown_as:
                    if (tg, message["message_id"]) not in self._shown or shown_as[1]:
                        seen.append(self._notice(tg, message, now))
                    self._shown[(tg, message["message_id"])] = shown_as
        return seen

    def group_count(self) -> int:
        return len(self.live.sandbox.messages(self.live.group["id"]))

    def group_replies(self, since: int, act: Act, now: datetime) -> list[Seen]:
        """The group's new messages since the `since`-th, the bot's answer to `act`'s person (acts run one at a time)."""
        new = self.live.sandbox.messages(self.live.group["id"])[since:]
        return [Seen(act.agent, m["chat"]["id"], now, m.get("text", ""), m, _buttons(m), account=act.account) for m in new]

    def _notice(self, tg: int, message: dict, now: datetime) -> Seen:
        buttons = _buttons(message)
        with reading(self.live.baton.engine) as session:
            row = session.execute(select(OutboxRow).where(OutboxRow.chat_id == tg, OutboxRow.message_id == message["message_id"])).scalar()
        kind = key = account = None
        if row is not None:
            kind, key = row.kind, row.key
            if row.hold_id is not None:
                account = self.live.baton.read(lambda uow: uow.holds.get(row.hold_id).account)
            elif key.count(":") >= 2:
                account = key.split(":")[1]  # a late start's key: agent:account:stamp
        return Seen(tg, tg, now, message.get("text", ""), message, buttons, kind, key, account)


async def play(
    world: World,
    conversations: list[Conversation],
    acts: list[Act],
    config: Config,
    *,
    seed: int,
    checks: bool = True,
    people: bool = True,
) -> Played:
    started = time.perf_counter()
    first, last = world.days[0], world.days[-1]
    end = at_local(last + timedelta(days=1), datetime.strptime("10:00", "%H:%M").time())
    clock = ManualClock(at_local(first, datetime.min.time()))
    streams = Streams(seed * 7919 + 1)
    tally = Tally()
    done: dict[str, int] = {}
    refused = 0
    async with LiveBot(config, clock, timeout=300) as live:
        stage = Stage(live, world)
        await live.say(stage.supervisor, "/console")
        timeline: list[tuple[datetime, int, str, object]] = []
        order = 0

        def add(at: datetime, what: str, payload: object = None) -> None:
            nonlocal order
            order += 1
            heapq.heappush(timeline, (at, order, what, payload))

        for act in acts:
            add(act.at, "act", act)
        if checks:
            # The jobs the product schedules (bot/app.py JOBS) that talk to people, at their own intervals.
            for job, minutes in (("tick", config.checks.every_minutes), ("presence", config.presence.every_minutes)):
                tick, every = clock.now(), timedelta(minutes=minutes)
                while tick < end:
                    add(tick, job)
                    tick += every
        for day in world.days:
            add(at_local(day, EXPORT_AT), "export")
        add(end - timedelta(minutes=5), "export")
        while timeline:
            at, _, what, payload = heapq.heappop(timeline)
            if at > clock.now():
                clock.set(at)
            replies: list[Seen] = []
            if what == "tick":
                await run_checks(_JobContext(live.application))
            elif what == "presence":
                await run_presence(_JobContext(live.application))
            elif what == "export":
                for account in ACCOUNTS:
                    name, data = export_file(account, nightly(conversations, account, at), at)
                    await live.upload(stage.supervisor, name, data, caption=f"/import {account}")
            else:
                act: Act = payload  # type: ignore[assignment]
                key = f"{act.do}:{act.via}"
                done[key] = done.get(key, 0) + 1
                before = stage.group_count()
                reaction = await _perform(stage, act)
                if reaction is not None and _refused(reaction):
                    refused += 1
                replies = stage.group_replies(before, act, clock.now())
            if people:
                for seen in stage.new_private(clock.now()) + replies:
                    for answer in react(seen, stage, streams, tally):
                        add(max(answer.at, clock.now()), "act", answer)
        played = _read_back(live, stage, first, last)
    played.tally, played.acts, played.refused = tally, done, refused
    played.seconds = time.perf_counter() - started
    return played


async def _perform(stage: Stage, act: Act) -> Reaction | None:
    live, user = stage.live, stage.users[act.agent]
    if act.do == TAKE and act.unless_holding and not _held_by_other(stage, act):
        return None
    if act.do == TAKE and act.typed:
        return await live.say(user, f"/on {act.account}")
    if act.do == TAKE:
        console = stage.console()
        return await live.press_as_seen(user, console, live.button(console, cb.Press(cb.TAKE, act.account)))
    if act.do == OFF:
        return await live.say(user, "/off")
    if act.do == CLAIM:
        if act.span is None or act.account is None or stage.held_in(act.agent, act.account, act.span):
            return None
        return await live.say(user, act.text or "")
    if act.do == CASE:
        return await live.say(user, f"/case {act.account}")
    if act.do == SAY:
        chat = stage.chats.get(act.chat_id) if act.chat_id is not None else None
        return await live.say(user, act.text or "", chat=chat)
    if act.do == PRESS and act.message is not None and act.data:
        return await live.press_as_seen(user, act.message, act.data)
    return None


def _buttons(message: dict) -> tuple[tuple[str, str], ...]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return tuple((b["text"], b.get("callback_data", "")) for row in rows for b in row)


def _held_by_other(stage: Stage, act: Act) -> bool:
    holds = stage.live.baton.read(lambda uow: uow.holds.open())
    return any(h.account == act.account and stage.tg_of(h.agent_id) != act.agent for h in holds)


def _refused(reaction: Reaction) -> bool:
    return any(is_refusal(text) for text in reaction.toasts() + reaction.texts())


def _read_back(live: LiveBot, stage: Stage, first: date, last: date) -> Played:
    baton = live.baton
    start, end = at_local(first, datetime.min.time()), at_local(last + timedelta(days=1), datetime.min.time())
    attributed = baton.read(attribute, start, end)
    with reading(baton.engine) as session:
        external = dict(session.execute(select(ConversationRow.id, ConversationRow.external_id)).all())
    credits: dict[str, dict[int, float]] = {}
    for row in attributed.attribution.credits.itertuples(index=False):
        shares = credits.setdefault(external[int(row.conversation_id)], {})
        tg = stage.tg_of(int(row.agent_id))
        shares[tg] = shares.get(tg, 0.0) + float(row.share)
    holds = [
        (str(h.account), stage.tg_of(int(h.agent_id)), h.start.to_pydatetime(), (end if pd.isna(h.end) else h.end.to_pydatetime()))
        for h in attributed.holds.itertuples(index=False)
    ]
    statuses = {external[int(r.conversation_id)]: str(r.status) for r in attributed.attribution.statuses.itertuples(index=False)}
    month = f"{first:%Y-%m}"
    scored = baton.run(score_month, month, baton.config.payout.pool_cents)
    payouts = {stage.tg_of(a): cents for a, cents in scored.payouts.per_agent.items()}
    hours = {stage.tg_of(a): float(h) for a, h in scored.hours_held.items()}
    audited = Counter(entry.action for entry in baton.read(lambda uow: uow.audit.all()))
    return Played(
        credits, statuses, {tg: payouts.get(tg, 0) for tg in AGENTS}, hours, holds, Tally(), audited=dict(sorted(audited.items()))
    )
