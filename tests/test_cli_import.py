"""`baton import FILE --account KEY`: the same import, from the command line."""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from storage.db import make_engine, reading
from storage.models import ConversationRow
from tests.storage.export_samples import SampleConversation, csv_bytes, jd_csv_bytes, tmall_xlsx_bytes
from tests.storage.quirk_samples import CHITU_FILENAME, chitu_report_xlsx

ROOT = Path(__file__).resolve().parent.parent

CONFIG = """
[team]
name = "客服一组"
chat_id = -100
language = "{language}"
[[accounts]]
key = "jd"
platform = "jd"
label = "京东旗舰店"
[[accounts]]
key = "tm"
platform = "tmall"
label = "天猫店"
[database]
url = "{url}"
"""


def baton(tmp_path, *args, language="zh"):
    config = tmp_path / "config.toml"
    config.write_text(CONFIG.format(url=f"sqlite:///{tmp_path / 'baton.db'}", language=language), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


def stored(tmp_path):
    with reading(make_engine(f"sqlite:///{tmp_path / 'baton.db'}")) as session:
        return session.execute(select(func.count()).select_from(ConversationRow)).scalar_one()


ROWS = [SampleConversation(f"C{n}", datetime(2026, 11, 2, 9, n)) for n in range(5)]


def test_importing_a_file_prints_the_report_and_importing_it_again_adds_nothing(tmp_path):
    export = tmp_path / "jd.csv"
    export.write_bytes(jd_csv_bytes(ROWS))
    first = baton(tmp_path, "import", str(export), "--account", "jd")
    assert first.returncode == 0, first.stderr
    assert "读取 5 行：新增 5，重复 0，拒绝 0" in first.stdout
    assert "新会话归属：接管人 0，排班 0，未归属 5" in first.stdout
    second = baton(tmp_path, "import", str(export), "--account", "jd", "--platform", "jd", language="en")
    assert "Rows read 5: new 0, duplicate 5, rejected 0" in second.stdout
    assert stored(tmp_path) == 5


def test_a_tmall_xlsx_is_detected_among_the_accounts_platform_presets(tmp_path):
    export = tmp_path / "千牛.xlsx"
    export.write_bytes(tmall_xlsx_bytes(ROWS[:3]))
    result = baton(tmp_path, "import", str(export), "--account", "tm")
    assert result.returncode == 0, result.stderr
    assert "（格式 tmall）" in result.stdout and "新增 3" in result.stdout


def test_a_refused_file_exits_2_with_the_reason_and_stores_nothing(tmp_path):
    export = tmp_path / "broken.csv"
    export.write_bytes("编号,时间\n1,2026-11-02 09:00\n".encode("gbk"))
    result = baton(tmp_path, "import", str(export), "--account", "jd")
    assert result.returncode == 2
    assert "文件被拒绝，未导入任何数据" in result.stderr and "会话ID" in result.stderr and "编号" in result.stderr
    assert stored(tmp_path) == 0


def test_an_unknown_account_or_format_is_named(tmp_path):
    export = tmp_path / "jd.csv"
    export.write_bytes(jd_csv_bytes(ROWS))
    unknown = baton(tmp_path, "import", str(export), "--account", "amazon")
    assert unknown.returncode == 2 and "没有账号“amazon”" in unknown.stderr
    bad_format = baton(tmp_path, "import", str(export), "--account", "jd", "--platform", "ebay")
    assert bad_format.returncode == 2 and "没有导入格式“ebay”" in bad_format.stderr


def test_inspect_prints_the_header_what_each_format_matched_and_a_mapping_to_paste(tmp_path):
    export = tmp_path / "唯品会.csv"
    export.write_bytes(csv_bytes(["咨询单号", "咨询开始时间", "首响时长", "评价"], [["V1", "2026/11/2 10:05", "12秒", "满意"]]))
    result = baton(tmp_path, "inspect", str(export))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["📄 唯品会.csv 的格式", "没有符合的格式。", "表头在第 1 行：咨询单号、咨询开始时间、首响时长、评价"]
    assert "• generic：缺 external_id、start（匹配 0 列）" in lines
    assert "• jd：缺 会话ID、会话开始时间（匹配 0 列）" in lines
    assert lines[-3:] == [
        "[presets.mine]",
        'platform = "other"',
        'columns = { external_id = "咨询单号", start = "咨询开始时间", first_response_s = "首响时长", rating = "评价" }',
    ]
    assert not (tmp_path / "baton.db").exists(), "inspecting reads the file and nothing else"


def test_inspect_names_the_format_that_fits_and_speaks_the_teams_language(tmp_path):
    export = tmp_path / CHITU_FILENAME
    export.write_bytes(chitu_report_xlsx())
    result = baton(tmp_path, "inspect", str(export), "--account", "tm", language="en")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "Formats that fit: chitu_report"
    assert lines[2].startswith("Header found in row 1, 2: 客服昵称, 聊天人数(原咨询人数), 接待人数")
    assert "• chitu_report: fits (19 columns matched)" in lines
    assert "[presets.tm_format]" in lines and 'shape = "totals"' in lines


def test_inspect_refuses_bytes_that_are_no_table_in_words(tmp_path):
    export = tmp_path / "report.xlsx"
    export.write_bytes(b"PK\x03\x04 not a workbook")
    result = baton(tmp_path, "inspect", "--config", str(tmp_path / "config.toml"), str(export))
    assert result.returncode == 2
    assert result.stderr.strip() == "无法读取文件，未导入任何数据：文件已损坏，或不是表格。"
    missing = baton(tmp_path, "inspect", str(tmp_path / "nowhere.csv"))
    assert (missing.returncode, missing.stderr.strip()) == (2, f"没有这个文件：{tmp_path / 'nowhere.csv'}")
