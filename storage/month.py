"""The month's records: rules versions, supervisors' adjustments and frozen closes."""
from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import String, cast, func, literal, select
from sqlmodel import Session

from domain.ledger import ADJUSTMENT, Entry, to_millipoints
from domain.rules import Rules, RulesVersion
from domain.snapshot import Snapshot, canonical_json
from storage import audit as audit_chain
from storage.models import AuditRow, LedgerRow, MonthClose, RulesVersionRow

# Version 1 comes from the configuration and applies to everything before the first change.
SEED_FROM = date(2000, 1, 1)


def rules_versions(session: Session) -> list[RulesVersion]:
    rows = session.execute(select(RulesVersionRow).order_by(RulesVersionRow.version)).scalars()
    return [
        RulesVersion(r.version, r.effective_from, Rules.from_mapping(json.loads(r.body)["rules"]), json.loads(r.body).get("note", ""))
        for r in rows
    ]


def add_rules_version(session: Session, version: RulesVersion, at: datetime, by: int | None) -> None:
    # Not sorted: the factors keep the order the rules list them in.
    body = json.dumps({"rules": version.rules.to_mapping(), "note": version.note}, ensure_ascii=False)
    session.add(RulesVersionRow(version=version.version, effective_from=version.effective_from, body=body, created_at=at, created_by=by))
    session.flush()


def seed_rules(session: Session, rules: Rules, at: datetime) -> bool:
    """Store the configured rules as version 1 if there is no version yet."""
    if session.execute(select(func.count()).select_from(RulesVersionRow)).scalar_one():
        return False
    add_rules_version(session, RulesVersion(1, SEED_FROM, rules, "config"), at, None)
    return True


def add_adjustment(session: Session, *, agent_id: int, day: date, points: float, reason: str, by: int, at: datetime) -> int:
    """A supervisor's change of points: one audit entry and the ledger entry that points at it."""
    audit = audit_chain.append(session, at, "adjust", actor_agent_id=by, subject=str(agent_id),
                               detail={"points": points, "reason": reason, "day": day.isoformat()})
    session.add(
        LedgerRow(agent_id=agent_id, day=day, kind=ADJUSTMENT, source=f"audit:{audit.id}", millipoints=to_millipoints(points),
                  quantity=points, recorded_at=at)
    )
    session.flush()
    return audit.id


def adjustments_between(session: Session, first: date, last: date) -> list[tuple[Entry, datetime, str, int | None]]:
    """Each adjustment with when it was made, why, and by whom."""
    rows = session.execute(
        select(LedgerRow, AuditRow)
        .join(AuditRow, LedgerRow.source == literal("audit:") + cast(AuditRow.id, String))
        .where(LedgerRow.kind == ADJUSTMENT, LedgerRow.day >= first, LedgerRow.day <= last)
        .order_by(LedgerRow.id)
    ).all()
    return [
        (Entry(ledger.agent_id, ledger.day, ledger.kind, ledger.source, ledger.millipoints, ledger.quantity), audit.at,
         json.loads(audit.detail).get("reason", ""), audit.actor_agent_id)
        for ledger, audit in rows
    ]


def latest_close(session: Session, month: str) -> MonthClose | None:
    return session.execute(
        select(MonthClose).where(MonthClose.month == month).order_by(MonthClose.version.desc())
    ).scalars().first()


def is_closed(session: Session, month: str) -> bool:
    close = latest_close(session, month)
    return close is not None and close.reopened_at is None


def closed_months(session: Session) -> set[str]:
    return {c.month for c in session.execute(select(MonthClose).where(MonthClose.reopened_at.is_(None))).scalars()}


def add_close(session: Session, snapshot: Snapshot, at: datetime, by: int | None) -> MonthClose:
    previous = latest_close(session, snapshot.month)
    close = MonthClose(
        month=snapshot.month, version=(previous.version + 1) if previous else 1, rules_version=snapshot.rules_version,
        pool_cents=snapshot.pool_cents, scheme=snapshot.scheme, snapshot=canonical_json(snapshot), checksum=snapshot.checksum,
        closed_at=at, closed_by=by,
    )
    session.add(close)
    session.flush()
    return close


def mark_reopened(session: Session, close: MonthClose, at: datetime, by: int, reason: str) -> None:
    close.reopened_at, close.reopened_by, close.reopen_reason = at, by, reason
    session.flush()


def month_closes(session: Session, month: str) -> list[MonthClose]:
    return list(session.execute(select(MonthClose).where(MonthClose.month == month).order_by(MonthClose.version)).scalars())

