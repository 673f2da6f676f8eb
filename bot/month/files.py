"""A month's chart and workbook, with the ledger detail behind the frozen numbers.

A query of one unit of work; drawing and writing them is blocking work, so it runs in a worker
thread (a handler's `context.query`) or from the command line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from bot.core.baton import UnitOfWork
from bot.month.chart import month_chart
from bot.month.service import COLLABORATION_KINDS, month_span
from bot.month.workbook import month_workbook
from domain.ledger import APPORTIONED, CASE, CONVERSATION, HOURS, MILLI, Entry
from domain.snapshot import Snapshot


@dataclass(frozen=True)
class MonthFiles:
    chart_png: bytes
    workbook_xlsx: bytes
    names: dict[int, str]


def month_files(uow: UnitOfWork, snapshot: Snapshot) -> MonthFiles:
    first, last = month_span(snapshot.month)
    entries = uow.ledger.between(first, last)
    names = uow.agents.names()
    lang = uow.config.team.language
    workbook = month_workbook(
        snapshot,
        names,
        daily=_daily(entries),
        collaboration=_collaboration(entries),
        adjustments=_adjustments(uow.months.adjustments_between(first, last), names),
        tz=uow.tz,
        lang=lang,
        apportioned=_apportioned(entries),
    )
    return MonthFiles(month_chart(snapshot, names, lang=lang), workbook, names)


def _daily(entries: list[Entry]) -> pd.DataFrame:
    rows: dict[tuple[date, int], dict[str, float]] = {}
    for e in entries:
        row = rows.setdefault((e.day, e.agent_id), {"hours": 0.0, "conversations": 0.0, "apportioned": 0.0, "cases": 0, "points": 0.0})
        row["points"] += e.millipoints / MILLI
        if e.kind == HOURS:
            row["hours"] += e.quantity / 3600
        elif e.kind == CONVERSATION:
            row["conversations"] += e.quantity
        elif e.kind == APPORTIONED:
            row["apportioned"] += e.quantity
        elif e.kind == CASE:
            row["cases"] += 1
    return pd.DataFrame(
        [
            (day, agent, r["hours"], r["conversations"], r["apportioned"], r["cases"], r["points"])
            for (day, agent), r in sorted(rows.items())
        ],
        columns=["day", "agent_id", "hours", "conversations", "apportioned", "cases", "points"],
    )


def _apportioned(entries: list[Entry]) -> dict[int, float]:
    """Per agent, the month's conversations apportioned from a platform total (inside the conversations factor)."""
    totals: dict[int, float] = {}
    for e in entries:
        if e.kind == APPORTIONED:
            totals[e.agent_id] = totals.get(e.agent_id, 0.0) + e.quantity
    return totals


def _collaboration(entries: list[Entry]) -> pd.DataFrame:
    return pd.DataFrame(
        [(e.day, e.agent_id, e.kind, e.millipoints / MILLI, e.source) for e in entries if e.kind in COLLABORATION_KINDS],
        columns=["day", "agent_id", "kind", "points", "detail"],
    )


def _adjustments(adjustments: list[tuple[Entry, datetime, str, int | None]], names: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [(at, e.agent_id, e.millipoints / MILLI, reason, names.get(by, "") if by is not None else "") for e, at, reason, by in adjustments],
        columns=["at", "agent_id", "points", "reason", "by"],
    )
