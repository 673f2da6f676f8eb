"""The credit simulation's truth: who really sat at each shared account's keyboard, minute by minute.

A team of six on two logins (JD and Vipshop). Each account has two shifts a day, 09:00-17:00 and
15:00-23:00 local, rostered by weekday in a rotation (`roster_agent`). What really happens:

- people arrive a little early or late (a quarter of arrivals 1-20 minutes late);
- the afternoon agent takes the keyboard on arrival, so the morning agent's real stint ends then;
- the evening agent stays until 23:00 and a few minutes past it;
- everyone takes a meal break (30-45 min) and half take a short one (10-15 min); a colleague on
  the other account covers most breaks and so sits at two keyboards for a while;
- a few shifts are worked by someone else than the roster says (unplanned swaps).

The keyboard timeline of an account is a sorted list of `Stint`s; gaps are empty keyboards. Every
moment a different person sits down (or gets up) is a `Change`, from which the people's presses are
planned (bench/credit_plan.py). Times are aware UTC datetimes throughout.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
ACCOUNTS = ("jd", "vip")
AGENTS = (101, 102, 103, 104, 105, 106)  # Telegram user ids
NAMES = {101: "王芳", 102: "李雷", 103: "张伟", 104: "刘洋", 105: "陈静", 106: "赵敏"}
SHIFTS = {"early": (time(9, 0), time(17, 0)), "late": (time(15, 0), time(23, 0))}
SLOTS = (("jd", "early"), ("vip", "early"), ("jd", "late"), ("vip", "late"))

# The rates of the world itself (the people's mistakes are in bench/credit_plan.py).
LATE_ARRIVAL = 0.25  # late by 1-20 minutes; the rest arrive 5 minutes early to 3 late
SHORT_BREAK = 0.5
COVER_MEAL = 0.75  # a meal break covered by the colleague on the other account
COVER_SHORT = 0.4
UNPLANNED_SWAP = 0.04


def at_local(day: date, wall: time) -> datetime:
    return datetime.combine(day, wall, ZONE).astimezone(UTC)


def roster_agent(day: date, account: str, shift: str) -> int:
    """Who the weekly roster puts on `account`'s `shift` on `day`: four different people a day."""
    slot = SLOTS.index((account, shift))
    return AGENTS[(day.weekday() + slot) % len(AGENTS)]


def roster_config() -> list[dict]:
    """The same roster as Baton's `[[roster]]` entries (weekdays 1 = Monday … 7 = Sunday)."""
    entries = []
    for account, shift in SLOTS:
        for agent in AGENTS:
            days = [w + 1 for w in range(7) if AGENTS[(w + SLOTS.index((account, shift))) % len(AGENTS)] == agent]
            if days:
                start, end = SHIFTS[shift]
                entries.append(
                    {
                        "agent": agent,
                        "name": NAMES[agent],
                        "account": account,
                        "weekdays": days,
                        "from": f"{start:%H:%M}",
                        "to": f"{end:%H:%M}",
                    }
                )
    return entries


@dataclass(frozen=True)
class Stint:
    account: str
    agent: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Change:
    """Someone sits down at (or gets up from) an account's keyboard: the moment a press is owed."""

    at: datetime
    account: str
    kind: str  # "arrive", "cover", "return", "leave" (the evening agent goes home)
    agent: int  # who sits down ("leave": who gets up)
    shift_end: datetime  # the real end of the shift of the person whose keyboard it is
    planned_start: datetime | None = None  # arrivals: when the roster said
    back_at: datetime | None = None  # covers: when the colleague on a break comes back


@dataclass(frozen=True)
class Shift:
    day: date
    account: str
    name: str
    rostered: int
    worker: int
    arrive: datetime
    leave: datetime  # when they get up for good (early shift: when the afternoon agent arrives)


@dataclass
class World:
    days: list[date]
    shifts: list[Shift] = field(default_factory=list)
    stints: dict[str, list[Stint]] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    _starts: dict[str, list[datetime]] = field(default_factory=dict)

    def index(self) -> None:
        for account in ACCOUNTS:
            self.stints[account].sort(key=lambda s: s.start)
            self._starts[account] = [s.start for s in self.stints[account]]
        self.changes.sort(key=lambda c: c.at)

    def at_keyboard(self, account: str, at: datetime) -> int | None:
        """Who sat at `account`'s keyboard at `at`, or None."""
        stints = self.stints[account]
        i = bisect.bisect_right(self._starts[account], at) - 1
        return stints[i].agent if i >= 0 and stints[i].start <= at < stints[i].end else None

    def seated_since(self, account: str, at: datetime) -> datetime | None:
        """When whoever sat at `account`'s keyboard at `at` sat down, or None."""
        stints = self.stints[account]
        i = bisect.bisect_right(self._starts[account], at) - 1
        return stints[i].start if i >= 0 and stints[i].start <= at < stints[i].end else None

    def next_seated(self, account: str, after: datetime) -> Stint | None:
        """The next stint on `account` that begins after `after` (a waiting customer's answer)."""
        i = bisect.bisect_right(self._starts[account], after)
        return self.stints[account][i] if i < len(self.stints[account]) else None

    def seated_seconds(self) -> dict[int, float]:
        """Each agent's real hours at a keyboard (two accounts at once count twice), in seconds."""
        seconds = dict.fromkeys(AGENTS, 0.0)
        for stints in self.stints.values():
            for s in stints:
                seconds[s.agent] += (s.end - s.start).total_seconds()
        return seconds


def build_world(first_day: date, n_days: int, rng: random.Random) -> World:
    days = [first_day + timedelta(days=i) for i in range(n_days)]
    world = World(days, stints={a: [] for a in ACCOUNTS})
    for day in days:
        _one_day(world, day, rng)
    world.index()
    return world


def _arrival(day: date, wall: time, rng: random.Random) -> datetime:
    minutes = rng.uniform(1, 20) if rng.random() < LATE_ARRIVAL else rng.uniform(-5, 3)
    return at_local(day, wall) + timedelta(minutes=minutes)


def _one_day(world: World, day: date, rng: random.Random) -> None:
    rostered = {(a, s): roster_agent(day, a, s) for a, s in SLOTS}
    off_today = [a for a in AGENTS if a not in rostered.values()]
    shifts: dict[tuple[str, str], Shift] = {}
    for account in ACCOUNTS:
        workers = {}
        for name in ("early", "late"):
            worker = rostered[(account, name)]
            if rng.random() < UNPLANNED_SWAP and off_today:
                worker = off_today.pop(rng.randrange(len(off_today)))
            workers[name] = worker
        early_in = _arrival(day, SHIFTS["early"][0], rng)
        late_in = _arrival(day, SHIFTS["late"][0], rng)
        late_out = at_local(day, SHIFTS["late"][1]) + timedelta(minutes=rng.uniform(-3, 20))
        for name, arrive, leave in (("early", early_in, late_in), ("late", late_in, late_out)):
            shifts[(account, name)] = Shift(day, account, name, rostered[(account, name)], workers[name], arrive, leave)
    world.shifts.extend(shifts.values())
    # Each account's day as (start, end, agent) pieces, breaks cut out and covered below.
    pieces = {a: [(shifts[(a, n)].arrive, shifts[(a, n)].leave, shifts[(a, n)].worker) for n in ("early", "late")] for a in ACCOUNTS}
    breaks = []
    for account, name in SLOTS:
        shift = shifts[(account, name)]
        meal_from = at_local(day, time(11, 30) if name == "early" else time(18, 0))
        meal = meal_from + timedelta(minutes=rng.uniform(0, 90))
        breaks.append((account, shift, meal, meal + timedelta(minutes=rng.uniform(30, 45)), COVER_MEAL))
        if rng.random() < SHORT_BREAK:
            first, last = (time(9, 45), time(11, 0)) if name == "early" else (time(20, 15), time(21, 45))
            short = at_local(day, first) + timedelta(minutes=rng.uniform(0, (last.hour - first.hour) * 60 + last.minute - first.minute))
            breaks.append((account, shift, short, short + timedelta(minutes=rng.uniform(10, 15)), COVER_SHORT))
    breaks.sort(key=lambda b: b[2])
    away: list[tuple[int, datetime, datetime]] = []  # who is on a break or covering, when
    for account, shift, b0, b1, cover_rate in breaks:
        if not (shift.arrive < b0 and b1 < shift.leave) or _busy(away, shift.worker, b0, b1):
            continue
        other = ACCOUNTS[1 - ACCOUNTS.index(account)]
        coverer = _sole_occupant(pieces[other], b0, b1)
        if coverer is not None and (_busy(away, coverer, b0, b1) or coverer == shift.worker):
            coverer = None
        covered = coverer is not None and rng.random() < cover_rate
        pieces[account] = _cut(pieces[account], b0, b1, coverer if covered else None)
        away.append((shift.worker, b0, b1))
        if covered:
            away.append((coverer, b0, b1))
            world.changes.append(Change(b0, account, "cover", coverer, shift.leave, back_at=b1))
            world.changes.append(Change(b1, account, "return", shift.worker, shift.leave))
    for account in ACCOUNTS:
        world.stints[account].extend(Stint(account, agent, s, e) for s, e, agent in pieces[account] if agent is not None and e > s)
        for name in ("early", "late"):
            shift = shifts[(account, name)]
            planned = at_local(day, SHIFTS[name][0])
            world.changes.append(Change(shift.arrive, account, "arrive", shift.worker, shift.leave, planned))
        late = shifts[(account, "late")]
        world.changes.append(Change(late.leave, account, "leave", late.worker, late.leave))


def _busy(away: list[tuple[int, datetime, datetime]], agent: int, start: datetime, end: datetime) -> bool:
    return any(who == agent and s < end and start < e for who, s, e in away)


def _sole_occupant(pieces: list[tuple[datetime, datetime, int | None]], start: datetime, end: datetime) -> int | None:
    """The one person at the keyboard for all of [start, end), else None."""
    inside = [p for p in pieces if p[0] < end and start < p[1]]
    if len(inside) == 1 and inside[0][0] <= start and end <= inside[0][1]:
        return inside[0][2]
    return None


def _cut(pieces: list[tuple[datetime, datetime, int | None]], start: datetime, end: datetime, who: int | None):
    """`pieces` with [start, end) given to `who` (None: an empty keyboard)."""
    out = []
    for s, e, agent in pieces:
        if e <= start or end <= s:
            out.append((s, e, agent))
            continue
        if s < start:
            out.append((s, start, agent))
        if end < e:
            out.append((end, e, agent))
    out.append((start, end, who))
    return sorted(out, key=lambda p: p[0])
