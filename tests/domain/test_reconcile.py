"""The platform's 接待人数 against the conversations Baton holds: the shortfall of each day."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pandas as pd

from domain.reconcile import CONVERSATIONS, CUSTOMERS, DayReconciliation, reconcile

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 3)


def totals(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["account", "day", "hour", "received", "consulted"])
    return frame.astype({"hour": "Int64", "received": "Int64", "consulted": "Int64"})


def conversations(count: int, *, customers: bool, day: str = "2026-11-03", account: str = "jd") -> pd.DataFrame:
    starts = pd.date_range(f"{day} 09:00", periods=count, freq="min", tz=SHANGHAI).tz_convert("UTC")
    return pd.DataFrame({"account": account, "start": starts, "customer": [f"c{i % 140}" if customers else None for i in range(count)]})


def test_the_platform_counts_162_and_baton_has_150_so_12_are_missing():
    (day,) = reconcile(totals([("jd", DAY, None, 162, 171)]), conversations(150, customers=False), SHANGHAI)
    assert day == DayReconciliation("jd", DAY, "received", 162, CONVERSATIONS, 150)
    assert (day.missing, day.surplus, day.status) == (12, 0, "short")


def test_people_are_compared_with_people_when_every_conversation_names_its_customer():
    (day,) = reconcile(totals([("jd", DAY, None, 140, None)]), conversations(150, customers=True), SHANGHAI)
    assert (day.counted, day.baton_count, day.status) == (CUSTOMERS, 140, "complete")


def test_agents_rows_are_added_hours_used_only_without_a_daily_row_and_consulted_is_the_fallback():
    rows = [("jd", DAY, None, 100, None), ("jd", DAY, None, 62, None), ("jd", DAY, 9, 999, None),
            ("tm", DAY, 9, None, 30), ("tm", DAY, 10, None, 12)]  # fmt: skip
    days = reconcile(
        totals(rows), pd.concat([conversations(160, customers=False), conversations(45, customers=False, account="tm")]), SHANGHAI
    )
    assert [(d.account, d.measure, d.platform_count, d.baton_count, d.status, d.surplus) for d in days] == [
        ("jd", "received", 162, 160, "short", 0),
        ("tm", "consulted", 42, 45, "over", 3),
    ]


def test_a_day_with_no_conversations_is_all_missing_and_days_follow_the_team_zone():
    days = reconcile(totals([("jd", DAY, None, 5, None), ("jd", date(2026, 11, 4), None, 1, None)]),
                     conversations(1, customers=False, day="2026-11-04"), SHANGHAI)  # fmt: skip
    assert [(d.day, d.baton_count, d.missing) for d in days] == [(DAY, 0, 5), (date(2026, 11, 4), 1, 0)]
