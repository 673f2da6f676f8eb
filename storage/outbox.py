"""The outbox: every message the bot owes a chat, claimed once, then sent and confirmed.

Claim → send → confirm. A message is claimed (inserted, unique by kind and key) and committed
before it is sent, so the same one is never created twice; the sender takes it (owed → sending),
sends it with no transaction open, and confirms it (sending → sent, with the message id). A send
Telegram refused goes back to owed, to be retried. A row left `sending` by a crash, or marked
`unconfirmed` after a timeout that may have delivered it, is never sent again: Telegram has no
idempotency key, so at most once is the only safe promise. Callers own the transaction.

A reminder that asks a question keeps its answer here too (`resolve`).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, update
from sqlmodel import Session, col

from storage.db import insert_ignoring_conflict
from storage.models import OutboxRow, stored_id

OWED, SENDING, SENT, UNCONFIRMED = "owed", "sending", "sent", "unconfirmed"
OBSOLETE = "obsolete"  # the resolution of a notice that stopped being true before it could be sent


class OwedHead(NamedTuple):
    """An owed message, by what decides when it goes: its id (the order), chat and key."""

    id: int
    chat_id: int
    key: str


class Outbox:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(
        self,
        kind: str,
        key: str,
        at: datetime,
        *,
        chat_id: int,
        text: str | None = None,
        agent_id: int | None = None,
        hold_id: int | None = None,
        payload: str | None = None,
        blob: bytes | None = None,
        sending: bool = True,
    ) -> int | None:
        """The new message's id, or None when (kind, key) was claimed before.

        `sending` takes it for a send at once; otherwise it is only owed, for a later send.
        """
        values = {
            "kind": kind,
            "key": key,
            "chat_id": chat_id,
            "created_at": at,
            "state": SENDING if sending else OWED,
            "attempts": 1 if sending else 0,
            "text": text,
            "agent_id": agent_id,
            "hold_id": hold_id,
            "payload": payload,
            "blob": blob,
        }
        if not insert_ignoring_conflict(self.session, OutboxRow, values, ["kind", "key"]):
            return None
        claimed = self.find(kind, key)
        if claimed is None:
            raise LookupError(f"the outbox row ({kind}, {key}) just claimed cannot be read back")
        return stored_id(claimed)

    def claim_or_take(self, kind: str, key: str, at: datetime, *, chat_id: int, text: str | None = None) -> int | None:
        """Claim a new message, or take the owed one of that kind and key; None once it is sent or sending."""
        claimed = self.claim(kind, key, at, chat_id=chat_id, text=text)
        if claimed is not None:
            return claimed
        row = self.find(kind, key)
        if row is None:
            return None
        outbox_id = stored_id(row)
        if not self.take(outbox_id):
            return None
        if text is not None:
            self.session.execute(update(OutboxRow).where(col(OutboxRow.id) == outbox_id).values(text=text))
        return outbox_id

    def find(self, kind: str, key: str) -> OutboxRow | None:
        return self.session.execute(select(OutboxRow).where(col(OutboxRow.kind) == kind, col(OutboxRow.key) == key)).scalar_one_or_none()

    def keyed(self, kind: str, prefix: str) -> list[OutboxRow]:
        """The messages of a kind whose key starts with ``prefix``, oldest first."""
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = select(OutboxRow).where(col(OutboxRow.kind) == kind, col(OutboxRow.key).like(pattern, escape="\\"))
        return list(self.session.execute(query.order_by(col(OutboxRow.id))).scalars())

    def move_hold(self, hold_id: int, to: int) -> None:
        """Questions about the end of hold `hold_id` are now about hold `to`, which ends where it did."""
        self.session.execute(update(OutboxRow).where(col(OutboxRow.hold_id) == hold_id).values(hold_id=to))

    def get(self, outbox_id: int) -> OutboxRow | None:
        return self.session.get(OutboxRow, outbox_id)

    def owed(self, kinds: tuple[str, ...] | None = None) -> list[OutboxRow]:
        """Messages owed: claimed, not sent, not being sent, and (for a question) not answered."""
        query = select(OutboxRow).where(col(OutboxRow.state) == OWED, col(OutboxRow.resolved_at).is_(None))
        if kinds is not None:
            query = query.where(col(OutboxRow.kind).in_(kinds))
        return list(self.session.execute(query.order_by(col(OutboxRow.id))).scalars())

    def owed_heads(self, kinds: tuple[str, ...]) -> list[OwedHead]:
        """What `owed` finds, as little of it as picks the next to send: no texts, no files, no rows
        built. The courier looks on every wake, and in a burst the group's queue only grows."""
        query = (
            select(col(OutboxRow.id), col(OutboxRow.chat_id), col(OutboxRow.key))
            .where(col(OutboxRow.state) == OWED, col(OutboxRow.resolved_at).is_(None), col(OutboxRow.kind).in_(kinds))
            .order_by(col(OutboxRow.id))
        )
        return [OwedHead(*found) for found in self.session.execute(query)]

    def take_row(self, outbox_id: int) -> OutboxRow | None:
        """The owed message, taken for a send (as it was before: `attempts` not yet counting this one); None when
        another sender took it first."""
        row = self.get(outbox_id)
        return row if row is not None and self.take(outbox_id) else None

    def take(self, outbox_id: int) -> bool:
        """Take an owed message for a send; False when another sender took it first."""
        taken = self.session.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id) == outbox_id, col(OutboxRow.state) == OWED, col(OutboxRow.resolved_at).is_(None))
            .values(state=SENDING, attempts=col(OutboxRow.attempts) + 1)
        )
        return taken.rowcount == 1

    def _settle(self, outbox_id: int, state: str, **values: object) -> None:
        self.session.execute(
            update(OutboxRow).where(col(OutboxRow.id) == outbox_id, col(OutboxRow.state) == SENDING).values(state=state, **values)
        )

    def sent(self, outbox_id: int, message_id: int) -> None:
        self._settle(outbox_id, SENT, message_id=message_id)

    def failed(self, outbox_id: int) -> None:
        """Telegram refused it, so it never arrived: owed again."""
        self._settle(outbox_id, OWED)

    def unconfirmed(self, outbox_id: int) -> None:
        self._settle(outbox_id, UNCONFIRMED)

    def in_doubt(self, kinds: tuple[str, ...]) -> list[OutboxRow]:
        """Claimed but never confirmed as sent (a crash mid-send, or a timeout): for a person to check."""
        return list(
            self.session.execute(
                select(OutboxRow)
                .where(col(OutboxRow.kind).in_(kinds), col(OutboxRow.state).in_((SENDING, UNCONFIRMED)))
                .order_by(col(OutboxRow.created_at))
            ).scalars()
        )

    # -- questions and their answers ------------------------------------------------------------------

    def take_again(self, outbox_id: int, at: datetime, *, still_due: bool) -> bool:
        """Take an owed notice for another send while it is still true; one that no longer is is dropped."""
        if not still_due:
            self.resolve(outbox_id, at, OBSOLETE)
            return False
        return self.take(outbox_id)

    def resolve(self, outbox_id: int, at: datetime, resolution: str) -> bool:
        """Record the answer; False when it had been answered or resolved already."""
        done = self.session.exec(
            update(OutboxRow)
            .where(col(OutboxRow.id) == outbox_id, col(OutboxRow.resolved_at).is_(None))
            .values(resolved_at=at, resolution=resolution)
        )
        return done.rowcount == 1

    def by_message(self, chat_id: int, message_id: int) -> OutboxRow | None:
        """The outbox row of a message Telegram knows by (chat id, message id)."""
        return (
            self.session.execute(select(OutboxRow).where(col(OutboxRow.chat_id) == chat_id, col(OutboxRow.message_id) == message_id))
            .scalars()
            .first()
        )

    def unanswered(self, kind: str, agent_id: int | None = None) -> list[OutboxRow]:
        query = select(OutboxRow).where(col(OutboxRow.kind) == kind, col(OutboxRow.resolved_at).is_(None))
        if agent_id is not None:
            query = query.where(col(OutboxRow.agent_id) == agent_id)
        return list(self.session.execute(query.order_by(col(OutboxRow.id))).scalars())
