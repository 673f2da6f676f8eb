"""The month workbook for payroll: the sheets, the money to the cent, and local times."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from openpyxl import load_workbook

from bot.month.workbook import month_workbook
from domain.payouts import PayoutPolicy, compute_payouts
from domain.rules import RulesVersion, default_rules
from domain.scoring import score_period
from domain.snapshot import Snapshot, freeze, snapshot_rows

SHANGHAI = ZoneInfo("Asia/Shanghai")
TEAM = {1: "王芳", 2: "李雷", 3: "韩梅梅", 4: "欧阳娜娜"}
SHEETS = {
    "zh": ["发放", "因子", "每日明细", "调整", "协作"],
    "en": ["payouts", "factors", "daily detail", "adjustments", "collaboration"],
}
PAYOUT_HEADERS = {
    "zh": ["名次", "姓名", "档位", "积分", "发放（元）", "发放（分）"],
    "en": ["rank", "agent", "tier", "score", "payout", "payout_cents"],
}
# 17:30 UTC on the last day of March is already 01:30 on 1 April in Shanghai.
LATE_ADJUSTMENT = datetime(2025, 3, 31, 17, 30, tzinfo=UTC)


def closed_month(*, scheme: str = "hybrid", pool_cents: int = 1_000_001) -> Snapshot:
    ids = sorted(TEAM)
    factors = pd.DataFrame(
        {
            "conversations": [310.5, 280, 120, 95],
            "cases": [41, 38, 19, 7],
            "hours_held": [150, 142.5, 80, 60],
            "satisfaction": [0.97, 0.92, None, 0.88],
        },
        index=ids,
    )
    rules = RulesVersion(3, date(2025, 1, 1), default_rules())
    card = score_period(factors, rules, collaboration=pd.Series({3: 6.5, 4: 1.0}), adjustments=pd.Series({2: -2.0, 4: 3.0}))
    policy = PayoutPolicy(scheme=scheme, team_fund_percent=5 if scheme == "hybrid" else 0)
    payouts = compute_payouts(policy, pool_cents, card.totals())
    return freeze("2025-03", rules, pool_cents, scheme, snapshot_rows(card, payouts))


def detail_frames() -> dict[str, pd.DataFrame]:
    daily = pd.DataFrame(
        {
            "day": [date(2025, 3, 2), date(2025, 3, 1), date(2025, 3, 1)],
            "agent_id": [1, 2, 1],
            "hours": [7.5, 8.0, 6.25],
            "conversations": [40.5, 38.0, 29.5],
            "apportioned": [0.0, 0.0, 12.0],
            "cases": [5, 4, 3],
            "points": [12.25, 11.0, 9.5],
        }
    )
    adjustments = pd.DataFrame(
        {
            "at": pd.Series([LATE_ADJUSTMENT, datetime(2025, 3, 10, 2, 0, tzinfo=UTC)]).astype("datetime64[us, UTC]"),
            "agent_id": [4, 2],
            "points": [3.0, -2.0],
            "reason": ["夜间加班处理投诉", "漏记交接"],
            "by": ["赵主管", "赵主管"],
        }
    )
    collaboration = pd.DataFrame(
        {
            "day": [date(2025, 3, 3), date(2025, 3, 5)],
            "agent_id": [3, 4],
            "kind": ["cover", "thanks"],
            "points": [6.5, 1.0],
            "detail": ["顶班 6.5 小时", "来自 王芳"],
        }
    )
    return {"daily": daily, "adjustments": adjustments, "collaboration": collaboration}


def render(snapshot: Snapshot, lang: str = "zh", apportioned=None, **frames: pd.DataFrame):
    given = detail_frames() | frames
    xlsx = month_workbook(snapshot, TEAM, tz=SHANGHAI, lang=lang, apportioned=apportioned, **given)
    assert xlsx.startswith(b"PK")  # an XLSX is a zip archive
    return load_workbook(io.BytesIO(xlsx))


def table(sheet, width: int) -> list[tuple]:
    """The sheet's table below the header, without the metadata block to its right."""
    return [row[:width] for row in sheet.iter_rows(min_row=2, max_col=width, values_only=True)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_five_sheets_come_in_order_named_in_the_chosen_language(lang):
    book = render(closed_month(), lang)

    assert book.sheetnames == SHEETS[lang]
    payouts = book.worksheets[0]
    assert [cell.value for cell in payouts[1][:6]] == PAYOUT_HEADERS[lang]
    assert all(cell.font.b for cell in payouts[1][:6])
    assert payouts.freeze_panes == "A2"


def test_payouts_in_cents_and_the_team_fund_add_up_to_the_pool():
    month = closed_month(scheme="hybrid")
    assert month.team_fund_cents > 0
    sheet = render(month).worksheets[0]
    rows = table(sheet, 6)

    agents, fund, total = rows[: len(month.rows)], rows[-2], rows[-1]
    assert len(rows) == len(month.rows) + 2
    assert fund[1] == "团队基金" and fund[5] == month.team_fund_cents
    assert total[1] == "合计" and total[5] == month.pool_cents
    assert sum(row[5] for row in agents) + fund[5] == total[5]
    for row, frozen in zip(agents, month.rows, strict=True):
        assert (row[0], row[1], row[5]) == (frozen.rank, TEAM[frozen.agent_id], frozen.payout_cents)
        assert row[4] == pytest.approx(frozen.payout_cents / 100)
        assert isinstance(row[5], int)


def test_without_a_team_fund_there_is_no_team_fund_row_and_tiers_are_named():
    month = closed_month(scheme="tiers")
    assert month.team_fund_cents == 0
    rows = table(render(month, "en").worksheets[0], 6)

    assert [row[1] for row in rows[len(month.rows) :]] == ["total"]
    assert [row[2] for row in rows[:-1]] == [frozen.tier for frozen in month.rows]
    assert sum(row[5] for row in rows[:-1]) == rows[-1][5] == month.pool_cents


def test_money_and_points_carry_number_formats():
    month = closed_month(scheme="hybrid")
    sheet = render(month).worksheets[0]
    first, total = sheet[2], sheet[len(month.rows) + 3]  # header, agents, team fund, total

    assert first[3].number_format == "0.00"  # score
    assert first[4].number_format == "0.00"  # yuan
    assert first[5].number_format == "0"  # cents
    assert total[4].number_format == "0.00" and total[5].number_format == "0"
    assert total[1].font.b


def test_the_month_identity_sits_beside_the_table_and_in_the_document_properties():
    month = closed_month(scheme="hybrid")
    assert month.team_fund_cents > 0
    book = render(month)
    sheet = book.worksheets[0]

    labels, values = sheet.iter_rows(min_row=1, max_row=2, min_col=8, values_only=True)
    beside = dict(zip(labels, values, strict=True))
    assert beside["月份"] == month.month
    assert beside["规则版本"] == month.rules_version
    assert beside["奖金池（分）"] == month.pool_cents
    assert beside["校验码"] == month.checksum
    assert all(value is None for (value,) in sheet.iter_rows(min_col=7, max_col=7, values_only=True))
    assert sheet.max_row == len(month.rows) + 3  # header, agents, team fund, total: nothing below
    properties = {prop.name: prop.value for prop in book.custom_doc_props}
    assert properties["checksum"] == month.checksum
    assert properties["pool_cents"] == str(month.pool_cents)
    assert properties["month"] == "2025-03"


def test_every_agent_has_a_line_per_factor_that_explains_their_score():
    month = closed_month()
    rows = table(render(month, "en")["factors"], 6)

    factors = len(default_rules().factors)
    assert len(rows) == len(month.rows) * factors
    for frozen in month.rows:
        lines = [row for row in rows if row[0] == TEAM[frozen.agent_id]]
        assert len(lines) == factors
        extra = frozen.collaboration + frozen.adjustments
        assert sum(line[5] for line in lines) + extra == pytest.approx(frozen.score, abs=0.01 * factors)
    no_rating = [row for row in rows if row[0] == TEAM[3] and row[1] == "satisfaction"]
    assert no_rating[0][2] is None  # no data is an empty cell, not 0


def test_adjustment_times_are_shown_in_the_team_zone():
    sheet = render(closed_month())["调整"]
    rows = table(sheet, 5)

    assert [row[0] for row in rows] == [
        datetime(2025, 3, 10, 10, 0),
        LATE_ADJUSTMENT.astimezone(SHANGHAI).replace(tzinfo=None),
    ]
    assert rows[1][0].date() == date(2025, 4, 1)
    assert (rows[1][1], rows[1][2], rows[1][3], rows[1][4]) == ("欧阳娜娜", 3.0, "夜间加班处理投诉", "赵主管")
    assert "hh:mm" in sheet["A2"].number_format


def test_naive_adjustment_times_are_refused():
    naive = detail_frames()["adjustments"].assign(at=[datetime(2025, 3, 10, 10, 0), datetime(2025, 3, 11, 9, 0)])

    with pytest.raises(ValueError, match="naive"):
        month_workbook(closed_month(), TEAM, **(detail_frames() | {"adjustments": naive}), tz=SHANGHAI)


def test_daily_detail_is_sorted_by_day_with_names_and_date_cells():
    sheet = render(closed_month(), "en")["daily detail"]
    rows = table(sheet, 7)

    assert [(row[0].date(), row[1]) for row in rows] == [
        (date(2025, 3, 1), "王芳"),
        (date(2025, 3, 1), "李雷"),
        (date(2025, 3, 2), "王芳"),
    ]
    # Conversations credited one by one and those apportioned from a platform total stand apart.
    assert rows[0][2:] == (6.25, 29.5, 12, 3, 9.5)
    assert sheet["D1"].value == "conversations" and sheet["E1"].value == "apportioned conversations (by hold time)"
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].number_format == "0.00" and sheet["F2"].number_format == "0"


@pytest.mark.parametrize(("lang", "kinds"), [("zh", ["顶班", "感谢"]), ("en", ["cover", "thanks"])])
def test_collaboration_kinds_are_named_in_the_chosen_language(lang, kinds):
    rows = table(render(closed_month(), lang).worksheets[4], 5)

    assert [row[2] for row in rows] == kinds
    assert [row[1] for row in rows] == [TEAM[3], TEAM[4]]


def test_empty_detail_frames_leave_sheets_with_just_a_header():
    book = render(closed_month(), "en", daily=pd.DataFrame(), adjustments=pd.DataFrame(), collaboration=pd.DataFrame())

    for name, headers in [
        ("daily detail", ["day", "agent", "hours", "conversations", "apportioned conversations (by hold time)", "cases", "points"]),
        ("adjustments", ["time", "agent", "points", "reason", "by"]),
        ("collaboration", ["day", "agent", "kind", "points", "detail"]),
    ]:
        sheet = book[name]
        assert sheet.max_row == 1
        assert [cell.value for cell in sheet[1]] == headers


def test_columns_are_wide_enough_for_double_width_chinese():
    sheet = render(closed_month())["每日明细"]

    header = "接管时长（小时）"  # eight CJK characters: sixteen columns on screen
    assert sheet["C1"].value == header
    assert sheet.column_dimensions["C"].width >= 2 * len(header)


def test_apportioned_conversations_are_named_beside_the_conversations_factor_they_are_part_of():
    sheet = render(closed_month(), "en", apportioned={1: 12.0})["factors"]
    assert [cell.value for cell in sheet[1]][6] == "of which apportioned (by hold time)"
    rows = table(sheet, 7)
    assert [(row[0], row[1], row[6]) for row in rows if row[6] is not None] == [(TEAM[1], "conversations", 12)]
