"""Talent profiles' use cases: /profile, /talent, and skills (/tag, /untag, /skills).

Functions of the update's unit of work. Who may see or change what is decided here too: an
agent sees their own profile only, a supervisor anyone's (the caller says whether the asker
supervises). A profile and a talent list compile today's ledger first, as /standings does; the
compile job keeps the other days.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from bot.core.baton import UnitOfWork
from bot.core.errors import Refused
from bot.ledger.service import compile_today
from domain.collaboration import COVER
from domain.ledger import CONVERSATION
from domain.profile import (
    MAX_SKILLS_AT_ONCE,
    SELF,
    SKILL_MAX_CHARS,
    SUPERVISOR,
    Evidence,
    MonthTrend,
    SkillError,
    SkillTag,
    held_hours,
    monthly_trend,
    months_back,
    parse_skill_changes,
    parse_skills,
    platform_hours,
    skill_accounts,
    talent_candidates,
)
from storage.models import Agent

TREND_MONTHS = 6
RECENT_SHOWN = 3


@dataclass(frozen=True)
class AccountWork:
    account: str
    label: str
    platform: str
    hours: float
    cases: int
    conversations: float  # credited share: a conversation split between two holders counts half


@dataclass(frozen=True)
class ThanksLine:
    giver: str
    at: datetime
    reason: str | None


@dataclass(frozen=True)
class NoteLine:
    at: datetime
    accounts: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Profile:
    agent_id: int
    name: str
    username: str | None
    accounts: tuple[AccountWork, ...]  # most hours first
    platforms: tuple[tuple[str, float], ...]  # (platform, hours), most first
    cover_days: int
    cover_hours: float
    thanks_received: int
    thanks_given: int
    recent_thanks: tuple[ThanksLine, ...]
    handovers_noted: int
    recent_notes: tuple[NoteLine, ...]
    skills: tuple[SkillTag, ...]
    trend: tuple[MonthTrend, ...]

    @property
    def cases(self) -> int:
        return sum(a.cases for a in self.accounts)

    @property
    def conversations(self) -> float:
        return sum(a.conversations for a in self.accounts)


@dataclass(frozen=True)
class Talent:
    skill: str
    accounts: tuple[str, ...]  # the accounts the skill names, whose hours count as evidence
    candidates: tuple[Evidence, ...]  # ranked


@dataclass(frozen=True)
class SkillsChanged:
    agent: str
    changed: tuple[str, ...]  # added (or removed, for /untag)
    unchanged: tuple[str, ...]  # already there (or absent, for /untag)
    dropped: tuple[str, ...] = ()  # self-declared skills an agent took back


# -- reading -------------------------------------------------------------------------------------


def build_profile(uow: UnitOfWork, handle: str | None, *, supervisor: bool) -> Profile:
    """The profile of `handle` (default: the sender). Agents may only ask for their own."""
    agent = _subject(uow, handle, supervisor)
    compile_today(uow)
    refs = uow.accounts.refs()
    hours = held_hours(uow.holds.frame_until(uow.now), now=uow.now)
    mine = hours[hours["agent_id"] == agent.id]
    per_account = dict(zip(mine["account"], mine["hours"], strict=True))
    cases = uow.cases.count_by_account(agent.id)
    entries = uow.ledger.of_agent(agent.id)
    conversations: dict[str, float] = defaultdict(float)
    for entry in entries:
        if entry.kind == CONVERSATION:
            conversations[entry.source.split(":")[1]] += entry.quantity
    covers = [e for e in entries if e.kind == COVER]
    notes = uow.holds.notes_of(agent.id)
    return Profile(
        agent_id=agent.id,
        name=agent.name,
        username=agent.username,
        accounts=tuple(
            sorted(
                (
                    AccountWork(
                        ref.key,
                        ref.label,
                        ref.platform,
                        per_account.get(ref.key, 0.0),
                        cases.get(ref.key, 0),
                        conversations.get(ref.key, 0.0),
                    )
                    for ref in refs
                    if ref.key in per_account or ref.key in cases or ref.key in conversations
                ),
                key=lambda a: (-a.hours, a.account),
            )
        ),
        platforms=tuple(platform_hours(per_account, {ref.key: ref.platform for ref in refs})),
        cover_days=len({e.day for e in covers}),
        cover_hours=sum(e.quantity for e in covers) / 60,
        thanks_received=uow.thanks.received().get(agent.id, 0),
        thanks_given=uow.thanks.given().get(agent.id, 0),
        recent_thanks=tuple(ThanksLine(*row) for row in uow.thanks.recent(agent.id, RECENT_SHOWN)),
        handovers_noted=len(notes),
        recent_notes=tuple(NoteLine(*row) for row in notes[:RECENT_SHOWN]),
        skills=tuple(uow.skills.of_agent(agent.id)),
        trend=tuple(monthly_trend(entries, months_back(uow.today, TREND_MONTHS), uow.config.collaboration.monthly_cap)),
    )


def _subject(uow: UnitOfWork, handle: str | None, supervisor: bool) -> Agent:
    me = uow.me
    if handle is None:
        return me
    named = uow.agents.find(handle)
    if named is not None and named.id == me.id:
        return named
    # Refused before looking further, so an agent cannot even learn who has a profile.
    if not supervisor:
        raise Refused("profile_not_yours")
    if named is None:
        raise Refused("unknown_agent", handle=handle)
    return named


def find_talent(uow: UnitOfWork, words: list[str]) -> Talent:
    """The candidates for one skill, ranked by evidence (domain.profile)."""
    skills = _skills(words)
    if len(skills) != 1:
        raise Refused("talent_one_skill")
    (skill,) = skills
    compile_today(uow)
    accounts = skill_accounts(skill, uow.accounts.refs())
    candidates = talent_candidates(
        tags=uow.skills.holders(skill),
        hours=held_hours(uow.holds.frame_until(uow.now), now=uow.now),
        accounts=accounts,
        cover_minutes=uow.ledger.cover_minutes(),
        thanks_received=uow.thanks.received(),
        names=uow.agents.names(),
    )
    return Talent(skill, tuple(sorted(accounts)), tuple(candidates))


def own_skills(uow: UnitOfWork, tg_user_id: int) -> list[SkillTag]:
    agent = uow.agents.by_tg_id(tg_user_id)
    return uow.skills.of_agent(agent.id) if agent is not None else []


# -- changing skills ---------------------------------------------------------------------------------


def tag_skills(uow: UnitOfWork, words: list[str], *, remove: bool = False) -> SkillsChanged:
    """The sender, a supervisor, tags `@name skill…` (or, with remove, takes their tags off), audited."""
    agent, rest = _named(uow, words)
    skills = _skills(rest)
    actor = uow.me
    if remove:
        done = [s for s in skills if uow.skills.remove(agent.id, s, SUPERVISOR)]
        if not done:
            raise Refused("untag_missing", name=agent.name, skills=list(skills))
    else:
        done = [s for s in skills if uow.skills.add(agent.id, s, SUPERVISOR, actor.id, uow.now)]
    if done:
        uow.audit(uow.now, "skill_untag" if remove else "skill_tag", actor_agent_id=actor.id, subject=agent.name, skills=done)
    return SkillsChanged(agent.name, tuple(done), tuple(s for s in skills if s not in done))


def declare_skills(uow: UnitOfWork, words: list[str]) -> SkillsChanged:
    """The sender declares skills of their own; `-skill` takes one back. Audited like a tag."""
    try:
        added, dropped = parse_skill_changes(words)
    except SkillError as exc:
        raise _refusal(exc) from None
    agent = uow.me
    new = [s for s in added if uow.skills.add(agent.id, s, SELF, None, uow.now)]
    gone = [s for s in dropped if uow.skills.remove(agent.id, s, SELF)]
    if new or gone:
        uow.audit(uow.now, "skill_declare", actor_agent_id=agent.id, subject=agent.name, added=new, dropped=gone)
    return SkillsChanged(agent.name, tuple(new), tuple(s for s in added if s not in new), tuple(gone))


def _named(uow: UnitOfWork, words: list[str]) -> tuple[Agent, list[str]]:
    """The agent the leading words name (@username or display name, the longest match), and the rest."""
    named = uow.agents.leading(words, leave=1)  # a skill must follow the name
    if named is None:
        raise Refused("unknown_agent", handle=words[0] if words else "")
    return named


def _skills(words: list[str]) -> list[str]:
    try:
        return parse_skills(words)
    except SkillError as exc:
        raise _refusal(exc) from None


def _refusal(exc: SkillError) -> Refused:
    return Refused(f"skill_{exc.code}", skill=exc.skill[: SKILL_MAX_CHARS + 8], limit=SKILL_MAX_CHARS, most=MAX_SKILLS_AT_ONCE)
