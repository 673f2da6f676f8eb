"""Between the domain's objects and its frames."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from domain.holds import Hold
from domain.time import TS_DTYPE

HOLD_COLUMNS = ["account", "agent_id", "start", "end"]


def holds_to_frame(holds: Iterable[Hold]) -> pd.DataFrame:
    """The holds frame attribution reads: account, agent_id, start, end (NaT while open)."""
    rows = [(h.account, h.agent_id, h.start, h.end) for h in holds]
    frame = pd.DataFrame(rows, columns=HOLD_COLUMNS).astype({"account": object, "agent_id": "int64"})
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column], utc=True).astype(TS_DTYPE)
    return frame
