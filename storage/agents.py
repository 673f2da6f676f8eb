"""The agents table: the people behind Telegram user ids."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select
from sqlmodel import Session, col

from domain.untrusted import clean_name
from storage.models import Agent
from storage.types import table_of

_AGENTS = table_of(Agent)


def _length(column: str) -> int:
    length = getattr(_AGENTS.c[column].type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"agents.{column} has no length")
    return length


# What the columns hold: PostgreSQL refuses a longer value, and with it the person's every update.
NAME_LENGTH = _length("name")
USERNAME_LENGTH = _length("username")
_NAME = select(_AGENTS.c.name).where(_AGENTS.c.id == bindparam("agent"))  # built once


class Agents:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._names: dict[int, str] = {}  # read by name_of in this unit of work: a refused press names the holder twice

    def register(self, tg_user_id: int, name: str, username: str | None, at: datetime, language_code: str | None = None) -> Agent:
        """The agent for a Telegram user, created on first sight; a changed name or language is followed.

        The name and username are cleaned here, once: every place that shows them reads them from here."""
        language_code = clean_name(language_code, 16) or None
        username = clean_name(username, USERNAME_LENGTH) or None
        name = clean_name(name, NAME_LENGTH) or username or str(tg_user_id)
        agent = self.by_tg_id(tg_user_id)
        if agent is None:
            agent = Agent(tg_user_id=tg_user_id, name=name, username=username, registered_at=at, language_code=language_code)
            self.session.add(agent)
            self.session.flush()
        elif (agent.name, agent.username) != (name, username) or (language_code and agent.language_code != language_code):
            agent.name, agent.username = name, username
            # Telegram sends no language_code at times; the last one it did send still holds.
            agent.language_code = language_code or agent.language_code
            self.session.flush()  # name_of reads the table, not the session's pending changes
            self._names.pop(agent.id or 0, None)
        return agent

    def register_if_missing(self, tg_user_id: int, name: str, at: datetime) -> Agent:
        """An agent known from configuration (the roster) or named by id before they ever wrote."""
        agent = self.by_tg_id(tg_user_id)
        if agent is None:
            agent = Agent(tg_user_id=tg_user_id, name=clean_name(name, NAME_LENGTH) or str(tg_user_id), username=None, registered_at=at)
            self.session.add(agent)
            self.session.flush()
        return agent

    def by_tg_id(self, tg_user_id: int) -> Agent | None:
        return self.session.execute(select(Agent).where(col(Agent.tg_user_id) == tg_user_id)).scalar_one_or_none()

    def get(self, agent_id: int) -> Agent:
        """One agent by id (the session keeps what it has read, so asking twice costs nothing)."""
        return self.session.get_one(Agent, agent_id)

    def name_of(self, agent_id: int) -> str:
        """One agent's name: a press names the holder it took over from, or who holds the account."""
        name = self._names.get(agent_id)
        if name is None:
            name = self._names[agent_id] = self.session.connection().execute(_NAME, {"agent": agent_id}).scalar_one()
        return name

    def by_id(self) -> dict[int, Agent]:
        return {a.id: a for a in self.session.execute(select(Agent)).scalars() if a.id is not None}

    def names(self) -> dict[int, str]:
        return {id_: name for id_, name in self.session.execute(select(col(Agent.id), col(Agent.name)))}

    def find(self, handle: str) -> Agent | None:
        """An agent by @username or exact display name, case-insensitively."""
        handle = clean_name(handle.strip().removeprefix("@"), NAME_LENGTH).lower()
        return (
            self.session.execute(
                select(Agent)
                .where(or_(func.lower(col(Agent.username)) == handle, func.lower(col(Agent.name)) == handle))
                .order_by(col(Agent.id))
            )
            .scalars()
            .first()
        )

    def leading(self, words: Sequence[str], *, most: int = 4, leave: int = 0) -> tuple[Agent, list[str]] | None:
        """The agent the first words name (@username or display name, the longest match of at most
        `most` words, leaving at least `leave` words), and the words after the name."""
        for count in range(min(len(words) - leave, most), 0, -1):
            agent = self.find(" ".join(words[:count]))
            if agent is not None:
                return agent, list(words[count:])
        return None

    def find_or_name_by_id(self, handle: str, at: datetime) -> Agent | None:
        """@username or display name; a Telegram user id may name someone who never wrote yet."""
        bare = handle.strip().removeprefix("@")
        if bare.isascii() and bare.isdigit() and 0 < len(bare) <= 15:
            return self.register_if_missing(int(bare), bare, at)
        return self.find(handle) if bare else None
