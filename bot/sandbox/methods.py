"""The Bot API methods the sandbox answers, with Telegram's own error descriptions.

Each method takes the shared state and the decoded parameters and returns the ``result`` of
the envelope, or raises ApiError. They run under the state lock (see transport), except
getUpdates, which waits on the state's Condition.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable
from typing import Any

from bot.sandbox.html_text import EntityParseError, parse_html, strip_text, utf16_len
from bot.sandbox.membership import get_chat_administrators, get_chat_member
from bot.sandbox.state import ApiError, CallbackAnswer, SandboxState, StoredFile, Upload, bad_request
from bot.sandbox.wire import UploadedFile

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
MAX_TEXT = 4096
MAX_CAPTION = 1024
_BUTTON_ACTIONS = {
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")

Params = dict[str, Any]


# -- parameter helpers --------------------------------------------------------------------


def _chat(state: SandboxState, p: Params) -> dict:
    if "chat_id" not in p:
        raise bad_request("chat_id is empty")
    return state.chat(p["chat_id"])


def _formatted(p: Params, text_key: str, entities_key: str) -> tuple[str, list[dict]]:
    """The stored text and entities: HTML is rendered; Markdown modes are kept verbatim."""
    source = p.get(text_key) or ""
    if not isinstance(source, str):
        source = str(source)
    if (p.get("parse_mode") or "").lower() == "html":
        try:
            text, entities = parse_html(source)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
    else:
        text, entities = source, list(p.get(entities_key) or [])
    return strip_text(text, entities)


def _text_content(p: Params) -> dict:
    text, entities = _formatted(p, "text", "entities")
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return {"text": text, **({"entities": entities} if entities else {})}


def _caption_content(p: Params) -> dict:
    caption, entities = _formatted(p, "caption", "caption_entities")
    if utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    if not caption:
        return {}
    return {"caption": caption, **({"caption_entities": entities} if entities else {})}


def _inline_markup(p: Params) -> dict | None:
    """The inline keyboard to attach, validated; reply keyboards never appear on a Message."""
    markup = p.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            _check_button(button)
    return copy.deepcopy(markup)


def _check_button(button: object) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = _BUTTON_ACTIONS & button.keys()
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if "callback_data" in actions:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in actions and not re.match(r"(https?|tg)://", str(button["url"])):
        raise bad_request("BUTTON_URL_INVALID")


def _reply_to(state: SandboxState, chat: dict, p: Params) -> dict:
    parameters = p.get("reply_parameters") or {}
    if "reply_to_message_id" in p:
        parameters = {"message_id": p["reply_to_message_id"]}
    if not parameters:
        return {}
    replied = state.find_message(chat["id"], parameters.get("message_id"))
    if replied is None:
        if parameters.get("allow_sending_without_reply") or p.get("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    snapshot = copy.deepcopy(replied)
    snapshot.pop("reply_to_message", None)
    return {"reply_to_message": snapshot}


def _send(state: SandboxState, chat: dict, p: Params, content: dict) -> dict:
    markup = _inline_markup(p)
    full = {**content, **_reply_to(state, chat, p), **({"reply_markup": markup} if markup else {})}
    return copy.deepcopy(state.add_message(chat, state.bot_user, full))


def _editable(state: SandboxState, p: Params) -> dict:
    if "inline_message_id" in p:
        raise bad_request("inline messages are not simulated by the sandbox")
    chat = _chat(state, p)
    message = state.find_message(chat["id"], p.get("message_id"))
    if message is None:
        raise bad_request("message to edit not found")
    if not state.is_from_bot(message):
        raise bad_request("message can't be edited")
    return message


def _apply_edit(state: SandboxState, message: dict, changes: dict) -> dict:
    """Replace text/entities/markup, refusing an edit that changes nothing, as Telegram does."""
    keys = ("text", "entities", "reply_markup")
    if all(message.get(key) == changes.get(key) for key in keys):
        raise bad_request(NOT_MODIFIED)
    for key in keys:
        if changes.get(key):
            message[key] = changes[key]
        else:
            message.pop(key, None)
    message["edit_date"] = state.unix_now()
    state.record_event("edit", message["chat"]["id"], message.get("text") or message.get("caption"))
    return copy.deepcopy(message)


def _media(state: SandboxState, p: Params, field: str, kind: str) -> tuple[StoredFile, bool]:
    """The file to send and whether it was uploaded now (rather than re-sent by file_id)."""
    value = p.get(field)
    if isinstance(value, UploadedFile):
        return state.store_file(kind, value.filename, value.content, value.mime_type), True
    if isinstance(value, str) and value:
        if value in state.files:
            return state.files[value], False
        raise bad_request("wrong file identifier/HTTP URL specified")
    raise bad_request(f"there is no {field} in the request")


def _image_size(content: bytes) -> tuple[int, int] | None:
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    if content.startswith((b"\xff\xd8\xff", b"GIF8")) or content[8:12] == b"WEBP":
        return 0, 0
    return None


# -- methods --------------------------------------------------------------------------------


def get_me(state: SandboxState, p: Params) -> dict:
    return {
        **state.bot_user,
        "can_join_groups": True,
        "can_read_all_group_messages": state.reads_all_group_messages,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def get_chat(state: SandboxState, p: Params) -> dict:
    no_gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"), False)
    return {**_chat(state, p), "accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": no_gifts}


def send_message(state: SandboxState, p: Params) -> dict:
    chat = _chat(state, p)
    message = _send(state, chat, p, _text_content(p))
    state.record_event("bot", chat["id"], message["text"])
    return message


def edit_message_text(state: SandboxState, p: Params) -> dict:
    message = _editable(state, p)
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    # Without reply_markup Telegram drops the keyboard, so the markup is part of the change.
    return _apply_edit(state, message, {**_text_content(p), "reply_markup": _inline_markup(p)})


def edit_message_reply_markup(state: SandboxState, p: Params) -> dict:
    message = _editable(state, p)
    return _apply_edit(
        state,
        message,
        {
            "text": message.get("text"),
            "entities": message.get("entities"),
            "reply_markup": _inline_markup(p),
        },
    )


def answer_callback_query(state: SandboxState, p: Params) -> bool:
    query_id = str(p.get("callback_query_id", ""))
    if query_id not in state.open_queries:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    chat_id = state.open_queries.pop(query_id)
    text = p.get("text") or None
    state.callback_answers.append(CallbackAnswer(query_id, text, bool(p.get("show_alert")), time.perf_counter()))
    if text:
        state.record_event("toast", chat_id, text)
    return True


def send_photo(state: SandboxState, p: Params) -> dict:
    return _send_file(state, p, method="sendPhoto", field="photo", kind="photos")


def send_document(state: SandboxState, p: Params) -> dict:
    return _send_file(state, p, method="sendDocument", field="document", kind="documents")


def _send_file(state: SandboxState, p: Params, *, method: str, field: str, kind: str) -> dict:
    chat = _chat(state, p)
    caption = _caption_content(p)
    stored, uploaded = _media(state, p, field, kind)
    if field == "photo":
        size = _image_size(stored.content)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        content = {
            "photo": [
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": size[0],
                    "height": size[1],
                    "file_size": len(stored.content),
                }
            ]
        }
    else:
        content = {
            "document": {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": stored.filename,
                "mime_type": stored.mime_type,
                "file_size": len(stored.content),
            }
        }
    message = _send(state, chat, p, {**content, **caption})
    if uploaded:
        state.uploads.append(Upload(method, chat["id"], stored.filename, stored.content, caption.get("caption")))
    state.record_event(field, chat["id"], stored.filename, caption.get("caption"))
    return message


def get_file(state: SandboxState, p: Params) -> dict:
    stored = state.files.get(str(p.get("file_id", "")))
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


def delete_message(state: SandboxState, p: Params) -> bool:
    chat = _chat(state, p)
    message = state.messages.pop((chat["id"], p.get("message_id")), None)
    if message is None:
        raise bad_request("message to delete not found")
    state.record_event("delete", chat["id"], message.get("text") or message.get("caption"))
    return True


def _commands_key(p: Params) -> str:
    scope = p.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True) + "|" + (p.get("language_code") or "")


def set_my_commands(state: SandboxState, p: Params) -> bool:
    commands = p.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise bad_request("can't parse commands JSON object")
    for command in commands:
        if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(command.get("description") or "") <= 256:
            raise bad_request("command description must be 1-256 characters long")
    state.commands[_commands_key(p)] = copy.deepcopy(commands)
    return True


def get_my_commands(state: SandboxState, p: Params) -> list[dict]:
    return copy.deepcopy(state.commands.get(_commands_key(p), []))


def delete_my_commands(state: SandboxState, p: Params) -> bool:
    state.commands.pop(_commands_key(p), None)
    return True


def delete_webhook(state: SandboxState, p: Params) -> bool:
    if p.get("drop_pending_updates"):
        state.drop_pending()
    return True


def set_webhook(state: SandboxState, p: Params) -> bool:
    """Accepted and recorded in calls; the tests post the updates to the bot themselves."""
    secret = p.get("secret_token")
    if secret is not None and not _WEBHOOK_SECRET.fullmatch(str(secret)):
        raise bad_request("secret token contains unallowed characters")
    return True


def always_true(state: SandboxState, p: Params) -> bool:
    return True


def get_updates(state: SandboxState, p: Params) -> list[dict]:
    limit = p.get("limit") or 100
    if not isinstance(limit, int) or not 1 <= limit <= 100:
        limit = 100
    timeout = p.get("timeout") or 0
    if not isinstance(timeout, int | float):
        raise bad_request("invalid timeout specified")
    allowed = p.get("allowed_updates")
    return state.take_updates(p.get("offset"), limit, max(0.0, timeout), allowed or None)


# Keys are lower case: Bot API method names are case-insensitive.
METHODS: dict[str, Callable[[SandboxState, Params], Any]] = {
    "getme": get_me,
    "getupdates": get_updates,
    "deletewebhook": delete_webhook,
    "setwebhook": set_webhook,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "sendmessage": send_message,
    "editmessagetext": edit_message_text,
    "editmessagereplymarkup": edit_message_reply_markup,
    "answercallbackquery": answer_callback_query,
    "sendphoto": send_photo,
    "senddocument": send_document,
    "getfile": get_file,
    "deletemessage": delete_message,
    "getchat": get_chat,
    "getchatmember": get_chat_member,
    "getchatadministrators": get_chat_administrators,
    "sendchataction": always_true,
    "close": always_true,
    "logout": always_true,
}
LONG_POLLING = {"getupdates"}


def call(state: SandboxState, method: str, params: Params) -> Any:
    """Run one Bot API method; raises ApiError(404) for a method the sandbox does not know."""
    handler = METHODS.get(method.lower())
    if handler is None:
        raise ApiError(404, "Not Found")
    failure = state.take_failure(method)
    if failure is not None:
        raise failure
    if method.lower() in LONG_POLLING:
        return handler(state, params)
    with state.lock:
        return handler(state, params)
