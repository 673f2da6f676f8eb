"""Talent profiles as application services: /profile, /talent, and skills (/tag, /untag, /skills).

A profile or a talent list is built in one read transaction; a change of skills is one command
transaction with its audit entry. Who may see or change what is decided here too: an agent sees
their own profile only, a supervisor anyone's (the caller says whether the asker supervises).
Nothing here knows about Telegram.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from bot.services import Baton, Person, Refused
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
from storage import profile as store
from storage import repositories as repo
from storage.db import reading
from storage.models import Agent, ThanksRow

TREND_MONTHS = 6
RECENT_SHOWN = 3
LONGEST_NAME_WORDS = 4


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

    def skills_from(self, source: str) -> list[str]:
        return [s.skill for s in self.skills if s.source == source]


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


def build_profile(baton: Baton, requester: Person, handle: str | None, *, supervisor: bool) -> Profile:
    """The profile of `handle` (default: the requester). Agents may only ask for their own."""
    now = baton.clock.now()
    with reading(baton.engine) as session:
        agent = _subject(session, requester, handle, supervisor)
        refs = store.accounts(session)
        hours = held_hours(store.all_holds(session, now), now=now)
        mine = hours[hours["agent_id"] == agent.id]
        per_account = dict(zip(mine["account"], mine["hours"], strict=True))
        cases = store.cases_by_account(session, agent.id)
        entries = store.agent_entries(session, agent.id)
        conversations: dict[str, float] = defaultdict(float)
        for entry in entries:
            if entry.kind == CONVERSATION:
                conversations[entry.source.split(":")[1]] += entry.quantity
        covers = [e for e in entries if e.kind == COVER]
        notes = store.noted_handovers(session, agent.id)
        profile = Profile(
            agent_id=agent.id,
            name=agent.name,
            username=agent.username,
            accounts=tuple(sorted(
                (
                    AccountWork(ref.key, ref.label, ref.platform, per_account.get(ref.key, 0.0), cases.get(ref.key, 0), conversations.get(ref.key, 0.0))
                    for ref in refs
                    if ref.key in per_account or ref.key in cases or ref.key in conversations
                ),
                key=lambda a: (-a.hours, a.account),
            )),
            platforms=tuple(platform_hours(per_account, {ref.key: ref.platform for ref in refs})),
            cover_days=len({e.day for e in covers}),
            cover_hours=sum(e.quantity for e in covers) / 60,
            thanks_received=store.thanks_counts(session, ThanksRow.receiver_id).get(agent.id, 0),
            thanks_given=store.thanks_counts(session, ThanksRow.giver_id).get(agent.id, 0),
            recent_thanks=tuple(ThanksLine(*row) for row in store.recent_thanks(session, agent.id, RECENT_SHOWN)),
            handovers_noted=len(notes),
            recent_notes=tuple(NoteLine(*row) for row in notes[:RECENT_SHOWN]),
            skills=tuple(store.agent_skills(session, agent.id)),
            trend=tuple(monthly_trend(entries, months_back(baton.today(), TREND_MONTHS), baton.config.collaboration.monthly_cap)),
        )
    return profile


def _subject(session, requester: Person, handle: str | None, supervisor: bool) -> Agent:
    me = repo.agent_by_tg_id(session, requester.tg_user_id)
    if handle is None:
        if me is None:
            raise Refused("unknown_agent", handle=requester.name)
        return me
    named = repo.find_agent(session, handle)
    if named is not None and me is not None and named.id == me.id:
        return named
    # Refused before looking further, so an agent cannot even learn who has a profile.
    if not supervisor:
        raise Refused("profile_not_yours")
    if named is None:
        raise Refused("unknown_agent", handle=handle)
    return named


def find_talent(baton: Baton, words: list[str]) -> Talent:
    """The candidates for one skill, ranked by evidence (domain.profile)."""
    skills = _skills(words)
    if len(skills) != 1:
        raise Refused("talent_one_skill")
    (skill,) = skills
    now = baton.clock.now()
    with reading(baton.engine) as session:
        accounts = skill_accounts(skill, store.accounts(session))
        candidates = talent_candidates(
            tags=store.skill_holders(session, skill),
            hours=held_hours(store.all_holds(session, now), now=now),
            accounts=accounts,
            cover_minutes=store.cover_minutes(session),
            thanks_received=store.thanks_counts(session, ThanksRow.receiver_id),
            names={a.id: a.name for a in repo.agents_by_id(session).values()},
        )
    return Talent(skill, tuple(sorted(accounts)), tuple(candidates))


def own_skills(baton: Baton, person: Person) -> list[SkillTag]:
    with reading(baton.engine) as session:
        agent = repo.agent_by_tg_id(session, person.tg_user_id)
        return store.agent_skills(session, agent.id) if agent is not None else []


# -- changing skills ---------------------------------------------------------------------------------


def tag_skills(baton: Baton, supervisor: Person, words: list[str], update_id: int | None, *, remove: bool = False) -> SkillsChanged:
    """A supervisor tags `@name skill…` (or, with remove, takes their tags off), audited."""
    now = baton.clock.now()
    with baton.command(update_id) as session:
        agent, rest = _named(session, words)
        skills = _skills(rest)
        actor = repo.register_agent(session, supervisor.tg_user_id, supervisor.name, supervisor.username, now)
        if remove:
            done = [s for s in skills if store.remove_skill(session, agent.id, s, SUPERVISOR)]
            if not done:
                raise Refused("untag_missing", name=agent.name, skills=list(skills))
        else:
            done = [s for s in skills if store.add_skill(session, agent.id, s, SUPERVISOR, actor.id, now)]
        if done:
            repo.audit(session, now, "skill_untag" if remove else "skill_tag", actor_agent_id=actor.id, subject=agent.name, skills=done)
        return SkillsChanged(agent.name, tuple(done), tuple(s for s in skills if s not in done))


def declare_skills(baton: Baton, person: Person, words: list[str], update_id: int | None) -> SkillsChanged:
    """An agent declares skills of their own; `-skill` takes one back. Audited like a tag."""
    try:
        added, dropped = parse_skill_changes(words)
    except SkillError as exc:
        raise _refusal(exc) from None
    now = baton.clock.now()
    with baton.command(update_id) as session:
        agent = repo.register_agent(session, person.tg_user_id, person.name, person.username, now)
        new = [s for s in added if store.add_skill(session, agent.id, s, SELF, None, now)]
        gone = [s for s in dropped if store.remove_skill(session, agent.id, s, SELF)]
        if new or gone:
            repo.audit(session, now, "skill_declare", actor_agent_id=agent.id, subject=agent.name, added=new, dropped=gone)
        return SkillsChanged(agent.name, tuple(new), tuple(s for s in added if s not in new), tuple(gone))


def _named(session, words: list[str]) -> tuple[Agent, list[str]]:
    """The agent the leading words name (@username or display name, the longest match), and the rest."""
    for count in range(min(len(words) - 1, LONGEST_NAME_WORDS), 0, -1):
        agent = repo.find_agent(session, " ".join(words[:count]))
        if agent is not None:
            return agent, words[count:]
    raise Refused("unknown_agent", handle=words[0] if words else "")


def _skills(words: list[str]) -> list[str]:
    try:
        return parse_skills(words)
    except SkillError as exc:
        raise _refusal(exc) from None


def _refusal(exc: SkillError) -> Refused:
    return Refused(f"skill_{exc.code}", skill=exc.skill[: SKILL_MAX_CHARS + 8], limit=SKILL_MAX_CHARS, most=MAX_SKILLS_AT_ONCE)
