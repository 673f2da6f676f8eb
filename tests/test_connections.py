"""The bot's connection pool (bot/telegram/connections.py) against a real HTTP server on 127.0.0.1:
an idle connection is used again while the server keeps it, and never once the server closed it."""

from __future__ import annotations

import asyncio
import select
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from bot.telegram.bot import make_bot
from bot.telegram.connections import TelegramTransport, readable

RESPONSE = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}'


@asynccontextmanager
async def server(*, close_after_response: bool) -> AsyncIterator[tuple[str, list[int]]]:
    """A keep-alive HTTP/1.1 server; with `close_after_response` it hangs up after each answer
    without saying so, as a server whose idle timeout ran out does. Yields its URL and a list that
    counts the connections it accepted."""
    accepted: list[int] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")), 0)
                await reader.readexactly(length)
                writer.write(RESPONSE)
                await writer.drain()
                if close_after_response:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    listening = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    async with listening:
        yield f"http://127.0.0.1:{port}", accepted


async def test_an_idle_connection_is_used_again_while_the_server_keeps_it() -> None:
    async with server(close_after_response=False) as (url, accepted), httpx.AsyncClient(transport=TelegramTransport(4)) as client:
        for _ in range(3):
            assert (await client.post(url, content=b"{}")).json() == {"ok": True}
    assert len(accepted) == 1


async def test_a_connection_the_server_closed_while_idle_is_not_sent_into() -> None:
    async with server(close_after_response=True) as (url, accepted), httpx.AsyncClient(transport=TelegramTransport(4)) as client:
        for _ in range(3):
            assert (await client.post(url, content=b"{}")).json() == {"ok": True}
            await asyncio.sleep(0.05)  # the server's hang-up reaches this end before the next request
    assert len(accepted) == 3


@pytest.mark.parametrize("has_poll", [True, False], ids=["poll", "select (Windows)"])
def test_a_socket_is_readable_once_its_peer_hung_up_and_not_before(has_poll: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if not has_poll:
        monkeypatch.delattr(select, "poll")
    ours, theirs = socket.socketpair()
    with ours:
        assert not readable(ours)
        theirs.close()
        assert readable(ours)
    assert readable(None)
    assert readable(ours)  # closed here: gone, as good as closed


async def test_the_bot_talks_to_telegram_through_this_pool() -> None:
    bot = make_bot("123:abc", "http://127.0.0.1:9/bot", "http://127.0.0.1:9/file/bot", None)
    for request in (bot.request, bot._request[0]):
        assert isinstance(request._client._transport, TelegramTransport)
