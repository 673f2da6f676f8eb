"""The bot's HTTP (bot/telegram/request.py) against real servers on 127.0.0.1: connections kept and
dropped as the server says, PTB's errors with the cause that tells whether a request may have
arrived, and uploads the sandbox reads back byte for byte."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram.error import NetworkError, TimedOut

from bot.sandbox import BotApiSandbox
from bot.telegram.bot import make_bot, may_have_arrived, never_sent
from bot.telegram.request import AiohttpRequest, client_timeout, disposition

RESPONSE = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'


@asynccontextmanager
async def server(
    *, close_after_response: bool = False, answer: bool = True, requested: list[bytes] | None = None
) -> AsyncIterator[tuple[str, list[int]]]:
    """A keep-alive HTTP/1.1 server; with `close_after_response` it hangs up after each answer
    without saying so, as a server whose idle timeout ran out does; without `answer` it reads the
    request and says nothing. Yields its URL and a list that counts the connections it accepted;
    the request lines it read go to `requested`."""
    accepted: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                if requested is not None:
                    requested.append(head.split(b"\r\n", 1)[0])
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0)
                await reader.readexactly(length)
                if not answer:
                    await asyncio.sleep(3600)
                writer.write(RESPONSE)
                await writer.drain()
                if close_after_response:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        writer.close()

    listening = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    async with listening:
        yield f"http://127.0.0.1:{port}/bot123:abc/getMe", accepted
        listening.close()


async def test_an_idle_connection_is_used_again_while_the_server_keeps_it() -> None:
    async with server() as (url, accepted), AiohttpRequest(4) as request:
        for _ in range(3):
            assert await request.do_request(url, "POST") == (200, b'{"ok":true}')
    assert len(accepted) == 1


async def test_a_connection_the_server_closed_while_idle_is_not_sent_into() -> None:
    async with server(close_after_response=True) as (url, accepted), AiohttpRequest(4) as request:
        for _ in range(3):
            assert await request.do_request(url, "POST") == (200, b'{"ok":true}')
            await asyncio.sleep(0.05)  # the server's hang-up reaches this end before the next request
    assert len(accepted) == 3


async def test_a_refused_connection_is_a_network_error_that_never_left() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound and not listening: the connection is refused
        async with AiohttpRequest(4) as request:
            with pytest.raises(NetworkError) as raised:
                await request.do_request(f"http://127.0.0.1:{port}/bot123:abc/getMe", "POST")
    assert "ClientConnectorError" in str(raised.value)
    assert never_sent(raised.value)


async def test_a_server_that_never_answers_is_a_timeout_that_may_have_arrived() -> None:
    async with server(answer=False) as (url, _accepted), AiohttpRequest(4, read_timeout=0.2) as request:
        with pytest.raises(TimedOut) as raised:
            await request.do_request(url, "POST")
    assert may_have_arrived(raised.value)


async def test_waiting_too_long_for_a_connection_is_a_timeout_that_never_left() -> None:
    async with server(answer=False) as (url, _accepted), AiohttpRequest(1, connect_timeout=0.05, pool_timeout=0.05) as request:
        busy = asyncio.create_task(request.do_request(url, "POST", read_timeout=5))
        await asyncio.sleep(0.1)
        with pytest.raises(TimedOut) as raised:
            await request.do_request(url, "POST")
        busy.cancel()
    assert never_sent(raised.value) and not may_have_arrived(raised.value)


async def test_the_proxy_the_environment_names_is_used_unless_no_proxy_spares_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    requested: list[bytes] = []
    async with server(requested=requested) as (url, _accepted):
        proxy = url.split("/bot", 1)[0]
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.setenv("http_proxy", proxy)
        async with AiohttpRequest(4) as request:
            # Nothing listens on port 9: the answer can only have come through the proxy.
            assert await request.do_request("http://127.0.0.1:9/bot123:abc/getMe", "POST") == (200, b'{"ok":true}')
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        monkeypatch.setenv("no_proxy", "127.0.0.1")
        async with AiohttpRequest(4) as request:
            with pytest.raises(NetworkError):
                await request.do_request("http://127.0.0.1:9/bot123:abc/getMe", "POST")
    assert requested == [b"POST http://127.0.0.1:9/bot123:abc/getMe HTTP/1.1"]


def test_ptbs_timeouts_become_aiohttps_and_none_means_no_limit() -> None:
    timeout = client_timeout({"pool": 1.0, "connect": 5.0, "write": 20.0, "read": 5.0})
    assert (timeout.connect, timeout.sock_connect, timeout.sock_read, timeout.total) == (6.0, 5.0, 5.0, 31.0)
    unbounded = client_timeout({"pool": None, "connect": 5.0, "write": 5.0, "read": None})
    assert (unbounded.connect, unbounded.sock_read, unbounded.total) == (None, None, None)


def test_a_parts_name_and_filename_are_escaped_as_a_browser_escapes_them() -> None:
    assert disposition("document", '月报 "终"\\\r\n.xlsx') == 'form-data; name="document"; filename="月报 %22终%22\\\\%0D%0A.xlsx"'
    assert disposition("chat_id") == 'form-data; name="chat_id"'


async def test_uploads_and_their_names_reach_telegram_byte_for_byte() -> None:
    sheet = os.urandom(50_000) + b"\r\n--boundary\r\n\r\n"
    with BotApiSandbox() as sandbox:
        group = sandbox.group()
        async with make_bot(sandbox.token, sandbox.base_url, sandbox.base_file_url, None) as bot:
            sent = await bot.send_document(group["id"], sheet, filename='月报 "终" 2025-03.xlsx', caption="工资 & 奖金")
            downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert [(u.method, u.filename, u.content, u.caption) for u in sandbox.uploads] == [
        ("sendDocument", '月报 "终" 2025-03.xlsx', sheet, "工资 & 奖金")
    ]
    assert bytes(downloaded) == sheet


def test_the_bot_talks_to_telegram_through_aiohttp_for_calls_and_polling() -> None:
    bot = make_bot("123:abc", "http://127.0.0.1:9/bot", "http://127.0.0.1:9/file/bot", None)
    assert isinstance(bot.request, AiohttpRequest) and isinstance(bot._request[0], AiohttpRequest)
