"""The audit log in words: the latest entries as Telegram HTML (plain text for the shell), and the chain check's verdict."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape

from bot.audit.service import AlteredClose, BrokenEntry, Entry, Verified
from bot.text.i18n import t_or
from bot.text.layout import truncate
from bot.text.renderer import Renderer

DETAIL_WIDTH = 90  # 50 entries of this width still fit in two Telegram messages
MESSAGE_BUDGET = 3500  # under Telegram's 4096, with room for the HTML tags


def action_label(render: Renderer, action: str) -> str:
    """An action in words; one this catalogue does not know yet, as its stored name."""
    return t_or(render.lang, f"audit.action.{action}", action)


def detail_text(render: Renderer, detail: str) -> str:
    """The stored details as name=value, each name in words where the catalogue has it."""
    try:
        parsed = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(parsed, dict):
        return str(parsed)
    return ", ".join(
        f"{t_or(render.lang, f'audit.field.{key}', key)}={value}" for key, value in parsed.items() if value not in (None, "", [])
    )


def entries_messages(render: Renderer, entries: Sequence[Entry]) -> list[str]:
    """The entries as HTML messages, oldest first, split so none is too long for Telegram."""
    if not entries:
        return [render.t("audit.empty")]
    messages, current = [], render.t("audit.title", count=len(entries), tz=escape(str(render.tz)))
    for line in (_line(render, entry) for entry in entries):
        if len(current) + len(line) + 1 > MESSAGE_BUDGET:
            messages.append(current)
            current = line
        else:
            current += "\n" + line
    messages.append(current)
    return messages


def _line(render: Renderer, entry: Entry) -> str:
    when = entry.at.astimezone(render.tz).strftime("%Y-%m-%d %H:%M")
    actor = entry.actor if entry.actor is not None else render.t("audit.system")
    head = f"<code>#{entry.id}</code> {when} {escape(actor)} · {escape(action_label(render, entry.action))}"
    if entry.subject:
        head += f" {escape(entry.subject)}"
    detail = detail_text(render, entry.detail)
    return f"{head}\n    {escape(truncate(detail, DETAIL_WIDTH))}" if detail else head


def usage(render: Renderer, given: Sequence[str], maximum: int, default: int) -> str:
    return render.t("audit.usage", max=maximum, default=default, given=escape(" ".join(given)))


# -- `baton audit verify` ------------------------------------------------------------------------------


def broken(render: Renderer, entry: BrokenEntry) -> str:
    at = entry.at.astimezone(render.tz).isoformat(sep=" ", timespec="seconds")
    reason = render.t(f"audit.reason.{entry.reason}")
    return render.t("audit.verify_broken", id=entry.id, action=entry.action, at=at, reason=reason)


def head_missing(render: Renderer, noted_head: str) -> str:
    return render.t("audit.head_missing", head=noted_head)


def intact(render: Renderer, verified: Verified) -> str:
    return render.t("audit.verify_ok", count=verified.count, head=verified.head)


def unreadable(render: Renderer, error: str) -> str:
    return render.t("audit.unreadable", error=error)


def close_reason(render: Renderer, altered: AlteredClose) -> str:
    return render.t(f"audit.close_reason.{altered.reason}", stored=altered.stored[:12], recorded=(altered.recorded or "")[:12])


def altered_close(render: Renderer, altered: AlteredClose) -> str:
    return render.t("audit.close_mismatch", month=altered.month, version=altered.version, reason=close_reason(render, altered))
