"""A month's chart and workbook, with the ledger detail behind the frozen numbers."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from bot.month import COLLABORATION_KINDS, month_span
from bot.reports import month_chart, month_workbook
from bot.services import Baton
from domain.ledger import CASE, CONVERSATION, HOURS, MILLI
from domain.snapshot import Snapshot
from storage import month as months
from storage import repositories as repo
from storage.db import reading


@dataclass(frozen=True)
class MonthFiles:
    chart_png: bytes
    workbook_xlsx: bytes
    names: dict[int, str]


def month_files(baton: Baton, snapshot: Snapshot) -> MonthFiles:
    first, last = month_span(snapshot.month)
    with reading(baton.engine) as session:
        entries = repo.entries_between(session, first, last)
        adjustments = months.adjustments_between(session, first, last)
        agents = repo.agents_by_id(session)
    names = {a.id: a.name for a in agents.values()}
    lang = baton.config.team.language
    workbook = month_workbook(
        snapshot, names, daily=_daily(entries), collaboration=_collaboration(entries),
        adjustments=pd.DataFrame(
            [(at, e.agent_id, e.millipoints / MILLI, reason, names.get(by, "")) for e, at, reason, by in adjustments],
            columns=["at", "agent_id", "points", "reason", "by"],
        ),
        tz=baton.tz, lang=lang,
    )
    return MonthFiles(month_chart(snapshot, names, lang=lang), workbook, names)


def _daily(entries) -> pd.DataFrame:
    rows: dict[tuple, dict[str, float]] = {}
    for e in entries:
        row = rows.setdefault((e.day, e.agent_id), {"hours": 0.0, "conversations": 0.0, "cases": 0, "points": 0.0})
        row["points"] += e.millipoints / MILLI
        if e.kind == HOURS:
            row["hours"] += e.quantity / 3600
        elif e.kind == CONVERSATION:
            row["conversations"] += e.quantity
        elif e.kind == CASE:
            row["cases"] += 1
    return pd.DataFrame(
        [(day, agent, r["hours"], r["conversations"], r["cases"], r["points"]) for (day, agent), r in sorted(rows.items())],
        columns=["day", "agent_id", "hours", "conversations", "cases", "points"],
    )


def _collaboration(entries) -> pd.DataFrame:
    return pd.DataFrame(
        [(e.day, e.agent_id, e.kind, e.millipoints / MILLI, e.source) for e in entries if e.kind in COLLABORATION_KINDS],
        columns=["day", "agent_id", "kind", "points", "detail"],
    )
