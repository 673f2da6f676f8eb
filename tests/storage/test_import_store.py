"""Importing into a real database (SQLite, and PostgreSQL when configured): the values stored,
one transaction per file, report totals stored and reconciled, and satisfaction as the file has it."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import func, select

from domain.apportion import APPORTIONED, apportion_totals
from domain.metrics import agent_metrics
from domain.time import day_bounds
from storage.accounts import Accounts, AccountSpec
from storage.conversations import conversations_frame
from storage.db import make_engine, reading, transaction
from storage.importers import ExportRefused, ReadLimits
from storage.importers.fields import TOTALS_COUNTS
from storage.imports import import_export_file
from storage.migrate import migrate
from storage.models import ConversationRow, PlatformTotalRow
from storage.platform_totals import platform_totals_frame
from tests.storage.export_samples import SampleConversation, jd_csv_bytes, sample_conversations, tmall_xlsx_bytes, xlsx_bytes
from tests.storage.quirk_samples import (
    CHITU_FILENAME,
    CHITU_TEAM_ROW,
    chitu_report_xlsx,
    jd_session_csv,
    qianniu_log_csv,
    sycm_reception_csv,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 4, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 3)


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    migrate(engine)
    with transaction(engine) as session:
        Accounts(session).sync([AccountSpec("jd", "jd", "京东"), AccountSpec("tm", "tmall", "天猫")])
    yield engine
    engine.dispose()


def load(engine, account, data, filename, **options):
    with transaction(engine) as session:
        return import_export_file(session, account, data, filename, tz=SHANGHAI, at=NOW, source=f"file:{filename}", **options)


def stored(engine) -> list[ConversationRow]:
    with reading(engine) as session:
        return list(session.execute(select(ConversationRow).order_by(ConversationRow.id)).scalars())


def count(engine, model) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_session_list_is_stored_value_for_value_and_a_second_import_adds_nothing(engine):
    samples = sample_conversations(7, datetime(2026, 11, 3, 9, 0), seed=4)
    first = load(engine, "jd", jd_csv_bytes(samples), "咚咚.csv", limits=ReadLimits(rows_per_chunk=3))
    assert (first.new, first.duplicates, first.report.rows_read, first.report.records) == (7, 0, 7, 7)
    assert first.first_start == datetime(2026, 11, 3, 1, 0, tzinfo=UTC)

    rows = stored(engine)
    assert [r.external_id for r in rows] == [s.external_id for s in samples]
    for row, sample in zip(rows, samples, strict=True):
        assert row.started_at == pd.Timestamp(sample.start).tz_localize(SHANGHAI).tz_convert(UTC).to_pydatetime()
        assert (row.first_response_s, row.avg_response_s) == (sample.first_response_s, sample.avg_response_s)
        assert (row.customer_messages, row.agent_messages, row.rating) == (sample.customer_messages, sample.agent_messages, sample.rating)
        assert (row.resolved, row.inquiry, row.paid, row.left_message) == (sample.resolved, sample.inquiry, sample.paid, False)
        assert row.customer.startswith("jd_") and row.platform == "jd" and row.source == "file:咚咚.csv"
        assert json.loads(row.raw)["会话ID"] == sample.external_id
    assert [r.id for r in rows] == first.new_ids

    again = load(engine, "jd", jd_csv_bytes(samples), "咚咚.csv")
    assert (again.new, again.duplicates, again.duplicate_rows) == (0, 7, list(range(2, 9)))
    assert count(engine, ConversationRow) == 7


def test_sessions_without_ids_are_stored_under_their_composite_key_and_a_left_message_is_flagged(engine):
    result = load(engine, "jd", jd_session_csv(), "ChatSession.csv")
    assert result.new == 4
    rows = {r.external_id: r for r in stored(engine)}
    returning = rows["jd_buyer_1|2026-11-03T03:02:10Z"]
    assert (returning.customer, returning.first_response_s, returning.left_message) == ("jd_buyer_1", 90.0, False)
    left = rows["jd_buyer_3|2026-11-03T15:30:00Z"]
    assert (left.left_message, left.first_response_s) == (True, 34500.0)
    assert rows["jd_buyer_2|2026-11-03T01:40:00Z"].first_response_s is None

    with reading(engine) as session:
        facts = conversations_frame(session, *day_bounds(DAY, SHANGHAI))
    credits = pd.DataFrame({"conversation_id": facts["conversation_id"], "agent_id": 1, "share": 1.0})
    metrics = agent_metrics(credits, facts, tz=SHANGHAI).loc[1]
    # 4 conversations; response metrics over the two answered chats only (the 留言 stays out).
    assert (metrics["conversations"], metrics["response_conversations"], metrics["avg_first_response_s"]) == (4, 2, 55.0)
    assert load(engine, "jd", jd_session_csv(), "ChatSession.csv").duplicates == 4


def test_a_message_log_is_stored_as_its_conversations(engine):
    result = load(engine, "tm", qianniu_log_csv(), "聊天记录.csv")
    assert (result.new, result.report.shape, result.report.messages.messages) == (3, "messages", 11)
    rows = {r.external_id: r for r in stored(engine)}
    first = rows["tb_a|2026-11-03T01:00:00Z"]
    assert (first.customer, first.first_response_s, first.avg_response_s, first.customer_messages, first.agent_messages) == (
        "tb_a",
        40.0,
        35.0,
        3,
        3,
    )
    assert json.loads(first.raw) == {"customer": "tb_a", "messages": 6, "first_row": 2, "last_row": 7}
    assert rows["tb_b|2026-11-03T01:10:00Z"].first_response_s == 120.0


def test_satisfaction_after_an_import_equals_the_files_own_ratio_with_every_chitu_label(engine):
    labels = ["很满意"] * 13 + ["满意"] * 10 + ["一般"] * 3 + ["不满"] * 3 + ["很不满"] * 2 + [""] * 5
    rows = [[f"T{i:03d}", "tb_x", datetime(2026, 11, 3, 10, i), label] for i, label in enumerate(labels)]
    data = xlsx_bytes(["会话ID", "旺旺", "会话开始时间", "服务评价"], rows)
    result = load(engine, "tm", data, "聊天.xlsx")
    assert (result.new, result.rejected) == (36, [])
    with reading(engine) as session:
        facts = conversations_frame(session, *day_bounds(DAY, SHANGHAI))
    credits = pd.DataFrame({"conversation_id": facts["conversation_id"], "agent_id": 1, "share": 1.0})
    metrics = agent_metrics(credits, facts, tz=SHANGHAI).loc[1]
    file_ratio = (13 + 10) / (13 + 10 + 3 + 3 + 2)
    assert metrics["rated"] == 31
    assert metrics["satisfaction_raw"] == pytest.approx(file_ratio) and round(file_ratio, 3) == 0.742


def test_a_refusal_found_late_in_the_file_rolls_back_every_chunk_already_stored(engine):
    rows = [
        *sample_conversations(8, datetime(2026, 11, 3, 9, 0)),
        {"会话ID": "Z", "会话开始时间": "2026-11-03 12:00", "满意度评价": "还行吧"},
    ]
    with pytest.raises(ExportRefused) as refused:
        load(engine, "jd", jd_csv_bytes(rows), "jd.csv", limits=ReadLimits(rows_per_chunk=3))
    assert refused.value.labels == ["还行吧"]
    assert count(engine, ConversationRow) == 0


def test_a_per_agent_report_is_stored_as_totals_replaced_on_reimport_and_reconciled(engine):
    conversations = [SampleConversation(f"C{i}", datetime(2026, 11, 3, 9, 0) + pd.Timedelta(minutes=i)) for i in range(150)]
    load(engine, "tm", tmall_xlsx_bytes(conversations), "聊天.xlsx")

    report = load(engine, "tm", chitu_report_xlsx(), CHITU_FILENAME)
    assert (report.report.shape, report.totals.new, report.totals.replaced, report.totals.days) == ("totals", 1, 0, (DAY,))
    (day,) = report.reconciliation
    assert (day.platform_count, day.baton_count, day.missing, day.status) == (162, 150, 12, "short")

    with reading(engine) as session:
        (row,) = session.execute(select(PlatformTotalRow)).scalars()
    assert (row.day, row.hour, row.agent, row.sub_account, row.platform, row.report) == (
        DAY,
        -1,
        "旗舰店:客服",
        "客服",
        "tmall",
        "chitu_report",
    )
    assert (row.received, row.consulted, row.very_satisfied, row.very_dissatisfied, row.sales_cents) == (162, 171, 20, 3, 1_234_560)
    assert (row.reply_rate, row.avg_response_s, row.not_final) == (1.0, None, "avg_response_s")

    final = list(CHITU_TEAM_ROW)
    final[15] = "25"  # 平均响应 is final now
    again = load(engine, "tm", chitu_report_xlsx(final), CHITU_FILENAME)
    assert (again.totals.new, again.totals.replaced) == (0, 1)
    with reading(engine) as session:
        (row,) = session.execute(select(PlatformTotalRow)).scalars()
    assert (row.avg_response_s, row.not_final) == (25.0, "")


def test_stored_totals_are_apportioned_to_the_holders_of_a_day_without_conversations(engine):
    load(engine, "tm", sycm_reception_csv(), "咨询接待分析.csv")
    with reading(engine) as session:
        totals = platform_totals_frame(session, DAY, DAY)
    assert totals[["account", "day", "agent", "received", "consulted"]].values.tolist() == [["tm", DAY, "旗舰店:小美", 150, 162]]
    assert totals["hour"].isna().all()
    at = lambda h: datetime.combine(DAY, time(h), tzinfo=SHANGHAI).astimezone(UTC)  # noqa: E731
    holds = pd.DataFrame({"account": ["tm", "tm"], "agent_id": [7, 8], "start": [at(8), at(16)], "end": [at(16), at(20)]})
    holds["start"], holds["end"] = pd.to_datetime(holds["start"]), pd.to_datetime(holds["end"])
    shared = apportion_totals(totals, holds, TOTALS_COUNTS, windows={"tm": (time(8), time(0))}, tz=SHANGHAI, now=NOW)
    per_agent = shared.per_agent()
    assert per_agent.loc[7, "received"] + per_agent.loc[8, "received"] == 150
    assert (per_agent.loc[7, "received"], per_agent.loc[8, "received"]) == (100, 50)  # 8 h and 4 h
    assert set(shared.shares["basis"]) == {APPORTIONED}


def test_a_session_file_for_a_day_the_platform_already_counted_is_reconciled_too(engine):
    load(engine, "tm", chitu_report_xlsx(), CHITU_FILENAME)
    conversations = [SampleConversation(f"C{i}", datetime(2026, 11, 3, 9, 0) + pd.Timedelta(minutes=i)) for i in range(160)]
    result = load(engine, "tm", tmall_xlsx_bytes(conversations), "聊天.xlsx")
    assert [(d.day, d.platform_count, d.baton_count, d.missing) for d in result.reconciliation] == [(DAY, 162, 160, 2)]
    assert load(engine, "jd", jd_session_csv(), "ChatSession.csv").reconciliation == ()
