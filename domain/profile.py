"""Talent profiles (人才库): what someone has shown they can do, from the records Baton keeps.

A points table misses the colleague who covers other people's shifts and learns every platform
while a new shop finds its feet. A profile shows that breadth: hours on each platform and
account, covers, thanks, handovers with notes, and skills, tagged by a supervisor or declared by
the agent themselves (shown apart: a self-declared skill is a claim, not a finding).

Evidence for `/talent <skill>`, in this order:
 1. the tag: a supervisor's tag, then a self-declared skill, then no tag;
 2. within one tag level, the evidence in hours, highest first:
      hours held on the accounts the skill names (when it names a platform, an account key or
      an account's label; otherwise 0)
    + hours of cover given, on any account (stepping in for a colleague is the point)
    + THANKS_HOURS per thanks received (a colleague's word weighs like an hour of work);
 3. then name and agent id, so the order is total and never shuffles between two asks.
The candidates are the agents tagged with the skill (either way) and, when the skill names
accounts, everyone who held one of them.

All-rounders (多面手) of a month: among the agents who held at least two accounts for at least
ALL_ROUNDER_MIN_HOURS each, those with the most platforms, then the most accounts; and the
agents with the most minutes of cover. Everyone tied at the top is named.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from domain.attribution import as_ts
from domain.collaboration import COVER, HANDOVER, PEAK_HELP, THANKS
from domain.ledger import MILLI, Entry

SUPERVISOR, SELF = "supervisor", "self"
SOURCES = (SUPERVISOR, SELF)
SKILL_MAX_CHARS = 32
MAX_SKILLS_AT_ONCE = 10
THANKS_HOURS = 1.0
ALL_ROUNDER_MIN_HOURS = 1.0
COLLABORATION_KINDS = frozenset({COVER, HANDOVER, THANKS, PEAK_HELP})
_TAG_RANK = {SUPERVISOR: 2, SELF: 1, None: 0}
# Commas of either script, the Chinese enumeration comma and semicolons separate skills like spaces do.
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_LEADING = re.compile(r"^[#\s]+")
# What people call a platform, so "/talent 京东" finds the agents who held the JD accounts.
PLATFORM_NAMES: dict[str, frozenset[str]] = {
    "jd": frozenset({"jd", "京东", "jingdong", "jd.com", "京东商城", "咚咚"}),
    "vip": frozenset({"vip", "唯品会", "vipshop", "vip.com"}),
    "tmall": frozenset({"tmall", "天猫", "千牛", "tmall.com"}),
}


# -- skills --------------------------------------------------------------------------------------


class SkillError(ValueError):
    """A skill that cannot be stored: code is "empty", "too_long", "control" or "too_many"."""

    def __init__(self, code: str, skill: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.skill = skill


@dataclass(frozen=True)
class SkillTag:
    skill: str
    source: str  # SUPERVISOR or SELF
    tagged_by: str | None  # the supervisor's name; None for a self-declared skill
    at: datetime


def normalise_skill(text: str) -> str:
    """One skill as stored: NFKC (full-width ＪＤ is jd), lower-case, without a leading #."""
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise SkillError("control", text)
    skill = _LEADING.sub("", unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())).strip()
    if not skill:
        raise SkillError("empty", text)
    if len(skill) > SKILL_MAX_CHARS:
        raise SkillError("too_long", skill)
    return skill


def parse_skills(words: Iterable[str]) -> list[str]:
    """The skills in what someone typed, in order, each once; SkillError when any one is bad."""
    return _distinct([normalise_skill(p) for p in _pieces(words)])


def parse_skill_changes(words: Iterable[str]) -> tuple[list[str], list[str]]:
    """What an agent typed after /skills: (skills to add, skills to drop, written -skill)."""
    pieces = _pieces(words)
    dropped = _distinct([normalise_skill(p[1:]) for p in pieces if p.startswith("-")])
    added = _distinct([normalise_skill(p) for p in pieces if not p.startswith("-")])
    if len(added) + len(dropped) > MAX_SKILLS_AT_ONCE:
        raise SkillError("too_many")
    return added, dropped


def _pieces(words: Iterable[str]) -> list[str]:
    text = " ".join(words)
    # Whitespace splits skills, but other control characters must be refused, not split on.
    if any(unicodedata.category(ch) == "Cc" and ch not in " \t\n\r" for ch in text):
        raise SkillError("control", text)
    pieces = [p for p in _SEPARATORS.split(text) if p]
    if not pieces:
        raise SkillError("empty")
    return pieces


def _distinct(skills: list[str]) -> list[str]:
    skills = list(dict.fromkeys(skills))
    if len(skills) > MAX_SKILLS_AT_ONCE:
        raise SkillError("too_many")
    return skills


@dataclass(frozen=True)
class AccountRef:
    key: str
    platform: str
    label: str


def skill_accounts(skill: str, accounts: Iterable[AccountRef]) -> frozenset[str]:
    """The account keys a skill names: by platform (PLATFORM_NAMES), account key or account label."""
    platforms = {platform for platform, names in PLATFORM_NAMES.items() if skill in names}
    return frozenset(
        a.key
        for a in accounts
        if a.platform in platforms or a.key.lower() == skill or unicodedata.normalize("NFKC", a.label).strip().lower() == skill
    )


# -- hours ---------------------------------------------------------------------------------------


def held_hours(holds: pd.DataFrame, *, now: datetime, start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """Hours per agent and account: agent_id, account, hours (only positive ones).

    holds: account, agent_id, start, end (NaT while open: held up to `now`). With start/end,
    only the time inside [start, end) counts.
    """
    if not len(holds):
        return pd.DataFrame({"agent_id": pd.Series(dtype="int64"), "account": pd.Series(dtype=object), "hours": pd.Series(dtype="float64")})
    began = as_ts(holds["start"])
    ended = as_ts(holds["end"]).fillna(pd.Timestamp(now).tz_convert("UTC")).clip(upper=pd.Timestamp(now).tz_convert("UTC"))
    if start is not None:
        began = began.clip(lower=pd.Timestamp(start).tz_convert("UTC"))
    if end is not None:
        ended = ended.clip(upper=pd.Timestamp(end).tz_convert("UTC"))
    seconds = (ended - began).dt.total_seconds().clip(lower=0.0)
    frame = pd.DataFrame(
        {
            "agent_id": holds["agent_id"].astype("int64").to_numpy(),
            "account": holds["account"].to_numpy(dtype=object),
            "seconds": seconds.to_numpy(),
        }
    )
    summed = frame.groupby(["agent_id", "account"], as_index=False, sort=True)["seconds"].sum()
    summed = summed[summed["seconds"] > 0]
    return pd.DataFrame(
        {"agent_id": summed["agent_id"].astype("int64"), "account": summed["account"], "hours": summed["seconds"] / 3600}
    ).reset_index(drop=True)


def platform_hours(account_hours: Mapping[str, float], platforms: Mapping[str, str]) -> list[tuple[str, float]]:
    """Hours per platform, most first; an account no longer configured counts as "other"."""
    totals: dict[str, float] = defaultdict(float)
    for account, hours in account_hours.items():
        totals[platforms.get(account, "other")] += hours
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))


# -- evidence ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """Why an agent is a candidate for a skill; see the module's docstring for the score."""

    agent_id: int
    name: str
    tag: str | None  # SUPERVISOR, SELF or None
    account_hours: float
    cover_hours: float
    thanks_received: int

    @property
    def score(self) -> float:
        return round(self.account_hours + self.cover_hours + THANKS_HOURS * self.thanks_received, 6)

    def order(self) -> tuple:
        return (-_TAG_RANK[self.tag], -self.score, self.name, self.agent_id)


def rank_candidates(candidates: Iterable[Evidence]) -> list[Evidence]:
    return sorted(candidates, key=Evidence.order)


def strongest_tag(sources: Iterable[str]) -> str | None:
    return max(sources, key=lambda s: _TAG_RANK[s], default=None)


def talent_candidates(
    tags: Mapping[int, Iterable[str]],
    hours: pd.DataFrame,
    accounts: frozenset[str],
    cover_minutes: Mapping[int, float],
    thanks_received: Mapping[int, int],
    names: Mapping[int, str],
) -> list[Evidence]:
    """Everyone tagged with the skill, plus whoever held one of `accounts`, ranked by evidence.

    tags: agent_id → the sources that tagged them with the skill. hours: held_hours' frame.
    """
    on_accounts = hours[hours["account"].isin(accounts)].groupby("agent_id")["hours"].sum()
    agents = {int(a) for a in tags} | {int(a) for a, h in on_accounts.items() if h > 0}
    return rank_candidates(
        Evidence(
            agent_id=agent,
            name=names.get(agent, f"#{agent}"),
            tag=strongest_tag(tags.get(agent, ())),
            account_hours=float(on_accounts.get(agent, 0.0)),
            cover_hours=float(cover_minutes.get(agent, 0.0)) / 60,
            thanks_received=int(thanks_received.get(agent, 0)),
        )
        for agent in agents
    )


# -- the trend -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthTrend:
    month: str  # YYYY-MM
    points: float  # every ledger entry of the month, collaboration after its monthly cap
    collaboration: float  # cover, handovers, thanks and peak help, after the monthly cap


def months_back(today: date, count: int) -> list[str]:
    """The `count` months ending with today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - count + 1, index + 1)]


def monthly_trend(entries: Iterable[Entry], months: Sequence[str], collaboration_cap: float | None = None) -> list[MonthTrend]:
    """One agent's points and collaboration points per month, from their ledger entries."""
    other: dict[str, int] = defaultdict(int)
    collaboration: dict[str, int] = defaultdict(int)
    for entry in entries:
        month = f"{entry.day:%Y-%m}"
        (collaboration if entry.kind in COLLABORATION_KINDS else other)[month] += entry.millipoints
    trend = []
    for month in months:
        collab = collaboration[month] / MILLI
        if collaboration_cap is not None:
            collab = min(collab, collaboration_cap)
        trend.append(MonthTrend(month, round(other[month] / MILLI + collab, 3), round(collab, 3)))
    return trend


# -- all-rounders --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breadth:
    agent_id: int
    platforms: int
    accounts: int
    cover_minutes: float


@dataclass(frozen=True)
class AllRounders:
    widest: tuple[int, ...]  # the most platforms, then accounts; empty when nobody held two accounts
    platforms: int
    accounts: int
    covered_most: tuple[int, ...]  # the most cover; empty when nobody covered
    cover_minutes: float

    @property
    def empty(self) -> bool:
        return not self.widest and not self.covered_most


def month_breadth(
    holds: pd.DataFrame, platforms: Mapping[str, str], entries: Iterable[Entry], *, start: datetime, end: datetime, now: datetime
) -> list[Breadth]:
    """Per agent: platforms and accounts held at least ALL_ROUNDER_MIN_HOURS in [start, end), and cover minutes."""
    hours = held_hours(holds, now=now, start=start, end=end)
    worked = hours[hours["hours"] >= ALL_ROUNDER_MIN_HOURS]
    cover: dict[int, float] = defaultdict(float)
    for entry in entries:
        if entry.kind == COVER:
            cover[entry.agent_id] += entry.quantity
    accounts: dict[int, set[str]] = defaultdict(set)
    for agent, account in zip(worked["agent_id"], worked["account"], strict=True):
        accounts[int(agent)].add(account)
    return [
        Breadth(agent, len({platforms.get(a, "other") for a in accounts[agent]}), len(accounts[agent]), round(cover[agent], 6))
        for agent in sorted(set(accounts) | set(cover))
    ]


def all_rounders(breadths: Iterable[Breadth]) -> AllRounders:
    """The month's all-rounders: every agent tied at the top of breadth, and of cover."""
    breadths = list(breadths)
    eligible = [b for b in breadths if b.accounts >= 2]
    widest_key = max(((b.platforms, b.accounts) for b in eligible), default=(0, 0))
    widest = tuple(sorted(b.agent_id for b in eligible if (b.platforms, b.accounts) == widest_key))
    # Whole minutes, so two covers that differ by a rounding error are a tie.
    most = max((round(b.cover_minutes) for b in breadths), default=0)
    covered = tuple(sorted(b.agent_id for b in breadths if most > 0 and round(b.cover_minutes) == most))
    return AllRounders(widest, widest_key[0], widest_key[1], covered, float(most))


def month_all_rounders(
    holds: pd.DataFrame, platforms: Mapping[str, str], entries: Iterable[Entry], *, start: datetime, end: datetime, now: datetime
) -> AllRounders:
    return all_rounders(month_breadth(holds, platforms, entries, start=start, end=end, now=now))


__all__ = [
    "ALL_ROUNDER_MIN_HOURS",
    "SELF",
    "SKILL_MAX_CHARS",
    "SOURCES",
    "SUPERVISOR",
    "AccountRef",
    "AllRounders",
    "Breadth",
    "Evidence",
    "MonthTrend",
    "SkillError",
    "SkillTag",
    "all_rounders",
    "held_hours",
    "month_all_rounders",
    "month_breadth",
    "monthly_trend",
    "months_back",
    "normalise_skill",
    "parse_skill_changes",
    "parse_skills",
    "platform_hours",
    "rank_candidates",
    "skill_accounts",
    "talent_candidates",
]
