"""The bot's connections to Telegram: httpx's pool, with a cheaper look at its idle connections.

Before every request httpcore asks each idle connection in the pool whether the server has closed
it, so as not to send into a dead one. On asyncio it asks anyio, which builds a table of the
socket's attributes for each question and calls getpeername while it is at it. With the handful
of connections a burst of concurrent answers keeps open, that was 15% of the event loop's samples
in py-spy over bench/burst.py. Here each connection keeps its socket from the start, and the
question is a single poll of it, the check httpcore itself makes.
"""

from __future__ import annotations

import select
import socket
import ssl
import typing

import httpcore
import httpx

_IS_READABLE = "is_readable"


def readable(sock: socket.socket | None) -> bool:
    """Data, or the end of the stream, waiting to be read: on an idle connection, the server closed it."""
    if sock is None or sock.fileno() < 0:
        return True  # gone: as good as closed
    if not hasattr(select, "poll"):  # Windows
        return bool(select.select([sock], [], [], 0)[0])
    poll = select.poll()
    poll.register(sock, select.POLLIN)
    return bool(poll.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._socket: socket.socket | None = stream.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        if info == _IS_READABLE:
            return readable(self._socket)
        return self._stream.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._backend.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class TelegramTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (its errors, its HTTP/1.1) over a pool of up to `connections`."""

    def __init__(self, connections: int) -> None:
        limits = httpx.Limits(max_connections=connections)
        # httpx offers no way to hand its pool a network backend, so the pool it builds is replaced
        # by one built as httpx builds it (httpx/_transports/default.py), with ours. Its own is
        # never used, so it is built without loading the certificates.
        super().__init__(limits=limits, verify=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(),
        )
