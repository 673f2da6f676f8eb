"""Per-agent report rows (赤兔, 生意参谋): stored as the platform's reference totals, read back as frames.

A report imported again replaces its rows: the same (account, day, hour, agent) is the same
slot, and the newer file may have final numbers where the older said 延迟统计.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import ColumnElement, and_, delete, select, tuple_
from sqlmodel import Session, col

from storage.accounts import Accounts
from storage.importers.fields import TOTALS_COUNTS, TOTALS_RATES, TOTALS_SECONDS
from storage.models import Account, PlatformTotalRow
from storage.types import fetch_raw, table_of

WHOLE_DAY = -1  # the hour column of a daily row
_MEASURES = (*TOTALS_COUNTS, *TOTALS_RATES, *TOTALS_SECONDS)
_COMPARED = (*_MEASURES, "not_final")
TOTALS_FRAME_COLUMNS = ["account", "platform", "day", "hour", "agent", *_COMPARED]
_SLICE = 500


@dataclass(frozen=True)
class StoredTotals:
    new: int
    replaced: int
    days: tuple[date, ...]
    changed_days: tuple[date, ...] = ()  # days with a new slot or a value unlike the one it replaced


def store_platform_totals(
    session: Session, account: str, platform: str, report: str, totals: pd.DataFrame, at: datetime, source: str
) -> StoredTotals:
    """Insert the report's rows for ``account``, replacing any stored for the same slots.

    ``totals`` is a parsed report's frame (storage.importers.totals.TOTALS_COLUMNS)."""
    account_id = Accounts(session).ids[account]
    if totals.empty:
        return StoredTotals(0, 0, ())
    rows = [_row(record, account_id, platform, report, at, source) for record in totals.to_dict("records")]
    table = table_of(PlatformTotalRow)
    slots = [(r["day"], r["hour"], r["agent"]) for r in rows]
    before = _stored_values(session, account_id, slots)
    replaced = 0
    for condition in _slot_conditions(account_id, slots):
        replaced += session.connection().execute(delete(table).where(condition)).rowcount
    session.execute(table.insert(), rows)
    changed = {r["day"] for r, slot in zip(rows, slots, strict=True) if before.get(slot) != tuple(r[name] for name in _COMPARED)}
    return StoredTotals(len(rows) - replaced, replaced, tuple(sorted({r["day"] for r in rows})), tuple(sorted(changed)))


def _stored_values(session: Session, account_id: int, slots: list[tuple]) -> dict[tuple, tuple]:
    """What is stored now for these slots, to tell a report sent again from one with new numbers."""
    table = table_of(PlatformTotalRow)
    query = select(table.c.day, table.c.hour, table.c.agent, *(table.c[name] for name in _COMPARED))
    found: dict[tuple, tuple] = {}
    for condition in _slot_conditions(account_id, slots):
        for row in session.connection().execute(query.where(condition)):
            found[(row[0], row[1], row[2])] = tuple(row[3:])
    return found


def _slot_conditions(account_id: int, slots: list[tuple]) -> Iterator[ColumnElement[bool]]:
    """The account's rows in these (day, hour, agent) slots, a slice of them at a time."""
    table = table_of(PlatformTotalRow)
    for start in range(0, len(slots), _SLICE):
        yield and_(table.c.account_id == account_id, tuple_(table.c.day, table.c.hour, table.c.agent).in_(slots[start : start + _SLICE]))


def platform_totals_frame(session: Session, first_day: date, last_day: date) -> pd.DataFrame:
    """The stored rows of days first_day..last_day: TOTALS_FRAME_COLUMNS, hour NA for a daily row."""
    table = table_of(PlatformTotalRow)
    rows = fetch_raw(
        session,
        select(
            col(Account.key),
            table.c.platform,
            table.c.day,
            table.c.hour,
            table.c.agent,
            *(table.c[name] for name in _COMPARED),
        )
        .join(Account, col(Account.id) == table.c.account_id)
        .where(table.c.day >= first_day, table.c.day <= last_day)
        .order_by(Account.key, table.c.day, table.c.hour, table.c.agent),
    )
    frame = pd.DataFrame.from_records(rows, columns=TOTALS_FRAME_COLUMNS)
    frame["day"] = pd.to_datetime(frame["day"]).dt.date if len(frame) else frame["day"]
    frame["hour"] = pd.array([None if h == WHOLE_DAY else h for h in frame["hour"]], dtype="Int64")
    for name in TOTALS_COUNTS:
        frame[name] = pd.array(frame[name].tolist(), dtype="Int64")
    for name in (*TOTALS_RATES, *TOTALS_SECONDS):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return frame


def _row(record: dict, account_id: int, platform: str, report: str, at: datetime, source: str) -> dict:
    def value(name: str):
        item = record.get(name)
        return None if item is None or pd.isna(item) else item

    hour = value("hour")
    return {
        "account_id": account_id,
        "day": record["day"],
        "hour": WHOLE_DAY if hour is None else int(hour),
        "agent": str(record.get("agent") or "")[:128],
        "shop": str(record.get("shop") or "")[:128],
        "sub_account": str(record.get("sub_account") or "")[:128],
        "platform": platform,
        "report": report[:32],
        **{name: None if value(name) is None else int(value(name)) for name in TOTALS_COUNTS},
        **{name: None if value(name) is None else float(value(name)) for name in (*TOTALS_RATES, *TOTALS_SECONDS)},
        "not_final": str(record.get("not_final") or "")[:256],
        "raw": record.get("raw") or "{}",
        "imported_at": at,
        "source": source,
    }


__all__ = ["TOTALS_FRAME_COLUMNS", "WHOLE_DAY", "StoredTotals", "platform_totals_frame", "store_platform_totals"]


class PlatformTotals:
    """The platform_totals table, as a unit of work reads it."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def frame(self, first_day: date, last_day: date) -> pd.DataFrame:
        return platform_totals_frame(self.session, first_day, last_day)
