"""The thanks table: peer thanks, the evidence for thanks points and their caps."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from storage.models import Agent, ThanksRow

HISTORY_COLUMNS = ["giver", "receiver", "day"]


class Thanks:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, giver_id: int, receiver_id: int, at: datetime, reason: str | None) -> ThanksRow:
        row = ThanksRow(giver_id=giver_id, receiver_id=receiver_id, at=at, reason=reason)
        self.session.add(row)
        self.session.flush()
        return row

    def history(self, start: datetime, end: datetime, tz: ZoneInfo) -> pd.DataFrame:
        """Accepted thanks given in [start, end): giver, receiver, day (the team's calendar day)."""
        rows = self.session.execute(
            select(col(ThanksRow.giver_id), col(ThanksRow.receiver_id), col(ThanksRow.at))
            .where(col(ThanksRow.at) >= start, col(ThanksRow.at) < end)
            .order_by(col(ThanksRow.id))
        ).all()
        return pd.DataFrame([(giver, receiver, at.astimezone(tz).date()) for giver, receiver, at in rows], columns=HISTORY_COLUMNS).astype(
            {"giver": "int64", "receiver": "int64", "day": "object"}
        )

    def received(self) -> dict[int, int]:
        """Thanks received per agent, all time."""
        return self._counts(col(ThanksRow.receiver_id))

    def given(self) -> dict[int, int]:
        return self._counts(col(ThanksRow.giver_id))

    def _counts(self, column: Mapped[int]) -> dict[int, int]:
        rows = self.session.execute(select(column, func.count(col(ThanksRow.id))).group_by(column))
        return {agent_id: int(count) for agent_id, count in rows}

    def recent(self, agent_id: int, limit: int) -> list[tuple[str, datetime, str | None]]:
        """The latest thanks `agent_id` received: (giver's name, at, reason), newest first."""
        rows = self.session.execute(
            select(col(Agent.name), col(ThanksRow.at), col(ThanksRow.reason))
            .join(Agent, col(Agent.id) == col(ThanksRow.giver_id))
            .where(col(ThanksRow.receiver_id) == agent_id)
            .order_by(col(ThanksRow.at).desc(), col(ThanksRow.id).desc())
            .limit(limit)
        ).all()
        return [(name, at, reason) for name, at, reason in rows]


def with_thanks(history: pd.DataFrame, giver: int, receiver: int, day: date) -> pd.DataFrame:
    """The history as it is once one more thanks is accepted."""
    added = pd.DataFrame([(giver, receiver, day)], columns=HISTORY_COLUMNS).astype(history.dtypes.to_dict())
    return pd.concat([history, added], ignore_index=True) if len(history) else added
