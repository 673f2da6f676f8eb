"""`baton close-month` and `baton export`: the month close for scripts and payroll.

Both take the configuration and return the process's exit code. Closing is one unit of work with
nobody behind it; the workbook is drawn afterwards, from a read.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.audit.service import AlteredClose, altered_close
from bot.core.baton import Baton
from bot.core.config import Config
from bot.core.errors import Refused
from bot.core.setup import open_baton
from bot.month.files import month_files
from bot.month.parse import month_argument, parse_pool
from bot.month.render import closed_message
from bot.month.service import Closed, close_month, month_figures
from bot.text.layout import plain_text
from bot.text.renderer import Renderer

EXIT_REFUSED = 2


@contextmanager
def _baton(config: Config) -> Iterator[Baton]:
    baton = open_baton(config)
    try:
        yield baton
    finally:
        baton.engine.dispose()


def close_month_command(config: Config, month: str, pool: str, *, as_json: bool) -> int:
    """`baton close-month YYYY-MM --pool yuan [--json]`: freeze the month, print the payouts."""
    render = Renderer(config)
    pool_cents = parse_pool(pool)
    if pool_cents is None:
        print(f"baton close-month: --pool must be an amount in yuan with at most two decimals, got {pool!r}", file=sys.stderr)
        return EXIT_REFUSED
    try:
        month_argument(month)
        with _baton(config) as baton:
            closed = baton.run(close_month, month, pool_cents, None)
    except Refused as refusal:
        print(plain_text(render.refusal(refusal)), file=sys.stderr)
        return EXIT_REFUSED
    if as_json:
        print(json.dumps(_as_json(closed), ensure_ascii=False, indent=2))
    else:
        print(plain_text(closed_message(render, closed.scored.snapshot, closed.scored.names, closed.version)))
    return 0


def _as_json(closed: Closed) -> dict[str, object]:
    snapshot, names = closed.scored.snapshot, closed.scored.names
    return {
        "month": snapshot.month,
        "version": closed.version,
        "rules_version": snapshot.rules_version,
        "pool_cents": snapshot.pool_cents,
        "scheme": snapshot.scheme,
        "team_fund_cents": snapshot.team_fund_cents,
        "checksum": snapshot.checksum,
        "payouts": [
            {
                "agent_id": r.agent_id,
                "name": names.get(r.agent_id),
                "rank": r.rank,
                "score": r.score,
                "tier": r.tier,
                "payout_cents": r.payout_cents,
            }
            for r in snapshot.rows
        ],
    }


def export_command(config: Config, month: str, out: str) -> int:
    """`baton export YYYY-MM --out file.xlsx`: the frozen month if it is closed, else provisional figures with the configured pool.

    A close that is not what its audit entry sealed is refused, not written with a warning: the
    workbook is what payroll pays from, and a warning on a terminal does not travel with the file.
    """
    render = Renderer(config)
    try:
        month_argument(month)
        with _baton(config) as baton:
            if (altered := baton.read(altered_close, month)) is not None:
                print(_altered_text(render, altered), file=sys.stderr)
                return EXIT_REFUSED
            figures = baton.run(month_figures, month)
            workbook = baton.read(month_files, figures.snapshot).workbook_xlsx
    except Refused as refusal:
        print(plain_text(render.refusal(refusal)), file=sys.stderr)
        return EXIT_REFUSED
    snapshot = figures.snapshot
    Path(out).write_bytes(workbook)
    state = "frozen" if figures.closed else "provisional (not closed yet)"
    print(f"wrote {out}: {month}, {state}, checksum {snapshot.checksum[:12]}")
    return 0


def _altered_text(render: Renderer, altered: AlteredClose) -> str:
    reason = render.t(f"audit.close_reason.{altered.reason}", stored=altered.stored[:12], recorded=(altered.recorded or "")[:12])
    return plain_text(render.refusal(Refused("close_altered", month=altered.month, version=altered.version), reason=reason))
