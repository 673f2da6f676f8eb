"""Telegram's limits, kept in one place (bot/telegram_bot.py) and by every button Baton draws.

The bot is the real BatonBot talking HTTP to the simulated Bot API server, which refuses what
Telegram refuses: a text over 4096 characters, unbalanced HTML, callback_data over 64 bytes.
"""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import NetworkError

from bot.console import callbacks as cb
from bot.console.board import ConsoleLine
from bot.console.render import console_keyboard
from bot.core.config import ConfigError
from bot.digest.render import standings_message
from bot.ledger.service import RankedAgent
from bot.sandbox import BotApiSandbox
from bot.sandbox.html_text import parse_html, utf16_len
from bot.telegram.bot import MAX_TEXT, BatonBot, make_bot, split_text
from bot.telegram.buttons import MAX_BYTES
from bot.telegram.request import AiohttpRequest
from bot.text.i18n import CASE_TYPES, MESSAGES
from bot.text.renderer import Renderer
from domain.standings import Standing
from tests.factories import team_config

LONGEST_KEY = st.from_regex(r"[a-z0-9][a-z0-9_-]{23}", fullmatch=True)
ANY_KEY = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,23}", fullmatch=True)
BIG_ID = st.integers(min_value=0, max_value=2**63 - 1)  # a PostgreSQL bigint


# -- splitting -------------------------------------------------------------------------------------


def formatting(chunks: list[str]) -> list[tuple[str, frozenset[str]]]:
    """Every visible non-space character with the formatting on it, read the way Telegram reads HTML."""
    shown = []
    for chunk in chunks:
        text, entities = parse_html(chunk)  # raises on a tag left open
        offsets = [utf16_len(text[:i]) for i in range(len(text))]
        for i, ch in enumerate(text):
            if not ch.isspace():
                on = frozenset(e["type"] for e in entities if e["offset"] <= offsets[i] < e["offset"] + e["length"])
                shown.append((ch, on))
    return shown


PLAIN = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="<>&"), max_size=40)
SEGMENT = st.one_of(
    PLAIN,
    PLAIN.map(lambda s: f"<b>{s}</b>"),
    st.tuples(PLAIN, PLAIN).map(lambda p: f"<i>{p[0]}</i> &amp; &lt;{p[1]}&gt;"),
    st.lists(PLAIN, min_size=1, max_size=8).map(lambda rows: "<pre>" + "\n".join(rows) + "</pre>"),
    st.just("😀&#128512;"),
)
HTML_TEXT = st.lists(SEGMENT, max_size=30).map(lambda parts: "\n".join(parts))


@settings(max_examples=300, deadline=None)
@given(HTML_TEXT, st.integers(min_value=4, max_value=60))
def test_html_is_cut_into_well_formed_messages_that_keep_every_character_and_its_formatting(text, limit):
    chunks = split_text(text, html=True, limit=limit)
    if not parse_html(text)[0].strip():
        assert chunks == [text], "nothing to show: sent as it is, for Telegram to refuse"
        return
    for chunk in chunks:
        assert utf16_len(parse_html(chunk)[0]) <= limit
    assert formatting(chunks) == formatting([text])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=30), max_size=20),
    st.integers(min_value=2, max_value=40),
)
def test_plain_text_is_cut_at_line_ends_and_only_an_over_long_line_is_cut_inside(lines, limit):
    text = "\n".join(lines)
    chunks = split_text(text, html=False, limit=limit)
    if not text.strip():
        assert chunks == [text], "nothing to show: sent as it is, for Telegram to refuse"
        return
    assert all(utf16_len(chunk) <= limit for chunk in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())
    if all(utf16_len(line) <= limit for line in lines):
        whole = set(text.split("\n"))
        assert all(part in whole for chunk in chunks for part in chunk.split("\n"))


def test_a_text_that_fits_is_one_message_as_it_was_and_an_astral_character_counts_twice():
    assert split_text("ab😀", html=False, limit=4) == ["ab😀"]
    assert split_text("<b>a</b>\nb😀", html=True, limit=5) == ["<b>a</b>\nb😀"]  # tags show nothing
    assert split_text("a\nbc😀", html=False, limit=4) == ["a", "bc😀"]


def test_every_catalogue_string_closes_its_tags_on_the_line_that_opens_them():
    """So cutting a message at a line end never leaves a catalogue tag open; <pre> tables are reopened."""
    for key, entry in MESSAGES.items():
        for lang, template in entry.items():
            for line in template.split("\n"):
                parse_html(re.sub(r"\{[^{}]*\}", "x", line)), (key, lang)


# -- the bot against the simulated server ------------------------------------------------------------


@pytest.fixture
async def telegram():
    with BotApiSandbox() as sandbox:
        group = sandbox.group()
        bot = make_bot(sandbox.token, sandbox.base_url, sandbox.base_file_url, None)
        async with bot:
            yield sandbox, bot, group


def standings_of(count: int) -> list[RankedAgent]:
    return [
        RankedAgent(
            Standing(rank=i, agent_id=i, seconds_held=8 * 3600, cases=3, millipoints=100_000 - i, conversations=12.5), f"客服{i:04d}号"
        )
        for i in range(1, count + 1)
    ]


async def test_a_long_standings_table_goes_out_as_several_messages_with_the_keyboard_on_the_last(telegram):
    sandbox, bot, group = telegram
    render = Renderer(team_config())
    text = standings_message(render, datetime(2026, 11, 2).date(), standings_of(300))
    assert utf16_len(parse_html(text)[0]) > 2 * MAX_TEXT
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("↩", callback_data="b:jd")]])
    returned = await bot.send_message(group["id"], text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    sent = sandbox.messages(group["id"])
    assert len(sent) >= 3 and all(utf16_len(m["text"]) <= MAX_TEXT for m in sent)
    assert [bool(m.get("reply_markup")) for m in sent] == [False] * (len(sent) - 1) + [True]
    assert returned.message_id == sent[-1]["message_id"]
    assert all(any(e["type"] == "pre" for e in m.get("entities", [])) for m in sent[1:]), "the table stays monospace"
    assert "".join("".join(m["text"] for m in sent).split()) == "".join(parse_html(text)[0].split())


async def test_an_edit_to_the_same_content_is_not_an_error(telegram):
    _sandbox, bot, group = telegram
    sent = await bot.send_message(group["id"], "<b>控制台</b>", parse_mode=ParseMode.HTML)
    assert await bot.edit_message_text("<b>控制台</b>", group["id"], sent.message_id, parse_mode=ParseMode.HTML) is True
    edited = await bot.edit_message_text("<b>控制台 v2</b>", group["id"], sent.message_id, parse_mode=ParseMode.HTML)
    assert edited.text == "控制台 v2"


async def test_a_send_that_never_left_is_retried_and_posted_once():
    """The pool's only connection is busy with a long poll: the send times out waiting for it, then succeeds."""
    with BotApiSandbox() as sandbox:
        group = sandbox.group()
        shared = AiohttpRequest(1, connect_timeout=0.05, pool_timeout=0.05)
        bot = BatonBot(
            sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url, request=shared, get_updates_request=shared
        )
        async with bot:
            polling = asyncio.create_task(bot.get_updates(timeout=1))
            await sandbox.wait_for(lambda sb: any(c.method == "getUpdates" for c in sb.calls))
            sent = await bot.send_message(group["id"], "交班提醒")
            await polling
    assert [m["text"] for m in sandbox.messages(group["id"])] == ["交班提醒"]
    assert sent.text == "交班提醒"


async def test_a_send_that_may_have_landed_is_not_sent_twice_but_an_edit_is_retried(telegram):
    sandbox, bot, group = telegram
    sandbox.fail_next("sendMessage")  # 502: Telegram may or may not have posted it
    with pytest.raises(NetworkError):
        await bot.send_message(group["id"], "交班提醒")
    assert [c.method for c in sandbox.calls].count("sendMessage") == 1

    sent = await bot.send_message(group["id"], "控制台")
    sandbox.fail_next("editMessageText", times=2)
    edited = await bot.edit_message_text("控制台 v2", group["id"], sent.message_id)
    assert edited.text == "控制台 v2"
    assert [c.method for c in sandbox.calls].count("editMessageText") == 3


# -- callback_data -----------------------------------------------------------------------------------


def fits(data: str) -> bool:
    return 1 <= len(data.encode()) <= MAX_BYTES


@settings(max_examples=200, deadline=None)
@given(LONGEST_KEY, st.sampled_from(CASE_TYPES), BIG_ID)
def test_every_console_button_fits_64_bytes_with_the_longest_account_key(key, case_type, hold):
    presses = [
        cb.Press(cb.TAKE, key, seen_hold=hold),
        cb.Press(cb.HAND_OFF, key),
        cb.Press(cb.CASE_TYPE, key, case_type),
    ]
    for press in presses:
        data = cb.encode(press)
        assert fits(data) and cb.decode(data) == press


@settings(max_examples=200, deadline=None)
@given(st.integers(1000, 9999), st.integers(1, 12), st.integers(0, 99_999_999_999), st.text("0123456789abcdef", min_size=12, max_size=12))
def test_every_close_button_fits_64_bytes_with_the_largest_pool(year, month, pool_cents, checksum):
    """The largest pool /close_month accepts is 999,999,999.99 yuan (bot.month.parse.parse_pool)."""
    from bot.month import callbacks as month_cb

    label = f"{year}-{month:02d}"
    for press in (
        month_cb.ClosePress(month_cb.CONFIRM, label, pool_cents, checksum),
        month_cb.ClosePress(month_cb.CANCEL, label, pool_cents, ""),
    ):
        data = month_cb.encode(press)
        assert fits(data) and month_cb.decode(data) == press


@settings(max_examples=200, deadline=None)
@given(BIG_ID, st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2999, 12, 31), timezones=st.just(UTC)))
def test_every_reminder_button_fits_64_bytes(notice_id, at):
    rcb = pytest.importorskip("bot.reminders.callbacks")
    at = at.replace(microsecond=0)
    for press in (
        rcb.ReminderPress(rcb.STILL_ON, notice_id),
        rcb.ReminderPress(rcb.HAND_OFF_NOW, notice_id),
        rcb.ReminderPress(rcb.LEFT_AT, notice_id, at),
    ):
        data = rcb.encode(press)
        assert fits(data) and rcb.decode(data) == press


@settings(max_examples=50, deadline=None)
@given(st.lists(ANY_KEY, min_size=1, max_size=6, unique=True), BIG_ID)
def test_the_drawn_keyboards_fit_64_bytes_for_any_configured_accounts(keys, hold):
    config = team_config(accounts=[{"key": key, "platform": "other", "label": "店" * 30} for key in keys])
    render = Renderer(config)
    lines = [ConsoleLine(key, "王芳", 101, datetime(2026, 11, 2, tzinfo=UTC), holder_hold_id=hold) for key in keys]
    keyboards = [console_keyboard(render, lines)]
    for keyboard in keyboards:
        for row in keyboard.inline_keyboard:
            assert all(fits(button.callback_data) for button in row)


def test_config_refuses_an_account_key_too_long_for_a_button():
    with pytest.raises(ConfigError, match=r"accounts\[0\].key"):
        team_config(accounts=[{"key": "k" * 25, "platform": "jd", "label": "京东"}])
    assert team_config(accounts=[{"key": "k" * 24, "platform": "jd", "label": "京东"}]).accounts[0].key == "k" * 24
