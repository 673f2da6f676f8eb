"""The simulated Bot API server, driven by the real python-telegram-bot over HTTP."""

from __future__ import annotations

import asyncio
import html
import os
import struct
import time
import zlib
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, InvalidToken, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox import BotApiSandbox, format_transcript
from bot.sandbox.html_text import parse_html
from bot.sandbox.wire import UploadedFile, decode_params, parse_body
from domain.clock import ManualClock

TOKEN = "123456:TEST-TOKEN"
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9AM = datetime(2025, 3, 3, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("接班 京东", callback_data="t:jd"),
            InlineKeyboardButton("交班 京东", callback_data="h:jd"),
        ]
    ]
)


def png(width: int, height: int) -> bytes:
    """A valid greyscale PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# -- the bot under test: a few handlers in the shapes Baton uses -----------------------------


async def echo(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text(" ".join(ctx.args) or "(nothing)")


async def menu(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
    await update.message.reply_text("选择账号", reply_markup=KEYBOARD)


async def whois(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
    replied = update.message.reply_to_message
    await update.message.reply_text(f"回复的是 {replied.from_user.first_name}" if replied else "没有回复")


async def count(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
    ctx.bot_data["count"] = ctx.bot_data.get("count", 0) + 1
    await update.message.reply_text(f"第 {ctx.bot_data['count']} 次")


async def on_press(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    buttons = [b.text for row in query.message.reply_markup.inline_keyboard for b in row]
    await query.answer("收到")
    await query.edit_message_text(f"{query.from_user.first_name} 按了 {query.data}（{len(buttons)} 个按钮）")


async def measure_document(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.message
    data = await (await ctx.bot.get_file(message.document.file_id)).download_as_bytearray()
    commands = message.parse_caption_entities([MessageEntity.BOT_COMMAND]).values()
    await message.reply_text(" ".join([message.document.file_name, str(len(data)), *commands]))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_9AM)


@pytest.fixture
def sb(clock: ManualClock):
    with BotApiSandbox(token=TOKEN, bot_username="baton_bot", clock=clock) as sandbox:
        yield sandbox


@pytest.fixture
async def app(sb: BotApiSandbox):
    application = ApplicationBuilder().token(TOKEN).base_url(sb.base_url).base_file_url(sb.base_file_url).build()
    application.add_handlers(
        [
            CommandHandler("echo", echo),
            CommandHandler("menu", menu),
            CommandHandler("whois", whois),
            CommandHandler("count", count),
            CallbackQueryHandler(on_press),
            MessageHandler(filters.Document.ALL, measure_document),
        ]
    )
    await application.initialize()
    await application.start()
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


@pytest.fixture
async def bot(sb: BotApiSandbox):
    """A bare Bot for calling the API directly, without an Application polling alongside."""
    async with Bot(TOKEN, base_url=sb.base_url, base_file_url=sb.base_file_url) as plain_bot:
        yield plain_bot


@pytest.fixture
def alice(sb: BotApiSandbox) -> dict:
    return sb.user(1001, "Alice", username="alice")


@pytest.fixture
def group(sb: BotApiSandbox) -> dict:
    return sb.group()


def edited_in(chat: dict):
    """A wait_for predicate: the bot's last message in chat, once it has been edited."""

    def predicate(sandbox: BotApiSandbox) -> dict | None:
        last = sandbox.last_message(chat["id"])
        return last if last and "edit_date" in last else None

    return predicate


def reply_in(chat: dict, after: int = 0):
    """A wait_for predicate: the bot's first message in chat once it has sent more than `after`."""

    def predicate(sandbox: BotApiSandbox) -> dict | None:
        sent = sandbox.messages(chat["id"])
        return sent[after] if len(sent) > after else None

    return predicate


# -- end to end through the real Application -------------------------------------------------


@pytest.mark.e2e
async def test_a_command_is_answered_in_the_group(app, sb, group, alice, clock):
    sb.send_message(group, alice, "/echo 你好")

    reply = await sb.wait_for(reply_in(group))

    assert reply["text"] == "你好"
    assert reply["from"]["username"] == "baton_bot"
    assert reply["chat"] == group
    assert reply["date"] == int(clock.now().timestamp())
    assert [c.method for c in sb.calls if c.method != "getUpdates"][:2] == ["getMe", "deleteWebhook"]


@pytest.mark.e2e
async def test_a_command_addressed_to_this_bot_by_name_is_handled_and_one_for_another_bot_is_not(app, sb, group, alice):
    sb.send_message(group, alice, "/echo@other_bot 不是我")
    sb.send_message(group, alice, "/echo@baton_bot 是我")

    reply = await sb.wait_for(reply_in(group))
    await asyncio.sleep(0.1)

    assert reply["text"] == "是我"
    assert len(sb.messages(group["id"])) == 1


@pytest.mark.e2e
async def test_a_button_press_is_answered_and_edits_the_message_it_was_on(app, sb, group, alice):
    sb.send_message(group, alice, "/menu")
    console = await sb.wait_for(reply_in(group))

    query_id = sb.press_button(console, alice, "t:jd")
    edited = await sb.wait_for(edited_in(group))

    assert [answer[:3] for answer in sb.callback_answers] == [(query_id, "收到", False)]
    assert edited["message_id"] == console["message_id"]
    assert edited["text"] == "Alice 按了 t:jd（2 个按钮）"
    assert "reply_markup" not in edited  # editMessageText without markup drops the keyboard
    kinds = [(event[0], event[-1]) for event in sb.transcript]
    assert ("user", "[按钮] 接班 京东") in kinds
    assert ("toast", "收到") in kinds


@pytest.mark.e2e
async def test_pressing_a_button_the_message_no_longer_shows_is_refused(app, sb, group, alice):
    sb.send_message(group, alice, "/menu")
    console = await sb.wait_for(reply_in(group))
    sb.press_button(console, alice, "t:jd")
    await sb.wait_for(edited_in(group))

    with pytest.raises(ValueError, match="no button"):
        sb.press_button(console, alice, "h:jd")


@pytest.mark.e2e
async def test_a_handler_downloads_a_document_the_user_sent(app, sb, group, alice):
    export = os.urandom(200_000)
    sb.send_document(group, alice, "京东导出.xlsx", export)

    reply = await sb.wait_for(reply_in(group))

    assert reply["text"] == f"京东导出.xlsx {len(export)}"


@pytest.mark.e2e
async def test_a_document_caption_carries_its_command_like_telegram(app, sb, group, alice):
    message = sb.send_document(group, alice, "jd.csv", b"sid,time\n1,2\n", caption="/import jd")

    reply = await sb.wait_for(reply_in(group))

    assert message["caption_entities"] == [{"type": "bot_command", "offset": 0, "length": 7}]
    assert reply["text"] == "jd.csv 13 /import"


@pytest.mark.e2e
async def test_a_reply_lets_the_handler_see_whom_it_replies_to(app, sb, group, alice):
    bob = sb.user(1002, "Bob")
    original = sb.send_message(group, bob, "我先下了")
    sb.send_message(group, alice, "/whois", reply_to=original)

    reply = await sb.wait_for(reply_in(group))

    assert reply["text"] == "回复的是 Bob"


@pytest.mark.e2e
async def test_a_redelivered_update_reaches_the_handlers_again(app, sb, group, alice):
    sb.send_message(group, alice, "/count")
    await sb.wait_for(reply_in(group))
    await sb.wait_for(lambda s: s.delivered_up_to >= s.last_update["update_id"])

    sb.inject_update(sb.last_update)
    second = await sb.wait_for(reply_in(group, after=1))

    assert second["text"] == "第 2 次"


@pytest.mark.e2e
async def test_wait_for_reports_the_bots_last_calls_when_it_gives_up(app, sb, group, alice):
    sb.send_message(group, alice, "/echo 一")
    await sb.wait_for(reply_in(group))

    with pytest.raises(AssertionError, match=r"sendMessage .*'text': '一'"):
        await sb.wait_for(lambda s: False, timeout=0.05)


@pytest.mark.e2e
async def test_the_transcript_reads_as_a_chat_log_in_local_time(app, sb, group, alice, clock):
    sb.send_message(group, alice, "/echo 早上好")
    await sb.wait_for(reply_in(group))
    clock.advance(timedelta(minutes=5))
    sb.send_message(group, alice, "/echo 再见")
    await sb.wait_for(reply_in(group, after=1))

    log = format_transcript(sb.transcript, SHANGHAI)

    assert log.splitlines() == [
        "09:00 Alice: /echo 早上好",
        "09:00 bot: 早上好",
        "09:05 Alice: /echo 再见",
        "09:05 bot: 再见",
    ]


# -- the Bot API surface, called directly --------------------------------------------------


async def test_editing_to_identical_content_is_refused_as_not_modified(bot, sb, group):
    sent = await bot.send_message(group["id"], "值班表", reply_markup=KEYBOARD)

    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("值班表", group["id"], sent.message_id, reply_markup=KEYBOARD)
    await bot.edit_message_text("值班表", group["id"], sent.message_id)  # dropping the keyboard is a change
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("值班表", group["id"], sent.message_id + 99)

    assert "reply_markup" not in sb.last_message(group["id"])


async def test_markup_only_edits_follow_the_same_rules(bot, sb, group):
    sent = await bot.send_message(group["id"], "值班表")

    await bot.edit_message_reply_markup(group["id"], sent.message_id, reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_reply_markup(group["id"], sent.message_id, reply_markup=KEYBOARD)

    assert sb.last_message(group["id"])["reply_markup"] == KEYBOARD.to_dict()


async def test_photos_and_documents_the_bot_uploads_round_trip_byte_for_byte(bot, sb, group):
    chart = png(3, 2)
    sheet = os.urandom(50_000) + b"\r\n--boundary\r\n\r\n"

    photo = await bot.send_photo(group["id"], chart, caption="<b>日报</b>", parse_mode=ParseMode.HTML, filename="chart.png")
    document = await bot.send_document(group["id"], sheet, filename="月报 2025-03.xlsx")
    downloaded = await (await bot.get_file(document.document.file_id)).download_as_bytearray()

    assert (photo.photo[-1].width, photo.photo[-1].height) == (3, 2)
    assert photo.caption == "日报"
    assert [(u.method, u.filename, u.content, u.caption) for u in sb.uploads] == [
        ("sendPhoto", "chart.png", chart, "日报"),
        ("sendDocument", "月报 2025-03.xlsx", sheet, None),
    ]
    assert bytes(downloaded) == sheet


async def test_a_photo_that_is_not_an_image_is_refused(bot, group):
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(group["id"], b"sid,time\n", filename="jd.csv")


async def test_a_long_poll_returns_as_soon_as_an_update_arrives(bot, sb, group, alice):
    polling = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not polling.done()

    started = time.monotonic()
    sb.send_message(group, alice, "/echo hi")
    updates = await asyncio.wait_for(polling, timeout=2)

    assert time.monotonic() - started < 0.5
    assert [u.message.text for u in updates] == ["/echo hi"]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert sb.delivered_up_to == updates[-1].update_id


async def test_an_empty_long_poll_lasts_its_timeout(bot):
    started = time.monotonic()

    updates = await bot.get_updates(timeout=timedelta(milliseconds=300))

    assert updates == ()
    assert 0.3 <= time.monotonic() - started < 1.5


async def test_unconfirmed_updates_come_back_and_confirmed_ones_do_not(bot, sb, group, alice):
    for text in ("一", "二", "三"):
        sb.send_message(group, alice, text)

    first_two = await bot.get_updates(limit=2, timeout=0)
    again = await bot.get_updates(offset=first_two[0].update_id + 1, timeout=0)

    assert [u.message.text for u in first_two] == ["一", "二"]
    assert [u.message.text for u in again] == ["二", "三"]


async def test_a_second_instance_polling_ends_the_first_ones_poll_with_conflict(bot, sb):
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)

    async with Bot(TOKEN, base_url=sb.base_url, base_file_url=sb.base_file_url) as second_instance:
        await second_instance.get_updates(timeout=0)

    with pytest.raises(Conflict):
        await asyncio.wait_for(older, timeout=1)


async def test_dropping_pending_updates_forgets_what_was_queued(bot, sb, group, alice):
    sb.send_message(group, alice, "/echo 旧消息")

    await bot.delete_webhook(drop_pending_updates=True)

    assert await bot.get_updates(timeout=0) == ()


async def test_a_wrong_token_is_unauthorized(sb):
    intruder = Bot("654321:WRONG", base_url=sb.base_url, base_file_url=sb.base_file_url)

    try:
        with pytest.raises(InvalidToken):
            await intruder.initialize()
    finally:
        await intruder.shutdown()


async def test_an_unknown_method_is_not_found(sb):
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{sb.base_url}{TOKEN}/sendTelepathy", data={"chat_id": "1"})

    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_html_is_stored_as_plain_text_with_entities(bot, sb, group):
    sent = await bot.send_message(group["id"], "<b>接班</b> 张三 &lt;京东&gt;\n", parse_mode=ParseMode.HTML)

    assert sent.text == "接班 张三 <京东>"
    assert sent.text_html == "<b>接班</b> 张三 &lt;京东&gt;"
    assert sb.calls[-1].params["text"] == "<b>接班</b> 张三 &lt;京东&gt;\n"


async def test_html_telegram_cannot_parse_is_refused(bot, group):
    with pytest.raises(BadRequest, match=r'(?i)Unsupported start tag "br"'):
        await bot.send_message(group["id"], "第一行<br>第二行", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(group["id"], "<b>没关", parse_mode=ParseMode.HTML)


async def test_callback_data_over_64_bytes_is_refused(bot, group):
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("接班", callback_data="京" * 22)]])

    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(group["id"], "控制台", reply_markup=too_long)


async def test_a_callback_query_can_be_answered_once(bot, sb, group, alice):
    sent = await bot.send_message(group["id"], "控制台", reply_markup=KEYBOARD)
    query_id = sb.press_button(sent.to_dict(), alice, "h:jd")

    await bot.answer_callback_query(query_id, "已交班", show_alert=True)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)

    assert [answer[:3] for answer in sb.callback_answers] == [(query_id, "已交班", True)]


async def test_a_press_carries_the_message_as_currently_edited(bot, sb, group, alice):
    sent = await bot.send_message(group["id"], "控制台 v1", reply_markup=KEYBOARD)
    await bot.edit_message_text("控制台 v2", group["id"], sent.message_id, reply_markup=KEYBOARD)

    sb.press_button(sent.to_dict(), alice, "t:jd")
    (update,) = await bot.get_updates(timeout=0)

    assert update.callback_query.message.text == "控制台 v2"
    assert update.callback_query.data == "t:jd"
    assert update.callback_query.from_user.id == alice["id"]


async def test_sending_to_a_chat_the_bot_is_not_in_is_refused(bot):
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(-100999, "有人吗")


async def test_message_ids_increase_per_chat_and_deleted_messages_disappear(bot, sb, group, alice):
    private = sb.private_chat(alice)
    first = await bot.send_message(group["id"], "一")
    second = await bot.send_message(group["id"], "二")
    elsewhere = await bot.send_message(private["id"], "私聊")

    await bot.delete_message(group["id"], first.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(group["id"], first.message_id)

    assert second.message_id == first.message_id + 1
    assert elsewhere.message_id == 1
    assert [m["text"] for m in sb.messages(group["id"])] == ["二"]
    assert [m["text"] for m in sb.messages()] == ["二", "私聊"]


async def test_commands_are_kept_per_scope(bot):
    await bot.set_my_commands([("take", "接班"), ("handoff", "交班")])

    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("take", "接班"),
        ("handoff", "交班"),
    ]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Close-Month", "月结")])


async def test_get_chat_describes_the_group(bot, group):
    chat = await bot.get_chat(group["id"])

    assert (chat.id, chat.type, chat.title) == (group["id"], "supergroup", "客服组")


# -- request decoding, without a server ----------------------------------------------------


# Names a user's export could carry; the header parser trims outer spaces, which no export has.
FILENAMES = st.text(st.characters(categories=("L", "N")) | st.sampled_from(" -_.,;()[]（）'\"\\"), min_size=1, max_size=30).filter(
    lambda name: name == name.strip()
)


@settings(max_examples=100, deadline=None)
@given(content=st.binary(max_size=3000), caption=st.text(max_size=50), filename=FILENAMES)
def test_multipart_uploads_decode_to_the_bytes_and_fields_that_were_sent(content, caption, filename):
    request = httpx.Request(
        "POST",
        "http://sandbox/",
        data={"chat_id": "-100", "caption": caption},
        files={"document": (filename, content, "application/octet-stream")},
    )

    fields, files = parse_body(request.headers["content-type"], request.read())
    params = decode_params(fields, files)

    assert params["chat_id"] == -100
    assert params["caption"] == caption
    assert params["document"] == UploadedFile(filename, content, "application/octet-stream")


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_escaped_text_renders_back_to_itself(text):
    rendered, entities = parse_html(html.escape(text, quote=False))

    assert (rendered, entities) == (text, [])


def test_form_fields_keep_text_as_text_and_decode_typed_parameters():
    params = decode_params(
        {"chat_id": "-1001", "text": "42", "show_alert": "true", "reply_markup": '{"inline_keyboard": []}'},
        {},
    )

    assert params == {"chat_id": -1001, "text": "42", "show_alert": True, "reply_markup": {"inline_keyboard": []}}


# -- Telegram's flood limit for groups, when turned on ----------------------------------------------


async def test_the_group_limit_answers_429_with_retry_after_and_lets_edits_and_private_chats_be(sb, bot, group, alice):
    limit = sb.limit_group_writes(limit=2, window=1.0)
    first = await bot.send_message(group["id"], "一")
    await bot.edit_message_text("一（改）", chat_id=group["id"], message_id=first.message_id)
    with pytest.raises(RetryAfter) as waited:
        await bot.send_message(group["id"], "三")
    assert waited.value.retry_after.total_seconds() == 1
    private = sb.private_chat(alice)
    await bot.send_message(private["id"], "私聊不受群组限制")
    assert [m["text"] for m in sb.messages(group["id"])] == ["一（改）"]
    await asyncio.sleep(1.05)
    await bot.send_message(group["id"], "三")
    assert limit.refused == 1 and limit.busiest_window(group["id"]) == 2


async def test_the_group_budget_can_be_spent_from_outside(sb, bot, group):
    sb.limit_group_writes(limit=20, window=60.0)
    sb.flood.spend(group["id"])
    with pytest.raises(RetryAfter) as waited:
        await bot.send_message(group["id"], "满了")
    assert 59 <= waited.value.retry_after.total_seconds() <= 60
