"""Issue 15: hostile and careless uploads, sent with /import and /roster_import through the simulated Bot API.

Every one gets an answer in the reader's language, none reaches a reader that would allocate
for it, and nobody else waits while a file is read.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from sqlalchemy import select

from bot.imports import service
from bot.sandbox.live import LiveBot
from storage.db import reading
from storage.importers.limits import MB
from storage.models import AuditRow, ConversationRow
from tests.factories import SUPERVISOR_ID, team_config
from tests.storage import abuse_samples as abuse
from tests.storage.export_samples import generic_csv_bytes, jd_csv_bytes, sample_conversations

pytestmark = pytest.mark.e2e
COMMANDS = ["/import jd", "/roster_import"]


@pytest.fixture
async def tight(database_url, clock):
    """A bot whose uploads may be 1 MB and unpack to 1 MB: the limits crossed by small files."""
    async with LiveBot(team_config(database_url, imports={"max_file_mb": 1, "max_inflated_mb": 1}), clock) as bot:
        yield bot


def sent_texts(live: LiveBot) -> list[str]:
    return [str(c.params.get("text", "")) for c in live.sandbox.calls if c.method in ("sendMessage", "editMessageText")]


@pytest.mark.parametrize("caption", COMMANDS)
@pytest.mark.parametrize("ref", ["XFD1048576", "XFD200000"])
async def test_a_tiny_workbook_with_one_far_cell_is_refused_at_once(live, caption, ref):
    boss = live.user(SUPERVISOR_ID, "主管")
    started = time.monotonic()
    (answer,) = (await live.upload(boss, "bomb.xlsx", abuse.far_cell_xlsx(ref), caption=caption)).texts()
    assert time.monotonic() - started < 5
    if caption == "/roster_import":
        expected = "超过 10,000 行"  # a roster is a few hundred rows: its sheet is held to less
    else:
        expected = "超过 1,000,000 行" if ref == "XFD1048576" else "共 3,276,800,000 个单元格，超过上限 4,000,000"
    assert answer.startswith("无法读取文件，未导入任何数据") and expected in answer, answer


async def test_the_refusal_of_a_far_cell_is_in_the_readers_language(live):
    boss = live.user(SUPERVISOR_ID, "Boss", language_code="en")
    private = live.sandbox.private_chat(boss)
    (answer,) = (await live.upload(boss, "bomb.xlsx", abuse.far_cell_xlsx("XFD200000"), caption="/import jd", chat=private)).texts()
    assert answer.startswith("Cannot read the file, nothing imported: its sheet spans 3,276,800,000 cells from A1")


@pytest.mark.parametrize("caption", COMMANDS)
async def test_a_sheet_that_unpacks_past_the_limit_under_a_false_zip_directory_is_refused(tight, caption):
    boss = tight.user(SUPERVISOR_ID, "主管")
    data = abuse.inflating_xlsx(3 * MB, forged=True)
    assert len(data) < 1 * MB
    (answer,) = (await tight.upload(boss, "forged.xlsx", data, caption=caption)).texts()
    assert answer == "无法读取文件，未导入任何数据：工作簿解压后超过 1.0 MB。请按较短的时间段分开导出。"


@pytest.mark.parametrize("caption", COMMANDS)
@pytest.mark.parametrize("make", [abuse.corrupt_zlib_xlsx, abuse.malformed_xml_xlsx])
async def test_a_damaged_workbook_gets_a_clear_refusal(live, caption, make):
    boss = live.user(SUPERVISOR_ID, "主管")
    (answer,) = (await live.upload(boss, "damaged.xlsx", make(), caption=caption)).texts()
    assert answer == "无法读取文件，未导入任何数据：文件已损坏，或不是表格。"


@pytest.mark.parametrize("announced", [1000, None])
async def test_the_size_downloaded_counts_not_the_size_announced(tight, announced):
    boss = tight.user(SUPERVISOR_ID, "主管")
    data = generic_csv_bytes(sample_conversations(30_000))
    assert len(data) > 1 * MB
    (answer,) = (await tight.upload(boss, "big.csv", data, caption="/import jd", announced_size=announced)).texts()
    assert answer == "文件太大（最多 1 MB）"
    with reading(tight.baton.engine) as session:
        assert session.execute(select(ConversationRow.id)).first() is None


@pytest.mark.parametrize("caption", COMMANDS)
async def test_telegrams_own_file_is_too_big_is_answered(live, caption):
    boss = live.user(SUPERVISOR_ID, "主管")
    live.sandbox.fail_next("getFile", 400, "Bad Request: file is too big")
    (answer,) = (await live.upload(boss, "huge.csv", b"external_id,start\r\n", caption=caption, announced_size=None)).texts()
    assert answer == "文件太大（最多 20 MB）"


async def test_a_download_that_fails_otherwise_is_answered_too(live):
    boss = live.user(SUPERVISOR_ID, "主管")
    live.sandbox.fail_next("getFile", 400, "Bad Request: wrong file_id or the file is temporarily unavailable")
    (answer,) = (await live.upload(boss, "export.csv", b"external_id,start\r\n", caption="/import jd")).texts()
    assert answer == "无法从 Telegram 下载这个文件，未导入任何数据。请重新发送。"


@pytest.mark.parametrize("caption", COMMANDS)
async def test_a_10000_column_csv_is_refused_in_one_short_message(live, caption):
    boss = live.user(SUPERVISOR_ID, "主管")
    (answer,) = (await live.upload(boss, "wide.csv", abuse.wide_csv(10_000), caption=caption)).texts()
    assert len(answer) < 4096
    assert "column_19 等，另有 9,980 个" in answer or "column_19 等，另有 9980 个" in answer, answer
    assert "column_20" not in answer


async def test_a_chinese_export_in_utf16le_without_a_bom_is_imported_and_no_nul_reaches_telegram(live):
    boss = live.user(SUPERVISOR_ID, "主管")
    title = "京东旗舰店咚咚会话明细报表（客服部导出，仅供内部核对使用，请勿外传，数据以平台最终统计为准）" * 8 + "\r\n"
    data = title.encode("utf-16-le") + jd_csv_bytes(sample_conversations(3), encoding="utf-16-le")
    (report,) = (await live.upload(boss, "会话明细.csv", data, caption="/import jd")).texts()
    assert report.splitlines()[1] == "读取 3 行：新增 3，重复 0，拒绝 0"
    assert not any("\0" in text for text in sent_texts(live))


async def test_a_nul_and_control_characters_in_the_file_name_do_not_break_the_import(live):
    boss = live.user(SUPERVISOR_ID, "主管")
    name = "会话\x00明细\x1b[31m\u202e.csv"
    (report,) = (await live.upload(boss, name, jd_csv_bytes(sample_conversations(2)), caption="/import jd")).texts()
    assert report.splitlines()[0] == "📥 导入 会话明细[31m.csv → 京东旗舰店（格式 jd）"
    with reading(live.baton.engine) as session:
        sources = set(session.execute(select(ConversationRow.source)).scalars())
        audited = [json.loads(row.detail) for row in session.execute(select(AuditRow).where(AuditRow.action == "import")).scalars()]
    assert sources == {"file:会话明细[31m.csv"}
    assert [d["filename"] for d in audited] == ["会话明细[31m.csv"]
    assert not any("\0" in text or "\x1b" in text for text in sent_texts(live))


async def test_whatever_breaks_while_reading_an_upload_is_answered(live, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("a reader failed in a way nobody foresaw")

    monkeypatch.setattr(service, "read_export", broken)
    boss = live.user(SUPERVISOR_ID, "主管")
    (answer,) = (await live.upload(boss, "export.csv", jd_csv_bytes(sample_conversations(2)), caption="/import jd")).texts()
    assert answer.startswith("读取这个文件时出错，未导入任何数据。")


async def test_others_are_answered_while_a_large_file_is_read(live, monkeypatch):
    reading_file = service.read_export

    def slow(*args, **kwargs):
        time.sleep(2.0)  # a worker thread: the event loop goes on answering meanwhile
        return reading_file(*args, **kwargs)

    monkeypatch.setattr(service, "read_export", slow)
    boss, other = live.user(SUPERVISOR_ID, "主管"), live.user(101, "王芳")
    upload = asyncio.create_task(live.upload(boss, "export.csv", jd_csv_bytes(sample_conversations(2)), caption="/import jd"))
    await asyncio.sleep(0.3)
    started = time.monotonic()
    helped = await live.say(other, "/help", chat=live.sandbox.private_chat(other))
    assert helped.texts() and time.monotonic() - started < 1.0
    assert not upload.done()
    (report,) = [text for text in (await upload).texts() if text.startswith("📥")]
    assert report.splitlines()[1] == "读取 2 行：新增 2，重复 0，拒绝 0"
