"""The platform's own count of a day against the conversations Baton holds for it.

A per-agent report (赤兔, 生意参谋) says how many customers the platform received on an account
each day (接待人数; 咨询人数 when the report has no 接待人数). Comparing it with the imported
conversations shows an export that is missing rows: "the platform counts 162, Baton has 150:
12 missing". 接待人数 counts people, so where every conversation of the day names its
customer, Baton counts distinct customers; otherwise it counts conversations, and says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd

RECEIVED, CONSULTED = "received", "consulted"
CUSTOMERS, CONVERSATIONS = "customers", "conversations"
COMPLETE, SHORT, OVER = "complete", "short", "over"


@dataclass(frozen=True)
class DayReconciliation:
    """One account's day: the platform's ``measure`` (received or consulted) against Baton's
    count of ``counted`` (customers or conversations)."""

    account: str
    day: date
    measure: str
    platform_count: int
    counted: str
    baton_count: int

    @property
    def missing(self) -> int:
        return max(self.platform_count - self.baton_count, 0)

    @property
    def surplus(self) -> int:
        return max(self.baton_count - self.platform_count, 0)

    @property
    def status(self) -> str:
        return SHORT if self.missing else OVER if self.surplus else COMPLETE


def reference_rows(totals: pd.DataFrame) -> pd.DataFrame:
    """The rows a day's count is read from: its whole-day rows when it has them, else its
    hourly rows. ``totals``: account, day, hour (NA for a whole-day row) and the counts."""
    if totals.empty:
        return totals
    whole_day = totals["hour"].isna()
    has_whole_day = whole_day.groupby([totals["account"], totals["day"]]).transform("any")
    return totals.loc[whole_day | ~has_whole_day]


def counted_measure(rows: pd.DataFrame) -> str | None:
    """Which count stands for one account-day's rows: 接待人数 (received) when known, else
    咨询人数 (consulted); None when neither is."""
    for measure in (RECEIVED, CONSULTED):
        if measure in rows and pd.to_numeric(rows[measure], errors="coerce").notna().any():
            return measure
    return None


def reference_counts(totals: pd.DataFrame) -> pd.DataFrame:
    """Per account and day, the platform's count: account, day, measure, platform_count.

    ``totals``: account, day, hour (NA for a whole-day row), received, consulted (NA when
    unknown). Whole-day rows are used when a day has them, else its hourly rows are summed;
    the agents' rows of one account are summed. A day whose count is unknown is left out."""
    if totals.empty:
        return pd.DataFrame(columns=["account", "day", "measure", "platform_count"])
    rows = []
    for (account, day), group in reference_rows(totals).groupby(["account", "day"], sort=True):
        measure = counted_measure(group)
        if measure is not None:
            rows.append((account, day, measure, int(pd.to_numeric(group[measure], errors="coerce").sum())))
    return pd.DataFrame(rows, columns=["account", "day", "measure", "platform_count"])


def baton_counts(conversations: pd.DataFrame, tz: ZoneInfo) -> pd.DataFrame:
    """Per account and local day: account, day, counted (customers or conversations), baton_count.

    ``conversations``: account, start (UTC), customer (None when the export did not say)."""
    if conversations.empty:
        return pd.DataFrame(columns=["account", "day", "counted", "baton_count"])
    frame = pd.DataFrame(
        {
            "account": conversations["account"].to_numpy(),
            "day": conversations["start"].dt.tz_convert(tz).dt.date.to_numpy(),
            "customer": conversations["customer"].to_numpy(dtype=object),
        }
    )
    grouped = frame.groupby(["account", "day"], sort=True)["customer"]
    result = grouped.agg(conversations="size", known="count", customers="nunique").reset_index()
    by_customer = result["known"] == result["conversations"]
    return pd.DataFrame(
        {
            "account": result["account"],
            "day": result["day"],
            "counted": by_customer.map({True: CUSTOMERS, False: CONVERSATIONS}),
            "baton_count": result["customers"].where(by_customer, result["conversations"]).astype("int64"),
        }
    )


def reconcile(totals: pd.DataFrame, conversations: pd.DataFrame, tz: ZoneInfo) -> list[DayReconciliation]:
    """Every account-day the platform gave a count for, against Baton's count (0 when it has none)."""
    reference = reference_counts(totals)
    ours = baton_counts(conversations, tz)
    merged = reference.merge(ours, on=["account", "day"], how="left")
    return [
        DayReconciliation(
            account=str(row.account),
            day=row.day,
            measure=str(row.measure),
            platform_count=int(row.platform_count),
            counted=str(row.counted) if isinstance(row.counted, str) else CONVERSATIONS,
            baton_count=0 if pd.isna(row.baton_count) else int(row.baton_count),
        )
        for row in merged.itertuples(index=False)
    ]


__all__ = [
    "COMPLETE", "CONSULTED", "CONVERSATIONS", "CUSTOMERS", "OVER", "RECEIVED", "SHORT",
    "DayReconciliation", "baton_counts", "counted_measure", "reconcile", "reference_counts", "reference_rows",
]  # fmt: skip
