"""Importing a platform export in the domain's words: stored once, credited to who held the account,
audited; a per-agent report checked against the conversations, or apportioned by hold time where a
day has none; a file that does not fit refused whole, with what each format missed and a mapping."""

from __future__ import annotations

import tomllib
from datetime import date, datetime

import pytest

from bot.console.service import hand_off_account, take_over_account
from bot.core.errors import Duplicate, Refused
from bot.digest.service import needs_attention
from bot.imports.render import import_report, refusal
from bot.imports.service import compile_day, credited, import_export, read_export, store_export
from bot.month.service import score_month
from bot.text.renderer import Renderer
from domain.ledger import APPORTIONED, CONVERSATION
from storage.imports import PreparedChunk, PreparedExport
from tests.factories import act, local, team_config
from tests.storage.export_samples import SampleConversation, csv_bytes, generic_csv_bytes, jd_csv_bytes
from tests.storage.quirk_samples import CHITU_FILENAME, chitu_report_xlsx, qianniu_log_csv

DAY = date(2026, 11, 2)
REPORT_DAY = date(2026, 11, 3)  # the day of the 赤兔 report (its file name says so)
ACCOUNTS = [
    {"key": "jd", "platform": "jd", "label": "京东旗舰店"},
    {"key": "vip", "platform": "vip", "label": "唯品会店"},
    {"key": "tm", "platform": "tmall", "label": "天猫旗舰店"},
]


@pytest.fixture
def config(database_url):
    return team_config(database_url, accounts=ACCOUNTS)


def export(*hhmm):
    """JD sessions on the day, in naive local time as the platform prints them."""
    return jd_csv_bytes([SampleConversation(f"JD-{t}", datetime.fromisoformat(f"2026-11-02T{t}")) for t in hhmm])


def stored(baton):
    return len(baton.read(lambda uow: uow.conversations.moments(local("2026-11-01", "00:00"), local("2026-12-01", "00:00"))))


def ledger(baton, kind, day=DAY):
    """What the ledger credits each agent with on the day, of one kind."""
    with baton.reading() as uow:
        names = uow.agents.names()
        return {names[e.agent_id]: e.quantity for e in uow.ledger.between(day, day) if e.kind == kind}


def imports_audited(baton):
    with baton.reading() as uow:
        names = uow.agents.names()
        return [names.get(e.actor_agent_id) for e in uow.audit.all() if e.action == "import"]


@pytest.fixture
def wang_held_jd_in_the_morning(baton, clock, wang):
    clock.set(local("2026-11-02", "09:00"))
    act(baton, wang, take_over_account, "jd")
    clock.set(local("2026-11-02", "12:00"))
    act(baton, wang, hand_off_account)
    clock.set(local("2026-11-02", "18:00"))


@pytest.fixture
def the_team_held_tmall_on_the_report_day(baton, clock, wang, li):
    """王芳 08:00-14:00, 李雷 14:00-18:00: 6 h and 4 h of Tmall's scoring hours (08:00-24:00)."""
    clock.set(local("2026-11-03", "08:00"))
    act(baton, wang, take_over_account, "tm")
    clock.set(local("2026-11-03", "14:00"))
    act(baton, li, take_over_account, "tm")
    clock.set(local("2026-11-03", "18:00"))
    act(baton, li, hand_off_account)
    clock.set(local("2026-11-04", "10:00"))


def test_new_conversations_are_credited_to_the_holder_in_the_same_command(baton, boss, wang_held_jd_in_the_morning):
    report = act(baton, boss, import_export, "jd", export("09:30:00", "11:00:00", "15:00:00"), "咚咚.csv")
    assert (report.preset, report.shape, report.rows_read, report.new, report.duplicates) == ("jd", "sessions", 3, 3, 0)
    assert report.attribution == {"held": 2, "unattributed": 1}
    assert ledger(baton, CONVERSATION) == {"王芳": 2.0}


def test_reading_happens_before_the_transaction_and_storing_inside_it(baton, boss, wang_held_jd_in_the_morning):
    read = read_export(baton.config, "jd", export("09:30:00", "11:00:00"), "咚咚.csv")
    assert stored(baton) == 0, "reading stores nothing"
    imported = act(baton, boss, store_export, read)
    assert (imported.new, stored(baton), imported.due) == (2, 2, (DAY,))
    assert ledger(baton, CONVERSATION) == {}, "the ledger is compiled after, a day a transaction"
    for day in imported.due:
        baton.run(compile_day, day)
    assert ledger(baton, CONVERSATION) == {"王芳": 2.0}
    assert baton.read(credited, imported).attribution == {"held": 2}


def test_the_same_file_twice_stores_nothing_new_and_each_import_is_audited_with_its_importer(baton, boss, wang_held_jd_in_the_morning):
    data = export("09:30:00", "11:00:00")
    act(baton, boss, import_export, "jd", data, "a.csv")
    again = baton.run(import_export, "jd", data, "a.csv", source="cli")
    assert (again.new, again.duplicates, again.attribution) == (0, 2, {})
    assert stored(baton) == 2
    assert imports_audited(baton) == ["Boss", None]


def test_a_refused_file_changes_nothing(baton, boss):
    broken = export("09:30:00").decode("gbk").replace("会话开始时间", "开始").encode("gbk")
    with pytest.raises(Refused) as refused:
        act(baton, boss, import_export, "jd", broken, "broken.csv", update_id=5)
    assert (refused.value.code, refused.value.params["reason"]) == ("export_refused", "unknown_format")
    assert "会话开始时间" in refused.value.params["missing"]
    assert (stored(baton), imports_audited(baton)) == (0, [])
    assert baton.seen(5), "the refusal is remembered, so a redelivery is not answered twice"


def test_an_unknown_account_or_format_is_refused_by_name(baton, boss):
    for account, preset, code in (("amazon", None, "unknown_account"), ("jd", "ebay", "unknown_preset")):
        with pytest.raises(Refused) as refused:
            act(baton, boss, import_export, account, export("09:30:00"), "jd.csv", preset=preset)
        assert refused.value.code == code


def test_a_redelivered_upload_is_imported_once(baton, boss):
    act(baton, boss, import_export, "jd", export("09:30:00"), "jd.csv", update_id=7)
    with pytest.raises(Duplicate):
        act(baton, boss, import_export, "jd", export("10:30:00"), "jd.csv", update_id=7)
    assert stored(baton) == 1


# -- a per-agent report -------------------------------------------------------------------------------


def test_a_per_agent_report_on_a_day_without_conversations_is_apportioned_by_hold_time_as_its_own_kind(
    baton, boss, the_team_held_tmall_on_the_report_day
):
    imported = act(baton, boss, import_export, "tm", chitu_report_xlsx(), CHITU_FILENAME)
    assert (imported.preset, imported.shape, imported.new, stored(baton)) == ("chitu_report", "totals", 1, 0)
    (day,) = imported.platform.reconciliation
    assert (day.day, day.measure, day.platform_count, day.baton_count) == (REPORT_DAY, "received", 162, 0)
    assert [(s.name, s.count) for s in imported.platform.shares] == [("王芳", 97), ("李雷", 65)]
    # In the ledger as apportioned, never as conversations credited one by one.
    assert ledger(baton, APPORTIONED, REPORT_DAY) == {"王芳": 97.0, "李雷": 65.0}
    assert ledger(baton, CONVERSATION, REPORT_DAY) == {}

    month = baton.run(score_month, "2026-11", 0)
    wang = next(a for a, n in month.names.items() if n == "王芳")
    # A volume only: the apportioned count is the day's conversations, but no rate is made up from it.
    assert month.factors.loc[wang, "conversations"] == 97
    assert month.factors[["first_response", "satisfaction", "conversion", "resolved_rate"]].isna().all().all()


def test_the_report_reads_the_same_in_english(baton, boss, config, the_team_held_tmall_on_the_report_day):
    imported = act(baton, boss, import_export, "tm", chitu_report_xlsx(), CHITU_FILENAME)
    lines = import_report(Renderer(config, "en"), imported).splitlines()
    assert lines[2].startswith("A per-agent report (the platform's own counts). On a shared login its one row is the whole team's")
    assert (
        "• 11-03 天猫旗舰店: the platform counts 162 (received); no session data that day: apportioned by hold time to 王芳 97, 李雷 65"
        in lines
    )


def test_when_the_days_sessions_arrive_they_replace_the_apportioned_credit_and_the_shortfall_is_flagged(
    baton, boss, the_team_held_tmall_on_the_report_day
):
    act(baton, boss, import_export, "tm", chitu_report_xlsx(), CHITU_FILENAME)
    sessions = [SampleConversation(f"T{n}", datetime(2026, 11, 3, 9 + n)) for n in range(3)]  # 09:00-11:00, 王芳's
    imported = act(baton, boss, import_export, "tm", generic_csv_bytes(sessions), "sessions.csv", preset="generic")
    (day,) = imported.platform.reconciliation
    assert (day.platform_count, day.baton_count, day.missing, day.counted) == (162, 3, 159, "conversations")
    assert ledger(baton, APPORTIONED, REPORT_DAY) == {}
    assert ledger(baton, CONVERSATION, REPORT_DAY) == {"王芳": 3.0}
    attention = baton.run(needs_attention, REPORT_DAY)
    assert [(s.account, s.platform_count, s.baton_count, s.missing) for s in attention.shortfalls] == [("tm", 162, 3, 159)]


def test_a_report_nobody_held_the_account_for_is_reported_unshared(baton, boss, clock):
    clock.set(local("2026-11-04", "10:00"))
    imported = act(baton, boss, import_export, "tm", chitu_report_xlsx(), CHITU_FILENAME)
    assert imported.platform.shares == ()
    assert [(u.count, u.reason) for u in imported.platform.unshared] == [(162, "nobody_held")]
    assert [(u.account, u.count) for u in baton.run(needs_attention, REPORT_DAY).unshared] == [("tm", 162)]


# -- other shapes and refusals ------------------------------------------------------------------------


def test_a_message_log_becomes_conversations_credited_to_the_holder(baton, boss, clock, wang):
    clock.set(local("2026-11-03", "08:30"))
    act(baton, wang, take_over_account, "tm")
    clock.set(local("2026-11-03", "12:00"))
    imported = act(baton, boss, import_export, "tm", qianniu_log_csv(), "聊天记录.csv")
    tally = imported.file.messages
    assert (imported.shape, imported.preset) == ("messages", "qianniu_chat_log")
    # tb_a twice (the second after an hour's silence), tb_b once; tb_c only heard from the shop.
    assert (tally.messages, tally.conversations, tally.system_messages, tally.shop_only) == (11, 3, 1, 1)
    assert imported.attribution == {"held": 3}
    assert ledger(baton, CONVERSATION, date(2026, 11, 3)) == {"王芳": 3.0}


def test_an_unknown_rating_refuses_the_whole_file_and_names_the_labels(baton, boss, config):
    rows = [
        SampleConversation("A", datetime(2026, 11, 2, 9), rating="satisfied"),
        {"会话ID": "B", "会话开始时间": "2026-11-02 10:00:00", "满意度评价": "超赞"},
    ]
    data = jd_csv_bytes(rows)
    with pytest.raises(Refused) as refused:
        act(baton, boss, import_export, "jd", data, "jd.csv")
    assert (refused.value.params["reason"], refused.value.params["labels"], refused.value.params["column"]) == (
        "unknown_ratings",
        ["超赞"],
        "满意度评价",
    )
    assert "“满意度评价”列有无法识别的评价 超赞" in refusal(Renderer(config), refused.value)
    assert stored(baton) == 0


def test_a_guessed_mapping_pasted_into_the_config_imports_the_file(database_url, clock, boss):
    from bot.core.baton import Baton
    from bot.core.setup import prepare_database

    header = ["咨询单号", "咨询开始时间", "首响时长", "评价", "是否转化"]
    data = csv_bytes(header, [["V1", "2026/11/2 10:05", "12秒", "满意", "是"], ["V2", "2026/11/2 10:30", "1分5秒", "不满意", "否"]])
    with pytest.raises(Refused) as refused:
        read_export(team_config(database_url), "vip", data, "唯品会.csv")
    pasted = tomllib.loads(refused.value.params["toml"])
    accounts = [{"key": "jd", "platform": "jd"}, {"key": "vip", "platform": "vip", "preset": "vip_format"}]
    config = team_config(database_url, accounts=accounts, presets=pasted["presets"])
    baton = Baton(config, prepare_database(config), clock)
    try:
        imported = act(baton, boss, import_export, "vip", data, "唯品会.csv")
        assert (imported.preset, imported.new, imported.rejected) == ("vip_format", 2, [])
        facts = baton.read(lambda uow: uow.conversations.frame(local("2026-11-02", "00:00"), local("2026-11-03", "00:00")))
        assert facts["first_response_s"].tolist() == [12.0, 65.0]
        assert facts["rating"].tolist() == ["satisfied", "dissatisfied"]
    finally:
        baton.engine.dispose()


def test_several_formats_that_fit_are_named(database_url, config):
    mapping = {"platform": "vip", "columns": {"external_id": "单号", "start": "时间"}}
    config = team_config(database_url, presets={"vip_a": mapping, "vip_b": mapping})
    with pytest.raises(Refused) as refused:
        read_export(config, "vip", csv_bytes(["单号", "时间"], [["1", "2026-11-02 10:00"]]), "v.csv")
    assert (refused.value.params["reason"], refused.value.params["candidates"]) == ("ambiguous_format", ["vip_a", "vip_b"])
    text = refusal(Renderer(config), refused.value)
    assert text.startswith("文件被拒绝，未导入任何数据：有几种格式都符合（vip_a、vip_b）。请在说明里指定一种：/import vip &lt;格式&gt;")


def test_config_presets_take_the_new_keys(database_url):
    log = {
        "platform": "tmall",
        "shape": "messages",
        "idle_gap_minutes": 10,
        "columns": {"time": "时间", "customer": "买家", "sender": "发送人"},
    }
    log["senders"] = {"顾客": "customer", "店小二": "shop"}
    keyless = {"platform": "jd", "key": ["customer", "start"], "columns": {"customer": "客户", "start": "开始时间"}}
    config = team_config(database_url, presets={"qn_log": log, "jd_keyless": keyless})
    read = read_export(config, "jd", csv_bytes(["客户", "开始时间"], [["c1", "2026-11-02 10:00"], ["c1", "2026-11-02 11:00"]]), "j.csv")
    assert (read.opened.preset.name, read.opened.preset.key) == ("jd_keyless", ("customer", "start"))
    rows = [["2026-11-02 10:00", "b", "顾客"], ["2026-11-02 10:01", "b", "店小二"], ["2026-11-02 10:20", "b", "顾客"]]
    read = read_export(config, "vip", csv_bytes(["时间", "买家", "发送人"], rows), "log.csv", preset="qn_log")
    assert isinstance(read.opened, PreparedExport), "read whole, and made ready for the driver, before any transaction"
    batches = [c.batch for c in read.opened.chunks if isinstance(c, PreparedChunk)]
    # A 10-minute idle gap: the customer's return after 19 minutes is a second conversation.
    assert sum(len(b) for b in batches) == 2
