"""`baton close-month` and `baton export`: the month close for scripts and payroll."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from bot.month import close_month, frozen_snapshot, month_span, parse_pool, score_month
from bot.month_report import month_files
from bot.render import Renderer, plain_text
from bot.render_month import closed_message
from bot.services import Baton, Refused
from storage import month as months
from storage.db import reading

EXIT_REFUSED = 2


def close_month_command(baton: Baton, month: str, pool: str, *, as_json: bool) -> int:
    render = Renderer(baton.config)
    pool_cents = parse_pool(pool)
    if pool_cents is None:
        print(f"baton close-month: --pool must be an amount in yuan with at most two decimals, got {pool!r}", file=sys.stderr)
        return EXIT_REFUSED
    try:
        scored = close_month(baton, None, month, pool_cents, None)
    except Refused as refusal:
        print(plain_text(render.refusal(refusal)), file=sys.stderr)
        return EXIT_REFUSED
    with reading(baton.engine) as session:
        version = months.latest_close(session, month).version
    snapshot = scored.snapshot
    if as_json:
        print(json.dumps(
            {
                "month": snapshot.month, "version": version, "rules_version": snapshot.rules_version,
                "pool_cents": snapshot.pool_cents, "scheme": snapshot.scheme, "team_fund_cents": snapshot.team_fund_cents,
                "checksum": snapshot.checksum,
                "payouts": [
                    {"agent_id": r.agent_id, "name": scored.names.get(r.agent_id), "rank": r.rank, "score": r.score,
                     "tier": r.tier, "payout_cents": r.payout_cents}
                    for r in snapshot.rows
                ],
            },
            ensure_ascii=False, indent=2,
        ))
    else:
        print(plain_text(closed_message(render, snapshot, scored.names, version)))
    return 0


def export_command(baton: Baton, month: str, out: str) -> int:
    """The frozen month if it is closed; otherwise provisional figures with the configured pool."""
    render = Renderer(baton.config)
    try:
        month_span(month)
        with reading(baton.engine) as session:
            closed = months.is_closed(session, month)
        snapshot = frozen_snapshot(baton, month) if closed else score_month(baton, month, baton.config.payout.pool_cents).snapshot
    except Refused as refusal:
        print(plain_text(render.refusal(refusal)), file=sys.stderr)
        return EXIT_REFUSED
    Path(out).write_bytes(month_files(baton, snapshot).workbook_xlsx)
    state = "frozen" if closed else "provisional (not closed yet)"
    print(f"wrote {out}: {month}, {state}, checksum {snapshot.checksum[:12]}")
    return 0
