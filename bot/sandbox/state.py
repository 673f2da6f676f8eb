"""Everything the simulated Bot API server remembers, behind one lock.

HTTP handler threads and the test's event loop thread both touch this state; every public
method takes the lock, and long polling waits on a Condition built on the same lock.
"""

from __future__ import annotations

import copy
import mimetypes
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from bot.sandbox.flood import WRITES, GroupFloodLimit
from domain.clock import Clock


class ApiError(Exception):
    """A Bot API failure, answered as {"ok": false, "error_code", "description"}."""

    def __init__(self, error_code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters  # ResponseParameters: retry_after on a 429


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass(frozen=True)
class ApiCall:
    method: str
    params: dict[str, Any]
    at: datetime
    seconds: float = field(default_factory=time.perf_counter)  # when it arrived, on the wall: for benchmarks


@dataclass(frozen=True)
class Upload:
    method: str
    chat_id: int
    filename: str
    content: bytes
    caption: str | None


class CallbackAnswer(NamedTuple):
    query_id: str
    text: str | None
    show_alert: bool
    seconds: float = 0.0  # when it arrived (time.perf_counter): for benchmarks


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    filename: str
    mime_type: str
    content: bytes


@dataclass
class _Pending:
    update: dict
    # A re-injected update_id the bot already confirmed must survive the offset that confirmed
    # it, or redelivery tests would see it silently dropped.
    redelivery: bool
    delivered: bool = False


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class SandboxState:
    token: str
    bot_user: dict
    clock: Clock = field(default_factory=SystemClock)

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self.updates_ready = threading.Condition(self.lock)
        self.closed = False
        self.flood: GroupFloodLimit | None = None  # Telegram's group limit, when a test or bench turns it on
        self.chats: dict[int, dict] = {}
        self.messages: dict[tuple[int, int], dict] = {}
        self._last_message_id: dict[int, int] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.open_queries: dict[str, int] = {}
        self.commands: dict[str, list[dict]] = {}
        self.calls: list[ApiCall] = []
        self.uploads: list[Upload] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.transcript: list[tuple] = []
        self.internal_errors: list[str] = []
        self.last_update: dict | None = None
        self.delivered_up_to = 0
        self._pending: list[_Pending] = []
        self._highest_update_id = 0
        self._poll_generation = 0
        self._file_counter = 0
        self._query_counter = 0
        self.users: dict[int, dict] = {}
        # (chat id, user id) -> "creator", "administrator", "member", "left" or "kicked". Anyone a
        # test has not placed counts as a member of every group, as the team the tests play is.
        self.member_status: dict[tuple[int, int], str] = {}
        self._failures: dict[str, list[ApiError]] = {}
        # getMe's can_read_all_group_messages: False while @BotFather's privacy mode is on.
        self.reads_all_group_messages = False

    # -- time -----------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def unix_now(self) -> int:
        return int(self.clock.now().timestamp())

    # -- chats and messages ---------------------------------------------------------------

    def register_chat(self, chat: dict) -> dict:
        with self.lock:
            self.chats.setdefault(chat["id"], dict(chat))
            return self.chats[chat["id"]]

    def chat(self, chat_id: object) -> dict:
        with self.lock:
            chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
            if chat is None:
                raise bad_request("chat not found")
            return chat

    def add_message(self, chat: dict, sender: dict, content: dict) -> dict:
        """Store a new message in the chat with the chat's next message_id; returns the stored dict."""
        with self.lock:
            message_id = self._last_message_id.get(chat["id"], 0) + 1
            self._last_message_id[chat["id"]] = message_id
            message = {
                "message_id": message_id,
                "from": dict(sender),
                "chat": dict(chat),
                "date": self.unix_now(),
                **content,
            }
            self.messages[(chat["id"], message_id)] = message
            return message

    def find_message(self, chat_id: object, message_id: object) -> dict | None:
        with self.lock:
            return self.messages.get((chat_id, message_id))  # type: ignore[arg-type]

    def is_from_bot(self, message: dict) -> bool:
        return message["from"]["id"] == self.bot_user["id"]

    def bot_messages(self, chat_id: int | None = None) -> list[dict]:
        with self.lock:
            return [
                copy.deepcopy(m) for (cid, _), m in self.messages.items() if self.is_from_bot(m) and (chat_id is None or cid == chat_id)
            ]

    # -- people and membership ------------------------------------------------------------

    def remember_user(self, user: dict) -> None:
        with self.lock:
            self.users[user["id"]] = dict(user)

    def status_of(self, chat_id: int, user_id: int) -> str:
        with self.lock:
            return self.member_status.get((chat_id, user_id), "member")

    # -- files ----------------------------------------------------------------------------

    def store_file(self, kind: str, filename: str, content: bytes, mime_type: str | None) -> StoredFile:
        """Keep uploaded bytes under a file_id; kind is "documents" or "photos" as in real paths."""
        with self.lock:
            self._file_counter += 1
            number = self._file_counter
            suffix = "." + filename.rsplit(".", 1)[1] if "." in filename else ""
            stored = StoredFile(
                file_id=f"{kind[:-1]}-{number}",
                file_unique_id=f"unique-{number}",
                file_path=f"{kind}/file_{number}{suffix}",
                filename=filename,
                mime_type=mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream",
                content=bytes(content),
            )
            self.files[stored.file_id] = stored
            self.files_by_path[stored.file_path] = stored
            return stored

    # -- callback queries -----------------------------------------------------------------

    def open_query(self, chat_id: int) -> str:
        with self.lock:
            self._query_counter += 1
            query_id = str(4_000_000_000_000_000 + self._query_counter)
            self.open_queries[query_id] = chat_id
            return query_id

    # -- updates and long polling ---------------------------------------------------------

    def next_update_id(self) -> int:
        with self.lock:
            return self._highest_update_id + 1

    def enqueue(self, update: dict) -> None:
        with self.updates_ready:
            update = copy.deepcopy(update)
            update_id = update["update_id"]
            redelivery = update_id <= self._highest_update_id
            self._highest_update_id = max(self._highest_update_id, update_id)
            self._pending.append(_Pending(update, redelivery))
            self.last_update = copy.deepcopy(update)
            self.updates_ready.notify_all()

    def drop_pending(self) -> None:
        with self.lock:
            self._pending.clear()

    def take_updates(self, offset: int | None, limit: int, timeout: float, allowed: list[str] | None) -> list[dict]:
        """getUpdates: confirm everything below offset, then wait up to timeout for the rest.

        A newer getUpdates ends an older one still waiting with 409, like Telegram does; this
        also frees the threads of long polls the client has already given up on.
        """
        deadline = time.monotonic() + timeout
        with self.updates_ready:
            self._poll_generation += 1
            generation = self._poll_generation
            self.updates_ready.notify_all()
            self._confirm(offset)
            while True:
                batch = [
                    p
                    for p in sorted(self._pending, key=lambda p: p.update["update_id"])
                    if not allowed or any(kind in p.update for kind in allowed)
                ][:limit]
                remaining = deadline - time.monotonic()
                if batch or remaining <= 0 or self.closed:
                    break
                self.updates_ready.wait(remaining)
                if generation != self._poll_generation:
                    raise ApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
            for pending in batch:
                pending.delivered = True
            return [copy.deepcopy(p.update) for p in batch]

    def _confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            # A negative offset keeps only the last -offset updates; the rest are forgotten.
            self._pending = self._pending[offset:]
            return
        self.delivered_up_to = max(self.delivered_up_to, offset - 1)
        self._pending = [p for p in self._pending if p.update["update_id"] >= offset or (p.redelivery and not p.delivered)]

    def close(self) -> None:
        with self.updates_ready:
            self.closed = True
            self.updates_ready.notify_all()

    # -- failures a test asks for ----------------------------------------------------------

    def fail_next(self, method: str, error: ApiError, times: int = 1) -> None:
        """Answer the next `times` calls of `method` with `error`, as a Telegram outage would."""
        with self.lock:
            self._failures.setdefault(method.lower(), []).extend([error] * times)

    def group_write(self, method: str, params: dict[str, Any]) -> int | None:
        """The group `method` writes to, when the flood limit is on and counts it; None otherwise."""
        if self.flood is None or method.lower() not in WRITES:
            return None
        chat_id = params.get("chat_id")
        with self.lock:
            chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        return chat_id if chat is not None and chat.get("type") in ("group", "supergroup") else None

    def take_failure(self, method: str) -> ApiError | None:
        with self.lock:
            queued = self._failures.get(method.lower())
            return queued.pop(0) if queued else None

    # -- records --------------------------------------------------------------------------

    def record_call(self, method: str, params: dict[str, Any]) -> None:
        with self.lock:
            self.calls.append(ApiCall(method, params, self.now()))

    def record_event(self, *event: object) -> None:
        """Append a transcript event; the instant goes in second place, after the kind."""
        with self.lock:
            kind, *rest = event
            self.transcript.append((kind, self.now(), *rest))
