"""Importing exports into a real database: counts, idempotence, and refusals that change nothing."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from bot.core.baton import Baton
from bot.core.errors import Refused
from bot.core.setup import prepare_database
from bot.imports.service import import_export
from domain.clock import ManualClock
from storage.db import reading
from storage.models import AuditRow, ConversationRow
from tests.factories import local, team_config
from tests.storage.export_samples import (
    VIP_BOOLEAN_LABELS,
    VIP_MAPPING,
    VIP_RATING_LABELS,
    SampleConversation,
    generic_csv_bytes,
    jd_csv_bytes,
    sample_conversations,
    tmall_csv_bytes,
    tmall_xlsx_bytes,
    vip_csv_bytes,
)

ACCOUNTS = [
    {"key": "jd", "platform": "jd", "label": "京东"},
    {"key": "tm", "platform": "tmall", "label": "天猫"},
    {"key": "vip", "platform": "vip", "label": "唯品会"},
]
VIPSHOP = {"vipshop": {"platform": "vip", "columns": VIP_MAPPING, "ratings": VIP_RATING_LABELS, "booleans": VIP_BOOLEAN_LABELS}}


@pytest.fixture
def baton(database_url):
    config = team_config(database_url, accounts=ACCOUNTS, presets=VIPSHOP)
    engine = prepare_database(config)
    yield Baton(config, engine, ManualClock(local("2026-11-04", "09:00")))
    engine.dispose()


def count(baton, model=ConversationRow):
    with reading(baton.engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


ROWS = sample_conversations(12, datetime(2026, 11, 3, 9, 0))


@pytest.mark.parametrize(
    "account, filename, data, preset, encoding",
    [
        ("jd", "jd-gbk.csv", jd_csv_bytes(ROWS, encoding="gbk"), "jd", "gb18030"),
        ("jd", "jd-bom.csv", jd_csv_bytes(ROWS, encoding="utf-8-sig"), "jd", "utf-8-sig"),
        ("tm", "tmall.xlsx", tmall_xlsx_bytes(ROWS), "tmall", "utf-8"),
        ("tm", "tmall-gbk.csv", tmall_csv_bytes(ROWS), "tmall", "gb18030"),
        ("jd", "generic.csv", generic_csv_bytes(ROWS, encoding="utf-8-sig"), "generic", "utf-8-sig"),
        ("vip", "vip.csv", vip_csv_bytes(ROWS), "vipshop", "utf-8-sig"),
    ],
)
def test_each_export_imports_once_and_a_second_time_adds_nothing(baton, account, filename, data, preset, encoding):
    first = baton.run(import_export, account, data, filename)
    assert (first.preset, first.encoding, first.rows_read, first.new, first.duplicates, first.rejected) == (preset, encoding, 12, 12, 0, [])
    assert first.attribution == {"unattributed": 12}
    second = baton.run(import_export, account, data, filename)
    assert (second.new, second.duplicates) == (0, 12)
    assert count(baton) == 12
    assert count(baton, AuditRow) == 2


def test_times_are_stored_in_utc(baton):
    baton.run(import_export, "jd", jd_csv_bytes([SampleConversation("A", datetime(2026, 11, 3, 9, 0))]), "jd.csv")
    with reading(baton.engine) as session:
        (started,) = session.execute(select(ConversationRow.started_at)).scalars()
    assert started == local("2026-11-03", "09:00") and started.hour == 1


def test_the_same_external_id_on_two_accounts_is_two_conversations(baton):
    baton.run(import_export, "jd", generic_csv_bytes(ROWS[:3]), "a.csv")
    baton.run(import_export, "tm", generic_csv_bytes(ROWS[:3]), "b.csv", preset="generic")
    assert count(baton) == 6


def test_a_file_with_a_broken_column_is_refused_and_the_database_is_unchanged(baton):
    baton.run(import_export, "jd", jd_csv_bytes(ROWS[:2]), "ok.csv")
    broken = jd_csv_bytes(ROWS).decode("gbk").replace("会话开始时间", "开始").encode("gbk")
    with pytest.raises(Refused) as refused:
        baton.run(import_export, "jd", broken, "broken.csv")
    assert refused.value.code == "export_refused"
    assert "会话开始时间" in refused.value.params["missing"]
    assert "开始" in refused.value.params["found"]
    assert count(baton) == 2 and count(baton, AuditRow) == 1


def test_rejected_rows_are_reported_and_the_good_rows_kept(baton):
    rows = [*ROWS[:3], {"会话ID": "", "会话开始时间": "2026-11-03 10:00:00"}, {"会话ID": "X9", "会话开始时间": "not a time"}]
    report = baton.run(import_export, "jd", jd_csv_bytes(rows), "jd.csv")
    assert (report.rows_read, report.new, len(report.rejected)) == (5, 3, 2)
    assert [(r.row_number, r.reason) for r in report.rejected] == [(5, "missing_id"), (6, "bad_time")]
