"""A customer-service system's pull API, served for real on 127.0.0.1 (docs/pull-api.md)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOKEN = "s3cret-token"
RATINGS = ["very_satisfied", "satisfied", None, "neutral", "dissatisfied"]


def dataset(count: int = 25) -> list[dict]:
    """Conversations as the platform serves them: most start in naive local time, every
    fifth carries an explicit offset, and each has a field the connector does not know."""
    first = datetime(2026, 11, 3, 9, 0, 0)
    conversations = []
    for n in range(count):
        local = first + timedelta(minutes=7 * n, seconds=n)
        started_at = local.isoformat() if n % 5 else local.replace(tzinfo=SHANGHAI).astimezone(UTC).isoformat()
        conversations.append(
            {
                "id": f"dd-{1000 + n}",
                "started_at": started_at,
                "first_response_s": 5 + n / 2,
                "avg_response_s": 20 + n,
                "customer_messages": 3 + n % 4,
                "agent_messages": 4 + n % 3,
                "rating": RATINGS[n % len(RATINGS)],
                "resolved": None if n % 7 == 0 else n % 2 == 0,
                "inquiry": n % 3 == 0,
                "paid": n % 6 == 0,
                "channel": "app" if n % 2 else "pc",
            }
        )
    return conversations


@dataclass(frozen=True)
class Fault:
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b'{"error": "internal"}'
    slow: bool = False


@dataclass(frozen=True)
class SeenRequest:
    path: str
    cursor: str | None
    limit: int
    authorization: str | None


@dataclass
class FakePlatform:
    """The customer-service system: serves ``conversations`` in pages behind a bearer token.

    The cursor is the offset of the next record ("o10"), opaque to the client. With
    ``overlap`` the cursor it hands out points that many records back, so pages replay.
    ``fault(request_number, cursor)`` may answer a request with a Fault instead."""

    conversations: list[dict]
    url: str = ""
    overlap: int = 0
    fault: Callable[[int, str | None], Fault | None] = lambda number, cursor: None
    requests: list[SeenRequest] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, request: SeenRequest) -> tuple[int, dict[str, str], bytes, bool]:
        with self.lock:
            self.requests.append(request)
            number = len(self.requests)
        if request.path != "/api/conversations":
            return 404, {}, b"not found", False
        if request.authorization != f"Bearer {TOKEN}":
            return 401, {}, b'{"error": "invalid token"}', False
        fault = self.fault(number, request.cursor)
        if fault is not None and not fault.slow:
            return fault.status, fault.headers, fault.body, False
        offset = 0 if request.cursor is None else int(request.cursor.removeprefix("o"))
        page = self.conversations[offset : offset + request.limit]
        end = offset + len(page)
        has_more = end < len(self.conversations)
        body = {"conversations": page, "next_cursor": f"o{max(end - self.overlap, offset)}", "has_more": has_more}
        return 200, {"Content-Type": "application/json"}, json.dumps(body).encode(), fault is not None

    def cursors_seen(self) -> list[str | None]:
        return [r.cursor for r in self.requests]


def handler_for(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            seen = SeenRequest(
                parts.path,
                query["cursor"][0] if "cursor" in query else None,
                int(query["limit"][0]),
                self.headers.get("Authorization"),
            )
            status, headers, body, slow = platform.answer(seen)
            if slow:
                platform.release.wait(5)  # the client has given up long before the test ends
                return
            self.send_response(status)
            for name, value in {"Content-Length": str(len(body)), **headers}.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextmanager
def serving(platform: FakePlatform) -> Iterator[FakePlatform]:
    """Serve ``platform`` on a free port of 127.0.0.1 and set its url while inside."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(platform))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    platform.url = f"http://127.0.0.1:{server.server_address[1]}/api/conversations"
    try:
        yield platform
    finally:
        platform.release.set()
        server.shutdown()
        server.server_close()
