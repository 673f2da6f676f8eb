"""What people supply is data: names and reasons that look like formulas, mathtext, control or bidi
characters, or are longer than a column, go through registration, /adjust and a real month close.

The workbook the close posts is opened with openpyxl, as payroll would open it: no cell holds a
formula. A close whose chart or workbook cannot be made freezes nothing and says so.
"""

from __future__ import annotations

import io
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from domain.untrusted import BIDI_CONTROLS
from tests.e2e.test_month_close import confirm_button, latest_close
from tests.factories import SUPERVISOR_ID, local

pytestmark = pytest.mark.e2e

HYPERLINK = '=HYPERLINK("http://x.example/steal","click")'
DDE = "=cmd|' /C calc'!A0"
MATHTEXT = r"$\undefinedcmd$"


async def work(live, clock, *agents, day="2026-10-05"):
    """Each agent holds jd for an hour on `day` and logs a case."""
    for n, agent in enumerate(agents):
        clock.set(local(day, f"{9 + n:02d}:00"))
        await live.say(agent, "/on jd")
        await live.say(agent, "/case 咨询")
    clock.set(local(day, f"{9 + len(agents):02d}:00"))
    await live.say(agents[-1], "/off")


async def close(live, clock, boss, month="2026-10"):
    """/close_month and Confirm, as a supervisor does it; what the press did."""
    clock.set(local("2026-11-02", "10:00"))
    await live.say(boss, f"/close_month {month} 1000")
    preview = live.sandbox.last_message(live.group["id"])
    return await live.press(boss, preview, confirm_button(preview)[0])


def posted_files(live, reaction):
    """The chart and the workbook the close posted, as the group received them."""
    methods = [c.method for c in reaction.calls if c.method in ("sendPhoto", "sendDocument")]
    assert methods == ["sendPhoto", "sendDocument"], methods
    photo, document = live.sandbox.uploads[-2:]
    assert photo.content.startswith(b"\x89PNG")
    return load_workbook(io.BytesIO(document.content))


def formula_cells(workbook) -> list[str]:
    return [f"{sheet.title}!{cell.coordinate}" for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def text_values(workbook) -> set[str]:
    return {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}


async def test_formula_names_and_reasons_reach_the_workbook_as_text(live, clock):
    hyper = live.user(101, HYPERLINK, username="hyper")
    plus = live.user(102, "+1+1", username="plus")
    at = live.user(103, "@SUM(1)", last_name="#N/A", username="at")
    boss = live.user(SUPERVISOR_ID, DDE, username="boss")
    await work(live, clock, hyper, plus, at)
    clock.set(local("2026-10-30", "12:00"))
    await live.say(boss, f"/adjust @plus +2 {DDE}")
    await live.say(boss, "/adjust @at -1 -1+2 \x1b[31m红\x1b[0m")

    done = await close(live, clock, boss)
    workbook = posted_files(live, done)
    assert formula_cells(workbook) == []
    values = text_values(workbook)
    assert {HYPERLINK, "+1+1", "@SUM(1) #N/A", DDE, "-1+2 [31m红[0m"} <= values
    payouts = workbook.worksheets[0]
    shown = [payouts.cell(row=r, column=2) for r in range(2, 5)]
    assert all(c.data_type == "s" and c.quotePrefix for c in shown), "Excel keeps an edited cell as text"


async def test_a_mathtext_name_is_closed_and_posted_and_its_profile_answered(live, clock):
    odd = live.user(101, MATHTEXT, username="odd")
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    await work(live, clock, odd)

    done = await close(live, clock, boss)
    assert done.toasts() == ["2026-10 已结算"]
    (posted,) = done.texts()
    assert posted.startswith("🔒 2026年10月 已结算（第 1 版") and "$\\undefin…" in posted
    assert MATHTEXT in text_values(posted_files(live, done))

    private = live.sandbox.private_chat(odd)
    profile = await live.say(odd, "/profile", chat=private)
    assert [c.method for c in profile.calls if c.method in ("sendMessage", "sendPhoto")] == ["sendMessage", "sendPhoto"]


async def test_a_close_whose_files_cannot_be_made_freezes_nothing_and_says_so(live, clock, monkeypatch, caplog):
    from bot.month import handlers

    wang = live.user(101, "王芳", username="wangfang")
    boss = live.user(SUPERVISOR_ID, "主管", username="boss", language_code="en")
    await work(live, clock, wang)

    def broken(uow, snapshot):
        raise ValueError("the chart could not be drawn")

    monkeypatch.setattr(handlers, "month_files", broken)
    with caplog.at_level(logging.CRITICAL, logger="bot.month.handlers"):
        failed = await close(live, clock, boss)
    assert failed.toasts() == [
        "⚠️ 2026-10 was not closed: its chart or workbook could not be made, and nothing was frozen. Try again later with /close_month 2026-10"
    ]
    assert failed.texts() == ["⚠️ 2026-10 未能结算：图表或工作簿生成失败，未冻结任何数据。请稍后重试 /close_month 2026-10"]
    assert latest_close(live, "2026-10") is None
    assert not any(u.method == "sendDocument" for u in live.sandbox.uploads)

    monkeypatch.undo()
    done = await close(live, clock, boss)
    assert done.texts()[0].startswith("🔒 2026年10月 已结算（第 1 版")
    assert formula_cells(posted_files(live, done)) == []


async def test_long_nul_escape_and_bidi_names_work_on_every_database(live, clock):
    long = live.user(101, "长" * 64, last_name="名" * 64, username="u" * 70)
    nul = live.user(102, "N\x00UL", username="nul")
    esc = live.user(103, "\x1b[2J李\u202e雷", username="esc")
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    await work(live, clock, long, nul, esc)

    names = live.baton.read(lambda uow: {a.tg_user_id: (a.name, a.username) for a in uow.agents.by_id().values()})
    assert names[101] == ("长" * 64 + " " + "名" * 63, "u" * 64)
    assert names[102] == ("NUL", "nul")
    assert names[103] == ("[2J李雷", "esc")
    me = await live.say(long, "/me", chat=live.sandbox.private_chat(long))
    assert me.texts() and "还不认识你" not in me.texts()[0]

    taken = (await live.say(esc, "/on vip")).texts()
    assert taken and all("\u202e" not in text and "\x1b" not in text for text in taken)
    done = await close(live, clock, boss)
    assert formula_cells(posted_files(live, done)) == []


def test_the_log_shows_control_characters_escaped():
    from bot.core.logs import EscapingFormatter

    record = logging.LogRecord("bot", logging.WARNING, __file__, 1, "refused %s", ("\x1b[2J李\u202e雷\nFAKE",), None)
    line = EscapingFormatter("%(levelname)s %(message)s").format(record)
    assert line == "WARNING refused \\x1b[2J李\\u202e雷\\nFAKE"
    try:
        raise ValueError("bad \x1b[31mname")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    shown = EscapingFormatter("%(message)s").format(record)
    assert "\x1b" not in shown and "\\x1b[31mname" in shown and "\nTraceback" in shown


async def test_reasons_longer_than_their_column_are_refused_and_controls_left_out(live, clock):
    wang = live.user(101, "王芳", username="wangfang")
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    await work(live, clock, wang)
    clock.set(local("2026-10-30", "12:00"))
    (adjusted,) = (await live.say(boss, "/adjust @wangfang +1 \u202e培训\x1b[0m")).texts()
    assert adjusted.endswith("：培训[0m")
    await close(live, clock, boss)

    (refused,) = (await live.say(boss, "/reopen_month 2026-10 " + "漏" * 501)).texts()
    assert refused == "原因太长（最多 500 字），未做任何更改"
    assert latest_close(live, "2026-10").reopened_at is None
    (reopened,) = (await live.say(boss, "/reopen_month 2026-10 " + "漏" * 500)).texts()
    assert reopened.startswith("🔓 主管 重新打开了 2026-10")


# -- fuzzed: every kind of control, bidi and formula-leading character ----------------------------

LEADS = ("=", "+", "-", "@", "\t", "\r")
PIECE = st.one_of(
    st.characters(categories=["Cc", "Cf"]),  # NUL, ESC, DEL, C1 controls; ZWJ, soft hyphen, BOM, tags …
    st.sampled_from(sorted(BIDI_CONTROLS)),
    st.sampled_from([*LEADS, "$", r"\frac", "{", "^", "_", "#N/A", "<b>", "&amp;", '"', "|", "!"]),
    st.characters(codec="utf-8"),
)
TEXT = st.lists(PIECE, max_size=40).map("".join)
FIRST = st.tuples(st.sampled_from(LEADS), TEXT).map("".join).map(lambda s: s[:64])
LAST = st.one_of(st.none(), TEXT.map(lambda s: s[:64] or None))
# The gate refuses a message with NUL (tested in test_fuzz.py); a reason starts like a formula.
REASON = st.tuples(st.sampled_from(LEADS[:4]), TEXT).map("".join).map(lambda s: s.replace("\x00", ""))


@pytest.fixture
def errors(caplog):
    caplog.set_level(logging.ERROR)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith(("telegram", "bot"))]


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # drawn as a box: nothing to do with safety
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(first=FIRST, last=LAST, reason=REASON)
async def test_any_name_and_reason_go_through_registration_adjust_and_a_posted_close(live, clock, errors, first, last, reason):
    number = len(live.baton.read(lambda uow: uow.agents.by_id()))
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    if latest_close(live, "2026-10") is not None:
        clock.set(local("2026-11-02", "09:00"))
        assert (await live.say(boss, "/reopen_month 2026-10 再结算一次")).texts()
    agent = live.user(1000 + number, first, last_name=last, username=f"fz{number}")
    await work(live, clock, agent, day=f"2026-10-{1 + number % 28:02d}")
    clock.set(local("2026-10-30", "12:00"))
    (adjusted,) = (await live.say(boss, f"/adjust @fz{number} +1 {reason}")).texts()
    assert adjusted.startswith("⚖️ 主管 调整了"), adjusted

    done = await close(live, clock, boss)
    assert done.texts()[0].startswith("🔒 2026年10月 已结算"), done.texts()
    workbook = posted_files(live, done)
    assert formula_cells(workbook) == []
    assert errors() == [] and live.sandbox.internal_errors == []
