"""The processed_updates table: the Telegram updates already handled, so a redelivery changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.db import insert_ignoring_conflict
from storage.models import ProcessedUpdate


class Updates:
    def __init__(self, session: Session) -> None:
        self.session = session

    def mark(self, update_id: int, at: datetime) -> bool:
        """Record an update id; False when it was already there (a redelivery)."""
        return insert_ignoring_conflict(self.session, ProcessedUpdate, {"update_id": update_id, "processed_at": at}, ["update_id"])

    def seen(self, update_id: int) -> bool:
        return self.session.get(ProcessedUpdate, update_id) is not None
