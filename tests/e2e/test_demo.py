import io

import pytest

from bot.cli import main
from bot.demo.script import play

pytestmark = pytest.mark.e2e


async def test_the_demo_plays_a_day_and_ends_with_the_digest(tmp_path):
    first, second = io.StringIO(), io.StringIO()
    await play(1, f"sqlite:///{tmp_path / 'one.db'}", out=first)
    await play(1, f"sqlite:///{tmp_path / 'two.db'}", out=second)
    transcript = first.getvalue()
    assert transcript == second.getvalue(), "the demo is deterministic"
    lines = transcript.splitlines()
    assert "12:00 张伟: [按钮] 接管 京东旗舰店" in transcript and "12:00 bot (toast): 已接管 京东旗舰店" in transcript
    assert "🔁 张伟 从 王芳 接管了 京东旗舰店" not in transcript, "a press posts nothing into the group"
    assert "13:05 bot: 🔁 陈静 从 李雷 接管了 唯品会店" in transcript, "a typed /on is answered"
    assert "📝 李雷 在 唯品会店 记录了 1 个售后案例" in transcript
    board_at = lines.index("----- the live console at 22:00 -----")
    board = lines[board_at + 1 : lines.index("-----", board_at)]
    assert board[1:3] == ["• 京东旗舰店：无人接管", "• 唯品会店：李雷 自 20:00 起"]
    assert board[3] == "最近变动：" and board[-1] == "21:00 王芳 交出了 京东旗舰店"
    digest_at = next(i for i, line in enumerate(lines) if "日报 · 2026年11月1日" in line)
    digest = lines[digest_at:]
    assert digest[0].startswith("22:00 bot: 📊")
    ranked = [line.split()[1] for line in digest[1:] if line.strip()[:1].isdigit()]
    assert sorted(ranked) == ["张伟", "李雷", "王芳", "陈静"]
    assert any("唯品会店：李雷 自 20:00 起" in line for line in digest), "the hold still open at 22:00 is listed"


def test_the_demo_refuses_an_existing_database(tmp_path, capsys):
    existing = tmp_path / "old.db"
    existing.write_bytes(b"")
    assert main(["demo", "--db", str(existing)]) == 2
    assert "fresh database" in capsys.readouterr().err


async def test_a_month_of_demo_closes_with_payouts_that_equal_the_pool(tmp_path):
    out = io.StringIO()
    await play(30, f"sqlite:///{tmp_path / 'month.db'}", out=out)
    text = out.getvalue()
    assert "===== 2026-11-30 (客服一组) =====" in text
    assert "🔒 2026年11月 已结算（第 1 版" in text
    assert "bot (photo): baton-2026-11.png" in text and "bot (document): baton-2026-11-v1.xlsx" in text
    last = text.strip().splitlines()[-1]
    assert last.startswith("payouts ¥12,000.00") and "equals the pool ¥12,000.00" in last
