"""What people type after /thanks and /note, read into values."""

from __future__ import annotations

import re

# "/thanks 李雷：耐心处理了退款": a name may end at Chinese or Latin punctuation as well as at a space.
_NAME_END = re.compile(r"[：:，,。!！]")


def split_name(words: list[str]) -> list[str]:
    """Words with the first one cut at punctuation that ends a name: ["李雷：谢谢"] → ["李雷", "谢谢"]."""
    if not words:
        return []
    head, *rest = words
    match = _NAME_END.search(head)
    if match and match.start() > 0:
        tail = head[match.end() :]
        return [head[: match.start()]] + ([tail] if tail else []) + rest
    return list(words)


def text_after_command(message_text: str | None) -> str:
    """Everything after `/command`, as typed: a note keeps its line breaks."""
    parts = (message_text or "").split(maxsplit=1)
    return parts[1] if len(parts) > 1 else ""
