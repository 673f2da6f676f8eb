"""A readable chat log of what users and the bot said, for the demo and for failing tests.

Events are tuples whose first two items are the kind and the instant:
    ("user", at, chat_id, user_name, text)        a message, document or button press
    ("bot", at, chat_id, text)                    sendMessage
    ("edit", at, chat_id, text)                   editMessageText / editMessageReplyMarkup
    ("toast", at, chat_id, text)                  answerCallbackQuery with a text
    ("delete", at, chat_id, text)                 deleteMessage
    ("photo" | "document", at, chat_id, filename, caption)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import tzinfo

_BOT_LABELS = {
    "bot": "bot",
    "edit": "bot (edited)",
    "toast": "bot (toast)",
    "delete": "bot (deleted)",
    "photo": "bot (photo)",
    "document": "bot (document)",
}
_INDENT = " " * 6  # the width of "HH:MM "


def format_transcript(events: Iterable[tuple], tz: tzinfo, chat_names: Mapping[int, str] | None = None) -> str:
    """One line per event, "HH:MM who: text" in local time; the chat is shown when there are several."""
    events = list(events)
    several_chats = len({event[2] for event in events}) > 1
    names = chat_names or {}
    lines: list[str] = []
    for kind, at, chat_id, *rest in events:
        where = f"[{names.get(chat_id, chat_id)}] " if several_chats else ""
        if kind == "user":
            who, text = rest
        elif kind in ("photo", "document"):
            filename, caption = rest
            who, text = _BOT_LABELS[kind], f"{filename}" + (f" — {caption}" if caption else "")
        else:
            who, text = _BOT_LABELS.get(kind, kind), rest[0]
        first, *more = (text or "").splitlines() or [""]
        lines.append(f"{at.astimezone(tz):%H:%M} {where}{who}: {first}")
        lines.extend(_INDENT + line for line in more)
    return "\n".join(lines)


def button_text(markup: dict | None, callback_data: str) -> str | None:
    """The label of the inline button carrying callback_data, or None if there is none."""
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if button.get("callback_data") == callback_data:
                return button["text"]
    return None
