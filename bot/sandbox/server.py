"""BotApiSandbox: a simulated Telegram Bot API server on 127.0.0.1 for e2e tests and the demo.

The real python-telegram-bot Application talks to it over HTTP::

    with BotApiSandbox() as sb:
        app = ApplicationBuilder().token(sb.token).base_url(sb.base_url) \
            .base_file_url(sb.base_file_url).build()

Tests play the users (send_message, press_button, send_document) and read what the bot did
(calls, messages, uploads, callback_answers, transcript). Every method here is synchronous,
thread-safe and quick, so it can be called from inside an asyncio test.
"""

from __future__ import annotations

import asyncio
import copy
import re
from collections.abc import Callable
from typing import Any, TypeVar

from bot.sandbox.flood import GroupFloodLimit
from bot.sandbox.html_text import utf16_len
from bot.sandbox.membership import chat_member
from bot.sandbox.state import ApiCall, ApiError, CallbackAnswer, SandboxState, SystemClock, Upload
from bot.sandbox.transcript import button_text
from bot.sandbox.transport import SandboxHttpServer
from domain.clock import Clock

T = TypeVar("T")
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{1,64})?")


class BotApiSandbox:
    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "baton_bot",
        clock: Clock | None = None,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError(f"a bot token looks like '123456:ABC…', not {token!r}")
        self.token = token
        self.bot_username = bot_username
        self.bot_user = {"id": int(bot_id), "is_bot": True, "first_name": "Baton", "username": bot_username}
        self._state = SandboxState(token, self.bot_user, clock or SystemClock())
        self._server: SandboxHttpServer | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> BotApiSandbox:
        if self._server is None:
            self._server = SandboxHttpServer(self._state)
            self._server.thread.start()
        return self

    def stop(self) -> None:
        """Release waiting long polls, then close the socket; safe to call twice."""
        self._state.close()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> BotApiSandbox:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox is not started")
        return self._server.port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- people and chats -----------------------------------------------------------------

    @staticmethod
    def user(
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "zh",
    ) -> dict:
        """A Telegram User dict (optional fields left out when None)."""
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        return {"id": user_id, "is_bot": False, "first_name": first_name, **{k: v for k, v in optional.items() if v is not None}}

    def group(self, chat_id: int = -1001234567890, title: str = "客服组") -> dict:
        """A supergroup the bot is in; the bot can only send to chats it knows."""
        return copy.deepcopy(self._state.register_chat({"id": chat_id, "type": "supergroup", "title": title}))

    def private_chat(self, user: dict) -> dict:
        """The user's private chat with the bot (as if they had pressed Start)."""
        names = {k: user[k] for k in ("first_name", "last_name", "username") if k in user}
        return copy.deepcopy(self._state.register_chat({"id": user["id"], "type": "private", **names}))

    def set_member(self, chat: dict | int, user: dict, status: str) -> None:
        """Place `user` in the group as "creator", "administrator", "member", "left" or "kicked".

        Someone never placed counts as a member: the users a test plays are the team.
        """
        if status not in ("creator", "administrator", "member", "left", "kicked"):
            raise ValueError(f"unknown chat member status {status!r}")
        chat_id = chat if isinstance(chat, int) else chat["id"]
        with self._state.lock:
            self._state.remember_user(user)
            self._state.member_status[(chat_id, user["id"])] = status

    def change_member(self, chat: dict, user: dict, status: str, by: dict | None = None) -> dict:
        """`user` leaves (`by` nobody), or is removed or re-added by `by`: the status getChatMember
        answers from now on, and a chat_member update (Telegram sends one to a bot that is an admin)."""
        chat_id = chat["id"]
        with self._state.lock:
            before = chat_member(self._state, chat_id, user["id"])
            self.set_member(chat, user, status)
            change = {
                "chat": copy.deepcopy(self._state.chat(chat_id)),
                "from": dict(by or user),
                "date": self._state.unix_now(),
                "old_chat_member": before,
                "new_chat_member": chat_member(self._state, chat_id, user["id"]),
            }
            self._state.record_event("user", chat_id, _display_name(user), f"({status})")
            self._enqueue({"chat_member": change})
            return copy.deepcopy(change)

    def add_bot_to_group(self, chat: dict, by_user: dict, status: str = "member") -> dict:
        """`by_user` adds the bot to `chat` (as "member" or "administrator"): a my_chat_member update."""
        if status not in ("member", "administrator"):
            raise ValueError(f"the bot joins as a member or an administrator, not {status!r}")
        with self._state.lock:
            chat = self._state.register_chat(chat)
            bot = self.bot_user
            self._state.remember_user(by_user)
            self._state.remember_user(bot)
            self._state.member_status[(chat["id"], bot["id"])] = status
            change = {
                "chat": copy.deepcopy(chat),
                "from": dict(by_user),
                "date": self._state.unix_now(),
                "old_chat_member": {"status": "left", "user": dict(bot)},
                "new_chat_member": chat_member(self._state, chat["id"], bot["id"]),
            }
            self._state.record_event("user", chat["id"], _display_name(by_user), f"(adds @{self.bot_username})")
            self._enqueue({"my_chat_member": change})
            return copy.deepcopy(change)

    @property
    def reads_all_group_messages(self) -> bool:
        return self._state.reads_all_group_messages

    @reads_all_group_messages.setter
    def reads_all_group_messages(self, value: bool) -> None:
        """Privacy mode off in @BotFather; the bot learns it from getMe, so set it before starting the bot."""
        self._state.reads_all_group_messages = value

    # -- playing the users ----------------------------------------------------------------

    def send_message(self, chat: dict | int, user: dict, text: str, reply_to: dict | int | None = None) -> dict:
        """A user writes in a chat; a leading /command gets its bot_command entity."""
        content: dict[str, Any] = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        with self._state.lock:
            chat = self._chat(chat)
            if reply_to is not None:
                content["reply_to_message"] = self._replied(chat, reply_to)
            return self._user_posts(chat, user, content, text)

    def send_document(
        self,
        chat: dict | int,
        user: dict,
        filename: str,
        content: bytes,
        caption: str | None = None,
        mime_type: str | None = None,
        announced_size: int | None = -1,
    ) -> dict:
        """A user uploads a file; getFile resolves its file_id and its bytes can be downloaded.

        ``announced_size``: the file_size the message claims (a client's word, not checked): the
        real size by default, another number, or None for no file_size at all."""
        with self._state.lock:
            chat = self._chat(chat)
            stored = self._state.store_file("documents", filename, content, mime_type)
            message: dict[str, Any] = {
                "document": {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_name": filename,
                    "mime_type": stored.mime_type,
                }
            }
            if announced_size is not None:
                message["document"]["file_size"] = len(content) if announced_size == -1 else announced_size
            if caption:
                message["caption"] = caption
                entities = _command_entities(caption)
                if entities:
                    message["caption_entities"] = entities
            shown = f"[文件] {filename}" + (f" {caption}" if caption else "")
            return self._user_posts(chat, user, message, shown)

    def press_button(self, message: dict, user: dict, data: str) -> str:
        """A user taps the inline button carrying `data` on a bot message; returns the query id.

        The callback query carries the message as it is now (after edits). Pressing a button
        the message does not currently show raises ValueError: that is a bug in the test.
        """
        state = self._state
        with state.lock:
            chat_id = message["chat"]["id"]
            current = state.find_message(chat_id, message["message_id"])
            if current is None:
                raise ValueError(f"message {message['message_id']} in chat {chat_id} does not exist")
            label = button_text(current.get("reply_markup"), data)
            if label is None:
                shown = [b.get("callback_data") for row in current.get("reply_markup", {}).get("inline_keyboard", []) for b in row]
                raise ValueError(f"no button with callback_data {data!r}; the message shows {shown}")
            return self._press(current, user, data, label)

    def forge_press(self, message: dict, user: dict, data: str) -> str:
        """A press carrying `data` whatever `message` shows (or whether the sandbox knows it):
        what a tampered client, or a button from an older version, delivers."""
        with self._state.lock:
            current = self._state.find_message(message["chat"]["id"], message["message_id"]) or message
            return self._press(current, user, data, "(forged)")

    def _press(self, message: dict, user: dict, data: str, label: str) -> str:
        state = self._state
        with state.lock:
            chat_id = message["chat"]["id"]
            state.remember_user(user)
            query_id = state.open_query(chat_id)
            state.record_event("user", chat_id, _display_name(user), f"[按钮] {label}")
            self._enqueue(
                {
                    "callback_query": {
                        "id": query_id,
                        "from": dict(user),
                        "message": copy.deepcopy(message),
                        "chat_instance": f"sandbox{abs(chat_id)}",
                        "data": data,
                    }
                }
            )
            return query_id

    def limit_group_writes(self, limit: int = 20, window: float = 60.0) -> GroupFloodLimit:
        """Enforce Telegram's group flood limit from now on: 429 with retry_after past `limit` writes in `window` s."""
        self._state.flood = GroupFloodLimit(limit, window)
        return self._state.flood

    @property
    def flood(self) -> GroupFloodLimit | None:
        return self._state.flood

    def fail_next(self, method: str, error_code: int = 502, description: str = "Bad Gateway", times: int = 1) -> None:
        """The next `times` calls of `method` fail with this HTTP error, as during a Telegram outage."""
        self._state.fail_next(method, ApiError(error_code, description), times)

    def inject_update(self, update: dict) -> None:
        """Queue a raw update as is; re-injecting a confirmed update_id delivers it again."""
        self._state.enqueue(update)

    @property
    def last_update(self) -> dict | None:
        with self._state.lock:
            return copy.deepcopy(self._state.last_update)

    # -- reading what the bot did ---------------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every request in arrival order, getUpdates included; params are decoded."""
        with self._state.lock:
            return list(self._state.calls)

    def messages(self, chat_id: int | None = None) -> list[dict]:
        """The bot's messages as they are now (edited, not deleted), in the order sent."""
        return self._state.bot_messages(chat_id)

    def last_message(self, chat_id: int | None = None) -> dict | None:
        sent = self._state.bot_messages(chat_id)
        return sent[-1] if sent else None

    def answered(self) -> int:
        """How many presses the bot has answered: cheap enough to poll in a benchmark's loop."""
        with self._state.lock:
            return len(self._state.callback_answers)

    def sent_to(self, chat_id: int) -> int:
        """How many messages the bot has sent to a chat (edits aside): cheap enough to poll."""
        with self._state.lock:
            return sum(1 for c in self._state.calls if c.method == "sendMessage" and c.params.get("chat_id") == chat_id)

    @property
    def uploads(self) -> list[Upload]:
        with self._state.lock:
            return list(self._state.uploads)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        with self._state.lock:
            return list(self._state.callback_answers)

    @property
    def transcript(self) -> list[tuple]:
        with self._state.lock:
            return list(self._state.transcript)

    @property
    def chat_names(self) -> dict[int, str]:
        """Chat id to title (groups) or first name (private chats), for format_transcript."""
        with self._state.lock:
            return {cid: chat.get("title") or chat.get("first_name") or str(cid) for cid, chat in self._state.chats.items()}

    @property
    def delivered_up_to(self) -> int:
        """The highest update_id the bot has confirmed through getUpdates' offset."""
        with self._state.lock:
            return self._state.delivered_up_to

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of sandbox bugs (answered with HTTP 500); empty in a healthy run."""
        with self._state.lock:
            return list(self._state.internal_errors)

    async def wait_for(self, predicate: Callable[[BotApiSandbox], T], timeout: float = 5.0) -> T:
        """Poll predicate(self) until it returns something truthy and return that.

        On timeout, raise AssertionError listing the bot's last 10 calls (getUpdates left out).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate(self)
            if result:
                return result
            if loop.time() >= deadline:
                raise AssertionError(self._timeout_report(predicate, timeout))
            await asyncio.sleep(0.01)

    # -- internals ------------------------------------------------------------------------

    def _chat(self, chat: dict | int) -> dict:
        if isinstance(chat, int):
            return self._state.chat(chat)
        return self._state.register_chat(chat)

    def _replied(self, chat: dict, reply_to: dict | int) -> dict:
        message_id = reply_to["message_id"] if isinstance(reply_to, dict) else reply_to
        replied = self._state.find_message(chat["id"], message_id)
        if replied is None:
            raise ValueError(f"no message {message_id} in chat {chat['id']} to reply to")
        snapshot = copy.deepcopy(replied)
        snapshot.pop("reply_to_message", None)  # Telegram never nests replies further
        return snapshot

    def _user_posts(self, chat: dict, user: dict, content: dict, shown: str) -> dict:
        self._state.remember_user(user)
        message = self._state.add_message(chat, user, content)
        self._state.record_event("user", chat["id"], _display_name(user), shown)
        self._enqueue({"message": message})
        return copy.deepcopy(message)

    def _enqueue(self, payload: dict) -> None:
        with self._state.lock:
            self._state.enqueue({"update_id": self._state.next_update_id(), **payload})

    def _timeout_report(self, predicate: Callable[..., object], timeout: float) -> str:
        name = getattr(predicate, "__qualname__", repr(predicate))
        calls = [c for c in self.calls if c.method.lower() != "getupdates"][-10:]
        lines = [f"sandbox: {name} still falsy after {timeout}s; the bot's last {len(calls)} calls:"]
        lines += [f"  {c.method} {_short(c.params)}" for c in calls] or ["  (none)"]
        if self.internal_errors:
            lines.append("sandbox internal errors:")
            lines += self.internal_errors
        return "\n".join(lines)


def _command_entities(text: str) -> list[dict]:
    match = _COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}]


def _display_name(user: dict) -> str:
    return " ".join(part for part in (user.get("first_name"), user.get("last_name")) if part)


def _short(params: dict) -> str:
    shown = {k: (f"<{len(v.content)} bytes>" if hasattr(v, "content") else v) for k, v in params.items()}
    text = repr(shown)
    return text if len(text) <= 300 else text[:297] + "..."
