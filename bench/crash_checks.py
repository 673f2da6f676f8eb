"""What the crash bench checks once the bot is stopped: the database against what the bot acknowledged.

An update the bot acknowledged (a press it answered, a /case it replied to) must be in the
database exactly once, as its update id says; one it refused must have left nothing; one it
never acknowledged may have been applied (killed after the commit) but never twice. Holds on
an account must chain without overlap, the ledger must equal a compile from scratch, and no
digest may have been posted twice.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from html import escape

from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from bot.console import callbacks as cb
from bot.console.board import board_view
from bot.console.render import console_text
from bot.core.baton import Baton
from bot.core.clock import SystemClock
from bot.core.config import Config
from bot.ledger.service import compile_days
from bot.text.layout import plain_text
from bot.text.renderer import Renderer
from domain.holds import HOLDER
from domain.ledger import DERIVED_KINDS
from domain.time import previous_month
from storage.db import reading, transaction
from storage.models import Account, Agent, CaseRow, HoldRow, LedgerRow, OutboxRow

# the outbox kinds of the daily and monthly digests (bot/digest/, bot/month/)
DAILY, MONTHLY = "daily", "monthly"
CLOCK_SLACK = timedelta(milliseconds=2)  # the bot's and the sandbox's clocks are one clock; stored times are rounded


@dataclass
class CrashReport:
    """The figures of one run and everything found wrong in it."""

    backend: str
    kills: int
    restarts: int
    startup_seconds: list[float]
    play_seconds: float
    updates_sent: int
    counts: dict[str, int] = field(default_factory=dict)
    digests: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    @property
    def updates_per_second(self) -> float:
        return self.updates_sent / self.play_seconds if self.play_seconds else 0.0

    def lines(self) -> list[str]:
        startups = sorted(self.startup_seconds)
        median = startups[len(startups) // 2] if startups else float("nan")
        figures = ", ".join(f"{key} {value}" for key, value in self.counts.items())
        shown = ", ".join(f"{period} ×{count}" for period, count in sorted(self.digests.items())) or "none"
        return [
            f"[{self.backend}] kills {self.kills}, restarts {self.restarts}; bot start-up median {median:.2f} s, max {max(startups, default=float('nan')):.2f} s",
            f"[{self.backend}] {figures}",
            f"[{self.backend}] digests posted: {shown}",
            f"[{self.backend}] {self.updates_sent} updates in {self.play_seconds:.1f} s: {self.updates_per_second:.1f} updates/s",
            *(f"[{self.backend}] {event}" for event in self.events),
            f"[{self.backend}] problems: {len(self.problems)}",
        ]


@dataclass(frozen=True)
class Rows:
    holds: list[HoldRow]
    cases: list[CaseRow]
    digests: list[OutboxRow]
    agent_of_user: dict[int, int]
    account_key: dict[int, str]


def read_rows(engine: Engine) -> Rows:
    with reading(engine) as session:
        return Rows(
            holds=list(session.execute(select(HoldRow).order_by(HoldRow.id)).scalars()),
            cases=list(session.execute(select(CaseRow).order_by(CaseRow.id)).scalars()),
            digests=list(session.execute(select(OutboxRow).where(OutboxRow.kind.in_((DAILY, MONTHLY)))).scalars()),
            agent_of_user={a.tg_user_id: a.id for a in session.execute(select(Agent)).scalars()},
            account_key={a.id: a.key for a in session.execute(select(Account)).scalars()},
        )


def check_updates(sent: list, rows: Rows, config: Config, names: dict[int, str]) -> tuple[dict[str, int], list[str]]:
    """Acknowledged presses and /case commands against the rows their update ids created.

    `names` are the agents' display names by Telegram id, for the reply a logged /case gets.
    """
    holds_of, cases_of = _by_update(rows.holds), _by_update(rows.cases)
    counts: Counter[str] = Counter()
    problems: list[str] = []
    for s in sent:
        counts[f"{s.kind}_sent"] += 1
        agent = rows.agent_of_user.get(s.user_id)
        if s.kind == "press":
            press, answer = cb.decode(s.data), s.answer
            counts["press_acknowledged"] += answer is not None
            counts["press_answered_again"] += s.answer_calls > 1  # refused by the sandbox: a query is answered once
            if answer is None or press is None:
                continue
            refused = bool(answer.params.get("show_alert"))
            counts["press_refused"] += refused
            window = (s.sent_at - CLOCK_SLACK, answer.at + CLOCK_SLACK)
            where = f"press {s.data!r} by {s.user_id} (update {s.update_id})"
            if refused:
                if holds_of[s.update_id] or cases_of[s.update_id]:
                    problems.append(f"{where} was refused ({answer.params.get('text')!r}) yet left rows")
            elif press.action == cb.TAKE:
                problems += _exactly_one(holds_of[s.update_id], where, agent, press.account, rows, "started_at", window)
            elif press.action == cb.HAND_OFF:
                if not any(
                    h.agent_id == agent
                    and rows.account_key[h.account_id] == press.account
                    and h.taken_over_by is None
                    and h.ended_at is not None
                    and window[0] <= h.ended_at <= window[1]
                    for h in rows.holds
                ):
                    problems.append(f"{where} was answered {answer.params.get('text')!r} but no hold of theirs ended then")
            elif press.action == cb.CASE_TYPE:
                problems += _exactly_one(cases_of[s.update_id], where, agent, press.account, rows, "logged_at", window)
        elif s.kind == "case":
            noted = [c for c in rows.cases if c.note == s.note]
            where = f"/case {s.account} {s.case_type} {s.note} by {s.user_id} (update {s.update_id})"
            if len(noted) > 1:
                problems.append(f"{where} is logged {len(noted)} times")
            if not s.replies:
                continue
            counts["case_acknowledged"] += 1
            logged = _case_logged(config, s, names[s.user_id])
            confirmed = [r for r in s.replies if r.params.get("text") == logged]
            if len(s.replies) > 1:
                if confirmed or len({r.params.get("text") for r in s.replies}) > 1:
                    texts = " / ".join(f"{plain_text(r.params.get('text', ''))!r} at {r.at:%H:%M:%S.%f}" for r in s.replies)
                    problems.append(f"{where}, sent at {s.sent_at:%H:%M:%S.%f}, was answered {len(s.replies)} times: {texts}")
                else:
                    # Refused, the bot died before noting the update, and was handed it again:
                    # the same refusal twice, and nothing stored either time (checked below).
                    counts["case_refusal_repeated"] += 1
            if confirmed:
                window = (s.sent_at - CLOCK_SLACK, confirmed[0].at + CLOCK_SLACK)
                problems += _exactly_one(cases_of[s.update_id], where, agent, s.account, rows, "logged_at", window)
                if len(noted) != 1:
                    problems.append(f"{where} was confirmed but its note is in {len(noted)} cases")
            else:
                counts["case_refused"] += 1
                if noted or cases_of[s.update_id]:
                    problems.append(f"{where} was refused ({s.replies[0].params.get('text')!r}) yet left a case")
    problems += _rows_have_authors(sent, rows)
    return dict(counts), problems


def check_holds(rows: Rows) -> list[str]:
    """Per account, holder holds follow one another: no overlap, at most one open, handovers meet."""
    problems = []
    per_account = defaultdict(list)
    for hold in rows.holds:
        if hold.role == HOLDER:
            per_account[rows.account_key[hold.account_id]].append(hold)
    for account, holds in per_account.items():
        holds.sort(key=lambda h: (h.started_at, h.id))
        for before, after in itertools.pairwise(holds):
            if before.ended_at is None or before.ended_at > after.started_at:
                problems.append(
                    f"{account}: hold {before.id} ({before.started_at}–{before.ended_at}) overlaps hold {after.id} from {after.started_at}"
                )
            elif before.taken_over_by is not None and (before.ended_at != after.started_at or after.agent_id != before.taken_over_by):
                problems.append(
                    f"{account}: hold {before.id} was taken over by agent {before.taken_over_by}, but hold {after.id} is agent {after.agent_id}'s from {after.started_at}"
                )
    return problems


def check_digests(
    group_messages: list[dict], rows: Rows, config: Config, first: datetime, last: datetime
) -> tuple[dict[str, int], list[str]]:
    """Each digest in the group at most once, each with its claim; a confirmed claim names its message."""
    titles = _digest_titles(config, first, last)
    posted: dict[tuple[str, str], list[int]] = defaultdict(list)
    others = 0
    for message in group_messages:
        period = titles.get((message.get("text") or "").split("\n", 1)[0])
        if period is None:
            others += 1
        else:
            posted[period].append(message["message_id"])
    problems = [
        f"the {kind} digest for {period} was posted {len(ids)} times (messages {ids})"
        for (kind, period), ids in posted.items()
        if len(ids) > 1
    ]
    claims = {(d.kind, d.key.split("@")[0]): d for d in rows.digests if d.chat_id == config.team.chat_id}
    problems += [f"the {kind} digest for {period} was posted with no claim row" for kind, period in posted if (kind, period) not in claims]
    for key, claim in claims.items():
        if claim.message_id is not None and claim.message_id not in posted.get(key, []):
            problems.append(f"the claim for the {key[0]} digest of {key[1]} names message {claim.message_id}, which is not that digest")
    figures = {f"{kind} {period}": len(ids) for (kind, period), ids in posted.items()}
    if others:
        figures["other group messages"] = others
    return figures, problems


def check_board(group_messages: list[dict], engine: Engine, config: Config) -> list[str]:
    """The group's live console shows, account by account, who the database says holds it."""
    consoles = [m for m in group_messages if m.get("reply_markup")]
    if not consoles:
        return ["the group has no live console"]
    shown = [line for line in consoles[-1]["text"].splitlines() if line.startswith("• ")]
    render = Renderer(config)
    with Baton(config, engine, SystemClock()).reading() as uow:
        expected = [plain_text(line) for line in console_text(render, board_view(uow)).splitlines() if line.startswith("• ")]
    return [] if shown == expected else [f"the live console shows {shown}, the database {expected}: an edit was lost"]


def is_digest(config: Config, text: str, first: datetime, last: datetime) -> bool:
    """Whether a message's text (HTML or plain) begins like a digest due between `first` and `last`."""
    return plain_text(text).split("\n", 1)[0] in _digest_titles(config, first, last)


def check_ledger(engine: Engine, config: Config) -> tuple[int, list[str]]:
    """The ledger the bot left equals one compiled from scratch (derived entries dropped, compiled again).

    Destructive: the derived entries are replaced. Run it last. All holds are closed by then,
    so the compile does not depend on when it runs.
    """
    stored = _ledger(engine)
    with transaction(engine) as session:
        session.execute(delete(LedgerRow).where(LedgerRow.kind.in_(DERIVED_KINDS)))
    Baton(config, engine, SystemClock()).run(compile_days)
    rebuilt = _ledger(engine)
    missing, extra = rebuilt - stored, stored - rebuilt
    problems = [f"ledger lacks {entry} ×{n} that a compile from scratch makes" for entry, n in sorted(missing.items(), key=str)]
    problems += [f"ledger has {entry} ×{n} that a compile from scratch does not make" for entry, n in sorted(extra.items(), key=str)]
    return sum(stored.values()), problems


# -- helpers ----------------------------------------------------------------------------------------


def _by_update(rows: list) -> dict[int, list]:
    found: dict[int, list] = defaultdict(list)
    for row in rows:
        if row.update_id is not None:
            found[row.update_id].append(row)
    return found


def _exactly_one(made: list, where: str, agent: int | None, account: str, rows: Rows, at: str, window: tuple) -> list[str]:
    if len(made) != 1:
        return [f"{where} was acknowledged but {len(made)} rows carry its update id"]
    row = made[0]
    if row.agent_id != agent or rows.account_key[row.account_id] != account:
        return [f"{where}: its row is agent {row.agent_id} on {rows.account_key[row.account_id]}"]
    if not window[0] <= getattr(row, at) <= window[1]:
        return [f"{where}: its row's {at} {getattr(row, at)} is outside {window[0]}–{window[1]}"]
    return []


def _rows_have_authors(sent: list, rows: Rows) -> list[str]:
    """Every row an update made belongs to an update that could make it, by that agent, on that account."""
    by_id = {s.update_id: s for s in sent}
    problems = []
    for table, made, makers in (("hold", rows.holds, {cb.TAKE}), ("case", rows.cases, {cb.CASE_TYPE, "/case"})):
        for row in made:
            if row.update_id is None:
                continue
            s = by_id.get(row.update_id)
            if (
                s is None
                or _what(s) not in makers
                or rows.agent_of_user.get(s.user_id) != row.agent_id
                or s.account != rows.account_key[row.account_id]
            ):
                problems.append(f"{table} {row.id} carries update {row.update_id}, which could not have made it")
    return problems


def _what(s) -> str | None:
    """A sent update's action: the press's, or "/case"."""
    if s.kind == "case":
        return "/case"
    press = cb.decode(s.data) if s.kind == "press" else None
    return press.action if press else None


def _case_logged(config: Config, s, name: str) -> str:
    """The reply of a /case that was logged (bot/console/render.py case_logged_text)."""
    render = Renderer(config)
    return render.t("case_logged", name=escape(name), label=escape(render.label(s.account)), case_type=render.case_type(s.case_type))


def _digest_titles(config: Config, first: datetime, last: datetime) -> dict[str, tuple[str, str]]:
    """The first line of every digest that could have been due in the run, to the digest it begins."""
    render = Renderer(config)
    tz = config.team.timezone
    day, end = first.astimezone(tz).date() - timedelta(days=1), last.astimezone(tz).date()
    titles = {}
    while day <= end:
        titles[plain_text(render.t("digest.title", team=escape(config.team.name), day=render.day(day)))] = (DAILY, day.isoformat())
        month = previous_month(day)
        titles[plain_text(render.t("monthly.title", month=render.month(month)))] = (MONTHLY, month)
        day += timedelta(days=1)
    return titles


def _ledger(engine: Engine) -> Counter:
    with reading(engine) as session:
        return Counter(
            (r.agent_id, r.day, r.kind, r.source, r.millipoints, round(r.quantity, 6)) for r in session.execute(select(LedgerRow)).scalars()
        )
