"""The month's records: rules versions, supervisors' adjustments and frozen closes (three tables, one subject)."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import String, cast, func, literal, select
from sqlmodel import Session, col

from domain.ledger import ADJUSTMENT, Entry, to_millipoints
from domain.rules import Rules, RulesVersion
from domain.snapshot import Snapshot, canonical_json
from storage import audit as audit_chain
from storage.models import AuditRow, LedgerRow, MonthClose, RulesVersionRow, stored_id

# Version 1 comes from the configuration and applies to everything before the first change.
SEED_FROM = date(2000, 1, 1)


class Months:
    def __init__(self, session: Session) -> None:
        self.session = session

    def rules_versions(self) -> list[RulesVersion]:
        rows = self.session.execute(select(RulesVersionRow).order_by(col(RulesVersionRow.version))).scalars()
        return [
            RulesVersion(r.version, r.effective_from, Rules.from_mapping(json.loads(r.body)["rules"]), json.loads(r.body).get("note", ""))
            for r in rows
        ]

    def add_rules_version(self, version: RulesVersion, at: datetime, by: int | None) -> None:
        # Not sorted: the factors keep the order the rules list them in.
        body = json.dumps({"rules": version.rules.to_mapping(), "note": version.note}, ensure_ascii=False)
        self.session.add(
            RulesVersionRow(version=version.version, effective_from=version.effective_from, body=body, created_at=at, created_by=by)
        )
        self.session.flush()

    def seed_rules(self, rules: Rules, at: datetime) -> bool:
        """Store the configured rules as version 1 if there is no version yet."""
        if self.session.execute(select(func.count()).select_from(RulesVersionRow)).scalar_one():
            return False
        self.add_rules_version(RulesVersion(1, SEED_FROM, rules, "config"), at, None)
        return True

    def add_adjustment(self, *, agent_id: int, day: date, points: float, reason: str, by: int, at: datetime) -> int:
        """A supervisor's change of points: one audit entry and the ledger entry that points at it."""
        audit = audit_chain.append(
            self.session,
            at,
            "adjust",
            actor_agent_id=by,
            subject=str(agent_id),
            detail={"points": points, "reason": reason, "day": day.isoformat()},
        )
        audit_id = stored_id(audit)
        self.session.add(
            LedgerRow(
                agent_id=agent_id,
                day=day,
                kind=ADJUSTMENT,
                source=f"audit:{audit_id}",
                millipoints=to_millipoints(points),
                quantity=points,
                recorded_at=at,
            )
        )
        self.session.flush()
        return audit_id

    def adjustments_between(self, first: date, last: date) -> list[tuple[Entry, datetime, str, int | None]]:
        """Each adjustment with when it was made, why, and by whom."""
        rows = self.session.execute(
            select(LedgerRow, AuditRow)
            .join(AuditRow, col(LedgerRow.source) == literal("audit:") + cast(col(AuditRow.id), String))
            .where(col(LedgerRow.kind) == ADJUSTMENT, col(LedgerRow.day) >= first, col(LedgerRow.day) <= last)
            .order_by(col(LedgerRow.id))
        ).all()
        return [
            (
                Entry(ledger.agent_id, ledger.day, ledger.kind, ledger.source, ledger.millipoints, ledger.quantity),
                audit.at,
                json.loads(audit.detail).get("reason", ""),
                audit.actor_agent_id,
            )
            for ledger, audit in rows
        ]

    def latest_close(self, month: str) -> MonthClose | None:
        return (
            self.session.execute(select(MonthClose).where(col(MonthClose.month) == month).order_by(col(MonthClose.version).desc()))
            .scalars()
            .first()
        )

    def is_closed(self, month: str) -> bool:
        close = self.latest_close(month)
        return close is not None and close.reopened_at is None

    def closed_months(self) -> set[str]:
        return {c.month for c in self.session.execute(select(MonthClose).where(col(MonthClose.reopened_at).is_(None))).scalars()}

    def add_close(self, snapshot: Snapshot, at: datetime, by: int | None) -> MonthClose:
        previous = self.latest_close(snapshot.month)
        close = MonthClose(
            month=snapshot.month,
            version=(previous.version + 1) if previous else 1,
            rules_version=snapshot.rules_version,
            pool_cents=snapshot.pool_cents,
            scheme=snapshot.scheme,
            snapshot=canonical_json(snapshot),
            checksum=snapshot.checksum,
            closed_at=at,
            closed_by=by,
        )
        self.session.add(close)
        self.session.flush()
        return close

    def mark_reopened(self, close: MonthClose, at: datetime, by: int, reason: str) -> None:
        close.reopened_at, close.reopened_by, close.reopen_reason = at, by, reason
        self.session.flush()

    def month_closes(self, month: str) -> list[MonthClose]:
        return list(
            self.session.execute(select(MonthClose).where(col(MonthClose.month) == month).order_by(col(MonthClose.version))).scalars()
        )

    def all_closes(self) -> list[MonthClose]:
        """Every close of every month, reopened ones too, by month and version."""
        return list(self.session.execute(select(MonthClose).order_by(col(MonthClose.month), col(MonthClose.version))).scalars())
