"""The bot's HTTP to Telegram: python-telegram-bot's BaseRequest on aiohttp.

At a peak, answering presses is most of what the event loop does, and PTB's own HTTPXRequest
spent most of that in httpx, httpcore and anyio: the cancel scopes, locks and checks they wrap
around every request. aiohttp parses HTTP in C and learns that a server closed an idle connection
from the event loop, without asking. In bench/burst.py, alternating runs, Baton's processor time a
press fell by about a quarter (8.3–8.7 to 5.9–6.5 ms on a slow spell), and the presses a second
rose by about a third.

What PTB expects of a request is kept: its timeouts, its errors (TimedOut, NetworkError, the
original chained as the cause, so `never_sent` in bot/telegram/bot.py can tell a request that never
left this machine), and its wire: parameters url-encoded, or multipart when a file goes with them,
filenames escaped as httpx and browsers escape them. So is httpx's way with a proxy: the one
HTTP_PROXY or HTTPS_PROXY names is used unless NO_PROXY spares the host.
"""

from __future__ import annotations

import re
from typing import Any

import aiohttp
import httpx
from aiohttp import hdrs, payload
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

# The exceptions that say the request never reached the server: no connection was ever made for it.
NOT_SENT: tuple[type[BaseException], ...] = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)

# PTB's HTTPXRequest defaults, seconds.
READ_TIMEOUT = 5.0
WRITE_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0
MEDIA_WRITE_TIMEOUT = 20.0

# The HTML5 form encoding of a multipart parameter (httpx's, and a browser's).
_FORM_ESCAPES = {'"': "%22", "\\": "\\\\"} | {chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}
_FORM_ESCAPE = re.compile("|".join(re.escape(c) for c in _FORM_ESCAPES))


class AiohttpRequest(BaseRequest):
    """Requests to the Bot API over one aiohttp session, keeping at most `connections` open."""

    def __init__(
        self,
        connections: int = 256,
        *,
        read_timeout: float | None = READ_TIMEOUT,
        write_timeout: float | None = WRITE_TIMEOUT,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        pool_timeout: float | None = POOL_TIMEOUT,
        media_write_timeout: float | None = MEDIA_WRITE_TIMEOUT,
    ) -> None:
        self._connections = connections
        self._timeouts = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout, "pool": pool_timeout}
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # The CA bundle httpx trusts (certifi), as PTB's own request did: the same on every machine.
            connector = aiohttp.TCPConnector(limit=self._connections, ssl=httpx.create_ssl_context())
            self._session = aiohttp.ClientSession(connector=connector, headers={hdrs.USER_AGENT: self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data is not None and request_data.contains_files
        given = {"read": read_timeout, "write": write_timeout, "connect": connect_timeout, "pool": pool_timeout}
        chosen = {name: self._timeouts[name] if value is BaseRequest.DEFAULT_NONE else value for name, value in given.items()}
        if files and write_timeout is BaseRequest.DEFAULT_NONE:
            chosen["write"] = self._media_write_timeout
        proxy, proxy_auth = self._proxy_for(url)
        try:
            async with self._session.request(
                method, url, data=body(request_data), timeout=client_timeout(chosen), proxy=proxy, proxy_auth=proxy_auth
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts among them
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # The class name says what happened when the message is empty, as in PTB's HTTPXRequest.
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    def _proxy_for(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """The environment's proxy for the URL's scheme and host, looked up once for each: aiohttp's own
        `trust_env` would read the environment (and ~/.netrc) again for every request."""
        origin = url.split("/", 3)[:3]  # scheme, "", host and port
        key = "/".join(origin)
        if key not in self._proxies:
            try:
                self._proxies[key] = get_env_proxy_for_url(URL(key))
            except LookupError:
                self._proxies[key] = (None, None)
        return self._proxies[key]


def client_timeout(seconds: dict[str, float | None]) -> aiohttp.ClientTimeout:
    """PTB's four timeouts as aiohttp's: waiting for a connection from the pool and making it are
    aiohttp's `connect`, the gap between reads its `sock_read`. aiohttp has no write timeout of its
    own, so writing bounds the whole request instead, with the others added."""
    connect = _sum(seconds["pool"], seconds["connect"])
    return aiohttp.ClientTimeout(
        total=_sum(connect, seconds["write"], seconds["read"]),
        connect=connect,
        sock_connect=seconds["connect"],
        sock_read=seconds["read"],
    )


def _sum(*parts: float | None) -> float | None:
    """No limit when any part has none."""
    return None if any(part is None for part in parts) else sum(part for part in parts if part is not None)


def body(request_data: RequestData | None) -> dict[str, str] | aiohttp.MultipartWriter | None:
    """The parameters as a url-encoded form (aiohttp's for a dict), or a multipart one when files go with them."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    form = aiohttp.MultipartWriter("form-data")
    for name, value in request_data.json_parameters.items():
        form.append_payload(payload.StringPayload(value, headers={hdrs.CONTENT_DISPOSITION: disposition(name)}))
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        part = payload.get_payload(content, content_type=mime_type, headers={hdrs.CONTENT_DISPOSITION: disposition(name, filename)})
        form.append_payload(part)
    return form


def disposition(name: str, filename: str | None = None) -> str:
    """A part's Content-Disposition, its values in the HTML5 form encoding (UTF-8 left as it is)."""
    header = f'form-data; name="{_form_escape(name)}"'
    return header if filename is None else f'{header}; filename="{_form_escape(filename)}"'


def _form_escape(value: str) -> str:
    return _FORM_ESCAPE.sub(lambda match: _FORM_ESCAPES[match.group(0)], value)
