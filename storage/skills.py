"""The skills table: supervisors' tags and self-declared skills, one row per agent, skill and source."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from domain.profile import SUPERVISOR, SkillTag
from storage.models import Agent, SkillRow


class Skills:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, agent_id: int, skill: str, source: str, tagged_by: int | None, at: datetime) -> bool:
        """Store a skill; False when the agent has it from this source already."""
        if self._row(agent_id, skill, source) is not None:
            return False
        self.session.add(SkillRow(agent_id=agent_id, skill=skill, source=source, tagged_by=tagged_by, at=at))
        self.session.flush()
        return True

    def remove(self, agent_id: int, skill: str, source: str) -> bool:
        """Remove a skill; False when the agent did not have it from this source."""
        removed = self.session.exec(
            delete(SkillRow).where(col(SkillRow.agent_id) == agent_id, col(SkillRow.skill) == skill, col(SkillRow.source) == source)
        )
        return removed.rowcount > 0

    def _row(self, agent_id: int, skill: str, source: str) -> SkillRow | None:
        return self.session.execute(
            select(SkillRow).where(col(SkillRow.agent_id) == agent_id, col(SkillRow.skill) == skill, col(SkillRow.source) == source)
        ).scalar_one_or_none()

    def of_agent(self, agent_id: int) -> list[SkillTag]:
        """An agent's skills, supervisors' tags first, each group in the order they were added."""
        tagger = aliased(Agent)
        rows = self.session.execute(
            select(col(SkillRow.skill), col(SkillRow.source), col(tagger.name), col(SkillRow.at))
            .outerjoin(tagger, col(tagger.id) == col(SkillRow.tagged_by))
            .where(col(SkillRow.agent_id) == agent_id)
            .order_by(col(SkillRow.source) != SUPERVISOR, col(SkillRow.id))
        ).all()
        return [SkillTag(skill, source, by, at) for skill, source, by, at in rows]

    def holders(self, skill: str) -> dict[int, set[str]]:
        """agent_id → the sources (supervisor, self) that gave them `skill`."""
        holders: dict[int, set[str]] = {}
        rows = self.session.execute(select(col(SkillRow.agent_id), col(SkillRow.source)).where(col(SkillRow.skill) == skill))
        for agent_id, source in rows:
            holders.setdefault(agent_id, set()).add(source)
        return holders
