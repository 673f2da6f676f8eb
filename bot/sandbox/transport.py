"""The HTTP side: routes PTB's requests to the Bot API methods and serves file downloads.

URLs are the ones PTB builds from base_url / base_file_url:
    POST /bot<TOKEN>/<method>          (GET with a query string works too, as on Telegram)
    GET  /file/bot<TOKEN>/<file_path>
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from bot.sandbox import methods
from bot.sandbox.state import ApiError, SandboxState
from bot.sandbox.wire import BadParameter, decode_params, parse_body

_LOGGER = logging.getLogger(__name__)


class SandboxHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    # A burst opens dozens of connections at once (every press answered side by side): socketserver's
    # listen backlog of 5 overflowed, and the kernel reset connections Telegram would have taken.
    request_queue_size = 128

    def __init__(self, state: SandboxState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.thread = threading.Thread(
            target=self.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="bot-api-sandbox",
            daemon=True,
        )

    @property
    def port(self) -> int:
        return self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The client hanging up (a cancelled long poll, a closed pool) is not a server failure.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server: SandboxHttpServer

    def log_message(self, format: str, *args: Any) -> None:
        _LOGGER.debug("sandbox %s", format % args)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._read_body()
        try:
            fields, files = parse_body(self.headers.get("Content-Type", ""), body)
        except (BadParameter, ValueError) as error:
            self._reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"})
            return
        self._api(path, fields, files)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith("/file/bot"):
            self._download(parts.path)
        else:
            self._api(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)), {})

    def _api(self, path: str, fields: dict, files: dict) -> None:
        state = self.server.state
        token, _, method = path.removeprefix("/bot").partition("/")
        if not path.startswith("/bot") or token != state.token:
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        try:
            params = decode_params(fields, files)
        except BadParameter as error:
            self._reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"})
            return
        state.record_call(method, params)
        group = state.group_write(method, params)
        try:
            if group is not None and (wait := state.flood.retry_after(group)) is not None:
                raise ApiError(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
            result = methods.call(state, method, params)
            if group is not None:
                state.flood.wrote(group)
        except ApiError as error:
            envelope = {"ok": False, "error_code": error.error_code, "description": error.description}
            if error.parameters:
                envelope["parameters"] = error.parameters
            self._reply(error.error_code, envelope)
        except Exception:  # a sandbox bug: make it loud in the test, not a silent hang
            state.internal_errors.append(traceback.format_exc())
            _LOGGER.exception("sandbox failed on %s", method)
            self._reply(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
        else:
            self._reply(200, {"ok": True, "result": result})

    def _download(self, path: str) -> None:
        state = self.server.state
        # PTB percent-encodes the whole path, the token's ":" included.
        token, _, file_path = unquote(path).removeprefix("/file/bot").partition("/")
        if token != state.token:
            self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        with state.lock:
            stored = state.files_by_path.get(file_path)
        if stored is None:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self._send(200, stored.content, stored.mime_type)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _reply(self, status: int, envelope: dict) -> None:
        self._send(status, json.dumps(envelope, ensure_ascii=False).encode(), "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
