"""Notices: the reminders and alerts the bot sends, and the few reads and writes answering them needs.

A notice is claimed (inserted, unique by kind and key) and committed before it is sent, and its
message id is stored once Telegram has it. So a notice is never created twice, and one without a
message id that is not in flight is a send still owed: the next run retries it. Callers own the
transaction.
"""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import func, select, update
from sqlmodel import Session

from storage.models import AuditRow, CaseRow, ConversationRow, HoldRow, NoticeRow
from domain.holds import Hold
from storage.repositories import insert_ignoring_conflict, to_hold, account_ids, account_keys

# `resolution` while nobody has answered: SENDING while a send is in flight (left so by a crash,
# it is never retried: nobody knows whether it arrived), UNCONFIRMED when Telegram may have
# delivered it without saying so. Otherwise it holds the answer, with `resolved_at`.
SENDING = "sending"
UNCONFIRMED = "unconfirmed"
AUTO_CLOSED = "auto_closed"


def claim(session: Session, kind: str, key: str, at: datetime, *, chat_id: int, agent_id: int | None = None,
          hold_id: int | None = None, sending: bool = True) -> int | None:
    """The new notice's id, or None when (kind, key) was claimed before. `sent_at` is when it was claimed;
    `sending=False` only records that it is owed, for a later run to send."""
    values = {"kind": kind, "key": key, "sent_at": at, "chat_id": chat_id, "agent_id": agent_id, "hold_id": hold_id,
              "resolution": SENDING if sending else None}
    if not insert_ignoring_conflict(session, NoticeRow, values, ["kind", "key"]):
        return None
    return session.execute(select(NoticeRow.id).where(NoticeRow.kind == kind, NoticeRow.key == key)).scalar_one()


def get(session: Session, notice_id: int) -> NoticeRow | None:
    return session.get(NoticeRow, notice_id)


def unsent(session: Session) -> list[NoticeRow]:
    """Notices owed: claimed, not sent, not being sent, and nobody has answered."""
    return list(session.execute(
        select(NoticeRow)
        .where(NoticeRow.message_id.is_(None), NoticeRow.resolution.is_(None), NoticeRow.resolved_at.is_(None))
        .order_by(NoticeRow.id)
    ).scalars())


def take(session: Session, notice_id: int) -> bool:
    """Take an owed notice for a send; False when another run took it first."""
    taken = session.execute(
        update(NoticeRow)
        .where(NoticeRow.id == notice_id, NoticeRow.message_id.is_(None), NoticeRow.resolution.is_(None),
               NoticeRow.resolved_at.is_(None))
        .values(resolution=SENDING)
    )
    return taken.rowcount == 1


def _settle_send(session: Session, notice_id: int, resolution: str | None) -> None:
    session.execute(update(NoticeRow).where(NoticeRow.id == notice_id, NoticeRow.resolution == SENDING).values(resolution=resolution))


def mark_sent(session: Session, notice_id: int, message_id: int) -> None:
    session.execute(update(NoticeRow).where(NoticeRow.id == notice_id).values(message_id=message_id))
    _settle_send(session, notice_id, None)


def mark_failed(session: Session, notice_id: int) -> None:
    """Telegram refused it, so it never arrived: owed again."""
    _settle_send(session, notice_id, None)


def mark_unconfirmed(session: Session, notice_id: int) -> None:
    _settle_send(session, notice_id, UNCONFIRMED)


def resolve(session: Session, notice_id: int, at: datetime, resolution: str) -> bool:
    """Record the answer; False when the notice had been answered or resolved already."""
    done = session.execute(
        update(NoticeRow).where(NoticeRow.id == notice_id, NoticeRow.resolved_at.is_(None)).values(resolved_at=at, resolution=resolution)
    )
    return done.rowcount == 1


def by_message(session: Session, chat_id: int, message_id: int) -> NoticeRow | None:
    return session.execute(
        select(NoticeRow).where(NoticeRow.chat_id == chat_id, NoticeRow.message_id == message_id)
    ).scalars().first()


def unanswered(session: Session, kind: str, agent_id: int | None = None) -> list[NoticeRow]:
    query = select(NoticeRow).where(NoticeRow.kind == kind, NoticeRow.resolved_at.is_(None))
    if agent_id is not None:
        query = query.where(NoticeRow.agent_id == agent_id)
    return list(session.execute(query.order_by(NoticeRow.id)).scalars())


# -- holds, as the answers change them --------------------------------------------------------------


def end_hold(session: Session, hold_id: int, at: datetime, flag: str | None = None) -> bool:
    """End an open hold at `at`; False when it had ended already (a hand-off or take-over came first)."""
    values = {"ended_at": at} if flag is None else {"ended_at": at, "flag": flag}
    ended = session.execute(update(HoldRow).where(HoldRow.id == hold_id, HoldRow.ended_at.is_(None)).values(**values))
    return ended.rowcount == 1


def hold(session: Session, hold_id: int) -> Hold:
    return to_hold(session.get(HoldRow, hold_id), account_keys(session))


def auto_closed_holds(session: Session, start: datetime, end: datetime) -> list[int]:
    """Holds auto-closed (per the audit log) in [start, end) and still flagged for review."""
    details = session.execute(
        select(AuditRow.detail).where(AuditRow.action == "auto_close", AuditRow.at >= start, AuditRow.at < end).order_by(AuditRow.id)
    ).scalars()
    ids = [json.loads(detail)["hold"] for detail in details]
    if not ids:
        return []
    flagged = set(session.execute(select(HoldRow.id).where(HoldRow.id.in_(ids), HoldRow.flag == AUTO_CLOSED)).scalars())
    return [i for i in ids if i in flagged]


# -- activity: what "last seen at work" is made of -------------------------------------------------------


def case_times(session: Session, agent_id: int, account: str, start: datetime, end: datetime) -> list[datetime]:
    return list(session.execute(
        select(CaseRow.logged_at).where(
            CaseRow.agent_id == agent_id, CaseRow.account_id == account_ids(session)[account],
            CaseRow.logged_at >= start, CaseRow.logged_at < end,
        )
    ).scalars())


def last_conversation_at(session: Session, account: str, start: datetime, end: datetime) -> datetime | None:
    return session.execute(
        select(func.max(ConversationRow.started_at)).where(
            ConversationRow.account_id == account_ids(session)[account],
            ConversationRow.started_at >= start, ConversationRow.started_at < end,
        )
    ).scalar()


def first_conversation_at(session: Session, account: str) -> datetime | None:
    return session.execute(
        select(func.min(ConversationRow.started_at)).where(ConversationRow.account_id == account_ids(session)[account])
    ).scalar()


def has_conversations(session: Session, account: str, start: datetime, end: datetime) -> bool:
    return session.execute(
        select(ConversationRow.id).where(
            ConversationRow.account_id == account_ids(session)[account],
            ConversationRow.started_at >= start, ConversationRow.started_at < end,
        ).limit(1)
    ).first() is not None
