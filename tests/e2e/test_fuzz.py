"""Bad input: whatever people type after a command, and whatever a tampered button carries.

Every input gets a clear refusal or a valid action: never an error in the log, never a reply
that is not one of the catalogue's sentences, and never a change to the data when the answer was
a refusal. The argument parsers that are pure functions get many examples directly; the whole
bot (real Application, simulated Bot API over HTTP, real database) gets a smaller sample of
every registered command.
"""

from __future__ import annotations

import logging
import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import ApplicationBuilder, CommandHandler

from bot.app import register_handlers
from bot.console import callbacks as cb
from bot.console.parse import parse_case_args
from bot.core.calendar import parse_day
from bot.core.errors import Refused
from bot.gaps.parse import parse_assign
from bot.imports.parse import CAPTION
from bot.ledger.parse import parse_period
from bot.month import callbacks as month_cb
from bot.month.parse import parse_adjust, parse_close, parse_pool
from bot.reminders import callbacks as reminders_cb
from bot.roster import callbacks as roster_cb
from bot.rules.parse import factor_named, parse_set_weight
from bot.sandbox.html_text import utf16_len
from bot.text.i18n import MESSAGES
from domain.time import FIRST_DAY, LAST_DAY
from tests.e2e.test_permissions import behind_marker, snapshot
from tests.factories import SHANGHAI, SUPERVISOR_ID, local

pytestmark = pytest.mark.e2e

NASTY = [
    "jd",
    "JD",
    "vip",
    "@wangfang",
    "王芳",
    "+5",
    "-3.5",
    "+" + "9" * 400,
    "2026-10",
    "2026-11",
    "2026-13",
    "9999-12-31",
    "0001-01",
    "9999-W52",
    "+0.0000001",
    "2026-02-30",
    "10:00",
    "25:61",
    "from",
    "自",
    "cases",
    "咨询",
    "'; DROP TABLE agents; --",
    '" OR 1=1 --',
    "<b>",
    "</pre>",
    "&amp;",
    "\u200f",
    "\u202e",
    "\u200b",
    "😀",
    "👨\u200d👩\u200d👧",
    "\x1b[31m",
    "\x7f",
    "\t",
    "٣",
    "１２",
    "ⅷ",
    "1e309",
    "nan",
    "inf",
    "0",
    "100",
    "-0",
    "0x10",
    "1_000",
    "a\x00b",
]
WORD = st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=20))
ARGS = st.one_of(
    st.lists(WORD, max_size=6).map(" ".join),
    st.text(max_size=200),
    st.tuples(WORD, st.integers(200, 1000)).map(lambda p: " ".join([p[0]] * p[1])),  # huge
)
WORDS = st.lists(WORD, max_size=8)
TODAY = date(2026, 11, 2)


# -- the pure parsers -------------------------------------------------------------------------------


def calendar_checked(parse, *args):
    """What `parse` read, or None for input it refuses: a date outside the calendar is refused, never raised further."""
    try:
        return parse(*args)
    except Refused as refused:
        assert refused.code == "out_of_calendar" and f"error.{refused.code}" in MESSAGES
        return None


@settings(max_examples=400, deadline=None)
@given(WORDS, ARGS, st.one_of(st.none(), WORD))
def test_every_argument_parser_returns_a_result_none_or_a_refusal_and_never_raises(words, text, replied_to):
    account, case_type, note = parse_case_args(words, {"jd", "vip"})
    assert account in (None, "jd", "vip") and isinstance(case_type, str) and (note is None or isinstance(note, str))

    if (period := calendar_checked(parse_period, text)) is not None:
        assert FIRST_DAY <= period[1] <= period[2] <= LAST_DAY
    if (day := calendar_checked(parse_day, text)) is not None:
        assert FIRST_DAY <= day <= LAST_DAY
    if (assigned := calendar_checked(parse_assign, words, TODAY, SHANGHAI)) is not None:
        assert assigned[1].tzinfo is not None and assigned[2].tzinfo is not None
    if (weight := calendar_checked(parse_set_weight, words)) is not None:
        assert isinstance(weight[1], float)
    assert isinstance(factor_named(text), str)
    if (adjusted := calendar_checked(parse_adjust, words, replied_to)) is not None:
        assert isinstance(adjusted[1], float) and round(adjusted[1], 2) == adjusted[1]
    if (closing := calendar_checked(parse_close, words, "2026-10", 100)) is not None:
        assert re.fullmatch(r"\d{4}-\d{2}", closing[0]) and closing[1] >= 0
    if (cents := parse_pool(text)) is not None:
        assert 0 <= cents < 10**11
    CAPTION.match(text)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(WORD, max_size=5).map(":".join)))
def test_every_callback_decoder_returns_a_press_or_none(data):
    for decode in (cb.decode, month_cb.decode, roster_cb.decode, reminders_cb.decode):
        decode(data)


# -- the whole bot ------------------------------------------------------------------------------------


REFUSALS = ("error.", "usage.", "access.")
REFUSAL_KEYS = {"explain.private_only", "close.already"}


def _first_line_pattern(template: str) -> re.Pattern | None:
    parts = re.split(r"\{[^{}]*\}", template.split("\n")[0])
    if sum(len(p.strip()) for p in parts) < 2:
        return None  # nothing but placeholders: it would match anything
    return re.compile("(?s:.*?)".join(re.escape(p) for p in parts), re.DOTALL)


CATALOGUE = [(key, pattern) for key, entry in MESSAGES.items() if (pattern := _first_line_pattern(entry["zh"])) is not None]


def catalogue_keys(text: str) -> set[str]:
    """The catalogue sentences a reply can begin with."""
    return {key for key, pattern in CATALOGUE if pattern.match(text)}


def is_refusal(key: str) -> bool:
    return key.startswith(REFUSALS) or key in REFUSAL_KEYS


@pytest.fixture
async def team(live, clock):
    """王芳 holds jd, 李雷 handed off vip, the rules are seeded and today is compiled: every command has something to act on."""
    wang, li = live.user(101, "王芳", username="wangfang"), live.user(102, "李雷", username="lilei")
    boss = live.user(SUPERVISOR_ID, "主管", username="boss")
    clock.set(local("2026-11-02", "09:00"))
    await live.say(li, "/on vip")
    await live.say(wang, "/on jd")
    clock.set(local("2026-11-02", "10:00"))
    await live.say(li, "/off")
    for warm_up in ("/rules", "/standings"):
        await live.say(boss, warm_up)
    return wang, li, boss


def registered_commands() -> list[str]:
    """Every command bot.app registers, read off an Application that is never started."""
    application = ApplicationBuilder().token("1:offline").build()
    register_handlers(application)
    return sorted({c for handler in application.handlers[0] if isinstance(handler, CommandHandler) for c in handler.commands})


COMMANDS = registered_commands()


@pytest.fixture
def errors(caplog):
    caplog.set_level(logging.ERROR)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith(("telegram", "bot"))]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS), args=ARGS, sender=st.sampled_from(["wang", "li", "boss"]))
async def test_any_text_after_any_command_gets_a_catalogue_answer_and_a_refusal_changes_nothing(live, team, errors, command, args, sender):
    sender = dict(zip(("wang", "li", "boss"), team, strict=True))[sender]
    text = f"/{command} {args}"
    while utf16_len(text) > 4096:  # what Telegram lets a person send
        text = text[:-1]
    before = snapshot(live.baton.engine)

    if "\x00" in text:  # refused at the gate, before the harness's last handler can see it
        reaction = await behind_marker(live, lambda: live.sandbox.send_message(live.group, sender, text), team[2])
    else:
        reaction = await live.say(sender, text)

    assert errors() == [] and live.sandbox.internal_errors == []
    sent = [c for c in reaction.calls if c.method in ("sendMessage", "sendPhoto", "sendDocument")]
    assert sent, f"{text!r} got no answer"
    # An answer over 4096 characters arrives in pieces; together they are the sentence.
    answer = "".join(c.params["text"] for c in sent if c.method == "sendMessage")
    keys = catalogue_keys(answer)
    assert keys, f"{text!r} was answered with {answer[:200]!r}, not a catalogue sentence"
    if all(is_refusal(key) for key in keys):
        after = snapshot(live.baton.engine)
        changed = sorted(table for table in after if after[table] != before[table])
        assert not changed, f"{text!r} was refused ({sorted(keys)}) but changed {changed}"


# -- tampered buttons ------------------------------------------------------------------------------------


FORGED = [
    "",
    "zz:jd",
    "t",
    "t:",
    "t:jd",
    "t:jd:abc",
    "t:jd:-1",
    "t:nosuch:0",
    "h:nosuch",
    "h:",
    "c:",
    "ct:jd:bogus",
    "ct:jd",
    "b:",
    "b:jd:extra",
    "接管:京东",
    "t:京东:0",
    "😀" * 16,
    "x" * 64,
    "t:" + "9" * 62,
    "mc:",
    "mc:garbage:1:abc",
    "mc:2026-10:1:abcdef123456",
    "mc:2026-10::",
    "mc:2026-10:-5:abc",
    "mx:2026-13:0:",
    "mx:2026-10:0:",
    "rm:s:999999",
    "rm:x:1",
    "rm:l:1:abc",
    "rm:h:",
    "\x00",
    "'; DROP TABLE holds; --",
]


async def test_a_tampered_button_gets_a_refusal_toast_and_changes_nothing(live, team, errors):
    wang, li, _boss = team
    await live.say(wang, "/console")
    console = live.console()
    before = snapshot(live.baton.engine)
    for data in FORGED:
        presser = li if data.startswith(("t", "h", "c", "b")) else wang  # someone else's hold; an agent on a supervisor's button
        reaction = await live.deliver(lambda data=data, presser=presser: live.sandbox.forge_press(console, presser, data))
        assert errors() == [] and live.sandbox.internal_errors == [], data
        (toast,) = reaction.toasts()
        assert toast and live.sandbox.callback_answers[-1].show_alert, f"{data!r}: a clear refusal, not a silent spinner"
        assert reaction.sent() == [], f"{data!r}: nothing is announced to the group"
        assert snapshot(live.baton.engine) == before, data


async def test_someone_elses_hand_off_and_case_buttons_are_refused(live, team, errors):
    wang, li, _boss = team
    await live.say(wang, "/console")
    console = live.console()
    before = snapshot(live.baton.engine)
    for press in (cb.Press(cb.HAND_OFF, "jd"), cb.Press(cb.CASE_TYPE, "jd", "complaint")):
        reaction = await live.press_as_seen(li, console, cb.encode(press))
        (toast,) = reaction.toasts()
        assert "王芳" in toast or "没有接管" in toast, toast
    after = snapshot(live.baton.engine)
    # A refused case shows its presser at the keyboard: the refusal is recorded, and offers a take-over
    # (in the group, as the bot cannot write to them privately). Nothing else changed.
    refusals = [row for row in after["audit_log"] if "case_refused" in row]
    after["audit_log"] = [row for row in after["audit_log"] if "case_refused" not in row]
    assert errors() == [] and after == before and len(refusals) == 1
    offer = live.sandbox.messages(live.group["id"])[-1]
    assert offer["message_id"] != console["message_id"] and "王芳" in offer["text"], "only the offer is announced"


async def test_text_no_database_can_store_is_refused_before_any_handler(live, team, errors):
    wang, li, boss = team
    before = snapshot(live.baton.engine)
    for command in ("/case jd 退款\x00", "/note 交接\x00说明", "/thanks 李雷 \x00", "/adjust @lilei +5 \x00"):
        reaction = await behind_marker(
            live, lambda command=command: live.sandbox.send_message(live.group, boss if "adjust" in command else wang, command), li
        )
        assert reaction.texts() == ["⚠️ 消息里有无法保存的控制字符（NUL），未做任何更改"], command
    assert errors() == [] and snapshot(live.baton.engine) == before
